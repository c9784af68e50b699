import type { SecretBox } from '../crypto/secret-box.js';
import { buildPublishableKey } from '../keys.js';
import type { Store } from '../store/index.js';
import { createBackendClientService } from './backend-clients.js';
import { type Clock, systemClock } from './clock.js';
import { createDevOutbox } from './dev-outbox.js';
import { createEmailAddressService } from './email-addresses.js';
import { createAttackProtection, DEFAULT_LOCKOUT, type LockoutPolicy } from './frontend/attack-protection.js';
import { createClientSnapshots } from './frontend/client-snapshot.js';
import { createClientService } from './frontend/clients.js';
import type { CodeSender, LinkSender, SmsSender } from './frontend/delivery.js';
import { createEmailLinkService } from './frontend/email-links.js';
import { cookieSuffix, createHandshakeService } from './frontend/handshake.js';
import { createMeService } from './frontend/me.js';
import { createMeFactorService } from './frontend/me-factors.js';
import { createPasskeyCeremonies } from './frontend/passkeys.js';
import { createSignInService } from './frontend/sign-ins.js';
import { createSignUpService } from './frontend/sign-ups.js';
import { createVerificationCodes } from './frontend/verification-codes.js';
import { createImageService } from './images/images.js';
import { createInstanceService } from './instance.js';
import { createJwtTemplateService } from './jwt-templates.js';
import { createKeyRotationService } from './key-rotation.js';
import { createKeyring } from './keyring.js';
import { createApiKeyService } from './machine-auth/api-keys.js';
import { createM2MTokenService } from './machine-auth/m2m-tokens.js';
import { createMachineService } from './machine-auth/machines.js';
import { createOrganizationService } from './organizations.js';
import { createPasswordVerifier } from './password-verification.js';
import { createPhoneNumberService } from './phone-numbers.js';
import { createSessionActivityService } from './session-activities.js';
import { createSessionService } from './sessions.js';
import { createTestingTokenService } from './testing-tokens.js';
import { createTokenService } from './tokens.js';
import { createUserMetadataService } from './user-metadata.js';
import { createUserService } from './users.js';

export interface DomainOptions {
  store: Store;
  box: SecretBox;
  /** The public URL; it is the tokens' `iss`, which the SDKs compare with the publishable key's host. */
  publicUrl: string;
  clock?: Clock;
  /** Delivers one-time codes (the mail module); tests may pass their own. */
  sendCode: CodeSender;
  /** Delivers SMS codes (an HTTP gateway, or the dev outbox); without it phone codes cannot be sent. */
  sendSms?: SmsSender;
  /** Delivers e-mail links (the mail module); without it e-mail links cannot be sent. */
  sendLink?: LinkSender;
  /** Automatic user lockout (Clerk's defaults when absent). */
  lockout?: LockoutPolicy;
}

/** Wires every domain service over one store. No HTTP types below this line. */
export function createDomain(options: DomainOptions) {
  const { store, box } = options;
  const clock = options.clock ?? systemClock;
  const instance = createInstanceService(store, box, clock);
  const keyring = createKeyring(store, box, clock);
  const jwtTemplates = createJwtTemplateService(store, box, keyring, clock);
  const images = createImageService(store, clock, options.publicUrl);
  const tokens = createTokenService({
    store,
    clock,
    keyring,
    instance,
    jwtTemplates,
    issuer: new URL(options.publicUrl).origin,
    imageLinks: images.links,
  });
  const users = createUserService(store, clock, tokens.assertClaimsFit);
  const sessions = createSessionService(store, clock);
  const emailAddresses = createEmailAddressService(store, clock);
  const verifyPassword = createPasswordVerifier(store, clock);
  const isDevelopment = () => instance.get().environmentType === 'development';
  const publishableKey = () => buildPublishableKey(instance.get().environmentType, options.publicUrl);
  const frontendSettings = async () => (await instance.settings()).frontend;
  const protection = createAttackProtection({ store, clock, policy: () => options.lockout ?? DEFAULT_LOCKOUT });
  const codes = createVerificationCodes(store, clock, () => instance.get().hmacKey, isDevelopment, options.sendCode, protection, {
    sendSms: options.sendSms,
    sendLink: options.sendLink,
  });
  const passwordless = async () => (await instance.settings()).passwordless;
  const phoneNumbers = createPhoneNumberService(store, clock);
  const passkeys = createPasskeyCeremonies({ store, clock, codes, appName: async () => (await frontendSettings()).applicationName });
  const verifyUrl = (token: string) => `${options.publicUrl.replace(/\/$/, '')}/v1/verify?token=${encodeURIComponent(token)}`;
  const clients = createClientService(store, clock, sessions);
  const signIns = createSignInService({
    store,
    clock,
    clients,
    sessions,
    codes,
    verifyPassword,
    enumerationKey: () => instance.get().hmacKey,
    protection,
    phones: phoneNumbers,
    passkeys,
    verifyUrl,
    passwordless,
  });
  const signUps = createSignUpService({
    store,
    clock,
    clients,
    users,
    sessions,
    codes,
    verifyPassword,
    emailAddresses,
    settings: frontendSettings,
    passwordless,
    passkeys,
    verifyUrl,
  });
  const machines = createMachineService(store, box, clock);
  return {
    publishableKey,
    isDevelopment,
    clients,
    signIns,
    signUps,
    clientSnapshots: createClientSnapshots({ clients, signIns, signUps, tokens, clock, protection }),
    me: createMeService({
      store,
      clock,
      users,
      emailAddresses,
      codes,
      verifyPassword,
      protection,
      settings: frontendSettings,
      clients,
      sessions,
    }),
    meFactors: createMeFactorService({
      store,
      clock,
      users,
      phones: phoneNumbers,
      codes,
      passkeys,
      protection,
      settings: passwordless,
      verifyUrl,
    }),
    emailLinks: createEmailLinkService({ store, clock, codes, signIns, signUps }),
    phoneNumbers,
    passwordless,
    handshake: createHandshakeService({
      store,
      clock,
      clients,
      tokens,
      names: () => ({ suffix: cookieSuffix(publishableKey()), development: isDevelopment() }),
    }),
    clock,
    /** Throws when the database does not answer (`/readyz`). */
    ping: () => store.ping(),
    testingTokens: createTestingTokenService(store, clock, isDevelopment),
    devOutbox: createDevOutbox(store),
    instance,
    keyring,
    keyRotation: createKeyRotationService(store, keyring, instance),
    users,
    userMetadata: createUserMetadataService(store, clock, tokens.claimsFitCheck),
    verifyPassword,
    emailAddresses,
    sessions,
    backendClients: createBackendClientService(store, clock, clients),
    organizations: createOrganizationService(store, clock),
    protection,
    jwtTemplates,
    tokens,
    images,
    sessionActivities: createSessionActivityService(store, clock),
    apiKeys: createApiKeyService(store, box, clock),
    machines,
    m2mTokens: createM2MTokenService(store, clock, machines, { keyring, issuer: new URL(options.publicUrl).origin }),
  };
}

export type Domain = ReturnType<typeof createDomain>;
