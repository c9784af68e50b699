import { type Kysely, sql } from 'kysely';
import type { ApiKey, M2MToken, Machine, MachineScope } from '../../model/index.js';
import type { EntityMapping } from '../entity-mapping.js';
import { guardUnique } from '../errors.js';
import { apiKeyMapping, m2mTokenMapping, machineMapping, machineScopeMapping } from '../mappings.js';
import type { ApiKeyTable, Database } from '../schema.js';

/** Which of a subject's keys or tokens a list shows; `now` decides what has expired. */
export interface ValidityFilter {
  revoked: boolean;
  expired: boolean;
  now: number;
}

/** The columns API keys and M2M tokens share: credentials a subject owns, revocable and expiring. */
type CredentialTable = 'api_keys' | 'm2m_tokens';

/**
 * The queries API keys and M2M tokens have in common, over whichever of the two tables `table` names.
 * Kysely cannot type a query over a union of tables, so the builder is typed as the `api_keys` table:
 * every column used here (id, subject, revoked, expiration, created_at) has the same name and type in
 * both, and rows are read and written only through the table's own `mapping`.
 */
function createCredentialQueries<Entity extends { id: string }, Row>(
  db: Kysely<Database>,
  table: CredentialTable,
  mapping: EntityMapping<Entity, Row>,
) {
  const shared = db as unknown as Kysely<Pick<Database, 'api_keys'>>;
  const from = () => shared.selectFrom(table as 'api_keys');
  const read = (row: unknown) => mapping.read(row as Row);
  const bySubject = (subject: string, filter: ValidityFilter) => {
    let query = from().where('subject', '=', subject);
    if (!filter.revoked) query = query.where('revoked', '=', 0);
    if (!filter.expired) query = query.where((eb) => eb.or([eb('expiration', 'is', null), eb('expiration', '>', filter.now)]));
    return query;
  };
  return {
    read,
    async findById(id: string): Promise<Entity | undefined> {
      const row = await from().selectAll().where('id', '=', id).executeTakeFirst();
      return row && read(row);
    },
    async listBySubject(subject: string, filter: ValidityFilter, limit: number, offset: number): Promise<Entity[]> {
      const rows = await bySubject(subject, filter)
        .selectAll()
        .orderBy('created_at', 'desc')
        .orderBy('id', 'desc')
        .limit(limit)
        .offset(offset)
        .execute();
      return rows.map(read);
    },
    async countBySubject(subject: string, filter: ValidityFilter): Promise<number> {
      const row = await bySubject(subject, filter)
        .select((eb) => eb.fn.countAll<number | string>().as('n'))
        .executeTakeFirstOrThrow();
      return Number(row.n);
    },
    async insert(entity: Entity): Promise<void> {
      const row = mapping.write(entity) as unknown as ApiKeyTable;
      await guardUnique(
        shared
          .insertInto(table as 'api_keys')
          .values(row)
          .execute(),
      );
    },
    async update(id: string, changes: Partial<Omit<Entity, 'id'>>): Promise<void> {
      const set = mapping.writeChanges(changes as Partial<Entity>) as unknown as Partial<ApiKeyTable>;
      await shared
        .updateTable(table as 'api_keys')
        .set(set)
        .where('id', '=', id)
        .execute();
    },
  };
}

export function createApiKeyRepository(db: Kysely<Database>) {
  const { read, ...shared } = createCredentialQueries(db, 'api_keys', apiKeyMapping);
  return {
    ...shared,
    async findBySecretHash(hash: string): Promise<ApiKey | undefined> {
      const row = await db.selectFrom('api_keys').selectAll().where('secret_hash', '=', hash).executeTakeFirst();
      return row && read(row);
    },
    async delete(id: string): Promise<boolean> {
      const result = await db.deleteFrom('api_keys').where('id', '=', id).executeTakeFirst();
      return Number(result.numDeletedRows) > 0;
    },
  };
}

export function createMachineRepository(db: Kysely<Database>) {
  const read = machineMapping.read;
  const matching = (query: string | undefined) => {
    let q = db.selectFrom('machines');
    if (query) {
      const like = `%${query.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
      q = q.where((eb) => eb.or([eb('id', '=', query), eb(sql`lower(name)`, 'like', sql`${like} escape '\\'`)]));
    }
    return q;
  };
  return {
    async findById(id: string): Promise<Machine | undefined> {
      const row = await db.selectFrom('machines').selectAll().where('id', '=', id).executeTakeFirst();
      return row && read(row);
    },
    async findByIds(ids: string[]): Promise<Machine[]> {
      if (ids.length === 0) return [];
      return (await db.selectFrom('machines').selectAll().where('id', 'in', ids).execute()).map(read);
    },
    /** The machine whose current or previous secret key hashes to `hash`. */
    async findBySecretKeyHash(hash: string): Promise<Machine | undefined> {
      const row = await db
        .selectFrom('machines')
        .selectAll()
        .where((eb) => eb.or([eb('secret_key_hash', '=', hash), eb('previous_secret_key_hash', '=', hash)]))
        .executeTakeFirst();
      return row && read(row);
    },
    async list(options: {
      query?: string;
      orderBy: 'name' | 'created_at';
      descending: boolean;
      limit: number;
      offset: number;
    }): Promise<Machine[]> {
      const direction = options.descending ? 'desc' : 'asc';
      const rows = await matching(options.query)
        .selectAll()
        .orderBy(options.orderBy, direction)
        .orderBy('id', direction)
        .limit(options.limit)
        .offset(options.offset)
        .execute();
      return rows.map(read);
    },
    async count(query?: string): Promise<number> {
      const row = await matching(query)
        .select((eb) => eb.fn.countAll<number | string>().as('n'))
        .executeTakeFirstOrThrow();
      return Number(row.n);
    },
    async insert(machine: Machine): Promise<void> {
      await guardUnique(db.insertInto('machines').values(machineMapping.write(machine)).execute());
    },
    async update(id: string, changes: Partial<Omit<Machine, 'id'>>): Promise<void> {
      await db.updateTable('machines').set(machineMapping.writeChanges(changes)).where('id', '=', id).execute();
    },
    async delete(id: string): Promise<boolean> {
      // Scopes and tokens go with it (ON DELETE CASCADE); SQLite enforces it with foreign_keys on.
      await db
        .deleteFrom('machine_scopes')
        .where((eb) => eb.or([eb('from_machine_id', '=', id), eb('to_machine_id', '=', id)]))
        .execute();
      await db.deleteFrom('m2m_tokens').where('subject', '=', id).execute();
      const result = await db.deleteFrom('machines').where('id', '=', id).executeTakeFirst();
      return Number(result.numDeletedRows) > 0;
    },
    async scopesFrom(fromMachineIds: string[]): Promise<MachineScope[]> {
      if (fromMachineIds.length === 0) return [];
      const rows = await db
        .selectFrom('machine_scopes')
        .selectAll()
        .where('from_machine_id', 'in', fromMachineIds)
        .orderBy('created_at')
        .orderBy('to_machine_id')
        .execute();
      return rows.map(machineScopeMapping.read);
    },
    async insertScope(scope: MachineScope): Promise<void> {
      await guardUnique(db.insertInto('machine_scopes').values(machineScopeMapping.write(scope)).execute());
    },
    async deleteScope(fromMachineId: string, toMachineId: string): Promise<boolean> {
      const result = await db
        .deleteFrom('machine_scopes')
        .where('from_machine_id', '=', fromMachineId)
        .where('to_machine_id', '=', toMachineId)
        .executeTakeFirst();
      return Number(result.numDeletedRows) > 0;
    },
  };
}

export function createM2MTokenRepository(db: Kysely<Database>) {
  const { read, ...shared } = createCredentialQueries(db, 'm2m_tokens', m2mTokenMapping);
  return {
    ...shared,
    async findByTokenHash(hash: string): Promise<M2MToken | undefined> {
      const row = await db.selectFrom('m2m_tokens').selectAll().where('token_hash', '=', hash).executeTakeFirst();
      return row && read(row);
    },
  };
}

export type ApiKeyRepository = ReturnType<typeof createApiKeyRepository>;
export type MachineRepository = ReturnType<typeof createMachineRepository>;
export type M2MTokenRepository = ReturnType<typeof createM2MTokenRepository>;
