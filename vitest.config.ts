import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { configDefaults, defineConfig } from 'vitest/config';

const E2E = 'packages/gatehouse/src/e2e';
/**
 * The Chromium tests of the examples the README-commands test builds: they run after it and serve
 * its builds instead of building again (packages/gatehouse/src/e2e/example-builds.ts).
 */
const AFTER_README = [`${E2E}/examples.e2e.test.ts`, `${E2E}/spa-examples.e2e.test.ts`, `${E2E}/user-sync.e2e.test.ts`];
/**
 * Files that must run alone: the end-to-end files (Chromium, example builds, nginx, processes
 * started from the built CLI), those that assert how long something took (the drain deadline,
 * key rotation's activation, the PostgreSQL outage's timings), and those that failed beside another
 * file on a loaded 2-core machine (cli.test.ts: many `gatehouse start`s, `--workers 2`, within 60 s;
 * webhooks.test.ts on PostgreSQL: deliveries; social.test.ts: one refresh for two nodes).
 */
const ALONE = [
  `${E2E}/**/*.test.ts`,
  'packages/gatehouse/src/cli/cli.test.ts',
  'packages/gatehouse/src/cli/drain.test.ts',
  'packages/gatehouse/src/cli/keys.test.ts',
  'packages/gatehouse/src/http/bapi/webhooks.test.ts',
  'packages/gatehouse/src/http/fapi/social.test.ts',
  'packages/gatehouse/src/store/postgres-outage.test.ts',
];
const ALL = ['packages/*/src/**/*.test.ts'];

export default defineConfig({
  resolve: {
    // `@clerk/nuxt`'s server code imports Nuxt's virtual `#imports` (h3 + `useRuntimeConfig`); the SDK
    // matrix runs it without building Nuxt (see packages/gatehouse/src/sdk-matrix/nuxt-imports.ts).
    alias: { '#imports': fileURLToPath(new URL('packages/gatehouse/src/sdk-matrix/nuxt-imports.ts', import.meta.url)) },
  },
  test: {
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: 'forks',
    env: {
      // The SDKs' telemetry would try to reach Clerk; tests talk to 127.0.0.1 only.
      CLERK_TELEMETRY_DISABLED: '1',
      NEXT_TELEMETRY_DISABLED: '1',
      // A query made inside a transaction's work outside it fails at once (store/transaction-scope.ts);
      // off in production, where it would cost every promise a hook on Node 20.
      GATEHOUSE_CHECK_TRANSACTIONS: '1',
      // This run's README-commands clone and its builds; removed by the global teardown.
      GATEHOUSE_TEST_EXAMPLE_BUILDS: path.join(tmpdir(), `gatehouse-example-builds-${process.pid}`),
    },
    globalSetup: ['packages/gatehouse/src/testing/global-setup.ts'],
    // Transformed by Vite as Astro's and Nuxt's builds do (`import.meta.env`, `#imports`).
    server: { deps: { inline: ['@clerk/astro', '@clerk/nuxt'] } },
    // Groups run one after the other (`sequence.groupOrder`): everything that can share the machine
    // two files at a time, then the files that must run alone one at a time, then the examples'
    // Chromium tests (after readme-commands.e2e.test.ts, whose builds they use).
    projects: [
      {
        extends: true,
        test: {
          name: 'parallel',
          include: ALL,
          exclude: [...configDefaults.exclude, ...ALONE],
          // GATEHOUSE_TEST_WORKERS: another number of files at a time (a bigger machine; 1 to measure a file alone).
          maxWorkers: Number(process.env.GATEHOUSE_TEST_WORKERS) || 2,
          sequence: { groupOrder: 0 },
        },
      },
      {
        extends: true,
        test: {
          name: 'alone',
          include: ALONE,
          exclude: [...configDefaults.exclude, ...AFTER_README],
          maxWorkers: 1,
          sequence: { groupOrder: 1 },
        },
      },
      {
        extends: true,
        test: { name: 'after-readme', include: AFTER_README, maxWorkers: 1, sequence: { groupOrder: 2 } },
      },
    ],
  },
});
