import type { Kysely } from 'kysely';
import type { ExternalAccount, OAuthFlow } from '../../model/index.js';
import { externalAccountMapping, oauthFlowMapping } from '../mappings.js';
import type { Database } from '../schema.js';

export function createOAuthFlowRepository(db: Kysely<Database>) {
  return {
    async insert(flow: OAuthFlow): Promise<void> {
      await db.insertInto('oauth_flows').values(oauthFlowMapping.write(flow)).execute();
    },
    async findByStateHash(stateHash: string): Promise<OAuthFlow | undefined> {
      const row = await db.selectFrom('oauth_flows').selectAll().where('state_hash', '=', stateHash).executeTakeFirst();
      return row && oauthFlowMapping.read(row);
    },
    async findById(id: string): Promise<OAuthFlow | undefined> {
      const row = await db.selectFrom('oauth_flows').selectAll().where('id', '=', id).executeTakeFirst();
      return row && oauthFlowMapping.read(row);
    },
    /** The newest flow of a sign-in, sign-up or connection. */
    async latestFor(attemptId: string): Promise<OAuthFlow | undefined> {
      const row = await db
        .selectFrom('oauth_flows')
        .selectAll()
        .where('attempt_id', '=', attemptId)
        .orderBy('created_at', 'desc')
        .orderBy('id', 'desc')
        .limit(1)
        .executeTakeFirst();
      return row && oauthFlowMapping.read(row);
    },
    /** Marks a pending flow consumed; false when it already was (a replayed state) or has expired. One statement. */
    async consume(id: string, now: number): Promise<boolean> {
      const result = await db
        .updateTable('oauth_flows')
        .set({ consumed: 1, updated_at: now })
        .where('id', '=', id)
        .where('consumed', '=', 0)
        .where('expire_at', '>', now)
        .executeTakeFirst();
      return Number(result.numUpdatedRows) > 0;
    },
    async update(id: string, changes: Partial<Omit<OAuthFlow, 'id'>>): Promise<void> {
      await db.updateTable('oauth_flows').set(oauthFlowMapping.writeChanges(changes)).where('id', '=', id).execute();
    },
    async deleteExpired(now: number): Promise<void> {
      await db.deleteFrom('oauth_flows').where('expire_at', '<', now).execute();
    },
  };
}

export function createExternalAccountRepository(db: Kysely<Database>) {
  return {
    async insert(account: ExternalAccount): Promise<void> {
      await db.insertInto('external_accounts').values(externalAccountMapping.write(account)).execute();
    },
    async findById(id: string): Promise<ExternalAccount | undefined> {
      const row = await db.selectFrom('external_accounts').selectAll().where('id', '=', id).executeTakeFirst();
      return row && externalAccountMapping.read(row);
    },
    async findByProviderUser(provider: string, providerUserId: string): Promise<ExternalAccount | undefined> {
      const row = await db
        .selectFrom('external_accounts')
        .selectAll()
        .where('provider', '=', provider)
        .where('provider_user_id', '=', providerUserId)
        .where('status', '!=', 'pending')
        .executeTakeFirst();
      return row && externalAccountMapping.read(row);
    },
    async listForUser(userId: string): Promise<ExternalAccount[]> {
      const rows = await db
        .selectFrom('external_accounts')
        .selectAll()
        .where('user_id', '=', userId)
        .orderBy('created_at', 'asc')
        .orderBy('id', 'asc')
        .execute();
      return rows.map((row) => externalAccountMapping.read(row));
    },
    async listForUsers(userIds: string[]): Promise<ExternalAccount[]> {
      if (!userIds.length) return [];
      const rows = await db
        .selectFrom('external_accounts')
        .selectAll()
        .where('user_id', 'in', userIds)
        .orderBy('created_at', 'asc')
        .orderBy('id', 'asc')
        .execute();
      return rows.map((row) => externalAccountMapping.read(row));
    },
    async update(id: string, changes: Partial<Omit<ExternalAccount, 'id'>>): Promise<void> {
      await db.updateTable('external_accounts').set(externalAccountMapping.writeChanges(changes)).where('id', '=', id).execute();
    },
    /**
     * Takes the refresh lease of an account unless another holder's lease is still running: one
     * conditional UPDATE, so of many callers on any number of nodes exactly one gets it.
     */
    async takeRefreshLease(id: string, now: number, until: number): Promise<boolean> {
      const result = await db
        .updateTable('external_accounts')
        .set({ refresh_lease_until: until })
        .where('id', '=', id)
        .where((eb) => eb.or([eb('refresh_lease_until', 'is', null), eb('refresh_lease_until', '<=', now)]))
        .executeTakeFirst();
      return Number(result.numUpdatedRows) > 0;
    },
    async delete(id: string): Promise<boolean> {
      const result = await db.deleteFrom('external_accounts').where('id', '=', id).executeTakeFirst();
      return Number(result.numDeletedRows) > 0;
    },
  };
}

export type OAuthFlowRepository = ReturnType<typeof createOAuthFlowRepository>;
export type ExternalAccountRepository = ReturnType<typeof createExternalAccountRepository>;
