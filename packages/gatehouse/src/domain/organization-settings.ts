import * as z from 'zod';

/**
 * The built-in roles every instance has, and the system permissions each grants (Clerk's defaults).
 * Custom roles and permissions live in the instance settings beside them (`organizations.roles`,
 * `organizations.permissions`), written by the config file and the Backend API.
 */
export const SYSTEM_PERMISSIONS = [
  ['org:sys_profile:manage', 'Manage organization'],
  ['org:sys_profile:delete', 'Delete organization'],
  ['org:sys_memberships:read', 'Read members'],
  ['org:sys_memberships:manage', 'Manage members'],
  ['org:sys_domains:read', 'Read domains'],
  ['org:sys_domains:manage', 'Manage domains'],
] as const;

export const BUILT_IN_ROLES: readonly RoleDefinition[] = [
  {
    id: 'role_admin',
    key: 'org:admin',
    name: 'Admin',
    description: 'Manages the organization and its members',
    permissions: SYSTEM_PERMISSIONS.map(([key]) => key),
    createdAt: 0,
    updatedAt: 0,
  },
  {
    id: 'role_member',
    key: 'org:member',
    name: 'Member',
    description: 'Reads the members',
    permissions: ['org:sys_memberships:read'],
    createdAt: 0,
    updatedAt: 0,
  },
];

/** `org:<feature>:<action>`: what custom permission keys look like. */
export const PERMISSION_KEY = /^org:[a-z0-9_]{1,64}:[a-z0-9_]{1,64}$/;
/** `org:<name>`: what role keys look like. */
export const ROLE_KEY = /^org:[a-z0-9_]{1,64}$/;

const stamp = z.number().int().nonnegative().default(0);

const permissionSchema = z
  .object({
    id: z.string().min(1).max(64).optional(),
    key: z.string().regex(PERMISSION_KEY),
    name: z.string().min(1).max(256),
    description: z.string().max(1024).default(''),
    createdAt: stamp,
    updatedAt: stamp,
  })
  .strict();

const roleSchema = z
  .object({
    id: z.string().min(1).max(64).optional(),
    key: z.string().regex(ROLE_KEY),
    name: z.string().min(1).max(256),
    description: z.string().max(1024).default(''),
    /** Permission keys: system ones (`org:sys_…`) or custom ones listed in `permissions`. */
    permissions: z.array(z.string()).default([]),
    createdAt: stamp,
    updatedAt: stamp,
  })
  .strict();

/** What the instance lets users do with organizations, and the roles they hold in them. */
export const organizationSettingsSchema = z
  .object({
    enabled: z.boolean().default(true),
    /** 0: no limit. The default cap of new organizations' members. */
    maxAllowedMemberships: z.number().int().min(0).max(100_000).default(0),
    adminDeleteEnabled: z.boolean().default(true),
    /** Whether users may create organizations from the browser (`<CreateOrganization/>`). */
    createOrganizationEnabled: z.boolean().default(true),
    /**
     * Clerk's "Membership required" (its dashboard's "Allow personal accounts" off; the environment's
     * `force_organization_selection`): every new session starts `pending` with the
     * `choose-organization` task until it acts in an organization.
     */
    forceOrganizationSelection: z.boolean().default(false),
    creatorRole: z.string().regex(ROLE_KEY).default('org:admin'),
    defaultRole: z.string().regex(ROLE_KEY).default('org:member'),
    /** Verified domains: `<OrganizationProfile/>` shows its Domains section. */
    domainsEnabled: z.boolean().default(false),
    /** The enrollment modes the Domains section offers. */
    domainsEnrollmentModes: z
      .array(z.enum(['manual_invitation', 'automatic_invitation', 'automatic_suggestion']))
      .max(3)
      .default(['manual_invitation']),
    /** Custom roles (the built-in `org:admin` and `org:member` are always there). */
    roles: z.array(roleSchema).max(50).default([]),
    /** Custom permissions (the `org:sys_…` ones are always there). */
    permissions: z.array(permissionSchema).max(500).default([]),
  })
  .strict();

export type OrganizationSettings = z.infer<typeof organizationSettingsSchema>;
export type RoleDefinition = Omit<z.infer<typeof roleSchema>, 'id'> & { id: string };
export type PermissionDefinition = Omit<z.infer<typeof permissionSchema>, 'id'> & { id: string };

function idFor(prefix: string, key: string): string {
  return `${prefix}_${key.replace(/^org:/, '').replace(/[^a-z0-9]/g, '_')}`;
}

export function parseOrganizationSettings(raw: unknown): OrganizationSettings {
  const parsed = organizationSettingsSchema.safeParse(raw ?? {});
  return parsed.success ? parsed.data : organizationSettingsSchema.parse({});
}

/** The settings with every custom role and permission given an id (config files may leave them out). */
export function withIds(settings: OrganizationSettings): OrganizationSettings {
  return {
    ...settings,
    roles: settings.roles.map((r) => ({ ...r, id: r.id ?? idFor('role', r.key) })),
    permissions: settings.permissions.map((p) => ({ ...p, id: p.id ?? idFor('perm', p.key) })),
  };
}

/** Checks that every role's permissions exist and the creator and default roles are roles. */
export function validateOrganizationSettings(settings: OrganizationSettings): OrganizationSettings {
  const permissionKeys = new Set<string>([...SYSTEM_PERMISSIONS.map(([key]) => key), ...settings.permissions.map((p) => p.key)]);
  const roleKeys = new Set<string>(BUILT_IN_ROLES.map((r) => r.key));
  for (const role of settings.roles) {
    if (roleKeys.has(role.key)) throw new Error(`organizations.roles: the role ${role.key} exists twice`);
    roleKeys.add(role.key);
    for (const key of role.permissions) {
      if (!permissionKeys.has(key)) throw new Error(`organizations.roles: ${role.key} names the unknown permission ${key}`);
    }
  }
  const seen = new Set<string>();
  for (const permission of settings.permissions) {
    if (seen.has(permission.key) || permission.key.startsWith('org:sys_')) {
      throw new Error(`organizations.permissions: ${permission.key} is taken`);
    }
    seen.add(permission.key);
  }
  if (!roleKeys.has(settings.creatorRole)) throw new Error(`organizations.creatorRole: no role ${settings.creatorRole}`);
  if (!roleKeys.has(settings.defaultRole)) throw new Error(`organizations.defaultRole: no role ${settings.defaultRole}`);
  return withIds(settings);
}

/** Roles and permissions as one instance's settings define them. */
export interface RoleCatalog {
  roles: RoleDefinition[];
  permissions: PermissionDefinition[];
  creatorRole: string;
  defaultRole: string;
  find(key: string): RoleDefinition | undefined;
  permissionsFor(key: string): string[];
  roleName(key: string): string;
}

export function systemPermissions(): PermissionDefinition[] {
  return SYSTEM_PERMISSIONS.map(([key, name]) => ({
    id: idFor('perm', key),
    key,
    name,
    description: '',
    createdAt: 0,
    updatedAt: 0,
  }));
}

export function roleCatalog(settings: OrganizationSettings): RoleCatalog {
  const full = withIds(settings);
  const roles = [...BUILT_IN_ROLES, ...(full.roles as RoleDefinition[])];
  const permissions = [...systemPermissions(), ...(full.permissions as PermissionDefinition[])];
  const byKey = new Map(roles.map((r) => [r.key, r]));
  return {
    roles,
    permissions,
    creatorRole: settings.creatorRole,
    defaultRole: settings.defaultRole,
    find: (key) => byKey.get(key),
    permissionsFor: (key) => [...(byKey.get(key)?.permissions ?? [])],
    roleName: (key) => byKey.get(key)?.name ?? key,
  };
}

/** Sign-up mode and who may sign up (Clerk's restrictions). */
export const restrictionSettingsSchema = z
  .object({
    /** `public`: anyone; `restricted`: only with an invitation; `waitlist`: only with an invitation, others join the waitlist. */
    signUpMode: z.enum(['public', 'restricted', 'waitlist']).default('public'),
    allowlist: z.boolean().default(false),
    blocklist: z.boolean().default(false),
    blockEmailSubaddresses: z.boolean().default(false),
    /** E-mail addresses or `@domain` / `domain` entries (the Backend API's allowlist identifiers). */
    allowlistIdentifiers: z
      .array(z.object({ id: z.string(), identifier: z.string().min(1).max(320), createdAt: stamp, updatedAt: stamp }).strict())
      .max(10_000)
      .default([]),
    blocklistIdentifiers: z
      .array(z.object({ id: z.string(), identifier: z.string().min(1).max(320), createdAt: stamp, updatedAt: stamp }).strict())
      .max(10_000)
      .default([]),
  })
  .strict();

export type RestrictionSettings = z.infer<typeof restrictionSettingsSchema>;

export function parseRestrictionSettings(raw: unknown): RestrictionSettings {
  const parsed = restrictionSettingsSchema.safeParse(raw ?? {});
  return parsed.success ? parsed.data : restrictionSettingsSchema.parse({});
}

/** Whether an identifier entry (`a@b.com`, `@b.com`, `b.com`, `*.b.com`) covers the address. */
export function identifierMatches(entry: string, address: string): boolean {
  const wanted = entry.trim().toLowerCase();
  const email = address.trim().toLowerCase();
  if (wanted.includes('@') && !wanted.startsWith('@')) return wanted === email;
  const domain = email.split('@')[1] ?? '';
  const bare = wanted.replace(/^@/, '');
  if (bare.startsWith('*.')) return domain.endsWith(bare.slice(1));
  return domain === bare;
}
