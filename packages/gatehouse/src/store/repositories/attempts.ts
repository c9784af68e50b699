import { type Kysely, sql } from 'kysely';
import type { Database, SignInRow, SignUpRow, VerificationCodeRow } from '../schema.js';

export function createSignInRepository(db: Kysely<Database>) {
  return {
    async findById(id: string): Promise<SignInRow | undefined> {
      return db.selectFrom('sign_ins').selectAll().where('id', '=', id).executeTakeFirst();
    },
    async insert(row: SignInRow): Promise<void> {
      await db.insertInto('sign_ins').values(row).execute();
    },
    async update(id: string, changes: Partial<Omit<SignInRow, 'id'>>): Promise<void> {
      await db.updateTable('sign_ins').set(changes).where('id', '=', id).execute();
    },
  };
}

export function createSignUpRepository(db: Kysely<Database>) {
  return {
    async findById(id: string): Promise<SignUpRow | undefined> {
      return db.selectFrom('sign_ups').selectAll().where('id', '=', id).executeTakeFirst();
    },
    async insert(row: SignUpRow): Promise<void> {
      await db.insertInto('sign_ups').values(row).execute();
    },
    async update(id: string, changes: Partial<Omit<SignUpRow, 'id'>>): Promise<void> {
      await db.updateTable('sign_ups').set(changes).where('id', '=', id).execute();
    },
  };
}

export function createVerificationCodeRepository(db: Kysely<Database>) {
  return {
    async find(subjectId: string, purpose: string): Promise<VerificationCodeRow | undefined> {
      return db
        .selectFrom('verification_codes')
        .selectAll()
        .where('subject_id', '=', subjectId)
        .where('purpose', '=', purpose)
        .executeTakeFirst();
    },
    /** One live code per subject and purpose: a new one replaces the old. */
    async replace(row: VerificationCodeRow): Promise<void> {
      await db.deleteFrom('verification_codes').where('subject_id', '=', row.subject_id).where('purpose', '=', row.purpose).execute();
      await db.insertInto('verification_codes').values(row).execute();
    },
    /**
     * Takes one try of a live code before it is compared, in one statement: of concurrent guesses only
     * `maxAttempts` get a try (the rest find none), however they interleave. Returns the try's number.
     */
    async takeAttempt(id: string, maxAttempts: number): Promise<number | undefined> {
      const row = await db
        .updateTable('verification_codes')
        .set({ attempts: sql<number>`attempts + 1` })
        .where('id', '=', id)
        .where('status', '=', 'unverified')
        .where('attempts', '<', maxAttempts)
        .returning('attempts')
        .executeTakeFirst();
      return row ? Number(row.attempts) : undefined;
    },
    /** Marks a code used; false when another request used or failed it first. */
    async markVerified(id: string): Promise<boolean> {
      const row = await db
        .updateTable('verification_codes')
        .set({ status: 'verified' })
        .where('id', '=', id)
        .where('status', '=', 'unverified')
        .returning('id')
        .executeTakeFirst();
      return row !== undefined;
    },
    async update(id: string, changes: Partial<Pick<VerificationCodeRow, 'attempts' | 'status'>>): Promise<void> {
      await db.updateTable('verification_codes').set(changes).where('id', '=', id).execute();
    },
  };
}

export type SignInRepository = ReturnType<typeof createSignInRepository>;
export type SignUpRepository = ReturnType<typeof createSignUpRepository>;
export type VerificationCodeRepository = ReturnType<typeof createVerificationCodeRepository>;
