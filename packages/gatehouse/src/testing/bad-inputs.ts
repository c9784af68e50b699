import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from './app.js';
import { type Case, createErrorCaseHarness, type Method } from './error-cases.js';

/**
 * The preamble every Backend API bad-input file (`http/bapi/*.bad-inputs.test.ts`) shares: one
 * in-process test app per file, the fixtures its cases name (`<user>`, `<org>`…), the harness of
 * `error-cases.ts` bound to both, and the suite every file runs: its tables case by case, the
 * envelope all errors share, and a check that the failed requests changed nothing.
 */
export function badInputsHarness() {
  /** `<org>`, `<user>`… in the cases' URLs and bodies: filled in by the suite's `arrange`. */
  const fixtures: Record<string, string> = {};
  let current: TestApp | undefined;
  /** The file's test app (started before the suite). */
  const app = (): TestApp => {
    if (!current) throw new Error('the test app is not started yet');
    return current;
  };
  const harness = createErrorCaseHarness(app, fixtures);

  function describeBadInputs<S>(title: string, suite: BadInputSuite<S>): void {
    describe(title, () => {
      let before: S;

      beforeAll(async () => {
        current = await createTestApp(suite.app);
        await suite.arrange(current);
        before = await suite.snapshot();
      });
      afterAll(async () => {
        await current?.close();
      });

      harness.describeTables(suite.tables);

      harness.itSharesTheEnvelope(Object.values(suite.tables).flat(), suite.atLeast);

      it(suite.unchanged ?? 'changed nothing', async () => {
        expect(await suite.snapshot()).toEqual(before);
        await suite.alsoUnchanged?.();
      });

      suite.more?.();
    });
  }

  return { fixtures, app, ...harness, describeBadInputs };
}

export interface BadInputSuite<S> {
  /** How the file's test app is made (a production instance, …); a development instance by default. */
  app?: Parameters<typeof createTestApp>[0];
  /** Creates what the cases need through the Backend API and fills in the fixtures. */
  arrange(t: TestApp): Promise<void>;
  /** What the failed requests must leave as it was: taken after `arrange` and after every case. */
  snapshot(): Promise<S>;
  /** One `describe` a table, one test a case (see `describeTables`). */
  tables: Record<string, Case[]>;
  /** At least this many cases (guards against tables going missing). */
  atLeast: number;
  /** The name of the "changed nothing" test. */
  unchanged?: string;
  /** Further checks in that test, after the snapshot compared equal. */
  alsoUnchanged?(): Promise<void>;
  /** Further tests in the suite, with the same app. */
  more?(): void;
}

/** A GET case: `(name, url, status, code, param?)`. */
export const getCase = (name: string, url: string, status: number, code: string, param?: string): Case => ({
  name,
  method: 'GET' satisfies Method,
  url,
  status,
  code,
  ...(param ? { param } : {}),
});
