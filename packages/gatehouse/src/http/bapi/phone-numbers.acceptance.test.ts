import type { ClerkClient } from '@clerk/backend';
import { expect, it } from 'vitest';
import { type Dialect, describeAgainstGatehouse, sdkErrorOf as errorOf, startGatehouseForSuite } from '../../testing/sdk-server.js';

/** `@clerk/backend`'s `phoneNumbers` group, and phone numbers on its `User`, against a real `gatehouse start`. */
function phoneSuite(dialect: Dialect) {
  let clerk: ClerkClient;
  startGatehouseForSuite(dialect, (started) => {
    clerk = started.clerk;
  });

  it('creates, reads, updates and deletes phone numbers; the user lists them with its primary', async () => {
    const user = await clerk.users.createUser({ emailAddress: [`phones.${dialect}@example.com`], password: 'Hunter2-is-not-enough' });
    const first = await clerk.phoneNumbers.createPhoneNumber({ userId: user.id, phoneNumber: '+15555550101', verified: true });
    expect(first.id).toMatch(/^idn_/);
    expect(first.phoneNumber).toBe('+15555550101');
    expect(first.verification?.status).toBe('verified');
    const second = await clerk.phoneNumbers.createPhoneNumber({ userId: user.id, phoneNumber: '+1 415 555 2671' });
    expect(second.phoneNumber).toBe('+14155552671');
    expect(second.verification).toBeNull();

    let fetched = await clerk.users.getUser(user.id);
    expect(fetched.phoneNumbers.map((p) => p.phoneNumber)).toEqual(['+15555550101', '+14155552671']);
    expect(fetched.primaryPhoneNumberId).toBe(first.id);

    const updated = await clerk.phoneNumbers.updatePhoneNumber(second.id, { verified: true, primary: true, reservedForSecondFactor: true });
    expect(updated.verification?.status).toBe('verified');
    expect(updated.reservedForSecondFactor).toBe(true);
    fetched = await clerk.users.getUser(user.id);
    expect(fetched.primaryPhoneNumberId).toBe(second.id);
    expect((await clerk.phoneNumbers.getPhoneNumber(first.id)).phoneNumber).toBe('+15555550101');

    // A number another user holds verified is taken.
    const other = await clerk.users.createUser({ emailAddress: [`other.${dialect}@example.com`], password: 'Hunter2-is-not-enough' });
    expect(await errorOf(clerk.phoneNumbers.createPhoneNumber({ userId: other.id, phoneNumber: '+14155552671', verified: true }))).toEqual({
      status: 422,
      code: 'form_identifier_exists',
    });
    expect(await errorOf(clerk.phoneNumbers.createPhoneNumber({ userId: other.id, phoneNumber: 'not a number' }))).toEqual({
      status: 422,
      code: 'form_param_format_invalid',
    });

    const deleted = await clerk.phoneNumbers.deletePhoneNumber(second.id);
    expect(deleted.deleted).toBe(true);
    fetched = await clerk.users.getUser(user.id);
    expect(fetched.phoneNumbers.map((p) => p.id)).toEqual([first.id]);
    expect(fetched.primaryPhoneNumberId).toBe(first.id);
    expect(await errorOf(clerk.phoneNumbers.getPhoneNumber(second.id))).toEqual({ status: 404, code: 'resource_not_found' });
  });
}

describeAgainstGatehouse('@clerk/backend phoneNumbers', phoneSuite);
