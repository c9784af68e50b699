import type { Kysely } from 'kysely';
import { guardUnique } from '../errors.js';
import type { Database, JwtTemplateRow } from '../schema.js';

export function createJwtTemplateRepository(db: Kysely<Database>) {
  return {
    async findById(id: string): Promise<JwtTemplateRow | undefined> {
      return db.selectFrom('jwt_templates').selectAll().where('id', '=', id).executeTakeFirst();
    },
    async findByName(name: string): Promise<JwtTemplateRow | undefined> {
      return db.selectFrom('jwt_templates').selectAll().where('name', '=', name).executeTakeFirst();
    },
    async list(limit: number, offset: number): Promise<JwtTemplateRow[]> {
      return db.selectFrom('jwt_templates').selectAll().orderBy('created_at', 'asc').orderBy('id').limit(limit).offset(offset).execute();
    },
    async count(): Promise<number> {
      const row = await db
        .selectFrom('jwt_templates')
        .select((eb) => eb.fn.countAll<number | string>().as('n'))
        .executeTakeFirstOrThrow();
      return Number(row.n);
    },
    async insert(row: JwtTemplateRow): Promise<void> {
      await guardUnique(db.insertInto('jwt_templates').values(row).execute());
    },
    async update(id: string, changes: Partial<Omit<JwtTemplateRow, 'id'>>): Promise<void> {
      await guardUnique(db.updateTable('jwt_templates').set(changes).where('id', '=', id).execute());
    },
    async delete(id: string): Promise<boolean> {
      const result = await db.deleteFrom('jwt_templates').where('id', '=', id).executeTakeFirst();
      return Number(result.numDeletedRows) > 0;
    },
  };
}

export type JwtTemplateRepository = ReturnType<typeof createJwtTemplateRepository>;
