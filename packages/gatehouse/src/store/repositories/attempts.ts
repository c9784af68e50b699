import { type Kysely, sql } from 'kysely';
import type { CodePurpose, SignIn, SignUp, VerificationCode } from '../../model/index.js';
import { signInMapping, signUpMapping, verificationCodeMapping } from '../mappings.js';
import type { Database } from '../schema.js';

export function createSignInRepository(db: Kysely<Database>) {
  return {
    async findById(id: string): Promise<SignIn | undefined> {
      const row = await db.selectFrom('sign_ins').selectAll().where('id', '=', id).executeTakeFirst();
      return row && signInMapping.read(row);
    },
    async insert(signIn: SignIn): Promise<void> {
      await db.insertInto('sign_ins').values(signInMapping.write(signIn)).execute();
    },
    async update(id: string, changes: Partial<Omit<SignIn, 'id'>>): Promise<void> {
      await db.updateTable('sign_ins').set(signInMapping.writeChanges(changes)).where('id', '=', id).execute();
    },
  };
}

export function createSignUpRepository(db: Kysely<Database>) {
  return {
    async findById(id: string): Promise<SignUp | undefined> {
      const row = await db.selectFrom('sign_ups').selectAll().where('id', '=', id).executeTakeFirst();
      return row && signUpMapping.read(row);
    },
    async insert(signUp: SignUp): Promise<void> {
      await db.insertInto('sign_ups').values(signUpMapping.write(signUp)).execute();
    },
    async update(id: string, changes: Partial<Omit<SignUp, 'id'>>): Promise<void> {
      await db.updateTable('sign_ups').set(signUpMapping.writeChanges(changes)).where('id', '=', id).execute();
    },
  };
}

export function createVerificationCodeRepository(db: Kysely<Database>) {
  return {
    async findById(id: string): Promise<VerificationCode | undefined> {
      const row = await db.selectFrom('verification_codes').selectAll().where('id', '=', id).executeTakeFirst();
      return row && verificationCodeMapping.read(row);
    },
    async find(subjectId: string, purpose: CodePurpose): Promise<VerificationCode | undefined> {
      const row = await db
        .selectFrom('verification_codes')
        .selectAll()
        .where('subject_id', '=', subjectId)
        .where('purpose', '=', purpose)
        .executeTakeFirst();
      return row && verificationCodeMapping.read(row);
    },
    /** One live code per subject and purpose: a new one replaces the old. */
    async replace(code: VerificationCode): Promise<void> {
      await db.deleteFrom('verification_codes').where('subject_id', '=', code.subjectId).where('purpose', '=', code.purpose).execute();
      await db.insertInto('verification_codes').values(verificationCodeMapping.write(code)).execute();
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
    async update(id: string, changes: Partial<Pick<VerificationCode, 'attempts' | 'status'>>): Promise<void> {
      await db.updateTable('verification_codes').set(verificationCodeMapping.writeChanges(changes)).where('id', '=', id).execute();
    },
  };
}

export type SignInRepository = ReturnType<typeof createSignInRepository>;
export type SignUpRepository = ReturnType<typeof createSignUpRepository>;
export type VerificationCodeRepository = ReturnType<typeof createVerificationCodeRepository>;
