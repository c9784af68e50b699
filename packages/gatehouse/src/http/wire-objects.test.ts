import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

/**
 * The layout rule the type checker cannot see: every Clerk wire object is built in
 * `http/serializers/`, one function per shape, whose return type is the SDK's JSON type, and nothing
 * there is cast (`as`) to fit it. A route that assembles `{ object: '…', … }` itself escapes that check.
 */
const httpDir = path.dirname(fileURLToPath(import.meta.url));

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return sources(full);
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts') ? [full] : [];
  });
}

const relative = (file: string) => path.relative(httpDir, file);

describe('wire objects', () => {
  it('are built in http/serializers/ only', () => {
    const outside = sources(httpDir).filter((file) => !relative(file).startsWith(`serializers${path.sep}`));
    expect(outside.length).toBeGreaterThan(20);
    const offenders = outside.filter((file) => /\bobject:\s*['"`]/.test(readFileSync(file, 'utf8'))).map(relative);
    expect(offenders).toEqual([]);
  });

  it('are not cast to fit their type', () => {
    const files = sources(path.join(httpDir, 'serializers'));
    expect(files.length).toBeGreaterThan(20);
    const casts = files.flatMap((file) =>
      readFileSync(file, 'utf8')
        // Comments, and renaming imports and exports (`X as Y`), are not casts.
        .replace(/\/\*[\s\S]*?\*\//g, '')
        .replace(/\/\/.*$/gm, '')
        .replace(/^import\s[^;]*;/gm, '')
        .replace(/^export\s+(type\s+)?\{[^}]*\}[^;]*;/gm, '')
        .split('\n')
        .filter((line) => /\bas\s+(?!const\b)[A-Za-z_{[(]/.test(line))
        .map((line) => `${relative(file)}: ${line.trim()}`),
    );
    expect(casts).toEqual([]);
  });
});
