import { type ClerkClient, createClerkClient } from '@clerk/backend';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningServer, removeDir, startServer } from '../../testing/server.js';
import { createTestDatabase, postgresAvailable, type TestDatabase } from '../../testing/services.js';

const pgOk = await postgresAvailable();

async function errorOf(promise: Promise<unknown>): Promise<{ status: number; code: string | undefined }> {
  try {
    await promise;
  } catch (error) {
    const e = error as { status?: number; errors?: { code: string }[] };
    return { status: e.status ?? 0, code: e.errors?.[0]?.code };
  }
  throw new Error('expected the call to fail');
}

/** `@clerk/backend`'s `phoneNumbers` group, and phone numbers on its `User`, against a real `gatehouse start`. */
function phoneSuite(dialect: 'sqlite' | 'postgres') {
  let server: RunningServer;
  let database: TestDatabase | undefined;
  let clerk: ClerkClient;

  beforeAll(async () => {
    database = dialect === 'postgres' ? await createTestDatabase() : undefined;
    server = await startServer({ databaseUrl: database?.url });
    clerk = createClerkClient({ secretKey: server.env.secretKey, apiUrl: server.env.apiUrl, telemetry: { disabled: true } });
  });

  afterAll(async () => {
    expect(await server.stop()).toBe(0);
    removeDir(server.dataDir);
    await database?.drop();
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

describe('@clerk/backend phoneNumbers against Gatehouse on SQLite', () => phoneSuite('sqlite'));
describe.skipIf(!pgOk)('@clerk/backend phoneNumbers against Gatehouse on PostgreSQL', () => phoneSuite('postgres'));
