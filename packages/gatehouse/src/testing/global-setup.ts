import { rmSync } from 'node:fs';
import type { TestProject } from 'vitest/node';

/**
 * Vitest's global setup (vitest.config.ts): once every file has run, removes this run's
 * README-commands clone, which the examples' Chromium tests used (e2e/example-builds.ts).
 */
export default function setup(project: TestProject): () => void {
  const dir = project.config.env.GATEHOUSE_TEST_EXAMPLE_BUILDS;
  return () => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  };
}
