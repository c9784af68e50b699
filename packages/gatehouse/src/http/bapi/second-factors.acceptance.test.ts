import type { ClerkClient } from '@clerk/backend';
import { Secret, TOTP } from 'otpauth';
import { expect, it } from 'vitest';
import { type Dialect, describeAgainstGatehouse, sdkErrorOf as errorOf, startGatehouseForSuite } from '../../testing/sdk-server.js';
import type { RunningServer } from '../../testing/server.js';

const PASSWORD = 'second factor passphrase';
const ORIGIN = 'http://127.0.0.1:5173';

/** A browser over real HTTP: form bodies from an allowed origin, the `__client` cookie kept. */
function httpBrowser(baseUrl: string) {
  let cookie = '';
  return async (method: string, path: string, form?: Record<string, string>) => {
    const res = await fetch(`${baseUrl}${path}`, {
      method,
      headers: { origin: ORIGIN, cookie, ...(form ? { 'content-type': 'application/x-www-form-urlencoded' } : {}) },
      ...(form ? { body: new URLSearchParams(form).toString() } : {}),
    });
    for (const line of res.headers.getSetCookie()) if (line.startsWith('__client=')) cookie = line.split(';')[0] ?? '';
    // biome-ignore lint/suspicious/noExplicitAny: tests read Clerk's JSON by path.
    return { status: res.status, body: (await res.json()) as any };
  };
}

/** Signs `email` in over the Frontend API and sets up TOTP; returns the secret and the backup codes. */
async function enrolTotp(baseUrl: string, email: string) {
  const call = httpBrowser(baseUrl);
  const signIn = await call('POST', '/v1/client/sign_ins', { identifier: email, password: PASSWORD, strategy: 'password' });
  expect(signIn.body.response.status).toBe('complete');
  const { secret } = (await call('POST', '/v1/me/totp')).body.response;
  const code = new TOTP({ secret: Secret.fromBase32(secret) }).generate();
  const verified = await call('POST', '/v1/me/totp/attempt_verification', { code });
  expect(verified.body.response.verified).toBe(true);
  return { secret: secret as string, backupCodes: verified.body.response.backup_codes as string[] };
}

/** `@clerk/backend`'s MFA methods against a real `gatehouse start`. */
function suite(dialect: Dialect) {
  let server: RunningServer;
  let clerk: ClerkClient;
  startGatehouseForSuite(dialect, (started) => {
    ({ server, clerk } = started);
  });

  it('getUser shows the factors; verifyTOTP takes a backup code once; deleteUserBackupCodes, deleteUserTOTP, disableUserMFA', async () => {
    const user = await clerk.users.createUser({ emailAddress: [`mfa.${dialect}@example.com`], password: PASSWORD });
    expect(user.twoFactorEnabled).toBe(false);
    const { backupCodes } = await enrolTotp(server.env.frontendApiUrl, `mfa.${dialect}@example.com`);

    const enrolled = await clerk.users.getUser(user.id);
    expect(enrolled.twoFactorEnabled).toBe(true);
    expect(enrolled.totpEnabled).toBe(true);
    expect(enrolled.backupCodeEnabled).toBe(true);

    // A backup code verifies once (custom re-verification flows), then it is used up.
    const ok = await clerk.users.verifyTOTP({ userId: user.id, code: backupCodes[0] as string });
    expect(ok).toMatchObject({ verified: true, code_type: 'backup_code' });
    expect(await errorOf(clerk.users.verifyTOTP({ userId: user.id, code: backupCodes[0] as string }))).toEqual({
      status: 422,
      code: 'form_code_incorrect',
    });

    expect(await clerk.users.deleteUserBackupCodes(user.id)).toEqual({ user_id: user.id });
    const withoutCodes = await clerk.users.getUser(user.id);
    expect(withoutCodes.backupCodeEnabled).toBe(false);
    expect(withoutCodes.totpEnabled).toBe(true);
    expect(await errorOf(clerk.users.deleteUserBackupCodes(user.id))).toEqual({ status: 404, code: 'resource_not_found' });

    expect(await clerk.users.deleteUserTOTP(user.id)).toEqual({ user_id: user.id });
    expect((await clerk.users.getUser(user.id)).twoFactorEnabled).toBe(false);
    expect(await errorOf(clerk.users.deleteUserTOTP(user.id))).toEqual({ status: 404, code: 'resource_not_found' });

    await enrolTotp(server.env.frontendApiUrl, `mfa.${dialect}@example.com`);
    expect((await clerk.users.getUser(user.id)).twoFactorEnabled).toBe(true);
    expect(await clerk.users.disableUserMFA(user.id)).toEqual({ user_id: user.id });
    const disabled = await clerk.users.getUser(user.id);
    expect(disabled).toMatchObject({ twoFactorEnabled: false, totpEnabled: false, backupCodeEnabled: false });

    // With MFA disabled the password alone signs in again.
    const call = httpBrowser(server.env.frontendApiUrl);
    const signIn = await call('POST', '/v1/client/sign_ins', { identifier: `mfa.${dialect}@example.com`, password: PASSWORD });
    expect(signIn.body.response.status).toBe('complete');

    expect(await errorOf(clerk.users.disableUserMFA('user_unknown'))).toEqual({ status: 404, code: 'resource_not_found' });
  });
}

describeAgainstGatehouse('@clerk/backend MFA methods', suite);
