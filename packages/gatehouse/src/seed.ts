import { readFileSync } from 'node:fs';
import * as z from 'zod';
import { ConfigError } from './config/load.js';
import { SYSTEM_CALLER } from './domain/caller.js';
import type { Domain } from './domain/index.js';
import { ORGANIZATION_ROLES, slugFromName } from './domain/organizations.js';
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

const seedMember = z
  .object({
    email_address: z.string().email().optional(),
    username: z.string().min(1).optional(),
    external_id: z.string().min(1).optional(),
    role: z.enum(ORGANIZATION_ROLES as [string, ...string[]]),
  })
  .strict()
  .refine((m) => m.email_address || m.username || m.external_id, 'a member needs email_address, username or external_id');
const seedOrganization = z
  .object({
    name: z.string().trim().min(1).max(256),
    slug: z
      .string()
      .regex(/^[a-z0-9-]{1,100}$/, 'must be lowercase letters, digits or "-"')
      .optional(),
    max_allowed_memberships: z.number().int().min(0).optional(),
    public_metadata: metadata.optional(),
    private_metadata: metadata.optional(),
    members: z.array(seedMember).default([]),
  })
  .strict();

export const seedFileSchema = z
  .object({ users: z.array(seedUser).default([]), organizations: z.array(seedOrganization).default([]) })
  .strict();
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
 * Creates the seed's users, then its organizations and their members. Seeding is idempotent, so
 * `start --seed` can run on every start: a user whose external id, e-mail or username already exists
 * is left as it is, an organization whose slug exists is not created again, and a member who already
 * belongs to the organization keeps their role.
 */
export async function applySeed(domain: Domain, seed: SeedFile, log: (line: string) => void): Promise<void> {
  // Applied by Gatehouse itself at start, not by a request: its events carry no IP or user agent.
  const caller = SYSTEM_CALLER;
  for (const [index, user] of seed.users.entries()) {
    const existing = await domain.users.list({
      externalIds: user.external_id ? [user.external_id] : undefined,
      emailAddresses: user.email_address?.slice(0, 1),
      usernames: user.username ? [user.username] : undefined,
      limit: 1,
    });
    if (existing.length > 0) continue;
    try {
      const record = await domain.users.create(
        {
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
        },
        caller,
      );
      log(`seed: created ${record.user.id} (${user.email_address?.[0] ?? user.username ?? user.external_id})`);
    } catch (error) {
      if (error instanceof GatehouseError) throw new ConfigError(`seed users.${index}: ${error.message}`);
      throw error;
    }
  }

  for (const [index, org] of seed.organizations.entries()) {
    const at = `seed organizations.${index}`;
    try {
      const slug = org.slug ?? slugFromName(org.name);
      let organization = await domain.organizations.find(slug);
      if (!organization) {
        organization = (
          await domain.organizations.create(
            {
              name: org.name,
              slug,
              maxAllowedMemberships: org.max_allowed_memberships,
              publicMetadata: org.public_metadata,
              privateMetadata: org.private_metadata,
            },
            caller,
          )
        ).organization;
        log(`seed: created ${organization.id} (${organization.slug})`);
      }
      for (const [memberIndex, member] of org.members.entries()) {
        const [user] = await domain.users.list({
          emailAddresses: member.email_address ? [member.email_address] : undefined,
          usernames: member.username ? [member.username] : undefined,
          externalIds: member.external_id ? [member.external_id] : undefined,
          limit: 1,
        });
        const who = member.email_address ?? member.username ?? member.external_id;
        if (!user) throw new ConfigError(`${at}.members.${memberIndex}: no user is ${who}; add them under "users"`);
        if (await domain.organizations.isMember(organization.id, user.user.id)) continue;
        await domain.organizations.createMembership(organization.id, { userId: user.user.id, role: member.role }, caller);
        log(`seed: added ${who} to ${organization.slug} as ${member.role}`);
      }
    } catch (error) {
      if (error instanceof GatehouseError) throw new ConfigError(`${at}: ${error.message}`);
      throw error;
    }
  }
}
