/**
 * `gatehouse admin create | list | reset | remove` as its own process against a data dir: the printed
 * one-time link sets a password through the dashboard's API of a running server, `reset` ends the
 * operator's dashboard sessions and spends the old link, `remove` deletes them; all audited as `cli`.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningServer, removeDir, runCli, startServer } from '../testing/server.js';

const PASSWORD = 'operator passphrase 42';

describe('gatehouse admin', () => {
  let server: RunningServer;
  let dataDir = '';
  const args = () => ['--data-dir', dataDir, '--port', String(server.port)];
  const setup = async (link: string) => {
    const token = new URL(link).hash.replace('#token=', '');
    return fetch(`${server.url}/dashboard/api/setup`, {
      method: 'POST',
      headers: { origin: server.url, 'content-type': 'application/json' },
      body: JSON.stringify({ token, password: PASSWORD }),
    });
  };
  const signIn = () =>
    fetch(`${server.url}/dashboard/api/sign-in`, {
      method: 'POST',
      headers: { origin: server.url, 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'cli-ops@example.com', password: PASSWORD }),
    });

  beforeAll(async () => {
    dataDir = mkdtempSync(path.join(tmpdir(), 'gatehouse-admin-'));
    server = await startServer({ dataDir });
  }, 60_000);
  afterAll(async () => {
    await server?.stop();
    removeDir(dataDir);
  });

  it('the first start printed a first-operator link; the CLI needs an e-mail for create', async () => {
    expect(server.output()).toMatch(/Dashboard: create the first operator[^\n]*\n\S+\/dashboard\/setup#token=/);
    const bad = await runCli(['admin', 'create', ...args()]);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/Usage: gatehouse admin/);
  });

  it('create prints a link that sets the password; list, reset and remove', async () => {
    const created = await runCli(['admin', 'create', 'CLI-Ops@example.com', ...args()]);
    expect(created.code, created.stderr).toBe(0);
    const link = /(http:\/\/\S+\/dashboard\/setup#token=[\w-]+)/.exec(created.stdout)?.[1] ?? '';
    expect(link).toBeTruthy();
    expect((await setup(link)).status).toBe(200);
    expect((await setup(link)).status).toBe(422);
    const session = await signIn();
    expect(session.status).toBe(200);
    const cookie = (session.headers.get('set-cookie') ?? '').split(';')[0] ?? '';

    const duplicate = await runCli(['admin', 'create', 'cli-ops@example.com', ...args()]);
    expect(duplicate.code).toBe(1);
    expect(duplicate.stderr).toMatch(/taken/);

    const listed = await runCli(['admin', 'list', '--json', ...args()]);
    expect(JSON.parse(listed.stdout)).toEqual([
      expect.objectContaining({ email: 'cli-ops@example.com', hasPassword: true, totpEnabled: false }),
    ]);

    const reset = await runCli(['admin', 'reset', 'cli-ops@example.com', ...args()]);
    expect(reset.code, reset.stderr).toBe(0);
    expect((await fetch(`${server.url}/dashboard/api/me`, { headers: { cookie } })).status).toBe(401);
    expect((await signIn()).status).toBe(401);
    const newLink = /(http:\/\/\S+\/dashboard\/setup#token=[\w-]+)/.exec(reset.stdout)?.[1] ?? '';
    expect((await setup(newLink)).status).toBe(200);
    const again = await signIn();
    expect(again.status).toBe(200);
    const cookie2 = (again.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
    const audit = await fetch(`${server.url}/dashboard/api/audit?actor_type=cli`, { headers: { cookie: cookie2 } });
    const actions = ((await audit.json()) as { data: { action: string }[] }).data.map((e) => e.action);
    expect(actions).toEqual(['operator.reset', 'operator.create']);

    const removed = await runCli(['admin', 'remove', 'cli-ops@example.com', ...args()]);
    expect(removed.code, removed.stderr).toBe(0);
    expect((await fetch(`${server.url}/dashboard/api/me`, { headers: { cookie: cookie2 } })).status).toBe(401);
    expect(JSON.parse((await runCli(['admin', 'list', '--json', ...args()])).stdout)).toEqual([]);
  }, 120_000);
});
