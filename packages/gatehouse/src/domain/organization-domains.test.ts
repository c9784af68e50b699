import path from 'node:path';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openPostgres } from '../store/postgres.js';
import { openSqlite } from '../store/sqlite.js';
import { createTestApp, type TestApp } from '../testing/app.js';
import { createTestDatabase, postgresAvailable, type TestDatabase } from '../testing/services.js';
import { SYSTEM_CALLER } from './caller.js';

const pgOk = await postgresAvailable();
const PASSWORD = 'domain transaction passphrase';

/** A database-level refusal to remove suggestions, as a real failure in the middle of the change. */
const REFUSE = {
  sqlite: [
    `CREATE TRIGGER refuse_suggestion_delete BEFORE DELETE ON organization_suggestions
     BEGIN SELECT RAISE(ABORT, 'suggestions refused by the test'); END`,
  ],
  postgres: [
    `CREATE FUNCTION refuse_suggestion_delete() RETURNS trigger LANGUAGE plpgsql AS $$
     BEGIN RAISE EXCEPTION 'suggestions refused by the test'; END $$`,
    `CREATE TRIGGER refuse_suggestion_delete BEFORE DELETE ON organization_suggestions
     FOR EACH ROW EXECUTE FUNCTION refuse_suggestion_delete()`,
  ],
};
const ALLOW = {
  sqlite: ['DROP TRIGGER refuse_suggestion_delete'],
  postgres: ['DROP TRIGGER refuse_suggestion_delete ON organization_suggestions', 'DROP FUNCTION refuse_suggestion_delete()'],
};

/**
 * A domain change that stops it enrolling (deleted, renamed, unverified, `manual_invitation`, or
 * `delete_pending`) takes back its pending suggestions in the change's own transaction: both happen,
 * or neither. A refused change (a taken name) and a change whose suggestion removal fails in the
 * database (a trigger refusing it) leave the domain and its suggestions as they were.
 */
for (const dialect of ['sqlite', 'postgres'] as const) {
  describe.skipIf(dialect === 'postgres' && !pgOk)(`a domain change and its suggestions, one transaction (${dialect})`, () => {
    let t: TestApp;
    let database: TestDatabase | undefined;
    let orgId = '';

    const bapi = async (method: 'GET' | 'POST' | 'PATCH' | 'DELETE', url: string, payload?: object) => {
      const res = await t.app.inject({ method, url: `/api${url}`, headers: t.auth, ...(payload ? { payload } : {}) });
      return { status: res.statusCode, body: res.json() as Record<string, unknown> & { errors?: { code: string }[] } };
    };
    /** Statements on a connection of their own, beside the app's. */
    const raw = async (statements: string[]) => {
      const db = database ? openPostgres(database.url) : openSqlite(path.join(t.dataDir, 'gatehouse.db'));
      try {
        for (const statement of statements) await sql.raw(statement).execute(db);
      } finally {
        await db.destroy();
      }
    };
    const pending = (domainId: string) => t.store.organizationSuggestions.countPendingByDomain(domainId);
    const domains = async () =>
      (await bapi('GET', `/v1/organizations/${orgId}/domains?limit=100`)).body.data as {
        id: string;
        name: string;
        enrollment_mode: string;
      }[];
    /** A verified `automatic_suggestion` domain and a user at it, who has its pending suggestion. */
    const suggestingDomain = async (name: string): Promise<string> => {
      const created = await bapi('POST', `/v1/organizations/${orgId}/domains`, {
        name,
        enrollment_mode: 'automatic_suggestion',
        verified: true,
      });
      expect(created.status).toBe(200);
      const user = await bapi('POST', '/v1/users', { email_address: [`someone@${name}`], password: PASSWORD });
      expect(user.status).toBe(200);
      const id = created.body.id as string;
      expect(await pending(id)).toBe(1);
      return id;
    };

    beforeAll(async () => {
      database = dialect === 'postgres' ? await createTestDatabase() : undefined;
      t = await createTestApp(database ? { databaseUrl: database.url } : {});
      const settings = await bapi('PATCH', '/v1/instance/organization_settings', {
        domains_enabled: true,
        domains_enrollment_modes: ['manual_invitation', 'automatic_invitation', 'automatic_suggestion'],
      });
      expect(settings.status).toBe(200);
      orgId = (await bapi('POST', '/v1/organizations', { name: `Domains ${dialect}` })).body.id as string;
    }, 60_000);
    afterAll(async () => {
      await t?.close();
      await database?.drop();
    });

    it('deleting, renaming, unverifying or switching to manual_invitation removes the suggestions with the change', async () => {
      const deleted = await suggestingDomain('gone.test');
      expect((await bapi('DELETE', `/v1/organizations/${orgId}/domains/${deleted}`)).status).toBe(200);
      expect(await pending(deleted)).toBe(0);

      const renamed = await suggestingDomain('renamed.test');
      expect((await bapi('PATCH', `/v1/organizations/${orgId}/domains/${renamed}`, { name: 'renamed-now.test' })).status).toBe(200);
      expect(await pending(renamed)).toBe(0);

      const unverified = await suggestingDomain('unverified.test');
      expect((await bapi('PATCH', `/v1/organizations/${orgId}/domains/${unverified}`, { verified: false })).status).toBe(200);
      expect(await pending(unverified)).toBe(0);

      const manual = await suggestingDomain('manual.test');
      const switched = await t.domain.organizationDomains.updateEnrollmentMode(orgId, manual, 'manual_invitation', SYSTEM_CALLER);
      // The domain as the change wrote it already counts none: the suggestions went in its transaction.
      expect(switched.totalPendingSuggestions).toBe(0);
      expect(await pending(manual)).toBe(0);
    });

    it('a refused change (a taken name) removes nothing', async () => {
      const kept = await suggestingDomain('kept.test');
      await suggestingDomain('taken.test');
      const refused = await bapi('PATCH', `/v1/organizations/${orgId}/domains/${kept}`, { name: 'taken.test' });
      expect([refused.status, refused.body.errors?.[0]?.code]).toEqual([400, 'organization_domain_already_exists']);
      expect(await pending(kept)).toBe(1);
      expect((await domains()).find((d) => d.id === kept)?.name).toBe('kept.test');
    });

    it('when the database refuses to remove the suggestions, the domain change is rolled back with them', async () => {
      const domainId = await suggestingDomain('atomic.test');
      await raw(REFUSE[dialect]);
      try {
        const deleted = await bapi('DELETE', `/v1/organizations/${orgId}/domains/${domainId}`);
        expect(deleted.status).toBeGreaterThanOrEqual(500);
        const manual = await bapi('PATCH', `/v1/organizations/${orgId}/domains/${domainId}`, { enrollment_mode: 'manual_invitation' });
        expect(manual.status).toBeGreaterThanOrEqual(500);
      } finally {
        await raw(ALLOW[dialect]);
      }
      // Neither happened: the domain is there, in its mode, and its suggestion is pending.
      expect((await domains()).find((d) => d.id === domainId)).toMatchObject({
        name: 'atomic.test',
        enrollment_mode: 'automatic_suggestion',
      });
      expect(await pending(domainId)).toBe(1);
      // Allowed again: both.
      expect((await bapi('DELETE', `/v1/organizations/${orgId}/domains/${domainId}`)).status).toBe(200);
      expect(await pending(domainId)).toBe(0);
      expect((await domains()).some((d) => d.id === domainId)).toBe(false);
    });
  });
}
