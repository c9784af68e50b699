import type { PasswordlessSettings } from '../../domain/passwordless-settings.js';
import type { EnvironmentWireJSON } from './environment.js';

/**
 * The environment's view of the passwordless factors (`passwordless` settings): e-mail links among the
 * address's factors and verifications, phone numbers (an optional identifier, `phone_code`), passkeys
 * (and their autofill and sign-in button). Off factors leave the environment as it was.
 */
export function withPasswordless(environment: EnvironmentWireJSON, settings: PasswordlessSettings | undefined): EnvironmentWireJSON {
  if (!settings) return environment;
  const { attributes } = environment.user_settings;
  if (settings.emailLink) {
    attributes.email_address.first_factors = [...attributes.email_address.first_factors, 'email_link'];
    attributes.email_address.verifications = [...attributes.email_address.verifications, 'email_link'];
  }
  if (settings.phoneNumber !== 'off') {
    attributes.phone_number = {
      ...attributes.phone_number,
      enabled: true,
      required: false,
      used_for_first_factor: true,
      first_factors: ['phone_code'],
      verifications: ['phone_code'],
      verify_at_sign_up: true,
    };
  }
  if (settings.passkeys) {
    attributes.passkey = {
      ...attributes.passkey,
      enabled: true,
      used_for_first_factor: true,
      first_factors: ['passkey'],
      verifications: ['passkey'],
    };
    environment.user_settings.passkey_settings = { allow_autofill: true, show_sign_in_button: true };
  }
  return environment;
}
