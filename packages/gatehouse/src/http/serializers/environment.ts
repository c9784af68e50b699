import type { OAuthProviderSettings, OAuthStrategy } from '@clerk/shared/types';
import type { FactorSettings } from '../../domain/factor-settings.js';
import type { LockoutPolicy } from '../../domain/frontend/attack-protection.js';
import type { FrontendSettings } from '../../domain/frontend-settings.js';
import type { OAuthProvider } from '../../domain/oauth/providers.js';
import type { OrganizationSettings, RestrictionSettings } from '../../domain/organization-settings.js';
import type { PasswordlessSettings } from '../../domain/passwordless-settings.js';
import { withPasswordless } from './environment-passwordless.js';

function attribute(enabled: boolean, extra: Record<string, unknown> = {}) {
  return {
    enabled,
    required: false,
    used_for_first_factor: false,
    first_factors: [] as string[],
    used_for_second_factor: false,
    second_factors: [] as string[],
    verifications: [] as string[],
    verify_at_sign_up: false,
    ...extra,
  };
}

function nameAttribute(mode: FrontendSettings['firstName']) {
  return attribute(mode !== 'off', { required: mode === 'required' });
}

/**
 * `user_settings.social`: one entry per enabled provider, keyed by strategy, as clerk-js reads it
 * (`authenticatableSocialStrategies` are those `enabled` and `authenticatable`; the buttons show `name`).
 */
function serializeSocial(providers: OAuthProvider[]): Record<string, OAuthProviderSettings> {
  return Object.fromEntries(
    providers.map((p) => [
      p.strategy,
      { enabled: true, required: false, authenticatable: true, strategy: p.strategy as OAuthStrategy, name: p.name, logo_url: null },
    ]),
  );
}

/**
 * The `environment` clerk-js and the prebuilt components configure themselves from. Not yet typed by
 * @clerk/shared's `EnvironmentJSON`, which declares every OAuth provider, captcha, theme, billing and
 * API-key setting as required; what Gatehouse sends is what clerk-js reads of them.
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
}) {
  return withPasswordless(environmentFields(input), input.passwordless);
}

function environmentFields(input: Parameters<typeof serializeEnvironment>[0]) {
  const { settings, factors, publicUrl, organizations, restrictions } = input;
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
      logo_image_url: '',
      favicon_image_url: '',
      home_url: settings.afterSignInUrl ?? publicUrl,
      sign_in_url: settings.signInUrl ?? `${publicUrl}/sign-in`,
      sign_up_url: settings.signUpUrl ?? `${publicUrl}/sign-up`,
      user_profile_url: `${publicUrl}/user`,
      after_sign_in_url: settings.afterSignInUrl ?? publicUrl,
      after_sign_up_url: settings.afterSignUpUrl ?? settings.afterSignInUrl ?? publicUrl,
      after_sign_out_one_url: settings.signInUrl ?? `${publicUrl}/sign-in`,
      after_sign_out_all_url: settings.signInUrl ?? `${publicUrl}/sign-in`,
      theme: {},
      support_email: settings.supportEmail ?? null,
    },
    user_settings: {
      attributes: {
        email_address: attribute(true, {
          required: true,
          used_for_first_factor: true,
          first_factors: (factors.emailCode ? ['email_code'] : []) as string[],
          verifications: ['email_code'] as string[],
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
      sign_in: { second_factor: { required: factors.mfaRequired } },
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
      enterprise_sso: { enabled: false },
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
      force_organization_selection: false,
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
