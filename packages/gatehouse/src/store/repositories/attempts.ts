import type { Kysely } from 'kysely';
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
    async update(id: string, changes: Partial<Pick<VerificationCodeRow, 'attempts' | 'status'>>): Promise<void> {
      await db.updateTable('verification_codes').set(changes).where('id', '=', id).execute();
    },
  };
}

export type SignInRepository = ReturnType<typeof createSignInRepository>;
export type SignUpRepository = ReturnType<typeof createSignUpRepository>;
export type VerificationCodeRepository = ReturnType<typeof createVerificationCodeRepository>;
