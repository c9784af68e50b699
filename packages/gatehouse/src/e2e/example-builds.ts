/**
 * One build per example in a full run. The README-commands test (readme-commands.e2e.test.ts) builds
 * every example with its README's commands on a fresh clone, against a Gatehouse on some port; the
 * Chromium test of that example runs later in the same `vitest run` (vitest.config.ts orders them)
 * and, instead of building the example a second time, starts its own Gatehouse on that same port and
 * serves the README's build.
 *
 * What a build takes from Gatehouse is only what it inlines: the NEXT_PUBLIC_* / VITE_* variables of
 * `gatehouse env`, which depend on the public URL alone (the publishable key is the FAPI host), plus
 * the ports named at build time (user-sync's /api rewrite to API_PORT). `sharedBuild` hands a build
 * out only when those values are the ones the Chromium test's own Gatehouse prints; otherwise (a file
 * run on its own, a README test that failed) the Chromium test builds the example itself, as before.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/** Set by vitest.config.ts for the whole run: where the README test leaves its clone and its record of builds. */
export const EXAMPLE_BUILDS_DIR = process.env.GATEHOUSE_TEST_EXAMPLE_BUILDS;

export type SharedExample = 'nextjs-hello-world' | 'react-vite' | 'vue-vite' | 'user-sync';

export interface ExampleBuild {
  /** The example's directory in the README test's clone, holding its build. */
  dir: string;
  /** The port of the Gatehouse it was built against. */
  gatehousePort: number;
  /** The variables the build inlined (`gatehouse env`'s NEXT_PUBLIC_* and VITE_* ones). */
  inlined: Record<string, string>;
  /** Other values fixed at build time (user-sync: API_PORT). */
  buildEnv: Record<string, string>;
}

/** The values of `gatehouse env` that a build inlines. */
export function inlinedEnv(clerkEnv: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(clerkEnv).filter(([name]) => /^(NEXT_PUBLIC_|VITE_)/.test(name)));
}

function recordFile(example: SharedExample): string | undefined {
  return EXAMPLE_BUILDS_DIR ? path.join(EXAMPLE_BUILDS_DIR, `${example}.json`) : undefined;
}

/** Called by the README test once an example built by its commands has passed its checks. */
export function recordBuild(example: SharedExample, build: ExampleBuild): void {
  const file = recordFile(example);
  if (file) writeFileSync(file, JSON.stringify(build));
}

/** The README test's build of `example` in this run, if there is one. */
export function sharedBuild(example: SharedExample): ExampleBuild | undefined {
  const file = recordFile(example);
  return file && existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as ExampleBuild) : undefined;
}

/**
 * The shared build, checked against the Gatehouse the Chromium test started on its port: a build
 * inlining anything else would test a different configuration than this Gatehouse's, so that is an error.
 */
export function checkedBuild(build: ExampleBuild, clerkEnv: Record<string, string>): ExampleBuild {
  const sorted = (env: Record<string, string>) => JSON.stringify(Object.entries(env).sort(([a], [b]) => a.localeCompare(b)));
  const mine = sorted(inlinedEnv(clerkEnv));
  if (sorted(build.inlined) !== mine) {
    throw new Error(`the README test's build of ${build.dir} inlined ${JSON.stringify(build.inlined)}, this Gatehouse prints ${mine}`);
  }
  return build;
}
