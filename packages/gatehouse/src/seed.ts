import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { ConfigError } from './config/load.js';
import type { Domain } from './domain/index.js';
import { GatehouseError } from './errors.js';

const metadata = z.record(z.string(), z.unknown());
const seedUser = z
  .object({
    external_id: z.string().min(1).optional(),
    email_address: z.array(z.string().email()).min(1).optional(),
    username: z.string().optional(),
    first_name: z.string().optional(),
    last_name: z.string().optional(),
    password: z.string().min(1).optional(),
    skip_password_checks: z.boolean().optional(),
    public_metadata: metadata.optional(),
    private_metadata: metadata.optional(),
    unsafe_metadata: metadata.optional(),
  })
  .strict()
  .refine((u) => u.email_address || u.username || u.external_id, 'a user needs email_address, username or external_id');

export const seedFileSchema = z.object({ users: z.array(seedUser).default([]) }).strict();
export type SeedFile = z.infer<typeof seedFileSchema>;

/** Reads and validates a seed file; a bad file is an error naming the bad field, never ignored. */
export function readSeedFile(file: string): SeedFile {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new ConfigError(`--seed ${file}: ${(error as Error).message}`);
  }
  const parsed = seedFileSchema.safeParse(raw);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((issue) => `--seed ${file}: ${issue.path.join('.') || '(root)'}: ${issue.message}`);
    throw new ConfigError(lines.join('\n'));
  }
  return parsed.data;
}

/**
 * Creates the seed's users. Seeding is idempotent: a user whose external id, e-mail or username
 * already exists is left as it is, so `start --seed` can run on every start.
 */
export async function applySeed(domain: Domain, seed: SeedFile, log: (line: string) => void): Promise<void> {
  for (const [index, user] of seed.users.entries()) {
    const existing = await domain.users.list({
      externalIds: user.external_id ? [user.external_id] : undefined,
      emailAddresses: user.email_address?.slice(0, 1),
      usernames: user.username ? [user.username] : undefined,
      limit: 1,
    });
    if (existing.length > 0) continue;
    try {
      const record = await domain.users.create({
        externalId: user.external_id,
        emailAddresses: user.email_address,
        username: user.username,
        firstName: user.first_name,
        lastName: user.last_name,
        password: user.password,
        skipPasswordChecks: user.skip_password_checks,
        publicMetadata: user.public_metadata,
        privateMetadata: user.private_metadata,
        unsafeMetadata: user.unsafe_metadata,
      });
      log(`seed: created ${record.user.id} (${user.email_address?.[0] ?? user.username ?? user.external_id})`);
    } catch (error) {
      if (error instanceof GatehouseError) throw new ConfigError(`seed users.${index}: ${error.message}`);
      throw error;
    }
  }
}
