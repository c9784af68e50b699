import { boot, describeEnvironment } from '../boot.js';
import type { GatehouseConfig } from '../config/schema.js';

export function formatEnvironment(report: ReturnType<typeof describeEnvironment>): string {
  const lines = [
    `instance        ${report.instanceId} (${report.environmentType})`,
    `frontend API    ${report.frontendApiUrl}`,
    `backend API     ${report.apiUrl}`,
    `JWKS            ${report.jwksUrl}`,
    '',
    'Give the Clerk SDKs these variables:',
    ...Object.entries(report.env)
      .filter(([name]) => name !== 'CLERK_JWT_KEY')
      .map(([name, value]) => `${name}=${value}`),
    `CLERK_JWT_KEY="${report.jwtKey.replace(/\n/g, '\\n')}"`,
  ];
  return `${lines.join('\n')}\n`;
}

/** `export NAME='value'` lines for `eval "$(gatehouse env --shell)"`. */
export function formatShell(report: ReturnType<typeof describeEnvironment>): string {
  const quote = (value: string) => `'${value.replace(/'/g, `'\\''`)}'`;
  return `${Object.entries(report.env)
    .map(([name, value]) => `export ${name}=${quote(value)}`)
    .join('\n')}\n`;
}

export async function runEnv(config: GatehouseConfig, format: 'text' | 'json' | 'shell'): Promise<number> {
  const booted = await boot(config);
  try {
    const report = describeEnvironment(config, booted.domain);
    const output = { text: formatEnvironment, json: (r: typeof report) => `${JSON.stringify(r, null, 2)}\n`, shell: formatShell }[format];
    process.stdout.write(output(report));
    return 0;
  } finally {
    await booted.close();
  }
}
