import { boot } from '../boot.js';
import { ConfigError } from '../config/load.js';
import type { GatehouseConfig } from '../config/schema.js';
import { CLI_CALLER } from '../domain/caller.js';
import { GatehouseError } from '../errors.js';

/** The page that sets an operator's password; the token rides in the fragment, so it is never logged or sent as a Referer. */
export function dashboardSetupLink(publicUrl: string, token: string): string {
  return `${publicUrl}/dashboard/setup#token=${token}`;
}

const USAGE = 'Usage: gatehouse admin create <email> | list | remove <email> | reset <email>\n';
const iso = (ms: number | null) => (ms === null ? 'never' : new Date(ms).toISOString());

/**
 * `gatehouse admin …`: the dashboard's operators, run against the database directly. `create` and
 * `reset` print a one-time link (24 h) to set a password (and, on production, a second factor).
 */
export async function runAdmin(
  config: GatehouseConfig,
  action: string | undefined,
  email: string | undefined,
  json: boolean,
): Promise<number> {
  if (!['create', 'list', 'remove', 'reset'].includes(action ?? '') || (action !== 'list' && !email)) {
    process.stderr.write(USAGE);
    return 1;
  }
  const booted = await boot(config, () => {}, undefined, { existing: action !== 'create' });
  const out = (text: string) => process.stdout.write(text);
  try {
    const { operators } = booted.domain;
    {
      if (action === 'list') {
        const list = await operators.list();
        if (json) out(`${JSON.stringify(list)}\n`);
        else if (list.length === 0) out('no operators; `gatehouse admin create <email>` adds one\n');
        else
          for (const o of list)
            out(
              `${o.email}  ${o.hasPassword ? 'password set' : 'link not used yet'}  ${o.totpEnabled ? 'TOTP' : 'no TOTP'}  last sign-in ${iso(o.lastSignInAt)}\n`,
            );
        return 0;
      }
      if (action === 'remove') {
        await operators.remove(email as string, CLI_CALLER);
        out(`removed ${email}; their dashboard sessions are ended\n`);
        return 0;
      }
      const { operator, token } =
        action === 'create' ? await operators.create(email as string, CLI_CALLER) : await operators.reset(email as string, CLI_CALLER);
      const link = dashboardSetupLink(config.publicUrl, token);
      if (json) out(`${JSON.stringify({ operator, link })}\n`);
      else
        out(
          `${action === 'create' ? 'Created' : 'Reset'} operator ${operator.email}. Open this one-time link (valid 24 h) to set a password${
            booted.domain.isDevelopment() ? '' : ' and the authenticator code'
          }:\n${link}\n`,
        );
      return 0;
    }
  } catch (error) {
    if (error instanceof GatehouseError) throw new ConfigError(error.message);
    throw error;
  } finally {
    await booted.close();
  }
}
