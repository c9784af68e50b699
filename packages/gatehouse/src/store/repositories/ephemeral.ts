import type { Kysely } from 'kysely';
import type { HandshakeNonce, OutboxMail } from '../../model/index.js';
import { handshakeNonceMapping, outboxMailMapping } from '../mappings.js';
import type { Database } from '../schema.js';

export function createHandshakeNonceRepository(db: Kysely<Database>) {
  return {
    async insert(nonce: HandshakeNonce): Promise<void> {
      await db.insertInto('handshake_nonces').values(handshakeNonceMapping.write(nonce)).execute();
    },
    /**
     * Takes the nonce if it is live, in one statement: of two concurrent resolves (or two nodes) only
     * one gets the row, so a nonce mints at most one token.
     */
    async consume(nonceHash: string, now: number): Promise<HandshakeNonce | undefined> {
      const row = await db
        .deleteFrom('handshake_nonces')
        .where('nonce_hash', '=', nonceHash)
        .where('expire_at', '>', now)
        .returningAll()
        .executeTakeFirst();
      return row && handshakeNonceMapping.read(row);
    },
    async deleteExpired(now: number): Promise<void> {
      await db.deleteFrom('handshake_nonces').where('expire_at', '<=', now).execute();
    },
  };
}

export function createMailOutboxRepository(db: Kysely<Database>) {
  return {
    async insert(mail: OutboxMail): Promise<void> {
      await db.insertInto('mail_outbox').values(outboxMailMapping.write(mail)).execute();
    },
    async listRecent(limit: number): Promise<OutboxMail[]> {
      const rows = await db
        .selectFrom('mail_outbox')
        .selectAll()
        .orderBy('created_at', 'desc')
        .orderBy('id', 'desc')
        .limit(limit)
        .execute();
      return rows.map(outboxMailMapping.read);
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
