import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { type Kysely, sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testUser } from '../testing/rows.js';
import { DatabaseTimeout, isDatabaseUnavailable } from './errors.js';
import { openStore } from './index.js';
import type { Database } from './schema.js';
import { openSqlite } from './sqlite.js';

// openSqlite reads rows as arrays and builds the objects itself (store/sqlite.ts): the rows must be
// exactly what better-sqlite3's own objects would have been.
describe('SQLite rows built from raw arrays', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'gatehouse-sqlite-'));
  const file = path.join(dir, 'rows.db');
  let db: Kysely<Database>;
  const query = `select 1 as a, 'two' as "b c", null as d, 3 as a, x'00ff' as blob, 1.5 as """quoted"""`;

  beforeAll(() => {
    db = openSqlite(file);
  });
  afterAll(async () => {
    await db.destroy();
    rmSync(dir, { recursive: true, force: true });
  });

  it('match better-sqlite3 objects: odd names, nulls, blobs, a repeated name keeping its last value', async () => {
    const reference = new BetterSqlite3(':memory:').prepare(query).all();
    const { rows } = await sql.raw(query).execute(db);
    expect(rows).toEqual(reference);
    expect(rows).toEqual([{ a: 3, 'b c': 'two', d: null, blob: Buffer.from([0, 255]), '"quoted"': 1.5 }]);
  });

  it("leave a column named __proto__ to better-sqlite3's own row objects", async () => {
    const odd = 'select 1 as __proto__, 2 as b';
    const reference = new BetterSqlite3(':memory:').prepare(odd).all();
    const { rows } = await sql.raw(odd).execute(db);
    expect(rows).toEqual(reference);
    expect(Object.keys(rows[0] ?? {})).toEqual(Object.keys(reference[0] ?? {}));
  });

  it('are the same through a cached statement, a stream, and after writes that return no rows', async () => {
    await sql`create table t (id integer primary key, name text)`.execute(db);
    const inserted = await sql`insert into t (name) values ('x'), ('y')`.execute(db);
    expect(inserted.numAffectedRows).toBe(2n);
    const select = sql<{ id: number; name: string }>`select id, name from t order by id`;
    const first = await select.execute(db);
    const again = await select.execute(db);
    expect(again.rows).toEqual(first.rows);
    expect(first.rows).toEqual([
      { id: 1, name: 'x' },
      { id: 2, name: 'y' },
    ]);
    const streamed: unknown[] = [];
    for await (const row of db
      .selectFrom('t' as never)
      .selectAll()
      .orderBy('id' as never)
      .stream())
      streamed.push(row);
    expect(streamed).toEqual(first.rows);
  });
});

describe('SQLite connection settings', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'gatehouse-sqlite-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('opens the file in WAL mode with foreign keys on and reads through a memory map', async () => {
    const db = openSqlite(path.join(dir, 'settings.db'));
    try {
      const pragma = async (name: string) => Object.values((await sql.raw(`pragma ${name}`).execute(db)).rows[0] as object)[0];
      expect(await pragma('journal_mode')).toBe('wal');
      expect(await pragma('foreign_keys')).toBe(1);
      expect(await pragma('mmap_size')).toBe(0x7fff0000);
    } finally {
      await db.destroy();
    }
  });
});

describe('a query outside a transaction, made from inside it', () => {
  it('fails at once instead of waiting forever for the one connection; after the transaction the store works', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'gatehouse-sqlite-tx-'));
    const store = await openStore({ url: `sqlite:${path.join(dir, 'tx.db')}` });
    try {
      let started: Promise<unknown> | undefined;
      const outcome = store.transaction(async () => {
        // Work the transaction starts but does not wait for may run once it has ended.
        started = new Promise((resolve) => setTimeout(resolve, 50)).then(() => store.ping());
        await store.ping();
      });
      await expect(outcome).rejects.toThrow(/outside the transaction/);
      await expect(started).resolves.toBeUndefined();
      await expect(store.transaction(async () => 'done')).resolves.toBe('done');
    } finally {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

// Point lookups read at once while nobody holds or waits for the one connection (store/prepared.ts):
// never inside another request's open transaction, never ahead of a query already waiting.
describe('point lookups read at once only while the connection is free', () => {
  it('wait for an open transaction and see its rows only once it committed; inside it, a store lookup is refused', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'gatehouse-sqlite-immediate-'));
    const store = await openStore({ url: `sqlite:${path.join(dir, 'immediate.db')}` });
    try {
      const user = testUser();
      let release = () => {};
      const gate = new Promise<void>((resolve) => {
        release = resolve;
      });
      let inserted = () => {};
      const insertedSignal = new Promise<void>((resolve) => {
        inserted = resolve;
      });
      const transaction = store.transaction(async (tx) => {
        await tx.users.insert(user);
        inserted();
        await gate;
      });
      await insertedSignal;
      // Another request's lookup while the transaction is open: it must neither see the uncommitted
      // user nor answer "not found" now; it waits for the connection.
      let settled = false;
      const lookup = store.users.findById(user.id).finally(() => {
        settled = true;
      });
      await new Promise((resolve) => setTimeout(resolve, 30));
      expect(settled).toBe(false);
      release();
      await transaction;
      expect((await lookup)?.id).toBe(user.id);
      // Now free: the lookup reads at once, and the whole user too.
      expect((await store.users.findWhole(user.id))?.user.id).toBe(user.id);

      const refused = store.transaction(async () => {
        await store.users.findById(user.id);
      });
      await expect(refused).rejects.toThrow(/outside the transaction/);
    } finally {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

// The connection's holder may be stuck (a query made inside a transaction's work outside it, with the
// transaction-scope check off as in production): a waiting query fails instead of waiting forever.
describe('a query waiting for the one connection', () => {
  it('gives up after the wait limit with a 503, and leaves the store working', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'gatehouse-sqlite-wait-'));
    const store = await openStore({ url: `sqlite:${path.join(dir, 'wait.db')}`, connectionWaitLimitMs: 150 });
    try {
      const user = testUser();
      let release = () => {};
      const gate = new Promise<void>((resolve) => {
        release = resolve;
      });
      let inserted = () => {};
      const insertedSignal = new Promise<void>((resolve) => {
        inserted = resolve;
      });
      const transaction = store.transaction(async (tx) => {
        await tx.users.insert(user);
        inserted();
        await gate;
      });
      await insertedSignal;
      const started = Date.now();
      const waited = await store.users.findById(user.id).then(
        () => undefined,
        (error: unknown) => error,
      );
      expect(waited).toBeInstanceOf(DatabaseTimeout);
      expect(isDatabaseUnavailable(waited)).toBe(true);
      expect(Date.now() - started).toBeGreaterThanOrEqual(140);
      // The transaction that held the connection commits, and the store goes on as before.
      release();
      await transaction;
      expect((await store.users.findById(user.id))?.id).toBe(user.id);
      await store.transaction(async (tx) => {
        expect((await tx.users.findById(user.id))?.id).toBe(user.id);
      });
      expect((await store.users.findWhole(user.id))?.user.id).toBe(user.id);
    } finally {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
