import type { SessionTaskKey } from '../../model/index.js';
import type { FactorSettings } from '../factor-settings.js';
import type { OrganizationSettings } from '../organization-settings.js';
import type { PasswordlessSettings } from '../passwordless-settings.js';
import { SESSION_TASK_ORDER } from '../sessions.js';

/**
 * Whether a new session must start `pending` with Clerk's `setup-mfa` task: the instance requires MFA
 * (`factors.mfaRequired`), the user has no second factor sign-in could ask for, and the instance
 * offers one they can set up (an authenticator app, or SMS codes while phone numbers are on). Without
 * any such factor the requirement could never be met, so it is not imposed.
 */
export function mfaSetupRequired(factors: FactorSettings, passwordless: PasswordlessSettings, hasSecondFactor: boolean): boolean {
  if (!factors.mfaRequired || hasSecondFactor) return false;
  return factors.totp || (factors.phoneCode && passwordless.phoneNumber !== 'off');
}

/**
 * Whether a new session must start `pending` with Clerk's `choose-organization` task: organizations
 * are on and the instance requires one (`organizations.forceOrganizationSelection`, Clerk's
 * "Membership required"). A new session acts in no organization, so every sign-in and sign-up waits
 * for the user to pick one of theirs or create one, members included (as on Clerk).
 */
export function organizationChoiceRequired(organizations: OrganizationSettings): boolean {
  return organizations.enabled && organizations.forceOrganizationSelection;
}

/** The settings that decide a new session's tasks. */
export interface SessionTaskSettings {
  factors: FactorSettings;
  passwordless: PasswordlessSettings;
  organizations: OrganizationSettings;
}

/**
 * The one place that decides which tasks a session a sign-in or sign-up creates starts with, in
 * Clerk's order (see SESSION_TASK_ORDER); none means the session starts `active`. `hasSecondFactor`
 * is asked only while the instance requires MFA (it costs the user's factor lookups).
 */
export async function newSessionTasks(settings: SessionTaskSettings, hasSecondFactor: () => Promise<boolean>): Promise<SessionTaskKey[]> {
  const due = new Set<SessionTaskKey>();
  if (settings.factors.mfaRequired && mfaSetupRequired(settings.factors, settings.passwordless, await hasSecondFactor())) {
    due.add('setup-mfa');
  }
  if (organizationChoiceRequired(settings.organizations)) due.add('choose-organization');
  return SESSION_TASK_ORDER.filter((key) => due.has(key));
}
