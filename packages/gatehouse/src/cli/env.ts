import { boot, describeEnvironment } from '../boot.js';
import type { GatehouseConfig } from '../config/schema.js';

type Report = ReturnType<typeof describeEnvironment>;

/**
 * The block `gatehouse env` prints, and `start` once it listens. `showSecret: false` (a production
 * instance's later starts) leaves the secret key out of the log.
 */
export function formatEnvironment(report: Report, options: { showSecret?: boolean } = {}): string {
  const showSecret = options.showSecret !== false;
  const lines = [
    `instance        ${report.instanceId} (${report.environmentType})`,
    `frontend API    ${report.frontendApiUrl}`,
    `backend API     ${report.apiUrl}`,
    `JWKS            ${report.jwksUrl}`,
    ...(report.socialProviders.length
      ? [`OAuth callback  ${report.oauthCallbackUrl} (register it with: ${report.socialProviders.join(', ')})`]
      : []),
    '',
    'Give the Clerk SDKs these variables:',
    ...Object.entries(report.env)
      .filter(([name]) => name !== 'CLERK_JWT_KEY')
      .map(([name, value]) =>
        name === 'CLERK_SECRET_KEY' && !showSecret
          ? `${name}=(not logged for a production instance: \`gatehouse env\` prints it)`
          : `${name}=${value}`,
      ),
    `CLERK_JWT_KEY="${report.jwtKey.replace(/\n/g, '\\n')}"`,
  ];
  return `${lines.join('\n')}\n`;
}

/** `export NAME='value'` lines for `eval "$(gatehouse env --shell)"`. */
export function formatShell(report: Report): string {
  const quote = (value: string) => `'${value.replace(/'/g, `'\\''`)}'`;
  return `${Object.entries(report.env)
    .map(([name, value]) => `export ${name}=${quote(value)}`)
    .join('\n')}\n`;
}

/**
 * Prints the instance's keys and variables. `env` only reads: an empty data dir or database is an
 * error, never a new instance. `init` creates the instance first if there is none (what the first
 * `start` would do, without serving), for scripts that need the keys before the server runs.
 */
export async function runEnv(
  config: GatehouseConfig,
  format: 'text' | 'json' | 'shell',
  options: { create?: boolean } = {},
): Promise<number> {
  if (options.create) {
    const { checkDataDir, usesDataDir } = await import('./preflight.js');
    if (usesDataDir(config)) checkDataDir(config);
  }
  const booted = await boot(config, undefined, undefined, { existing: !options.create });
  try {
    const report = describeEnvironment(config, booted.domain);
    const output = { text: formatEnvironment, json: (r: Report) => `${JSON.stringify(r, null, 2)}\n`, shell: formatShell }[format];
    process.stdout.write(output(report));
    return 0;
  } finally {
    await booted.close();
  }
}
