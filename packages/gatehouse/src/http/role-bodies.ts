import * as z from 'zod';

/**
 * The bodies that create or change a custom role or permission, for the Backend API and the
 * dashboard's Roles page alike. `trim`: the dashboard's forms trim what was typed; the Backend API
 * takes the values as sent, as Clerk's does.
 */
export function roleBodies(options: { trim: boolean }) {
  const text = (max: number) => (options.trim ? z.string().trim() : z.string()).min(1).max(max);
  return {
    role: z
      .object({
        key: text(80).optional(),
        name: text(256).optional(),
        description: z.string().max(1024).optional(),
        permissions: z.array(text(200)).max(500).optional(),
      })
      .strict(),
    permission: z.object({ key: text(200).optional(), name: text(256).optional(), description: z.string().max(1024).optional() }).strict(),
  };
}
