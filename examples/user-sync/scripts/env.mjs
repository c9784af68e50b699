// Shared by build.mjs and start.mjs: the variables `gatehouse env` prints, checked before anything
// runs (without them the SDKs would talk to Clerk's cloud), and the tools run with node directly.
import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(path.join(root, 'package.json'));

export const bins = {
  prisma: require.resolve('prisma/build/index.js'),
  nest: require.resolve('@nestjs/cli/bin/nest.js'),
  next: require.resolve('next/dist/bin/next'),
};

export function requireEnv(names) {
  const missing = names.filter((name) => !process.env[name]);
  if (missing.length === 0) return;
  console.error(
    `user-sync: ${missing.join(', ')} not set; run eval "$(npx gatehouse env --shell --data-dir ../../.gatehouse)" in this shell first (Gatehouse must have started once), see README.md`,
  );
  process.exit(1);
}

export const CLERK_ENV = [
  'CLERK_SECRET_KEY',
  'CLERK_PUBLISHABLE_KEY',
  'CLERK_API_URL',
  'CLERK_JWT_KEY',
  'NEXT_PUBLIC_CLERK_PUBLISHABLE_KEY',
  'NEXT_PUBLIC_CLERK_PROXY_URL',
];

/** The app's own database: $DATABASE_URL, else `user_sync` on the local PostgreSQL. */
process.env.DATABASE_URL ??= 'postgresql://postgres@127.0.0.1:5432/user_sync';
process.env.CHECKPOINT_DISABLE = '1'; // Prisma's update check (a network call) off
process.env.PRISMA_HIDE_UPDATE_MESSAGE = '1';
process.env.NEXT_TELEMETRY_DISABLED = '1';
process.env.API_PORT ??= '3001';

export function run(bin, args, options = {}) {
  execFileSync(process.execPath, [bin, ...args], { cwd: root, stdio: 'inherit', ...options });
}
