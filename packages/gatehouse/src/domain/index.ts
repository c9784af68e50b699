import type { SecretBox } from '../crypto/secret-box.js';
import { buildPublishableKey } from '../keys.js';
import type { Store } from '../store/index.js';
import { createActorTokenService } from './actor-tokens.js';
import { createBackendClientService } from './backend-clients.js';
import { type Clock, systemClock } from './clock.js';
import { type AuditService, createAuditService } from './dashboard/audit.js';
import { createOperatorService } from './dashboard/operators.js';
import { createOverviewService } from './dashboard/overview.js';
import { createDevOutbox } from './dev-outbox.js';
import { createEmailAddressService } from './email-addresses.js';
import { createAttackProtection, DEFAULT_LOCKOUT, type LockoutPolicy } from './frontend/attack-protection.js';
import { createClientSnapshots } from './frontend/client-snapshot.js';
import { createClientService } from './frontend/clients.js';
import type { CodeSender } from './frontend/delivery.js';
import { cookieSuffix, createHandshakeService } from './frontend/handshake.js';
import { createMeService } from './frontend/me.js';
import { createSignInService } from './frontend/sign-ins.js';
import { createSignUpService } from './frontend/sign-ups.js';
import { createVerificationCodes } from './frontend/verification-codes.js';
import { createImageService } from './images/images.js';
import { createInstanceService } from './instance.js';
import { createJwtTemplateService } from './jwt-templates.js';
import { createKeyRotationService, type KeyRotationService } from './key-rotation.js';
import { createKeyring } from './keyring.js';
import { createApiKeyService } from './machine-auth/api-keys.js';
import { createM2MTokenService } from './machine-auth/m2m-tokens.js';
import { createMachineService } from './machine-auth/machines.js';
import { createOrganizationService } from './organizations.js';
import { createPasswordVerifier } from './password-verification.js';
import { createSessionActivityService } from './session-activities.js';
import { createSessionService } from './sessions.js';
import { createTestingTokenService } from './testing-tokens.js';
import { createTokenService } from './tokens.js';
import { createUserMetadataService } from './user-metadata.js';
import { createUserService, type UserService } from './users.js';

export interface DomainOptions {
  store: Store;
  box: SecretBox;
  /** The public URL; it is the tokens' `iss`, which the SDKs compare with the publishable key's host. */
  publicUrl: string;
  clock?: Clock;
  /** Delivers one-time codes (the mail module); tests may pass their own. */
  sendCode: CodeSender;
  /** Automatic user lockout (Clerk's defaults when absent). */
  lockout?: LockoutPolicy;
}

/** Wires every domain service over one store. No HTTP types below this line. */
export function createDomain(options: DomainOptions) {
  const { store, box } = options;
  const clock = options.clock ?? systemClock;
  const instance = createInstanceService(store, box, clock);
  const audit = createAuditService(store, clock);
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
  const users = auditedUsers(createUserService(store, clock, tokens.assertClaimsFit), audit);
  const sessions = createSessionService(store, clock);
  const emailAddresses = createEmailAddressService(store, clock);
  const verifyPassword = createPasswordVerifier(store, clock);
  const isDevelopment = () => instance.get().environmentType === 'development';
  const publishableKey = () => buildPublishableKey(instance.get().environmentType, options.publicUrl);
  const frontendSettings = async () => (await instance.settings()).frontend;
  const protection = createAttackProtection({
    store,
    clock,
    policy: () => options.lockout ?? DEFAULT_LOCKOUT,
    // Failed sign-ins and lockouts are security events: the audit log keeps them.
    onEvent: (event) =>
      audit.record({
        action: event.kind === 'locked_out' ? 'user.locked_out' : 'user.sign_in_failed',
        targetType: 'user',
        targetId: event.userId,
        detail: event.detail ?? {},
        actor: { type: 'end_user', id: event.userId, label: 'end user', ip: null },
      }),
  });
  const codes = createVerificationCodes(store, clock, () => instance.get().hmacKey, isDevelopment, options.sendCode, protection);
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
    keyRotation: auditedKeyRotation(createKeyRotationService(store, keyring, instance), audit),
    audit,
    operators: createOperatorService({
      store,
      box,
      clock,
      audit,
      hmacKey: () => instance.get().hmacKey,
      isProduction: () => instance.get().environmentType === 'production',
    }),
    overview: createOverviewService(store, clock),
    actorTokens: createActorTokenService({ store, clock, sessions, audit, publicUrl: options.publicUrl }),
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

/** Bans, locks and deletions are recorded in the audit log, whoever makes them (dashboard, Backend API). */
function auditedUsers(users: UserService, audit: AuditService): UserService {
  return {
    ...users,
    async setFlags(id, flags) {
      const record = await users.setFlags(id, flags);
      for (const [flag, on] of Object.entries(flags)) {
        if (on === undefined) continue;
        const action = flag === 'banned' ? (on ? 'user.ban' : 'user.unban') : on ? 'user.lock' : 'user.unlock';
        await audit.record({ action, targetType: 'user', targetId: id });
      }
      return record;
    },
    async delete(id) {
      await users.delete(id);
      await audit.record({ action: 'user.delete', targetType: 'user', targetId: id });
    },
  };
}

/** Key rotations are security events: recorded whoever rotates (dashboard, Backend API, CLI). */
function auditedKeyRotation(rotation: KeyRotationService, audit: AuditService): KeyRotationService {
  return {
    ...rotation,
    async rotateSigningKey(input) {
      const result = await rotation.rotateSigningKey(input);
      await audit.record({ action: 'keys.rotate_signing_key', targetType: 'signing_key', targetId: result.kid, detail: { ...result } });
      return result;
    },
    async rotateSecretKey(input) {
      const result = await rotation.rotateSecretKey(input);
      await audit.record({
        action: 'keys.rotate_secret_key',
        targetType: 'secret_key',
        detail: { previousExpiresAt: new Date(result.previousExpiresAt).toISOString() },
      });
      return result;
    },
  };
}
