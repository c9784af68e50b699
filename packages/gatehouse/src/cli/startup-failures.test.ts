import { writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import path from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../config/load.js';
import { freePort } from '../testing/server.js';
import { tempDirs } from '../testing/temp-dirs.js';
import { describeStartupFailure, displayUrl } from './startup-failures.js';

const tempDir = tempDirs('gatehouse-failures-');

/** The error a real listen gets. */
async function listenError(host: string, port: number): Promise<unknown> {
  const server: Server = createServer();
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, resolve);
    });
    return undefined;
  } catch (error) {
    return error;
  } finally {
    server.close();
  }
}

describe('describeStartupFailure', () => {
  it('words a taken port (the listen error a race past the port check still gets)', async () => {
    const port = await freePort();
    const holder = createServer();
    await new Promise<void>((resolve) => holder.listen(port, '127.0.0.1', resolve));
    try {
      const config = loadConfig({ port: String(port), 'data-dir': tempDir() }, {});
      expect(describeStartupFailure(await listenError('127.0.0.1', port), config)).toBe(
        `port ${port} on 127.0.0.1 is already in use (another Gatehouse?); stop the other process or choose another port with --port (GATEHOUSE_PORT).`,
      );
    } finally {
      holder.close();
    }
  });

  it('words a --host that is not an address of this machine', async () => {
    // 192.0.2.0/24 is reserved for documentation: never one of ours, and binding sends nothing.
    const config = loadConfig({ host: '192.0.2.7', port: String(await freePort()), 'data-dir': tempDir() }, {});
    const message = describeStartupFailure(await listenError('192.0.2.7', config.port), config);
    expect(message).toMatch(/^cannot listen on 192\.0\.2\.7:\d+: 192\.0\.2\.7 is not an address of this machine; fix --host/);
  });

  it('words a SQLite file that is not a database', () => {
    const file = path.join(tempDir(), 'garbage.db');
    writeFileSync(file, 'not a database '.repeat(100));
    let error: unknown;
    try {
      new BetterSqlite3(file).pragma('journal_mode = WAL');
    } catch (caught) {
      error = caught;
    }
    const config = loadConfig({ database: `sqlite:${file}`, 'data-dir': tempDir() }, {});
    expect(describeStartupFailure(error, config)).toMatch(/^SQLite database \S+garbage\.db: it is not a SQLite database; /);
  });

  it('leaves anything else to the stack trace', () => {
    const config = loadConfig({ 'data-dir': tempDir() }, {});
    expect(describeStartupFailure(new TypeError('x is undefined'), config)).toBeUndefined();
  });

  it('shows a URL without its credentials', () => {
    expect(displayUrl('redis://user:hunter2@127.0.0.1:6379/0')).toBe('redis://127.0.0.1:6379');
    expect(displayUrl('not a url')).toBe('(an unparsable URL)');
  });
});
