import type { Kysely } from 'kysely';
import type { Database } from '../schema.js';
import {
  type AttemptCounterRepository,
  createAttemptCounterRepository,
  createRetiredClientTokenRepository,
  createUserLockoutRepository,
  type RetiredClientTokenRepository,
  type UserLockoutRepository,
} from './attack-protection.js';
import {
  createSignInRepository,
  createSignUpRepository,
  createVerificationCodeRepository,
  type SignInRepository,
  type SignUpRepository,
  type VerificationCodeRepository,
} from './attempts.js';
import {
  type ActivityRepository,
  type ActorTokenRepository,
  type AuditLogRepository,
  createActivityRepository,
  createActorTokenRepository,
  createAuditLogRepository,
  createOperatorRepository,
  createOperatorSessionRepository,
  createOperatorTokenRepository,
  type OperatorRepository,
  type OperatorSessionRepository,
  type OperatorTokenRepository,
} from './dashboard.js';
import { createEmailAddressRepository, type EmailAddressRepository } from './email-addresses.js';
import {
  createMembershipRequestRepository,
  createOrganizationSuggestionRepository,
  type MembershipRequestRepository,
  type OrganizationSuggestionRepository,
} from './enrollment.js';
import {
  createHandshakeNonceRepository,
  createMailOutboxRepository,
  createTestingTokenRepository,
  type HandshakeNonceRepository,
  type MailOutboxRepository,
  type TestingTokenRepository,
} from './ephemeral.js';
import { createImageRepository, type ImageRepository } from './images.js';
import { createInstanceRepository, createSigningKeyRepository, type InstanceRepository, type SigningKeyRepository } from './instance.js';
import { createInvitationRepository, type InvitationRepository } from './invitations.js';
import { createJwtTemplateRepository, type JwtTemplateRepository } from './jwt-templates.js';
import {
  type ApiKeyRepository,
  createApiKeyRepository,
  createM2MTokenRepository,
  createMachineRepository,
  type M2MTokenRepository,
  type MachineRepository,
} from './machine-auth.js';
import {
  createExternalAccountRepository,
  createOAuthFlowRepository,
  type ExternalAccountRepository,
  type OAuthFlowRepository,
} from './oauth.js';
import { createOrganizationDomainRepository, type OrganizationDomainRepository } from './organization-domains.js';
import {
  createOrganizationMembershipRepository,
  createOrganizationRepository,
  type OrganizationMembershipRepository,
  type OrganizationRepository,
} from './organizations.js';
import {
  createPasskeyRepository,
  createPhoneNumberRepository,
  type PasskeyRepository,
  type PhoneNumberRepository,
} from './passwordless.js';
import {
  type BackupCodeRepository,
  createBackupCodeRepository,
  createTotpSecretRepository,
  type TotpSecretRepository,
} from './second-factors.js';
import { createSessionActivityRepository, type SessionActivityRepository } from './session-activities.js';
import { type ClientRepository, createClientRepository, createSessionRepository, type SessionRepository } from './sessions.js';
import { createUserRepository, type UserRepository } from './users.js';
import { createWaitlistRepository, type WaitlistRepository } from './waitlist.js';
import { createWebhookRepository, type WebhookRepository } from './webhooks.js';

export interface Repositories {
  instance: InstanceRepository;
  signingKeys: SigningKeyRepository;
  users: UserRepository;
  emailAddresses: EmailAddressRepository;
  clients: ClientRepository;
  sessions: SessionRepository;
  jwtTemplates: JwtTemplateRepository;
  signIns: SignInRepository;
  signUps: SignUpRepository;
  verificationCodes: VerificationCodeRepository;
  handshakeNonces: HandshakeNonceRepository;
  mailOutbox: MailOutboxRepository;
  testingTokens: TestingTokenRepository;
  organizations: OrganizationRepository;
  organizationMemberships: OrganizationMembershipRepository;
  invitations: InvitationRepository;
  organizationDomains: OrganizationDomainRepository;
  organizationSuggestions: OrganizationSuggestionRepository;
  membershipRequests: MembershipRequestRepository;
  waitlist: WaitlistRepository;
  attemptCounters: AttemptCounterRepository;
  userLockouts: UserLockoutRepository;
  retiredClientTokens: RetiredClientTokenRepository;
  images: ImageRepository;
  sessionActivities: SessionActivityRepository;
  apiKeys: ApiKeyRepository;
  machines: MachineRepository;
  m2mTokens: M2MTokenRepository;
  webhooks: WebhookRepository;
  oauthFlows: OAuthFlowRepository;
  externalAccounts: ExternalAccountRepository;
  totpSecrets: TotpSecretRepository;
  backupCodes: BackupCodeRepository;
  operators: OperatorRepository;
  operatorTokens: OperatorTokenRepository;
  operatorSessions: OperatorSessionRepository;
  auditLog: AuditLogRepository;
  activity: ActivityRepository;
  actorTokens: ActorTokenRepository;
  phoneNumbers: PhoneNumberRepository;
  passkeys: PasskeyRepository;
}

export function createRepositories(db: Kysely<Database>): Repositories {
  return {
    instance: createInstanceRepository(db),
    signingKeys: createSigningKeyRepository(db),
    users: createUserRepository(db),
    emailAddresses: createEmailAddressRepository(db),
    clients: createClientRepository(db),
    sessions: createSessionRepository(db),
    jwtTemplates: createJwtTemplateRepository(db),
    signIns: createSignInRepository(db),
    signUps: createSignUpRepository(db),
    verificationCodes: createVerificationCodeRepository(db),
    handshakeNonces: createHandshakeNonceRepository(db),
    mailOutbox: createMailOutboxRepository(db),
    testingTokens: createTestingTokenRepository(db),
    organizations: createOrganizationRepository(db),
    invitations: createInvitationRepository(db),
    organizationDomains: createOrganizationDomainRepository(db),
    organizationSuggestions: createOrganizationSuggestionRepository(db),
    membershipRequests: createMembershipRequestRepository(db),
    waitlist: createWaitlistRepository(db),
    organizationMemberships: createOrganizationMembershipRepository(db),
    attemptCounters: createAttemptCounterRepository(db),
    userLockouts: createUserLockoutRepository(db),
    retiredClientTokens: createRetiredClientTokenRepository(db),
    images: createImageRepository(db),
    sessionActivities: createSessionActivityRepository(db),
    apiKeys: createApiKeyRepository(db),
    machines: createMachineRepository(db),
    m2mTokens: createM2MTokenRepository(db),
    webhooks: createWebhookRepository(db),
    oauthFlows: createOAuthFlowRepository(db),
    externalAccounts: createExternalAccountRepository(db),
    totpSecrets: createTotpSecretRepository(db),
    backupCodes: createBackupCodeRepository(db),
    operators: createOperatorRepository(db),
    operatorTokens: createOperatorTokenRepository(db),
    operatorSessions: createOperatorSessionRepository(db),
    auditLog: createAuditLogRepository(db),
    activity: createActivityRepository(db),
    actorTokens: createActorTokenRepository(db),
    phoneNumbers: createPhoneNumberRepository(db),
    passkeys: createPasskeyRepository(db),
  };
}
