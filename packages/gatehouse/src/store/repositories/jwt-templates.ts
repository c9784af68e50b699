import type { Kysely } from 'kysely';
import type { JwtTemplate } from '../../model/index.js';
import { guardUnique } from '../errors.js';
import { jwtTemplateMapping } from '../mappings.js';
import type { Database } from '../schema.js';

const read = jwtTemplateMapping.read;

export function createJwtTemplateRepository(db: Kysely<Database>) {
  return {
    async findById(id: string): Promise<JwtTemplate | undefined> {
      const row = await db.selectFrom('jwt_templates').selectAll().where('id', '=', id).executeTakeFirst();
      return row && read(row);
    },
    async findByName(name: string): Promise<JwtTemplate | undefined> {
      const row = await db.selectFrom('jwt_templates').selectAll().where('name', '=', name).executeTakeFirst();
      return row && read(row);
    },
    async list(limit: number, offset: number): Promise<JwtTemplate[]> {
      const rows = await db
        .selectFrom('jwt_templates')
        .selectAll()
        .orderBy('created_at', 'asc')
        .orderBy('id')
        .limit(limit)
        .offset(offset)
        .execute();
      return rows.map(read);
    },
    async count(): Promise<number> {
      const row = await db
        .selectFrom('jwt_templates')
        .select((eb) => eb.fn.countAll<number | string>().as('n'))
        .executeTakeFirstOrThrow();
      return Number(row.n);
    },
    async insert(template: JwtTemplate): Promise<void> {
      await guardUnique(db.insertInto('jwt_templates').values(jwtTemplateMapping.write(template)).execute());
    },
    async update(id: string, changes: Partial<Omit<JwtTemplate, 'id'>>): Promise<void> {
      await guardUnique(db.updateTable('jwt_templates').set(jwtTemplateMapping.writeChanges(changes)).where('id', '=', id).execute());
    },
    async delete(id: string): Promise<boolean> {
      const result = await db.deleteFrom('jwt_templates').where('id', '=', id).executeTakeFirst();
      return Number(result.numDeletedRows) > 0;
    },
  };
}

export type JwtTemplateRepository = ReturnType<typeof createJwtTemplateRepository>;
