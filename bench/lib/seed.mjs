import { Algorithm, hash } from '@node-rs/argon2';
import Database from 'better-sqlite3';
import pg from 'pg';
import { BENCH_PASSWORD, benchEmail, benchEmailId, benchUserId } from './bench-users.mjs';
import { log } from './log.mjs';

/**
 * Seeds users straight into Gatehouse's tables (users + email_addresses, the rows POST /v1/users
 * would write), because a million API calls would each pay an argon2id hash. One real argon2id hash at
 * Gatehouse's parameters is shared by every user, so sign-in still does a real-cost check.
 */
const OWASP = { algorithm: Algorithm.Argon2id, memoryCost: 19_456, timeCost: 2, parallelism: 1 };
const BATCH = 10_000;

let digest;
async function sharedDigest() {
  digest ??= await hash(BENCH_PASSWORD, OWASP);
  return digest;
}

function rows(i, now, passwordDigest) {
  const id = benchUserId(i);
  const emailId = benchEmailId(i);
  return {
    user: [id, 'Bench', `User ${i}`, passwordDigest, 'argon2id', now, emailId, '{}', '{}', '{}', 0, 0, 1, 1, now + i, now],
    email: [emailId, id, benchEmail(i), 1, 'admin', now + i, now],
  };
}

const USER_COLUMNS = [
  'id',
  'first_name',
  'last_name',
  'password_digest',
  'password_hasher',
  'password_last_updated_at',
  'primary_email_address_id',
  'public_metadata',
  'private_metadata',
  'unsafe_metadata',
  'banned',
  'locked',
  'create_organization_enabled',
  'delete_self_enabled',
  'created_at',
  'updated_at',
];
const EMAIL_COLUMNS = ['id', 'user_id', 'email_address', 'verified', 'verification_strategy', 'created_at', 'updated_at'];
const USER_TYPES = [
  'text',
  'text',
  'text',
  'text',
  'text',
  'int8',
  'text',
  'text',
  'text',
  'text',
  'int4',
  'int4',
  'int4',
  'int4',
  'int8',
  'int8',
];
const EMAIL_TYPES = ['text', 'text', 'text', 'int4', 'text', 'int8', 'int8'];

function progress(label, from, to, done, startedAt) {
  const seconds = (Date.now() - startedAt) / 1000;
  const rate = (done - from) / Math.max(seconds, 0.001);
  const eta = (to - done) / Math.max(rate, 1);
  log(
    `${label}: ${done.toLocaleString('en-US')}/${to.toLocaleString('en-US')} users (${Math.round(rate).toLocaleString('en-US')}/s, ~${Math.ceil(eta)} s left)`,
  );
}

/** Adds users #from..#to-1 to a SQLite file, in one transaction per batch. Gatehouse must be stopped. */
export async function seedSqlite(file, from, to) {
  const passwordDigest = await sharedDigest();
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = OFF'); // a bulk load: a crash means re-running the bench, not lost data
  const insertUser = db.prepare(`insert into users (${USER_COLUMNS.join(', ')}) values (${USER_COLUMNS.map(() => '?').join(', ')})`);
  const insertEmail = db.prepare(
    `insert into email_addresses (${EMAIL_COLUMNS.join(', ')}) values (${EMAIL_COLUMNS.map(() => '?').join(', ')})`,
  );
  const batch = db.transaction((start, end, now) => {
    for (let i = start; i < end; i++) {
      const r = rows(i, now, passwordDigest);
      insertUser.run(r.user);
      insertEmail.run(r.email);
    }
  });
  const startedAt = Date.now();
  let lastReport = 0;
  for (let start = from; start < to; start += BATCH) {
    const end = Math.min(start + BATCH, to);
    batch(start, end, Date.now());
    if (Date.now() - lastReport > 5000 || end === to) {
      progress('seed sqlite', from, to, end, startedAt);
      lastReport = Date.now();
    }
  }
  db.pragma('wal_checkpoint(TRUNCATE)');
  db.close();
  return (Date.now() - startedAt) / 1000;
}

/** The same on PostgreSQL: one INSERT … SELECT FROM unnest(arrays) per batch of 10,000 rows. */
export async function seedPostgres(url, from, to) {
  const passwordDigest = await sharedDigest();
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  const unnestInsert = (table, columns, types) =>
    `insert into ${table} (${columns.join(', ')}) select * from unnest(${types.map((t, i) => `$${i + 1}::${t}[]`).join(', ')})`;
  const userSql = unnestInsert('users', USER_COLUMNS, USER_TYPES);
  const emailSql = unnestInsert('email_addresses', EMAIL_COLUMNS, EMAIL_TYPES);
  const columnsOf = (list, width) => Array.from({ length: width }, (_, c) => list.map((row) => row[c]));
  const startedAt = Date.now();
  let lastReport = 0;
  try {
    for (let start = from; start < to; start += BATCH) {
      const end = Math.min(start + BATCH, to);
      const now = Date.now();
      const batch = [];
      for (let i = start; i < end; i++) batch.push(rows(i, now, passwordDigest));
      await client.query('begin');
      await client.query(
        userSql,
        columnsOf(
          batch.map((r) => r.user),
          USER_COLUMNS.length,
        ),
      );
      await client.query(
        emailSql,
        columnsOf(
          batch.map((r) => r.email),
          EMAIL_COLUMNS.length,
        ),
      );
      await client.query('commit');
      if (Date.now() - lastReport > 5000 || end === to) {
        progress('seed postgres', from, to, end, startedAt);
        lastReport = Date.now();
      }
    }
    // A database that grew to this size would have been analysed by autovacuum by now.
    await client.query('analyze users');
    await client.query('analyze email_addresses');
  } finally {
    await client.end();
  }
  return (Date.now() - startedAt) / 1000;
}
