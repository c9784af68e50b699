import type { Kysely } from 'kysely';
import type { Database, HandshakeNonceRow, MailOutboxRow } from '../schema.js';

export function createHandshakeNonceRepository(db: Kysely<Database>) {
  return {
    async insert(row: HandshakeNonceRow): Promise<void> {
      await db.insertInto('handshake_nonces').values(row).execute();
    },
    /**
     * Takes the nonce if it is live, in one statement: of two concurrent resolves (or two nodes) only
     * one gets the row, so a nonce mints at most one token.
     */
    async consume(nonceHash: string, now: number): Promise<HandshakeNonceRow | undefined> {
      return db
        .deleteFrom('handshake_nonces')
        .where('nonce_hash', '=', nonceHash)
        .where('expire_at', '>', now)
        .returningAll()
        .executeTakeFirst();
    },
    async deleteExpired(now: number): Promise<void> {
      await db.deleteFrom('handshake_nonces').where('expire_at', '<=', now).execute();
    },
  };
}

export function createMailOutboxRepository(db: Kysely<Database>) {
  return {
    async insert(row: MailOutboxRow): Promise<void> {
      await db.insertInto('mail_outbox').values(row).execute();
    },
    async listRecent(limit: number): Promise<MailOutboxRow[]> {
      return db.selectFrom('mail_outbox').selectAll().orderBy('created_at', 'desc').orderBy('id', 'desc').limit(limit).execute();
    },
  };
}

export function createTestingTokenRepository(db: Kysely<Database>) {
  return {
    async insert(tokenHash: string, expireAt: number, now: number): Promise<void> {
      await db.insertInto('testing_tokens').values({ token_hash: tokenHash, expire_at: expireAt, created_at: now }).execute();
    },
    async isValid(tokenHash: string, now: number): Promise<boolean> {
      const row = await db
        .selectFrom('testing_tokens')
        .select('token_hash')
        .where('token_hash', '=', tokenHash)
        .where('expire_at', '>', now)
        .executeTakeFirst();
      return row !== undefined;
    },
  };
}

export type HandshakeNonceRepository = ReturnType<typeof createHandshakeNonceRepository>;
export type MailOutboxRepository = ReturnType<typeof createMailOutboxRepository>;
export type TestingTokenRepository = ReturnType<typeof createTestingTokenRepository>;
