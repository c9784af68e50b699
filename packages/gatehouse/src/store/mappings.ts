import type {
  ActorToken,
  ApiKey,
  AuditEvent,
  Client,
  EmailAddress,
  ExternalAccount,
  HandshakeNonce,
  Invitation,
  JwtTemplate,
  M2MToken,
  Machine,
  MachineScope,
  MembershipRequest,
  OAuthFlow,
  Operator,
  OperatorSession,
  OperatorToken,
  Organization,
  OrganizationDomain,
  OrganizationMembership,
  OrganizationSuggestion,
  OutboxMail,
  Passkey,
  PhoneNumber,
  Session,
  SignIn,
  SignUp,
  StoredInstance,
  StoredSigningKey,
  User,
  VerificationCode,
  WaitlistEntry,
  WebhookAttempt,
  WebhookEndpoint,
} from '../model/index.js';
import { entityMapping } from './entity-mapping.js';
import type {
  ActorTokenRow,
  ApiKeyRow,
  AuditLogRow,
  ClientRow,
  EmailAddressRow,
  ExternalAccountRow,
  HandshakeNonceRow,
  InstanceRow,
  InvitationRow,
  JwtTemplateRow,
  M2MTokenRow,
  MachineRow,
  MachineScopeRow,
  MailOutboxRow,
  MembershipRequestRow,
  OAuthFlowRow,
  OperatorRow,
  OperatorSessionRow,
  OperatorTokenRow,
  OrganizationDomainRow,
  OrganizationMembershipRow,
  OrganizationRow,
  OrganizationSuggestionRow,
  PasskeyRow,
  PhoneNumberRow,
  SessionRow,
  SignInRow,
  SigningKeyRow,
  SignUpRow,
  UserRow,
  VerificationCodeRow,
  WaitlistEntryRow,
  WebhookAttemptRow,
  WebhookEndpointRow,
} from './schema.js';

/** Each table's entity ↔ row mapping (see entity-mapping.ts). */

export const instanceMapping = entityMapping<StoredInstance, InstanceRow>()({
  id: ['id', 'value'],
  environmentType: ['environment_type', 'value'],
  secretKeyHash: ['secret_key_hash', 'value'],
  secretKeyEnc: ['secret_key_enc', 'value'],
  settings: ['settings', 'object'],
  createdAt: ['created_at', 'value'],
  updatedAt: ['updated_at', 'value'],
  previousSecretKeyHash: ['previous_secret_key_hash', 'value'],
  previousSecretKeyExpiresAt: ['previous_secret_key_expires_at', 'value'],
});

export const signingKeyMapping = entityMapping<StoredSigningKey, SigningKeyRow>()({
  kid: ['kid', 'value'],
  privateKeyEnc: ['private_key_enc', 'value'],
  publicJwk: ['public_jwk', 'object'],
  status: ['status', 'value'],
  createdAt: ['created_at', 'value'],
  activatesAt: ['activates_at', 'value'],
  retiresAt: ['retires_at', 'value'],
});

export const userMapping = entityMapping<User, UserRow>()({
  id: ['id', 'value'],
  externalId: ['external_id', 'value'],
  username: ['username', 'value'],
  firstName: ['first_name', 'value'],
  lastName: ['last_name', 'value'],
  imageUrl: ['image_url', 'value'],
  passwordDigest: ['password_digest', 'value'],
  passwordHasher: ['password_hasher', 'value'],
  passwordLastUpdatedAt: ['password_last_updated_at', 'value'],
  primaryEmailAddressId: ['primary_email_address_id', 'value'],
  publicMetadata: ['public_metadata', 'object'],
  privateMetadata: ['private_metadata', 'object'],
  unsafeMetadata: ['unsafe_metadata', 'object'],
  banned: ['banned', 'flag'],
  locked: ['locked', 'flag'],
  lastSignInAt: ['last_sign_in_at', 'value'],
  lastActiveAt: ['last_active_at', 'value'],
  locale: ['locale', 'value'],
  timezone: ['timezone', 'value'],
  legalAcceptedAt: ['legal_accepted_at', 'value'],
  createOrganizationEnabled: ['create_organization_enabled', 'flag'],
  deleteSelfEnabled: ['delete_self_enabled', 'flag'],
  createdAt: ['created_at', 'value'],
  updatedAt: ['updated_at', 'value'],
  failedVerificationAttempts: ['failed_verification_attempts', 'value'],
  failedVerificationWindowStart: ['failed_verification_window_start', 'value'],
  lockoutUntil: ['lockout_until', 'value'],
  passwordCompromised: ['password_compromised', 'flag'],
  totpEnabled: ['totp_enabled', 'flag'],
  backupCodeEnabled: ['backup_code_enabled', 'flag'],
  mfaEnabledAt: ['mfa_enabled_at', 'value'],
  mfaDisabledAt: ['mfa_disabled_at', 'value'],
});

export const emailAddressMapping = entityMapping<EmailAddress, EmailAddressRow>()({
  id: ['id', 'value'],
  userId: ['user_id', 'value'],
  emailAddress: ['email_address', 'value'],
  verified: ['verified', 'flag'],
  verificationStrategy: ['verification_strategy', 'value'],
  createdAt: ['created_at', 'value'],
  updatedAt: ['updated_at', 'value'],
});

export const clientMapping = entityMapping<Client, ClientRow>()({
  id: ['id', 'value'],
  tokenHash: ['token_hash', 'value'],
  signInId: ['sign_in_id', 'value'],
  signUpId: ['sign_up_id', 'value'],
  lastActiveSessionId: ['last_active_session_id', 'value'],
  createdAt: ['created_at', 'value'],
  updatedAt: ['updated_at', 'value'],
});

export const sessionMapping = entityMapping<Session, SessionRow>()({
  id: ['id', 'value'],
  clientId: ['client_id', 'value'],
  userId: ['user_id', 'value'],
  status: ['status', 'value'],
  lastActiveOrganizationId: ['last_active_organization_id', 'value'],
  lastActiveAt: ['last_active_at', 'value'],
  expireAt: ['expire_at', 'value'],
  abandonAt: ['abandon_at', 'value'],
  createdAt: ['created_at', 'value'],
  updatedAt: ['updated_at', 'value'],
  actor: ['actor', 'json'],
  tasks: ['tasks', 'json'],
});

export const jwtTemplateMapping = entityMapping<JwtTemplate, JwtTemplateRow>()({
  id: ['id', 'value'],
  name: ['name', 'value'],
  claims: ['claims', 'object'],
  lifetime: ['lifetime', 'value'],
  allowedClockSkew: ['allowed_clock_skew', 'value'],
  customSigningKey: ['custom_signing_key', 'flag'],
  signingAlgorithm: ['signing_algorithm', 'value'],
  signingKeyEnc: ['signing_key_enc', 'value'],
  createdAt: ['created_at', 'value'],
  updatedAt: ['updated_at', 'value'],
});

export const signInMapping = entityMapping<SignIn, SignInRow>()({
  id: ['id', 'value'],
  clientId: ['client_id', 'value'],
  status: ['status', 'value'],
  identifier: ['identifier', 'value'],
  userId: ['user_id', 'value'],
  firstFactorStrategy: ['first_factor_strategy', 'value'],
  firstFactorStatus: ['first_factor_status', 'value'],
  secondFactorStrategy: ['second_factor_strategy', 'value'],
  secondFactorStatus: ['second_factor_status', 'value'],
  createdSessionId: ['created_session_id', 'value'],
  expireAt: ['expire_at', 'value'],
  createdAt: ['created_at', 'value'],
  updatedAt: ['updated_at', 'value'],
});

export const signUpMapping = entityMapping<SignUp, SignUpRow>()({
  id: ['id', 'value'],
  clientId: ['client_id', 'value'],
  status: ['status', 'value'],
  emailAddress: ['email_address', 'value'],
  emailVerified: ['email_verified', 'flag'],
  passwordDigest: ['password_digest', 'value'],
  firstName: ['first_name', 'value'],
  lastName: ['last_name', 'value'],
  username: ['username', 'value'],
  unsafeMetadata: ['unsafe_metadata', 'object'],
  phoneNumber: ['phone_number', 'value'],
  phoneVerified: ['phone_verified', 'flag'],
  createdUserId: ['created_user_id', 'value'],
  createdSessionId: ['created_session_id', 'value'],
  externalFlowId: ['external_flow_id', 'value'],
  expireAt: ['expire_at', 'value'],
  createdAt: ['created_at', 'value'],
  updatedAt: ['updated_at', 'value'],
  externalId: ['external_id', 'value'],
  customAction: ['custom_action', 'flag'],
});

export const oauthFlowMapping = entityMapping<OAuthFlow, OAuthFlowRow>()({
  id: ['id', 'value'],
  stateHash: ['state_hash', 'value'],
  clientId: ['client_id', 'value'],
  purpose: ['purpose', 'value'],
  attemptId: ['attempt_id', 'value'],
  provider: ['provider', 'value'],
  secretsEnc: ['secrets_enc', 'value'],
  authorizationUrl: ['authorization_url', 'value'],
  redirectUrl: ['redirect_url', 'value'],
  actionCompleteRedirectUrl: ['action_complete_redirect_url', 'value'],
  status: ['status', 'value'],
  consumed: ['consumed', 'flag'],
  errorCode: ['error_code', 'value'],
  resultEnc: ['result_enc', 'value'],
  expireAt: ['expire_at', 'value'],
  createdAt: ['created_at', 'value'],
  updatedAt: ['updated_at', 'value'],
});

export const externalAccountMapping = entityMapping<ExternalAccount, ExternalAccountRow>()({
  id: ['id', 'value'],
  userId: ['user_id', 'value'],
  provider: ['provider', 'value'],
  providerUserId: ['provider_user_id', 'value'],
  emailAddress: ['email_address', 'value'],
  emailVerified: ['email_verified', 'flag'],
  firstName: ['first_name', 'value'],
  lastName: ['last_name', 'value'],
  username: ['username', 'value'],
  imageUrl: ['image_url', 'value'],
  approvedScopes: ['approved_scopes', 'value'],
  status: ['status', 'value'],
  tokensEnc: ['tokens_enc', 'value'],
  tokenExpiresAt: ['token_expires_at', 'value'],
  refreshLeaseUntil: ['refresh_lease_until', 'value'],
  createdAt: ['created_at', 'value'],
  updatedAt: ['updated_at', 'value'],
});

export const verificationCodeMapping = entityMapping<VerificationCode, VerificationCodeRow>()({
  id: ['id', 'value'],
  subjectId: ['subject_id', 'value'],
  purpose: ['purpose', 'value'],
  emailAddress: ['email_address', 'value'],
  codeHash: ['code_hash', 'value'],
  attempts: ['attempts', 'value'],
  payload: ['payload', 'value'],
  status: ['status', 'value'],
  expireAt: ['expire_at', 'value'],
  createdAt: ['created_at', 'value'],
});

export const handshakeNonceMapping = entityMapping<HandshakeNonce, HandshakeNonceRow>()({
  nonceHash: ['nonce_hash', 'value'],
  clientId: ['client_id', 'value'],
  devBrowser: ['dev_browser', 'value'],
  origin: ['origin', 'value'],
  expireAt: ['expire_at', 'value'],
  createdAt: ['created_at', 'value'],
});

export const outboxMailMapping = entityMapping<OutboxMail, MailOutboxRow>()({
  id: ['id', 'value'],
  toAddress: ['to_address', 'value'],
  subject: ['subject', 'value'],
  textBody: ['text_body', 'value'],
  htmlBody: ['html_body', 'value'],
  locale: ['locale', 'value'],
  createdAt: ['created_at', 'value'],
});

export const organizationMapping = entityMapping<Organization, OrganizationRow>()({
  id: ['id', 'value'],
  name: ['name', 'value'],
  slug: ['slug', 'value'],
  imageUrl: ['image_url', 'value'],
  maxAllowedMemberships: ['max_allowed_memberships', 'value'],
  adminDeleteEnabled: ['admin_delete_enabled', 'flag'],
  publicMetadata: ['public_metadata', 'object'],
  privateMetadata: ['private_metadata', 'object'],
  createdBy: ['created_by', 'value'],
  createdAt: ['created_at', 'value'],
  updatedAt: ['updated_at', 'value'],
});

export const organizationMembershipMapping = entityMapping<OrganizationMembership, OrganizationMembershipRow>()({
  id: ['id', 'value'],
  organizationId: ['organization_id', 'value'],
  userId: ['user_id', 'value'],
  role: ['role', 'value'],
  publicMetadata: ['public_metadata', 'object'],
  privateMetadata: ['private_metadata', 'object'],
  createdAt: ['created_at', 'value'],
  updatedAt: ['updated_at', 'value'],
});

export const apiKeyMapping = entityMapping<ApiKey, ApiKeyRow>()({
  id: ['id', 'value'],
  name: ['name', 'value'],
  subject: ['subject', 'value'],
  description: ['description', 'value'],
  claims: ['claims', 'json'],
  scopes: ['scopes', 'json'],
  createdBy: ['created_by', 'value'],
  secretHash: ['secret_hash', 'value'],
  secretEnc: ['secret_enc', 'value'],
  revoked: ['revoked', 'flag'],
  revocationReason: ['revocation_reason', 'value'],
  expiration: ['expiration', 'value'],
  lastUsedAt: ['last_used_at', 'value'],
  createdAt: ['created_at', 'value'],
  updatedAt: ['updated_at', 'value'],
});

export const machineMapping = entityMapping<Machine, MachineRow>()({
  id: ['id', 'value'],
  name: ['name', 'value'],
  defaultTokenTtl: ['default_token_ttl', 'value'],
  secretKeyHash: ['secret_key_hash', 'value'],
  secretKeyEnc: ['secret_key_enc', 'value'],
  previousSecretKeyHash: ['previous_secret_key_hash', 'value'],
  previousSecretKeyExpiresAt: ['previous_secret_key_expires_at', 'value'],
  createdAt: ['created_at', 'value'],
  updatedAt: ['updated_at', 'value'],
});

export const machineScopeMapping = entityMapping<MachineScope, MachineScopeRow>()({
  fromMachineId: ['from_machine_id', 'value'],
  toMachineId: ['to_machine_id', 'value'],
  createdAt: ['created_at', 'value'],
});

export const m2mTokenMapping = entityMapping<M2MToken, M2MTokenRow>()({
  id: ['id', 'value'],
  subject: ['subject', 'value'],
  scopes: ['scopes', 'json'],
  claims: ['claims', 'json'],
  tokenHash: ['token_hash', 'value'],
  revoked: ['revoked', 'flag'],
  revocationReason: ['revocation_reason', 'value'],
  expiration: ['expiration', 'value'],
  createdAt: ['created_at', 'value'],
  updatedAt: ['updated_at', 'value'],
});

export const webhookEndpointMapping = entityMapping<WebhookEndpoint, WebhookEndpointRow>()({
  id: ['id', 'value'],
  url: ['url', 'value'],
  events: ['events', 'json'],
  secretEnc: ['secret_enc', 'value'],
  previousSecretEnc: ['previous_secret_enc', 'value'],
  previousSecretExpiresAt: ['previous_secret_expires_at', 'value'],
  disabled: ['disabled', 'flag'],
  failingSince: ['failing_since', 'value'],
  retryAt: ['retry_at', 'value'],
  source: ['source', 'value'],
  leaseOwner: ['lease_owner', 'value'],
  leaseExpiresAt: ['lease_expires_at', 'value'],
  createdAt: ['created_at', 'value'],
  updatedAt: ['updated_at', 'value'],
});

export const webhookAttemptMapping = entityMapping<WebhookAttempt, WebhookAttemptRow>()({
  id: ['id', 'value'],
  deliveryId: ['delivery_id', 'value'],
  endpointId: ['endpoint_id', 'value'],
  eventId: ['event_id', 'value'],
  statusCode: ['status_code', 'value'],
  durationMs: ['duration_ms', 'value'],
  error: ['error', 'value'],
  createdAt: ['created_at', 'value'],
});
export const invitationMapping = entityMapping<Invitation, InvitationRow>()({
  id: ['id', 'value'],
  kind: ['kind', 'value'],
  organizationId: ['organization_id', 'value'],
  userId: ['user_id', 'value'],
  emailAddress: ['email_address', 'value'],
  role: ['role', 'value'],
  status: ['status', 'value'],
  publicMetadata: ['public_metadata', 'object'],
  privateMetadata: ['private_metadata', 'object'],
  redirectUrl: ['redirect_url', 'value'],
  inviterUserId: ['inviter_user_id', 'value'],
  ticketHash: ['ticket_hash', 'value'],
  signUpId: ['sign_up_id', 'value'],
  organizationDomainId: ['organization_domain_id', 'value'],
  expiresAt: ['expires_at', 'value'],
  createdAt: ['created_at', 'value'],
  updatedAt: ['updated_at', 'value'],
});

export const organizationDomainMapping = entityMapping<OrganizationDomain, OrganizationDomainRow>()({
  id: ['id', 'value'],
  organizationId: ['organization_id', 'value'],
  name: ['name', 'value'],
  enrollmentMode: ['enrollment_mode', 'value'],
  verifiedAt: ['verified_at', 'value'],
  affiliationEmailAddress: ['affiliation_email_address', 'value'],
  createdAt: ['created_at', 'value'],
  updatedAt: ['updated_at', 'value'],
});

export const organizationSuggestionMapping = entityMapping<OrganizationSuggestion, OrganizationSuggestionRow>()({
  id: ['id', 'value'],
  organizationId: ['organization_id', 'value'],
  organizationDomainId: ['organization_domain_id', 'value'],
  userId: ['user_id', 'value'],
  status: ['status', 'value'],
  createdAt: ['created_at', 'value'],
  updatedAt: ['updated_at', 'value'],
});

export const membershipRequestMapping = entityMapping<MembershipRequest, MembershipRequestRow>()({
  id: ['id', 'value'],
  organizationId: ['organization_id', 'value'],
  userId: ['user_id', 'value'],
  status: ['status', 'value'],
  createdAt: ['created_at', 'value'],
  updatedAt: ['updated_at', 'value'],
});

export const waitlistEntryMapping = entityMapping<WaitlistEntry, WaitlistEntryRow>()({
  id: ['id', 'value'],
  emailAddress: ['email_address', 'value'],
  status: ['status', 'value'],
  invitationId: ['invitation_id', 'value'],
  invitedAt: ['invited_at', 'value'],
  createdAt: ['created_at', 'value'],
  updatedAt: ['updated_at', 'value'],
});

export const operatorMapping = entityMapping<Operator, OperatorRow>()({
  id: ['id', 'value'],
  email: ['email', 'value'],
  passwordDigest: ['password_digest', 'value'],
  totpSecretEnc: ['totp_secret_enc', 'value'],
  failedAttempts: ['failed_attempts', 'value'],
  lockedUntil: ['locked_until', 'value'],
  lastSignInAt: ['last_sign_in_at', 'value'],
  createdAt: ['created_at', 'value'],
  updatedAt: ['updated_at', 'value'],
});

export const operatorTokenMapping = entityMapping<OperatorToken, OperatorTokenRow>()({
  tokenHash: ['token_hash', 'value'],
  purpose: ['purpose', 'value'],
  operatorId: ['operator_id', 'value'],
  expiresAt: ['expires_at', 'value'],
  createdAt: ['created_at', 'value'],
});

export const operatorSessionMapping = entityMapping<OperatorSession, OperatorSessionRow>()({
  id: ['id', 'value'],
  operatorId: ['operator_id', 'value'],
  tokenHash: ['token_hash', 'value'],
  userAgent: ['user_agent', 'value'],
  ip: ['ip', 'value'],
  createdAt: ['created_at', 'value'],
  lastActiveAt: ['last_active_at', 'value'],
  expiresAt: ['expires_at', 'value'],
});

export const auditEventMapping = entityMapping<AuditEvent, AuditLogRow>()({
  id: ['id', 'value'],
  at: ['at', 'value'],
  actorType: ['actor_type', 'value'],
  actorId: ['actor_id', 'value'],
  actorLabel: ['actor_label', 'value'],
  action: ['action', 'value'],
  targetType: ['target_type', 'value'],
  targetId: ['target_id', 'value'],
  ip: ['ip', 'value'],
  detail: ['detail', 'object'],
});

export const actorTokenMapping = entityMapping<ActorToken, ActorTokenRow>()({
  id: ['id', 'value'],
  userId: ['user_id', 'value'],
  actor: ['actor', 'object'],
  tokenHash: ['token_hash', 'value'],
  status: ['status', 'value'],
  expiresAt: ['expires_at', 'value'],
  sessionMaxDurationMs: ['session_max_duration_ms', 'value'],
  createdAt: ['created_at', 'value'],
  updatedAt: ['updated_at', 'value'],
});

export const phoneNumberMapping = entityMapping<PhoneNumber, PhoneNumberRow>()({
  id: ['id', 'value'],
  userId: ['user_id', 'value'],
  phoneNumber: ['phone_number', 'value'],
  verified: ['verified', 'flag'],
  verificationStrategy: ['verification_strategy', 'value'],
  primary: ['is_primary', 'flag'],
  reservedForSecondFactor: ['reserved_for_second_factor', 'flag'],
  defaultSecondFactor: ['default_second_factor', 'flag'],
  createdAt: ['created_at', 'value'],
  updatedAt: ['updated_at', 'value'],
});

export const passkeyMapping = entityMapping<Passkey, PasskeyRow>()({
  id: ['id', 'value'],
  userId: ['user_id', 'value'],
  name: ['name', 'value'],
  credentialId: ['credential_id', 'value'],
  publicKey: ['public_key', 'value'],
  counter: ['counter', 'value'],
  transports: ['transports', 'json'],
  verified: ['verified', 'flag'],
  lastUsedAt: ['last_used_at', 'value'],
  createdAt: ['created_at', 'value'],
  updatedAt: ['updated_at', 'value'],
});
