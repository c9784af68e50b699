import type { Generated } from 'kysely';

/**
 * Row types of every table, as Kysely sees them. Both dialects store the same shapes: times are Unix
 * milliseconds, booleans are 0/1 integers and JSON is text, so one query layer serves SQLite and
 * PostgreSQL alike. Only the store sees them: repositories map each row to its entity in `model/`
 * (mappings.ts).
 */
export interface InstanceTable {
  id: string;
  environment_type: string;
  secret_key_hash: string;
  secret_key_enc: string;
  settings: string;
  created_at: number;
  updated_at: number;
  /** The secret key before the last rotation, accepted until `previous_secret_key_expires_at`. */
  previous_secret_key_hash: string | null;
  previous_secret_key_expires_at: number | null;
}

export interface SigningKeyTable {
  kid: string;
  private_key_enc: string;
  public_jwk: string;
  status: string;
  created_at: number;
  /** When it starts signing; null: at `created_at`. Published in the JWKS from creation. */
  activates_at: number | null;
  /** When it leaves the JWKS; null: not scheduled. */
  retires_at: number | null;
}

export interface UserTable {
  id: string;
  external_id: string | null;
  username: string | null;
  first_name: string | null;
  last_name: string | null;
  image_url: string | null;
  password_digest: string | null;
  password_hasher: string | null;
  password_last_updated_at: number | null;
  primary_email_address_id: string | null;
  public_metadata: string;
  private_metadata: string;
  unsafe_metadata: string;
  banned: number;
  locked: number;
  last_sign_in_at: number | null;
  last_active_at: number | null;
  locale: string | null;
  timezone: string | null;
  legal_accepted_at: number | null;
  create_organization_enabled: number;
  delete_self_enabled: number;
  created_at: number;
  updated_at: number;
  /** Failed passwords and codes since `failed_verification_window_start` (automatic lockout). */
  failed_verification_attempts: number;
  failed_verification_window_start: number | null;
  /** Locked out automatically until then (ms); null or past: not locked out. */
  lockout_until: number | null;
  /** Set by `password/set_compromised`: a sign-in with the password must replace it. */
  password_compromised: number;
  totp_enabled: number;
  backup_code_enabled: number;
  mfa_enabled_at: number | null;
  mfa_disabled_at: number | null;
}

export interface EmailAddressTable {
  id: string;
  user_id: string;
  email_address: string;
  verified: number;
  verification_strategy: string | null;
  created_at: number;
  updated_at: number;
}

export interface ClientTable {
  id: string;
  /** SHA-256 of the `__client` cookie value; null for clients made by BAPI. */
  token_hash: string | null;
  sign_in_id: string | null;
  sign_up_id: string | null;
  last_active_session_id: string | null;
  created_at: number;
  updated_at: number;
}

export interface SessionTable {
  id: string;
  client_id: string;
  user_id: string;
  status: string;
  last_active_organization_id: string | null;
  last_active_at: number;
  expire_at: number;
  abandon_at: number;
  created_at: number;
  updated_at: number;
  /** JSON of the actor (`act` claim) for an impersonation session; null otherwise. */
  actor: string | null;
  /** JSON array of the session task keys still to do (`[]` for none), in their order. */
  tasks: string;
}

export interface JwtTemplateTable {
  id: string;
  name: string;
  claims: string;
  lifetime: number;
  allowed_clock_skew: number;
  custom_signing_key: number;
  signing_algorithm: string;
  signing_key_enc: string | null;
  created_at: number;
  updated_at: number;
}

export interface SignInTable {
  id: string;
  client_id: string;
  status: string;
  identifier: string | null;
  /** Null when the identifier matched nobody: the attempt then fails like a wrong password. */
  user_id: string | null;
  first_factor_strategy: string | null;
  first_factor_status: string | null;
  second_factor_strategy: string | null;
  second_factor_status: string | null;
  created_session_id: string | null;
  expire_at: number;
  created_at: number;
  updated_at: number;
}

export interface SignUpTable {
  id: string;
  client_id: string;
  status: string;
  email_address: string | null;
  email_verified: number;
  password_digest: string | null;
  first_name: string | null;
  last_name: string | null;
  username: string | null;
  unsafe_metadata: string;
  phone_number: string | null;
  phone_verified: number;
  created_user_id: string | null;
  created_session_id: string | null;
  external_flow_id: string | null;
  expire_at: number;
  created_at: number;
  updated_at: number;
  external_id: string | null;
  custom_action: number;
}

export interface OAuthFlowTable {
  id: string;
  state_hash: string;
  client_id: string;
  purpose: string;
  attempt_id: string;
  provider: string;
  secrets_enc: string;
  authorization_url: string;
  redirect_url: string;
  action_complete_redirect_url: string | null;
  status: string;
  consumed: number;
  error_code: string | null;
  result_enc: string | null;
  expire_at: number;
  created_at: number;
  updated_at: number;
}

export interface ExternalAccountTable {
  id: string;
  user_id: string;
  provider: string;
  provider_user_id: string;
  email_address: string;
  email_verified: number;
  first_name: string;
  last_name: string;
  username: string | null;
  image_url: string;
  approved_scopes: string;
  status: string;
  tokens_enc: string | null;
  token_expires_at: number | null;
  refresh_lease_until: number | null;
  created_at: number;
  updated_at: number;
}

export interface VerificationCodeTable {
  id: string;
  subject_id: string;
  purpose: string;
  email_address: string;
  code_hash: string;
  attempts: number;
  payload: string | null;
  status: string;
  expire_at: number;
  created_at: number;
}

export interface HandshakeNonceTable {
  nonce_hash: string;
  client_id: string | null;
  dev_browser: string | null;
  /** The app origin the handshake returns to: the session token's `azp`, and whether cookies are Secure. */
  origin: string;
  expire_at: number;
  created_at: number;
}

export interface MailOutboxTable {
  id: string;
  to_address: string;
  subject: string;
  text_body: string;
  html_body: string;
  locale: string;
  created_at: number;
}

export interface TestingTokenTable {
  token_hash: string;
  expire_at: number;
  created_at: number;
}

export interface OrganizationTable {
  id: string;
  name: string;
  slug: string;
  image_url: string | null;
  /** 0 means no limit. */
  max_allowed_memberships: number;
  admin_delete_enabled: number;
  public_metadata: string;
  private_metadata: string;
  created_by: string | null;
  created_at: number;
  updated_at: number;
}

export interface OrganizationMembershipTable {
  id: string;
  organization_id: string;
  user_id: string;
  /** A role key such as `org:admin` or `org:member`. */
  role: string;
  public_metadata: string;
  private_metadata: string;
  created_at: number;
  updated_at: number;
}

export interface OrganizationDomainTable {
  id: string;
  organization_id: string;
  name: string;
  enrollment_mode: string;
  verified_at: number | null;
  affiliation_email_address: string | null;
  created_at: number;
  updated_at: number;
}

export interface OrganizationSuggestionTable {
  id: string;
  organization_id: string;
  organization_domain_id: string | null;
  user_id: string;
  status: string;
  created_at: number;
  updated_at: number;
}

export interface MembershipRequestTable {
  id: string;
  organization_id: string;
  user_id: string;
  status: string;
  created_at: number;
  updated_at: number;
}

export interface WaitlistEntryTable {
  id: string;
  email_address: string;
  status: string;
  invitation_id: string | null;
  invited_at: number | null;
  created_at: number;
  updated_at: number;
}

export interface InvitationTable {
  id: string;
  kind: string;
  organization_id: string | null;
  user_id: string | null;
  email_address: string | null;
  role: string | null;
  status: string;
  public_metadata: string;
  private_metadata: string;
  redirect_url: string | null;
  inviter_user_id: string | null;
  ticket_hash: string;
  sign_up_id: string | null;
  organization_domain_id: string | null;
  expires_at: number | null;
  created_at: number;
  updated_at: number;
}

export interface ApiKeyTable {
  id: string;
  name: string;
  subject: string;
  description: string | null;
  /** JSON: an object or null. */
  claims: string;
  /** JSON: an array of strings. */
  scopes: string;
  created_by: string | null;
  secret_hash: string;
  secret_enc: string;
  revoked: number;
  revocation_reason: string | null;
  expiration: number | null;
  last_used_at: number | null;
  created_at: number;
  updated_at: number;
}

export interface MachineTable {
  id: string;
  name: string;
  default_token_ttl: number;
  secret_key_hash: string;
  secret_key_enc: string;
  previous_secret_key_hash: string | null;
  previous_secret_key_expires_at: number | null;
  created_at: number;
  updated_at: number;
}

export interface MachineScopeTable {
  from_machine_id: string;
  to_machine_id: string;
  created_at: number;
}

export interface M2MTokenTable {
  id: string;
  subject: string;
  /** JSON: an array of machine ids. */
  scopes: string;
  /** JSON: an object or null. */
  claims: string;
  token_hash: string;
  revoked: number;
  revocation_reason: string | null;
  expiration: number | null;
  created_at: number;
  updated_at: number;
}

/** An uploaded image; `id` is the hex SHA-256 of `bytes`, so one content is stored once. */
export interface ImageTable {
  id: string;
  content_type: string;
  size: number;
  bytes: Buffer;
  created_at: number;
}

/** Where and on what a session was signed in (Clerk's `latest_activity`); null: unknown. */
export interface SessionActivityTable {
  session_id: string;
  browser_name: string | null;
  browser_version: string | null;
  os_name: string | null;
  device_type: string | null;
  is_mobile: number;
  ip_address: string | null;
  city: string | null;
  country: string | null;
  created_at: number;
}

export interface Database {
  instance: InstanceTable;
  signing_keys: SigningKeyTable;
  users: UserTable;
  email_addresses: EmailAddressTable;
  clients: ClientTable;
  sessions: SessionTable;
  jwt_templates: JwtTemplateTable;
  sign_ins: SignInTable;
  sign_ups: SignUpTable;
  oauth_flows: OAuthFlowTable;
  external_accounts: ExternalAccountTable;
  verification_codes: VerificationCodeTable;
  handshake_nonces: HandshakeNonceTable;
  mail_outbox: MailOutboxTable;
  testing_tokens: TestingTokenTable;
  organizations: OrganizationTable;
  organization_memberships: OrganizationMembershipTable;
  invitations: InvitationTable;
  organization_domains: OrganizationDomainTable;
  organization_suggestions: OrganizationSuggestionTable;
  organization_membership_requests: MembershipRequestTable;
  waitlist_entries: WaitlistEntryTable;
  images: ImageTable;
  session_activities: SessionActivityTable;
  api_keys: ApiKeyTable;
  machines: MachineTable;
  machine_scopes: MachineScopeTable;
  m2m_tokens: M2MTokenTable;
  attempt_counters: AttemptCounterTable;
  retired_client_tokens: RetiredClientTokenTable;
  webhook_endpoints: WebhookEndpointTable;
  webhook_events: WebhookEventTable;
  webhook_deliveries: WebhookDeliveryTable;
  webhook_attempts: WebhookAttemptTable;
  totp_secrets: TotpSecretTable;
  backup_codes: BackupCodeTable;
  operators: OperatorTable;
  operator_tokens: OperatorTokenTable;
  operator_sessions: OperatorSessionTable;
  audit_log: AuditLogTable;
  actor_tokens: ActorTokenTable;
  phone_numbers: PhoneNumberTable;
  passkeys: PasskeyTable;
}

export interface WebhookEndpointTable {
  id: string;
  url: string;
  /** JSON array of event types; empty: all. */
  events: string;
  secret_enc: string;
  previous_secret_enc: string | null;
  previous_secret_expires_at: number | null;
  disabled: number;
  failing_since: number | null;
  retry_at: number | null;
  source: string;
  lease_owner: string | null;
  lease_expires_at: number | null;
  created_at: number;
  updated_at: number;
}

export interface WebhookEventTable {
  id: string;
  type: string;
  body: string;
  created_at: number;
}

export interface WebhookDeliveryTable {
  /** Autoincrement (SQLite) or bigserial (PostgreSQL): the order of deliveries per endpoint. */
  seq: Generated<number>;
  id: string;
  endpoint_id: string;
  event_id: string;
  event_type: string;
  status: string;
  attempts: number;
  next_attempt_at: number | null;
  created_at: number;
  updated_at: number;
}

export interface WebhookAttemptTable {
  id: string;
  delivery_id: string;
  endpoint_id: string;
  event_id: string;
  status_code: number | null;
  duration_ms: number;
  error: string | null;
  created_at: number;
}

/** A count of events (failed codes, code sends) for one key in a fixed window that began at `window_start`. */
export interface AttemptCounterTable {
  key: string;
  count: number;
  window_start: number;
}

/** A `__client` token replaced by a rotation: it resolves only for retrying the completion that retired it. */
export interface RetiredClientTokenTable {
  token_hash: string;
  client_id: string;
  expire_at: number;
}

export type InstanceRow = InstanceTable;
export type SigningKeyRow = SigningKeyTable;
export type UserRow = UserTable;
export type EmailAddressRow = EmailAddressTable;
export type ClientRow = ClientTable;
export type SessionRow = SessionTable;
export type JwtTemplateRow = JwtTemplateTable;
export type SignInRow = SignInTable;
export type SignUpRow = SignUpTable;
export type OAuthFlowRow = OAuthFlowTable;
export type ExternalAccountRow = ExternalAccountTable;
export type VerificationCodeRow = VerificationCodeTable;
export type HandshakeNonceRow = HandshakeNonceTable;
export type MailOutboxRow = MailOutboxTable;
export type OrganizationRow = OrganizationTable;
export type OrganizationMembershipRow = OrganizationMembershipTable;
export type InvitationRow = InvitationTable;
export type OrganizationDomainRow = OrganizationDomainTable;
export type OrganizationSuggestionRow = OrganizationSuggestionTable;
export type MembershipRequestRow = MembershipRequestTable;
export type WaitlistEntryRow = WaitlistEntryTable;
export type ApiKeyRow = ApiKeyTable;
export type MachineRow = MachineTable;
export type MachineScopeRow = MachineScopeTable;
export type M2MTokenRow = M2MTokenTable;
export type WebhookEndpointRow = WebhookEndpointTable;
export type WebhookAttemptRow = WebhookAttemptTable;

/** A user's TOTP secret (sealed); unverified until a first code proves the authenticator has it. */
export interface TotpSecretTable {
  user_id: string;
  id: string;
  secret_enc: string;
  verified: number;
  /** The last RFC 6238 time step a code was accepted for: codes of that step or earlier are refused. */
  last_used_step: number | null;
  created_at: number;
  updated_at: number;
}

/** One unused backup code of a user, as its HMAC. */
export interface BackupCodeTable {
  user_id: string;
  code_hash: string;
  created_at: number;
}

/** The dashboard's operators: the people who run the instance, never its end users. */
export interface OperatorTable {
  id: string;
  email: string;
  password_digest: string | null;
  totp_secret_enc: string | null;
  failed_attempts: number;
  locked_until: number | null;
  last_sign_in_at: number | null;
  created_at: number;
  updated_at: number;
}

export interface OperatorTokenTable {
  token_hash: string;
  purpose: string;
  operator_id: string | null;
  expires_at: number;
  created_at: number;
}

export interface OperatorSessionTable {
  id: string;
  operator_id: string;
  token_hash: string;
  user_agent: string;
  ip: string;
  created_at: number;
  last_active_at: number;
  expires_at: number;
}

export interface AuditLogTable {
  id: string;
  at: number;
  actor_type: string;
  actor_id: string | null;
  actor_label: string;
  action: string;
  target_type: string | null;
  target_id: string | null;
  ip: string | null;
  detail: string;
}

export type OperatorRow = OperatorTable;
export type OperatorTokenRow = OperatorTokenTable;
export type OperatorSessionRow = OperatorSessionTable;
export type AuditLogRow = AuditLogTable;

export interface ActorTokenTable {
  id: string;
  user_id: string;
  actor: string;
  token_hash: string;
  status: string;
  expires_at: number;
  session_max_duration_ms: number;
  created_at: number;
  updated_at: number;
}
export type ActorTokenRow = ActorTokenTable;

export interface PhoneNumberTable {
  id: string;
  user_id: string;
  phone_number: string;
  verified: number;
  verification_strategy: string | null;
  is_primary: number;
  reserved_for_second_factor: number;
  default_second_factor: number;
  created_at: number;
  updated_at: number;
}

export interface PasskeyTable {
  id: string;
  user_id: string;
  name: string;
  credential_id: string | null;
  public_key: string | null;
  counter: number;
  /** JSON array of transports (`usb`, `internal`, …). */
  transports: string;
  verified: number;
  last_used_at: number | null;
  created_at: number;
  updated_at: number;
}

export type PhoneNumberRow = PhoneNumberTable;
export type PasskeyRow = PasskeyTable;
