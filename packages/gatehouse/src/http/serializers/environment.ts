import type {
  APIKeysSettingsJSON,
  AttackProtectionData,
  Attribute,
  AttributeDataJSON,
  CaptchaProvider,
  CommerceSettingsJSON,
  DisplayConfigJSON,
  DisplayThemeJSON,
  EnvironmentJSON,
  OAuthProviderSettings,
  OAuthProviders,
  OrganizationSettingsJSON,
  PasswordSettingsData,
  ProtectConfigJSON,
  SignUpData,
  UserSettingsJSON,
  VerificationStrategy,
} from '@clerk/shared/types';
import type { FactorSettings } from '../../domain/factor-settings.js';
import type { LockoutPolicy } from '../../domain/frontend/attack-protection.js';
import type { FrontendSettings } from '../../domain/frontend-settings.js';
import type { OAuthProvider } from '../../domain/oauth/providers.js';
import type { OrganizationSettings, RestrictionSettings } from '../../domain/organization-settings.js';
import type { PasswordlessSettings } from '../../domain/passwordless-settings.js';
import { withPasswordless } from './environment-passwordless.js';
import type { Amended } from './wire.js';

/**
 * One `user_settings.attributes` entry. Clerk lists a passkey's factor as `passkey`, which
 * @clerk/shared's `VerificationStrategy` does not name (clerk-js reads `used_for_first_factor`, not the list).
 */
export type AttributeWireJSON = Amended<
  AttributeDataJSON,
  { first_factors: (VerificationStrategy | 'passkey')[]; verifications: (VerificationStrategy | 'passkey')[] }
>;

/**
 * `display_config`: @clerk/shared's type, but with null where Clerk sends null for a setting that is
 * not set (no captcha provider while captcha is off, no support address, terms or privacy page);
 * clerk-js reads each with `?? ''`.
 */
export type DisplayConfigWireJSON = Amended<
  DisplayConfigJSON,
  { captcha_provider: CaptchaProvider | null; support_email: string | null; terms_url: string | null; privacy_policy_url: string | null }
>;

/**
 * `user_settings`: @clerk/shared's type, with what Clerk's wire has beside it: no `id`/`object`
 * (the SDK declares them `never`), `social` listing only the instance's providers (the SDK's type
 * demands one entry per provider it knows), and the fields Clerk sends that the SDK does not declare
 * (`restrictions`, the lockout and PII settings of `attack_protection`, `enforce_hibp_on_sign_in`,
 * the sign-up captcha widget).
 */
export type UserSettingsWireJSON = Amended<
  UserSettingsJSON,
  {
    attributes: Record<Attribute, AttributeWireJSON>;
    social: Partial<OAuthProviders>;
    sign_up: SignUpData & { captcha_widget_type: DisplayConfigJSON['captcha_widget_type'] };
    password_settings: PasswordSettingsData & { enforce_hibp_on_sign_in: boolean };
    attack_protection: AttackProtectionData & {
      user_lockout: { enabled: boolean; max_attempts: number; duration_in_minutes: number };
      pii: { enabled: boolean };
    };
    restrictions: {
      allowlist: { enabled: boolean };
      blocklist: { enabled: boolean };
      block_email_subaddresses: { enabled: boolean };
    };
  },
  'id' | 'object'
>;

/** `organization_settings`: Clerk sends no `id`/`object` (the SDK declares them `never`). */
export type OrganizationSettingsWireJSON = Amended<OrganizationSettingsJSON, Record<never, never>, 'id' | 'object'>;

/** The environment: @clerk/shared's `EnvironmentJSON` with the sections above. */
export type EnvironmentWireJSON = Amended<
  EnvironmentJSON,
  { display_config: DisplayConfigWireJSON; user_settings: UserSettingsWireJSON; organization_settings: OrganizationSettingsWireJSON }
>;

/** Clerk's default theme, as it sends it for an instance whose theme was never customised (no component reads it). */
const DEFAULT_THEME: DisplayThemeJSON = {
  general: {
    color: '#6c47ff',
    background_color: '#ffffff',
    font_family: '"Source Sans Pro", sans-serif',
    font_color: '#151515',
    label_font_weight: '600',
    padding: '1em',
    border_radius: '0.5em',
    box_shadow: '0 2px 8px rgba(0, 0, 0, 0.2)',
  },
  buttons: { font_color: '#ffffff', font_family: '"Source Sans Pro", sans-serif', font_weight: '600' },
  accounts: { background_color: '#ffffff' },
};

/** Billing is not supported: Clerk's settings with billing off for users and organizations. */
const COMMERCE_OFF: CommerceSettingsJSON = {
  object: 'commerce_settings',
  id: '',
  billing: {
    stripe_publishable_key: null,
    organization: { enabled: false, has_paid_plans: false },
    user: { enabled: false, has_paid_plans: false },
  },
};

/** API keys for users and organizations (`<APIKeys/>`) are not offered through the Frontend API. */
const API_KEYS_OFF: APIKeysSettingsJSON = {
  object: 'api_keys_settings',
  id: '',
  user_api_keys_enabled: false,
  orgs_api_keys_enabled: false,
};

/** Clerk Protect is not supported: its configuration with no loaders, as Clerk sends it. */
const PROTECT_OFF: ProtectConfigJSON = { object: 'protect_config', id: '' };

function attribute(enabled: boolean, extra: Partial<AttributeWireJSON> = {}): AttributeWireJSON {
  return {
    enabled,
    required: false,
    used_for_first_factor: false,
    first_factors: [],
    used_for_second_factor: false,
    second_factors: [],
    verifications: [],
    verify_at_sign_up: false,
    ...extra,
  };
}

/** A stored path under the public URL (an upload), or an absolute URL as given. */
function absoluteUrl(publicUrl: string, stored: string): string {
  return stored.startsWith('/') ? `${publicUrl.replace(/\/+$/, '')}${stored}` : stored;
}

function nameAttribute(mode: FrontendSettings['firstName']) {
  return attribute(mode !== 'off', { required: mode === 'required' });
}

/**
 * `user_settings.social`: one entry per enabled provider, keyed by strategy, as clerk-js reads it
 * (`authenticatableSocialStrategies` are those `enabled` and `authenticatable`; the buttons show `name`).
 */
function serializeSocial(providers: OAuthProvider[]): Partial<OAuthProviders> {
  return Object.fromEntries(
    providers.map((p) => [
      p.strategy,
      {
        enabled: true,
        required: false,
        authenticatable: true,
        strategy: p.strategy,
        name: p.name,
        logo_url: null,
      } satisfies OAuthProviderSettings,
    ]),
  );
}

/**
 * The `environment` clerk-js and the prebuilt components configure themselves from, typed by
 * @clerk/shared's `EnvironmentJSON` (amended above where Clerk's wire differs). What Gatehouse does
 * not support (captcha, billing, API keys, Protect, enterprise SSO, organization pages) is sent as
 * Clerk sends it when the feature is off.
 */
export function serializeEnvironment(input: {
  instanceId: string;
  development: boolean;
  settings: FrontendSettings;
  factors: FactorSettings;
  publicUrl: string;
  lockout: LockoutPolicy;
  organizations: OrganizationSettings;
  restrictions: RestrictionSettings;
  social?: OAuthProvider[];
  passwordless?: PasswordlessSettings;
}): EnvironmentWireJSON {
  return withPasswordless(environmentFields(input), input.passwordless, input.factors.phoneCode);
}

function environmentFields(input: Parameters<typeof serializeEnvironment>[0]): EnvironmentWireJSON {
  const { settings, factors, publicUrl, organizations, restrictions } = input;
  const home = settings.afterSignInUrl ?? publicUrl;
  const signIn = settings.signInUrl ?? `${publicUrl}/sign-in`;
  return {
    object: 'environment',
    id: input.instanceId,
    auth_config: {
      object: 'auth_config',
      id: `aac_${input.instanceId.slice(4)}`,
      single_session_mode: true,
      claimed_at: null,
      reverification: false,
    },
    api_keys_settings: API_KEYS_OFF,
    commerce_settings: COMMERCE_OFF,
    protect_config: PROTECT_OFF,
    display_config: {
      object: 'display_config',
      id: `display_config_${input.instanceId.slice(4)}`,
      instance_environment_type: input.development ? 'development' : 'production',
      application_name: settings.applicationName,
      preferred_sign_in_strategy: 'password',
      branded: false,
      captcha_public_key: null,
      captcha_widget_type: null,
      captcha_provider: null,
      captcha_public_key_invisible: null,
      captcha_oauth_bypass: [],
      logo_image_url: settings.logoImageUrl ? absoluteUrl(publicUrl, settings.logoImageUrl) : '',
      favicon_image_url: '',
      home_url: home,
      sign_in_url: signIn,
      sign_up_url: settings.signUpUrl ?? `${publicUrl}/sign-up`,
      user_profile_url: `${publicUrl}/user`,
      after_sign_in_url: home,
      after_sign_up_url: settings.afterSignUpUrl ?? home,
      after_sign_out_one_url: signIn,
      after_sign_out_all_url: signIn,
      after_switch_session_url: home,
      // Gatehouse hosts no organization or waitlist pages: the components open theirs as modals
      // (clerk-js's own default, ''). After creating or leaving an organization, like Clerk, home.
      organization_profile_url: '',
      create_organization_url: '',
      after_create_organization_url: home,
      after_leave_organization_url: home,
      waitlist_url: '',
      after_join_waitlist_url: '',
      terms_url: null,
      privacy_policy_url: null,
      show_devmode_warning: false,
      theme: DEFAULT_THEME,
      support_email: settings.supportEmail ?? null,
    },
    user_settings: {
      attributes: {
        email_address: attribute(true, {
          required: true,
          used_for_first_factor: true,
          first_factors: factors.emailCode ? ['email_code'] : [],
          verifications: ['email_code'],
          verify_at_sign_up: true,
        }),
        phone_number: attribute(false),
        // A username signs in with the password (and e-mail code) of its account, as Clerk lists it.
        username: attribute(settings.username !== 'off', {
          required: settings.username === 'required',
          used_for_first_factor: settings.username !== 'off',
        }),
        web3_wallet: attribute(false),
        first_name: nameAttribute(settings.firstName),
        last_name: nameAttribute(settings.lastName),
        password: attribute(true, { required: true }),
        authenticator_app: attribute(factors.totp, {
          used_for_second_factor: factors.totp,
          second_factors: factors.totp ? ['totp'] : [],
        }),
        backup_code: attribute(factors.totp && factors.backupCode, {
          used_for_second_factor: factors.totp && factors.backupCode,
          second_factors: factors.totp && factors.backupCode ? ['backup_code'] : [],
        }),
        passkey: attribute(false),
      },
      sign_in: { second_factor: { required: factors.mfaRequired, enabled: factors.totp } },
      sign_up: {
        mode: restrictions.signUpMode,
        captcha_enabled: false,
        captcha_widget_type: null,
        progressive: true,
        legal_consent_enabled: false,
        allowlist_only: restrictions.allowlist,
        mfa: { required: factors.mfaRequired },
      },
      restrictions: {
        allowlist: { enabled: restrictions.allowlist },
        blocklist: { enabled: restrictions.blocklist },
        block_email_subaddresses: { enabled: restrictions.blockEmailSubaddresses },
      },
      username_settings: { min_length: 4, max_length: 64 },
      actions: {
        delete_self: settings.deleteSelfEnabled,
        create_organization: organizations.enabled && organizations.createOrganizationEnabled,
      },
      social: serializeSocial(input.social ?? []),
      enterprise_sso: { enabled: false, self_serve_sso: false, self_serve_directory_sync: false },
      password_settings: {
        min_length: 8,
        max_length: 256,
        disable_hibp: false,
        require_special_char: false,
        require_numbers: false,
        require_uppercase: false,
        require_lowercase: false,
        show_zxcvbn: false,
        min_zxcvbn_strength: 0,
        enforce_hibp_on_sign_in: false,
        allowed_special_characters: '',
      },
      attack_protection: {
        enumeration_protection: { enabled: true },
        user_lockout: { enabled: true, max_attempts: input.lockout.maxAttempts, duration_in_minutes: input.lockout.durationMinutes },
        pii: { enabled: false },
      },
      passkey_settings: { allow_autofill: false, show_sign_in_button: false },
    },
    organization_settings: {
      enabled: organizations.enabled,
      max_allowed_memberships: organizations.maxAllowedMemberships,
      force_organization_selection: organizations.enabled && organizations.forceOrganizationSelection,
      actions: { admin_delete: organizations.adminDeleteEnabled },
      domains: {
        enabled: organizations.domainsEnabled,
        enrollment_modes: organizations.domainsEnrollmentModes,
        default_role: organizations.defaultRole,
      },
      slug: { disabled: false },
      organization_creation_defaults: { enabled: false },
    },
    maintenance_mode: false,
  };
}
