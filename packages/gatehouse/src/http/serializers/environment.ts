import type { LockoutPolicy } from '../../domain/frontend/attack-protection.js';
import type { FrontendSettings } from '../../domain/frontend-settings.js';
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
 * The `environment` clerk-js and the prebuilt components configure themselves from. Not yet typed by
 * @clerk/shared's `EnvironmentJSON`, which declares every OAuth provider, captcha, theme, billing and
 * API-key setting as required; what Gatehouse sends is what clerk-js reads of them.
 */
export function serializeEnvironment(input: {
  instanceId: string;
  development: boolean;
  settings: FrontendSettings;
  publicUrl: string;
  lockout: LockoutPolicy;
  passwordless?: PasswordlessSettings;
}) {
  const { settings, publicUrl } = input;
  return withPasswordless(environmentFields(input, settings, publicUrl), input.passwordless);
}

function environmentFields(
  input: { instanceId: string; development: boolean; lockout: LockoutPolicy },
  settings: FrontendSettings,
  publicUrl: string,
) {
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
      support_email: null,
    },
    user_settings: {
      attributes: {
        email_address: attribute(true, {
          required: true,
          used_for_first_factor: true,
          first_factors: ['email_code'] as string[],
          verifications: ['email_code'] as string[],
          verify_at_sign_up: true,
        }),
        phone_number: attribute(false),
        username: attribute(settings.username !== 'off', {
          required: settings.username === 'required',
          used_for_first_factor: settings.username !== 'off',
        }),
        web3_wallet: attribute(false),
        first_name: nameAttribute(settings.firstName),
        last_name: nameAttribute(settings.lastName),
        password: attribute(true, { required: true }),
        authenticator_app: attribute(false),
        backup_code: attribute(false),
        passkey: attribute(false),
      },
      sign_in: { second_factor: { required: false } },
      sign_up: {
        mode: 'public',
        captcha_enabled: false,
        captcha_widget_type: null,
        progressive: true,
        legal_consent_enabled: false,
        allowlist_only: false,
        mfa: { required: false },
      },
      restrictions: { allowlist: { enabled: false }, blocklist: { enabled: false } },
      username_settings: { min_length: 4, max_length: 64 },
      actions: { delete_self: settings.deleteSelfEnabled, create_organization: false },
      social: {},
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
    organization_settings: { enabled: false, max_allowed_memberships: 0, actions: { admin_delete: false }, domains: { enabled: false } },
    maintenance_mode: false,
  };
}
