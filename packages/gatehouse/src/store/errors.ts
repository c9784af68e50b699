/** Raised by a repository when a write would break a unique constraint; the domain names the field. */
export class UniqueViolation extends Error {
  constructor(readonly detail: string) {
    super(`unique constraint violated: ${detail}`);
    this.name = 'UniqueViolation';
  }
}

/** Maps each driver's unique-violation error onto one type, so the domain does not know the dialect. */
export function translateStoreError(error: unknown): never {
  const e = error as { code?: string; message?: string; detail?: string; constraint?: string };
  if (e?.code === 'SQLITE_CONSTRAINT_UNIQUE' || e?.code === 'SQLITE_CONSTRAINT_PRIMARYKEY') {
    throw new UniqueViolation(e.message ?? '');
  }
  if (e?.code === '23505') throw new UniqueViolation(`${e.constraint ?? ''} ${e.detail ?? ''}`);
  throw error;
}

/** Runs a write and turns a unique violation into `UniqueViolation`. */
export async function guardUnique<T>(write: Promise<T>): Promise<T> {
  try {
    return await write;
  } catch (error) {
    return translateStoreError(error);
  }
}
