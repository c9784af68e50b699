import { boot } from '../boot.js';
import { ConfigError } from '../config/load.js';
import type { GatehouseConfig } from '../config/schema.js';
import { CLI_CALLER } from '../domain/caller.js';
import type { Domain } from '../domain/index.js';
import { GatehouseError } from '../errors.js';

export interface KeysOptions {
  overlap?: string;
  retain?: string;
  grace?: string;
  json?: boolean;
}

function seconds(flag: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new ConfigError(`${flag} must be a whole number of seconds, got "${value}".`);
  return n;
}

const iso = (ms: number | null) => (ms === null ? 'never' : new Date(ms).toISOString());

/**
 * `gatehouse keys list | rotate | rotate-secret`: the same rotations as the Backend API's
 * `/v1/instance/…/rotate`, run against the database directly. Running nodes pick the change up from
 * the database within seconds.
 */
export async function runKeys(config: GatehouseConfig, action: string | undefined, options: KeysOptions): Promise<number> {
  if (action !== 'list' && action !== 'rotate' && action !== 'rotate-secret') {
    process.stderr.write('Usage: gatehouse keys list | rotate [--overlap <s>] [--retain <s>] | rotate-secret [--grace <s>]\n');
    return 1;
  }
  const overlapSeconds = seconds('--overlap', options.overlap);
  const retainSeconds = seconds('--retain', options.retain);
  const graceSeconds = seconds('--grace', options.grace);
  const booted = await boot(config);
  try {
    return await keysAction(booted.domain, action, options, { overlapSeconds, retainSeconds, graceSeconds });
  } catch (error) {
    if (error instanceof GatehouseError) throw new ConfigError(error.message);
    throw error;
  } finally {
    await booted.close();
  }
}

async function keysAction(
  domain: Domain,
  action: 'list' | 'rotate' | 'rotate-secret',
  options: KeysOptions,
  { overlapSeconds, retainSeconds, graceSeconds }: { overlapSeconds?: number; retainSeconds?: number; graceSeconds?: number },
): Promise<number> {
  const out = (text: string) => process.stdout.write(text);
  {
    if (action === 'rotate-secret') {
      const rotated = await domain.keyRotation.rotateSecretKey({ graceSeconds }, CLI_CALLER);
      if (options.json) out(`${JSON.stringify(rotated)}\n`);
      else
        out(
          `CLERK_SECRET_KEY=${rotated.secretKey}\n\nGive your apps the new secret key. The previous one keeps working until ${iso(rotated.previousExpiresAt)}.\n`,
        );
      return 0;
    }
    if (action === 'rotate') {
      const rotation = await domain.keyRotation.rotateSigningKey({ overlapSeconds, retainSeconds }, CLI_CALLER);
      if (options.json) out(`${JSON.stringify({ ...rotation, keys: await domain.keyring.list() })}\n`);
      else
        out(
          [
            `new signing key ${rotation.kid}: in the JWKS now, signs from ${iso(rotation.activatesAt)}`,
            `the keys it replaces stay in the JWKS until ${iso(rotation.previousKeysRetireAt)} (${rotation.retainSeconds} s after the switch)`,
            'Apps that verify with CLERK_JWT_KEY (no JWKS) need the new key after the switch: `gatehouse env` prints it then.',
            '',
          ].join('\n'),
        );
      return 0;
    }
    const keys = await domain.keyring.list();
    if (options.json) out(`${JSON.stringify(keys)}\n`);
    else
      for (const key of keys)
        out(`${key.kid}  ${key.state.padEnd(9)}  signs from ${iso(key.activatesAt)}  leaves the JWKS ${iso(key.retiresAt)}\n`);
    return 0;
  }
}
