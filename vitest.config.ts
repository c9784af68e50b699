import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['packages/*/src/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: 'forks',
    // The SDKs' telemetry would try to reach Clerk; tests talk to 127.0.0.1 only.
    env: { CLERK_TELEMETRY_DISABLED: '1', NEXT_TELEMETRY_DISABLED: '1' },
  },
});
