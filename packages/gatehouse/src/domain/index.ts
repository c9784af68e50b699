import type { SecretBox } from '../crypto/secret-box.js';
import { buildPublishableKey } from '../keys.js';
import type { Store } from '../store/index.js';
import { createActorTokenService } from './actor-tokens.js';
import { createBackendClientService } from './backend-clients.js';
import { type Caller, endUserActor } from './caller.js';
import { type Clock, systemClock } from './clock.js';
import { type AuditService, createAuditService } from './dashboard/audit.js';
import { createOperatorService } from './dashboard/operators.js';
import { createOverviewService } from './dashboard/overview.js';
import { createDevOutbox } from './dev-outbox.js';
import { createEmailAddressService } from './email-addresses.js';
import { createAttackProtection, DEFAULT_LOCKOUT, type LockoutPolicy } from './frontend/attack-protection.js';
import { createClientSnapshots } from './frontend/client-snapshot.js';
import { createClientService } from './frontend/clients.js';
import type { CodeSender, InvitationSender, LinkSender, SmsSender } from './frontend/delivery.js';
import { createEmailLinkService } from './frontend/email-links.js';
import { cookieSuffix, createHandshakeService } from './frontend/handshake.js';
import { createMeService } from './frontend/me.js';
import { createMeFactorService } from './frontend/me-factors.js';
import { createPasskeyCeremonies } from './frontend/passkeys.js';
import { createSecondFactorService } from './frontend/second-factors.js';
import { createSignInService } from './frontend/sign-ins.js';
import { createSignUpService } from './frontend/sign-ups.js';
import { createVerificationCodes } from './frontend/verification-codes.js';
import { createImageService } from './images/images.js';
import { createInstanceService } from './instance.js';
import { createInstanceApiService } from './instance-api.js';
import { createInvitationService } from './invitations.js';
import { createJwtTemplateService } from './jwt-templates.js';
import { createKeyRotationService, type KeyRotationService } from './key-rotation.js';
import { createKeyring } from './keyring.js';
import { createApiKeyService } from './machine-auth/api-keys.js';
import { createM2MTokenService } from './machine-auth/m2m-tokens.js';
import { createMachineService } from './machine-auth/machines.js';
import { createMailSettingsService } from './mail-settings.js';
import { createOAuthCallback } from './oauth/callback.js';
import type { OAuthProviderConfig } from './oauth/provider-config.js';
import { createProviderClients, type OAuthProvider, resolveProviders } from './oauth/providers.js';
import { createSocialService } from './oauth/social.js';
import { createOrganizationDomainService } from './organization-domains.js';
import { createOrganizationEnrollmentService } from './organization-enrollment.js';
import { createOrganizationRoleService } from './organization-roles.js';
import { createOrganizationService } from './organizations.js';
import { createPasswordVerifier } from './password-verification.js';
import { createPhoneNumberService } from './phone-numbers.js';
import { createSessionActivityService, type Locate } from './session-activities.js';
import { createSessionService } from './sessions.js';
import { createSocialConnectionService } from './social-settings.js';
import { createTestingTokenService } from './testing-tokens.js';
import { createTokenService } from './tokens.js';
import { createUserMetadataService } from './user-metadata.js';
import { createUserService, type UserService } from './users.js';
import { createWaitlistService } from './waitlist.js';
import { createWebhookEndpointService } from './webhooks/endpoints.js';
import { createEventService, type EventSerializer } from './webhooks/events.js';
import { createDeliveryWorker } from './webhooks/worker.js';

export interface DomainOptions {
  store: Store;
  box: SecretBox;
  /** The public URL; it is the tokens' `iss`, which the SDKs compare with the publishable key's host. */
  publicUrl: string;
  clock?: Clock;
  /** Delivers one-time codes (the mail module); tests may pass their own. */
  sendCode: CodeSender;
  /** Delivers invitation links (the mail module). */
  sendInvitation: InvitationSender;
  /** Delivers SMS codes (an HTTP gateway, or the dev outbox); without it phone codes cannot be sent. */
  sendSms?: SmsSender;
  /** Delivers e-mail links (the mail module); without it e-mail links cannot be sent. */
  sendLink?: LinkSender;
  /** Automatic user lockout (Clerk's defaults when absent). */
  lockout?: LockoutPolicy;
  /** Turns an event's domain value into its wire JSON (the HTTP layer's serializers; see webhooks/events.ts). */
  serializeEvent: EventSerializer;
  webhooks?: {
    /** Loopback and private endpoint URLs on a production instance too (development instances always allow them). */
    allowPrivate?: boolean;
    /** How long delivered (or failed) events are kept (ms); 30 days by default. */
    retentionMs?: number;
    /** Delays before each attempt (ms); Svix's schedule unless a test shortens it. */
    scheduleMs?: number[];
    log?: (line: string) => void;
  };
  /** Social connections (config key `oauth`, `GATEHOUSE_OAUTH_*`). */
  oauth?: Record<string, OAuthProviderConfig>;
  /** City and country of a session's address (`--geoip`); without it they stay unknown. */
  locate?: Locate;
}

/** Where providers send the browser back: register this URL with each provider. */
export function oauthCallbackUrl(publicUrl: string): string {
  return `${publicUrl}/v1/oauth_callback`;
}

/** Wires every domain service over one store. No HTTP types below this line. */
export function createDomain(options: DomainOptions) {
  const { box } = options;
  const clock = options.clock ?? systemClock;
  const events = createEventService({ clock, instanceId: () => instance.get().id, serialize: options.serializeEvent });
  // Every service writes through this store: a transaction that raised an event wakes the worker on commit.
  const store = events.notifyingStore(options.store);
  // Settings changes raise events too (roles and permissions live there).
  const instance = createInstanceService(store, box, clock);
  const audit = createAuditService(store, clock);
  const keyring = createKeyring(store, box, clock);
  const jwtTemplates = createJwtTemplateService(store, box, keyring, clock);
  const images = createImageService(store, clock, options.publicUrl, events);
  const tokens = createTokenService({
    store,
    clock,
    keyring,
    instance,
    jwtTemplates,
    issuer: new URL(options.publicUrl).origin,
    imageLinks: images.links,
  });
  const users = auditedUsers(createUserService(store, clock, events, tokens.assertClaimsFit), audit);
  const sessions = createSessionService(store, clock, events);
  // Enrollment is built further down; an address the Backend API verifies enrolls its user as a sign-up's does.
  const emailAddresses = createEmailAddressService(store, clock, events, (userId, caller) => enrollment.enrollUser(userId, caller));
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
        actor: endUserActor(event.userId, event.clientIp || null),
      }),
  });
  const codes = createVerificationCodes(store, clock, () => instance.get().hmacKey, isDevelopment, options.sendCode, protection, {
    sendSms: options.sendSms,
    sendLink: options.sendLink,
  });
  const passwordless = async () => (await instance.settings()).passwordless;
  // Second factors are built further down; a number that stops being one may take the backup codes with it.
  const phoneNumbers = createPhoneNumberService(store, clock, {
    secondFactorRemoved: (tx, userId) => secondFactors.dropOrphanBackupCodes(tx, userId),
  });
  const passkeys = createPasskeyCeremonies({ store, clock, codes, appName: async () => (await frontendSettings()).applicationName });
  const verifyUrl = (token: string) => `${options.publicUrl.replace(/\/$/, '')}/v1/verify?token=${encodeURIComponent(token)}`;
  const clients = createClientService(store, clock, sessions, events);
  const organizations = createOrganizationService(store, clock, () => instance.settings(), events);
  const invitations = createInvitationService({
    store,
    clock,
    organizations,
    settings: () => instance.settings(),
    sendInvitation: options.sendInvitation,
    publicUrl: options.publicUrl,
    events,
  });
  const enrollment = createOrganizationEnrollmentService({ store, clock, organizations, invitations });
  const waitlist = createWaitlistService({ store, clock, invitations, events });
  /** Social connections turned on in the dashboard, resolved from the cached settings (again only when they change). */
  let resolvedSocial: { raw: string; providers: OAuthProvider[] } = { raw: '{}', providers: [] };
  const dashboardProviders = (): OAuthProvider[] => {
    const social = instance.cachedSettings()?.social ?? {};
    const raw = JSON.stringify(social);
    if (raw !== resolvedSocial.raw) {
      const config = Object.fromEntries(
        Object.entries(social)
          .filter(([, entry]) => entry.enabled)
          .map(([key, entry]) => [key, { clientId: entry.clientId, clientSecret: box.open(entry.clientSecretEnc), scopes: entry.scopes }]),
      );
      resolvedSocial = { raw, providers: resolveProviders(config) };
    }
    return resolvedSocial.providers;
  };
  const social = createSocialService({
    store,
    clock,
    box,
    providers: createProviderClients(resolveProviders(options.oauth ?? {}), () => dashboardProviders()),
    callbackUrl: oauthCallbackUrl(options.publicUrl),
  });
  const factorSettings = async () => (await instance.settings()).factors;
  const organizationSettings = async () => (await instance.settings()).organizations;
  const secondFactors = createSecondFactorService({
    store,
    box,
    clock,
    hmacKey: () => instance.get().hmacKey,
    protection,
    settings: factorSettings,
    issuer: async () => (await frontendSettings()).applicationName,
  });
  const actorTokens = createActorTokenService({ store, clock, sessions, audit, publicUrl: options.publicUrl });
  const signIns = createSignInService({
    store,
    clock,
    clients,
    sessions,
    codes,
    verifyPassword,
    enumerationKey: () => instance.get().hmacKey,
    protection,
    events,
    tickets: invitations,
    actorTickets: actorTokens,
    social,
    secondFactors,
    factorSettings,
    organizationSettings,
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
    events,
    restrictions: async () => (await instance.settings()).restrictions,
    tickets: invitations,
    social,
    secondFactors,
    passwordless,
    factorSettings,
    organizationSettings,
    passkeys,
    verifyUrl,
    afterSignUp: async (userId, caller) => {
      await waitlist.complete(userId, caller);
      await enrollment.enrollUser(userId, caller);
    },
  });
  const machines = createMachineService(store, box, clock);
  const allowPrivateWebhooks = () => options.webhooks?.allowPrivate === true || isDevelopment();
  const webhookEndpoints = createWebhookEndpointService({
    store,
    box,
    clock,
    allowPrivate: allowPrivateWebhooks,
    nudge: () => webhookWorker.nudge(),
  });
  const webhookWorker = createDeliveryWorker({
    store,
    clock,
    endpoints: webhookEndpoints,
    allowPrivate: allowPrivateWebhooks,
    ...(options.webhooks?.scheduleMs ? { scheduleMs: options.webhooks.scheduleMs } : {}),
    ...(options.webhooks?.retentionMs ? { retentionMs: options.webhooks.retentionMs } : {}),
    ...(options.webhooks?.log ? { log: options.webhooks.log } : {}),
  });
  events.onCommitted(() => webhookWorker.nudge());
  return {
    /** The outbox: `events.raise(tx, type, payload)` inside the transaction of a change. */
    events,
    webhookEndpoints,
    /** Sends the outbox; started by `gatehouse start` (and tests), not by `env`/`migrate`. */
    webhookWorker,
    socialConnections: createSocialConnectionService({
      settings: () => instance.settings(),
      update: (change) => instance.updateSettings((current) => ({ ...current, social: change(current.social) })),
      seal: (plain) => box.seal(plain),
      configured: Object.keys(options.oauth ?? {}),
      enabledKeys: () => social.providers().map((p) => p.key),
    }),
    publishableKey,
    isDevelopment,
    social,
    oauthCallback: createOAuthCallback({ store, clock, social, signIns, signUps }),
    clients,
    signIns,
    signUps,
    clientSnapshots: createClientSnapshots({
      clients,
      signIns,
      signUps,
      tokens,
      clock,
      protection,
      membershipsOf: async (userId) => (await organizations.listUserMemberships(userId, 100, 0)).data,
    }),
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
      events,
      enrollUser: enrollment.enrollUser,
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
      factorSettings,
      verifyUrl,
      secondFactors,
    }),
    emailLinks: createEmailLinkService({ store, clock, codes, signIns, signUps, events, enrollUser: enrollment.enrollUser }),
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
    /** `/v1/instance`, `/v1/redirect_urls` and `/v1/domains` (kept in the instance settings). */
    instanceApi: createInstanceApiService({ instance, clock, publicUrl: options.publicUrl, isDevelopment }),
    keyring,
    /** The SMTP server and sender set from the dashboard (the password sealed). */
    mailSettings: createMailSettingsService({ instance, seal: (plain) => box.seal(plain) }),
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
    actorTokens,
    users,
    userMetadata: createUserMetadataService(store, clock, events, tokens.claimsFitCheck),
    verifyPassword,
    emailAddresses,
    sessions,
    backendClients: createBackendClientService(store, clock, clients),
    organizations,
    organizationDomains: createOrganizationDomainService({
      store,
      clock,
      organizations,
      codes,
      events,
      enroll: enrollment.enrollDomain,
      withdraw: enrollment.withdraw,
    }),
    enrollment,
    waitlist,
    invitations,
    organizationRoles: createOrganizationRoleService(instance, clock, events),
    protection,
    secondFactors,
    jwtTemplates,
    tokens,
    images,
    sessionActivities: createSessionActivityService(store, clock, options.locate),
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
    async setFlags(id, flags, caller) {
      const record = await users.setFlags(id, flags, caller);
      for (const [flag, on] of Object.entries(flags)) {
        if (on === undefined) continue;
        const action = flag === 'banned' ? (on ? 'user.ban' : 'user.unban') : on ? 'user.lock' : 'user.unlock';
        await audit.record({ action, targetType: 'user', targetId: id, actor: caller.actor });
      }
      return record;
    },
    async delete(id, caller) {
      await users.delete(id, caller);
      await audit.record({ action: 'user.delete', targetType: 'user', targetId: id, actor: caller.actor });
    },
  };
}

/** Key rotations are security events: recorded whoever rotates (dashboard, Backend API, CLI). */
function auditedKeyRotation(rotation: KeyRotationService, audit: AuditService) {
  return {
    ...rotation,
    async rotateSigningKey(input: Parameters<KeyRotationService['rotateSigningKey']>[0], caller: Caller) {
      const result = await rotation.rotateSigningKey(input);
      await audit.record({
        action: 'keys.rotate_signing_key',
        targetType: 'signing_key',
        targetId: result.kid,
        detail: { ...result },
        actor: caller.actor,
      });
      return result;
    },
    async rotateSecretKey(input: Parameters<KeyRotationService['rotateSecretKey']>[0], caller: Caller) {
      const result = await rotation.rotateSecretKey(input);
      await audit.record({
        action: 'keys.rotate_secret_key',
        targetType: 'secret_key',
        detail: { previousExpiresAt: new Date(result.previousExpiresAt).toISOString() },
        actor: caller.actor,
      });
      return result;
    },
  };
}
