import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { User } from '../model/index.js';
import { testUser } from '../testing/rows.js';
import { createTestDatabase, postgresAvailable, type TestDatabase } from '../testing/services.js';
import { openStore, type Store } from './index.js';
import { openPostgres } from './postgres.js';
import { createRepositories } from './repositories/index.js';

const pgOk = await postgresAvailable();

// The driver's own promises (store/postgres.ts): lookups pipeline on one connection, other
// statements and transactions use the pool, and neither holds up or sees into the other.
describe.skipIf(!pgOk)('PostgreSQL driver: pipelined lookups beside the pool', () => {
  let database: TestDatabase;
  let store: Store;

  beforeAll(async () => {
    database = await createTestDatabase();
    store = await openStore({ url: database.url });
  });
  afterAll(async () => {
    await store?.close();
    await database?.drop();
  });

  it('answers each of many concurrent lookups with its own row', async () => {
    const users = Array.from({ length: 60 }, (_, i) => testUser({ username: `pipelined_${i}` }));
    for (const user of users) await store.users.insert(user);
    const found = await Promise.all([...users, ...users].map((user) => store.users.findById(user.id)));
    expect(found).toEqual([...users, ...users]);
    expect(await store.users.findById('user_missing')).toBeUndefined();
  });

  it('does not queue a lookup behind a slow statement', async () => {
    const user = testUser({ username: 'not_held_up' });
    await store.users.insert(user);
    const db = openPostgres(database.url, 1);
    try {
      const order: string[] = [];
      const slow = sql`select pg_sleep(0.5)`.execute(db).then(() => order.push('slow statement'));
      // The one general connection is now busy sleeping; the lookup has its own.
      const lookup = (async () => {
        const found = await createRepositories(db).users.findById(user.id);
        order.push(found?.id === user.id ? 'lookup' : 'lookup missed');
      })();
      await Promise.all([slow, lookup]);
      expect(order).toEqual(['lookup', 'slow statement']);
    } finally {
      await db.destroy();
    }
  });

  it('runs more transactions at once than the pool has connections, each isolated until it commits', async () => {
    const users = Array.from({ length: 12 }, (_, i) => testUser({ username: `in_transaction_${i}` }));
    const seenOutside: (User | undefined)[] = [];
    await Promise.all(
      users.map((user) =>
        store.transaction(async (trx) => {
          await trx.users.insert(user);
          // Inside: the transaction reads its own write through its reserved connection.
          expect(await trx.users.findById(user.id)).toEqual(user);
          // Outside, through the pipelined connection: not committed, so not there.
          seenOutside.push(await store.users.findById(user.id));
        }),
      ),
    );
    expect(seenOutside).toEqual(users.map(() => undefined));
    expect(await Promise.all(users.map((user) => store.users.findById(user.id)))).toEqual(users);
  });

  it('gives the pool connection back when a transaction fails, so later ones still run', async () => {
    const db = openPostgres(database.url, 1);
    try {
      const boom = new Error('boom');
      for (let i = 0; i < 3; i++) {
        await expect(
          db.transaction().execute(async (trx) => {
            await createRepositories(trx).users.insert(testUser({ username: `rolled_back_${i}` }));
            throw boom;
          }),
        ).rejects.toBe(boom);
      }
      const kept = testUser({ username: 'after_rollbacks' });
      await db.transaction().execute((trx) => createRepositories(trx).users.insert(kept));
      expect(await createRepositories(db).users.findById(kept.id)).toEqual(kept);
      expect(await createRepositories(db).users.count({ usernames: ['rolled_back_0', 'rolled_back_1', 'rolled_back_2'] })).toBe(0);
    } finally {
      await db.destroy();
    }
  });

  it('fails a transaction whose connection is lost, and later transactions get working connections', async () => {
    const db = openPostgres(database.url, 2);
    const admin = openPostgres(database.url, 1);
    try {
      const lost = testUser({ username: 'lost_mid_transaction' });
      const failure = db.transaction().execute(async (trx) => {
        await createRepositories(trx).users.insert(lost);
        const { rows } = await sql<{ pid: number }>`select pg_backend_pid() as pid`.execute(trx);
        await sql`select pg_terminate_backend(${rows[0]?.pid})`.execute(admin);
        await createRepositories(trx).users.insert(testUser({ username: 'after_the_loss' }));
      });
      await expect(failure).rejects.toThrow();
      expect(await createRepositories(db).users.findById(lost.id)).toBeUndefined();
      // More transactions than the pool has connections: each needs a live one.
      const later = Array.from({ length: 5 }, (_, i) => testUser({ username: `after_loss_${i}` }));
      await Promise.all(later.map((user) => db.transaction().execute((trx) => createRepositories(trx).users.insert(user))));
      expect(await Promise.all(later.map((user) => createRepositories(db).users.findById(user.id)))).toEqual(later);
    } finally {
      await db.destroy();
      await admin.destroy();
    }
  });
});
