import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  resolve: {
    // `@clerk/nuxt`'s server code imports Nuxt's virtual `#imports` (h3 + `useRuntimeConfig`); the SDK
    // matrix runs it without building Nuxt (see packages/gatehouse/src/sdk-matrix/nuxt-imports.ts).
    alias: { '#imports': fileURLToPath(new URL('packages/gatehouse/src/sdk-matrix/nuxt-imports.ts', import.meta.url)) },
  },
  test: {
    include: ['packages/*/src/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: 'forks',
    // The SDKs' telemetry would try to reach Clerk; tests talk to 127.0.0.1 only.
    env: { CLERK_TELEMETRY_DISABLED: '1', NEXT_TELEMETRY_DISABLED: '1' },
    // Transformed by Vite as Astro's and Nuxt's builds do (`import.meta.env`, `#imports`).
    server: { deps: { inline: ['@clerk/astro', '@clerk/nuxt'] } },
  },
});
