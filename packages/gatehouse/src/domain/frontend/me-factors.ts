import { errors, frontendErrors } from '../../errors.js';
import type { EmailAddress, Passkey, PhoneNumber, VerificationCode } from '../../model/index.js';
import type { Store } from '../../store/index.js';
import type { Caller } from '../caller.js';
import type { Clock } from '../clock.js';
import type { FactorSettings } from '../factor-settings.js';
import type { PasswordlessSettings } from '../passwordless-settings.js';
import type { PhoneNumberService } from '../phone-numbers.js';
import type { UserService } from '../users.js';
import type { AttackProtection } from './attack-protection.js';
import { isFailedProof } from './attack-protection.js';
import type { PasskeyCeremonies, RelyingParty } from './passkeys.js';
import type { SecondFactorService } from './second-factors.js';
import type { VerificationCodes } from './verification-codes.js';

/**
 * The passwordless factors a signed-in person manages through `/v1/me`: phone numbers (verified by SMS
 * code), passkeys (registered with a WebAuthn ceremony) and e-mail link verification of an address.
 */
export function createMeFactorService(deps: {
  store: Store;
  clock: Clock;
  users: UserService;
  phones: PhoneNumberService;
  codes: VerificationCodes;
  passkeys: PasskeyCeremonies;
  protection: AttackProtection;
  settings: () => Promise<PasswordlessSettings>;
  factorSettings: () => Promise<FactorSettings>;
  verifyUrl: (token: string) => string;
  secondFactors: SecondFactorService;
}) {
  const { store, clock } = deps;

  /**
   * With MFA required, a person may not give up the last second factor sign-in asks for through the
   * Frontend API (403 `mfa_required`, as for `DELETE /v1/me/totp`): here, a verified number reserved
   * for two-step verification, when neither an authenticator app nor another such number remains.
   */
  async function assertNotLastSecondFactor(phone: PhoneNumber): Promise<void> {
    if (!phone.verified || !phone.reservedForSecondFactor || !(await deps.factorSettings()).mfaRequired) return;
    const { user } = await deps.users.get(phone.userId);
    if (user.totpEnabled) return;
    const others = (await deps.phones.listByUsers([phone.userId])).filter(
      (p) => p.id !== phone.id && p.verified && p.reservedForSecondFactor,
    );
    if (others.length === 0) throw frontendErrors.mfaRequired();
  }

  async function ownPhone(userId: string, id: string): Promise<PhoneNumber> {
    const phone = await store.phoneNumbers.findById(id);
    if (!phone || phone.userId !== userId) throw errors.notFound('phone number');
    return phone;
  }

  async function ownPasskey(userId: string, id: string): Promise<Passkey> {
    const passkey = await store.passkeys.findById(id);
    if (!passkey || passkey.userId !== userId) throw errors.notFound('passkey');
    return passkey;
  }

  async function requirePhones(): Promise<void> {
    if ((await deps.settings()).phoneNumber === 'off') throw errors.paramUnknown('phone_number');
  }

  async function requirePasskeys(): Promise<void> {
    if (!(await deps.settings()).passkeys) throw frontendErrors.strategyInvalid('passkey');
  }

  return {
    ownPhone,
    phoneVerification: (phoneId: string): Promise<VerificationCode | undefined> => deps.codes.find(phoneId, 'phone_number'),

    async addPhone(userId: string, phoneNumber: string): Promise<PhoneNumber> {
      await requirePhones();
      return deps.phones.create({ userId, phoneNumber, verified: false });
    },

    async preparePhoneVerification(userId: string, id: string, locale: string, caller: Caller): Promise<PhoneNumber> {
      await requirePhones();
      const phone = await ownPhone(userId, id);
      await deps.codes.send({
        subjectId: phone.id,
        purpose: 'phone_number',
        to: phone.phoneNumber,
        kind: 'verification_code',
        locale,
        channel: 'sms',
        caller,
      });
      return phone;
    },

    async attemptPhoneVerification(userId: string, id: string, code: string, caller: Caller): Promise<PhoneNumber> {
      const phone = await ownPhone(userId, id);
      const { user } = await deps.users.get(userId);
      deps.protection.assertNotLocked(user);
      try {
        await deps.codes.check(phone.id, 'phone_number', code);
      } catch (error) {
        if (isFailedProof(error)) await deps.protection.recordFailure(user, caller);
        throw error;
      }
      return deps.phones.markVerified(phone.id);
    },

    /**
     * Reserves a number for two-step verification (or gives it up). Reserving the user's first second
     * factor answers the backup codes made with it, once (Clerk's `PhoneNumberJSON.backup_codes`).
     */
    async updatePhone(
      userId: string,
      id: string,
      changes: { reservedForSecondFactor?: boolean },
    ): Promise<{ phone: PhoneNumber; backupCodes: string[] | undefined }> {
      const phone = await ownPhone(userId, id);
      if (changes.reservedForSecondFactor && !phone.verified) {
        throw errors.paramValueInvalid('reserved_for_second_factor', 'needs a verified phone number');
      }
      if (changes.reservedForSecondFactor === false) await assertNotLastSecondFactor(phone);
      if (!changes.reservedForSecondFactor || phone.reservedForSecondFactor)
        return { phone: await deps.phones.update(id, changes), backupCodes: undefined };
      // Settings are read before the transaction: SQLite's one connection refuses reads outside it from inside.
      const backupCodesOn = (await deps.factorSettings()).backupCode;
      let backupCodes: string[] | undefined;
      const updated = await deps.phones.update(id, changes, async (tx) => {
        backupCodes = await deps.secondFactors.issueFirstBackupCodes(tx, userId, id, backupCodesOn);
      });
      return { phone: updated, backupCodes };
    },

    async removePhone(userId: string, id: string): Promise<PhoneNumber> {
      await assertNotLastSecondFactor(await ownPhone(userId, id));
      return deps.phones.delete(id);
    },

    async makePhonePrimary(userId: string, id: string): Promise<void> {
      const phone = await ownPhone(userId, id);
      if (!phone.verified) throw errors.paramValueInvalid('primary_phone_number_id', 'must be a verified phone number');
      await deps.phones.update(id, { primary: true });
    },

    /** Sends an e-mail link verifying one of the person's addresses (`strategy: email_link`). */
    async prepareEmailLink(email: EmailAddress, locale: string, redirectUrl: string | undefined, caller: Caller): Promise<void> {
      if (!(await deps.settings()).emailLink) throw frontendErrors.strategyInvalid('email_link');
      if (!redirectUrl) throw errors.paramMissing('redirect_url');
      await deps.codes.sendLink({
        subjectId: email.id,
        purpose: 'email_address_link',
        to: email.emailAddress,
        kind: 'verification_link',
        locale,
        returnTo: redirectUrl,
        verifyUrl: deps.verifyUrl,
        caller,
      });
    },
    emailLinkVerification: (emailId: string) => deps.codes.find(emailId, 'email_address_link'),

    async startPasskey(userId: string, rp: RelyingParty): Promise<Passkey> {
      await requirePasskeys();
      const record = await deps.users.get(userId);
      const email = record.emailAddresses.find((e) => e.id === record.user.primaryEmailAddressId);
      return deps.passkeys.startRegistration(record.user, email?.emailAddress ?? record.user.username ?? record.user.id, rp);
    },

    async finishPasskey(userId: string, id: string, credential: string | undefined): Promise<Passkey> {
      const passkey = await ownPasskey(userId, id);
      if (passkey.verified) throw frontendErrors.verificationMissing();
      return deps.passkeys.finishRegistration(passkey, credential);
    },

    passkeyVerification: (passkeyId: string) => deps.codes.find(passkeyId, 'passkey_registration'),

    async renamePasskey(userId: string, id: string, name: string): Promise<Passkey> {
      await ownPasskey(userId, id);
      const trimmed = name.trim();
      if (!trimmed || trimmed.length > 100) throw errors.paramInvalid('name', 'must be 1 to 100 characters');
      await store.passkeys.update(id, { name: trimmed, updatedAt: clock() });
      return ownPasskey(userId, id);
    },

    async deletePasskey(userId: string, id: string): Promise<void> {
      await ownPasskey(userId, id);
      await store.passkeys.delete(id);
    },
  };
}

export type MeFactorService = ReturnType<typeof createMeFactorService>;
