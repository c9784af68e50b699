import type { SecretBox } from '../crypto/secret-box.js';
import type { Store } from '../store/index.js';
import { type Clock, systemClock } from './clock.js';
import { createEmailAddressService } from './email-addresses.js';
import { createInstanceService } from './instance.js';
import { createJwtTemplateService } from './jwt-templates.js';
import { createKeyring } from './keyring.js';
import { createPasswordVerifier } from './password-verification.js';
import { createSessionService } from './sessions.js';
import { createTokenService } from './tokens.js';
import { createUserMetadataService } from './user-metadata.js';
import { createUserService } from './users.js';

export interface DomainOptions {
  store: Store;
  box: SecretBox;
  /** The public URL; it is the tokens' `iss`, which the SDKs compare with the publishable key's host. */
  publicUrl: string;
  clock?: Clock;
}

/** Wires every domain service over one store. No HTTP types below this line. */
export function createDomain(options: DomainOptions) {
  const { store, box } = options;
  const clock = options.clock ?? systemClock;
  const instance = createInstanceService(store, box, clock);
  const keyring = createKeyring(store, box, clock);
  const users = createUserService(store, clock);
  const jwtTemplates = createJwtTemplateService(store, box, keyring, clock);
  const tokens = createTokenService({ store, clock, keyring, instance, jwtTemplates, issuer: new URL(options.publicUrl).origin });
  return {
    store,
    clock,
    instance,
    keyring,
    users,
    userMetadata: createUserMetadataService(store, clock, tokens.assertClaimsFit),
    verifyPassword: createPasswordVerifier(store, clock),
    emailAddresses: createEmailAddressService(store, clock),
    sessions: createSessionService(store, clock),
    jwtTemplates,
    tokens,
  };
}

export type Domain = ReturnType<typeof createDomain>;
