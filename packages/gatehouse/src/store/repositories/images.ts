import type { Kysely } from 'kysely';
import type { StoredImage } from '../../model/index.js';
import type { Database } from '../schema.js';

export function createImageRepository(db: Kysely<Database>) {
  return {
    async findById(id: string): Promise<StoredImage | undefined> {
      const row = await db.selectFrom('images').selectAll().where('id', '=', id).executeTakeFirst();
      if (!row) return undefined;
      return {
        id: row.id,
        contentType: row.content_type,
        size: Number(row.size),
        bytes: Buffer.from(row.bytes),
        createdAt: Number(row.created_at),
      };
    },
    /** Stores an image unless the same content is already there (two uploads of one file share a row). */
    async insertIfAbsent(image: StoredImage): Promise<void> {
      await db
        .insertInto('images')
        .values({ id: image.id, content_type: image.contentType, size: image.size, bytes: image.bytes, created_at: image.createdAt })
        .onConflict((oc) => oc.column('id').doNothing())
        .execute();
    },
    /**
     * Deletes the image whose public path is `path` unless a user or an organization still shows it;
     * returns whether it was deleted. One statement, so a concurrent upload of the same content
     * either sees the row or re-inserts it.
     */
    async deleteIfUnused(id: string, path: string): Promise<boolean> {
      const result = await db
        .deleteFrom('images')
        .where('id', '=', id)
        .where(({ not, exists, selectFrom }) => not(exists(selectFrom('users').select('users.id').where('users.image_url', '=', path))))
        .where(({ not, exists, selectFrom }) =>
          not(exists(selectFrom('organizations').select('organizations.id').where('organizations.image_url', '=', path))),
        )
        .executeTakeFirst();
      return Number(result.numDeletedRows) > 0;
    },
  };
}

export type ImageRepository = ReturnType<typeof createImageRepository>;
