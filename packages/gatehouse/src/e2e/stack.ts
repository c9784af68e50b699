import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { MailCatcher } from '../testing/mail-catcher.js';
import { freePort, type RunningServer, removeDir, startServer } from '../testing/server.js';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const APP_FILE = path.join(HERE, 'express-app.ts');
const REPO_ROOT = path.resolve(HERE, '../../../..');

export interface ExpressApp {
  url: string;
  port: number;
  process: ChildProcess;
  output(): string;
  stop(): Promise<number | null>;
}

/**
 * Starts `express-app.ts` as its own process: `@clerk/express` reads its keys from the environment,
 * so each Gatehouse instance gets an app with that instance's variables and nothing else.
 */
export async function startExpressApp(clerkEnv: Record<string, string>, port?: number): Promise<ExpressApp> {
  const appPort = port ?? (await freePort());
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    TMPDIR: process.env.TMPDIR,
    PORT: String(appPort),
    CLERK_SECRET_KEY: clerkEnv.CLERK_SECRET_KEY,
    CLERK_PUBLISHABLE_KEY: clerkEnv.CLERK_PUBLISHABLE_KEY,
    CLERK_API_URL: clerkEnv.CLERK_API_URL,
    CLERK_PROXY_URL: clerkEnv.CLERK_PROXY_URL,
    CLERK_JS_URL: clerkEnv.CLERK_JS_URL,
    CLERK_UI_URL: clerkEnv.CLERK_UI_URL,
    CLERK_TELEMETRY_DISABLED: '1',
  };
  const child = spawn(process.execPath, ['--import', 'tsx', APP_FILE], { cwd: REPO_ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const ready = new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`express app did not start:\n${output}`)), 30_000);
    child.stdout?.on('data', (chunk) => {
      output += chunk;
      if (output.includes('express-app ready')) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.stderr?.on('data', (chunk) => {
      output += chunk;
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`express app exited with ${code}:\n${output}`));
    });
  });
  await ready;
  return {
    url: `http://127.0.0.1:${appPort}`,
    port: appPort,
    process: child,
    output: () => output,
    stop: () =>
      new Promise((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve(child.exitCode);
        const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
        child.once('exit', (code) => {
          clearTimeout(timer);
          resolve(code);
        });
        child.kill('SIGTERM');
      }),
  };
}

export interface Stack {
  gatehouse: RunningServer;
  app: ExpressApp;
  stop(): Promise<void>;
}

/**
 * Gatehouse (delivering mail to the catcher, with an optional config file in its data dir) plus an
 * Express app pointed at it. Production instances allow the app's origin explicitly.
 */
export async function startStack(options: { mail: MailCatcher; production?: boolean; config?: Record<string, unknown> }): Promise<Stack> {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'gatehouse-e2e-'));
  if (options.config) writeFileSync(path.join(dataDir, 'gatehouse.config.json'), JSON.stringify(options.config));
  const appPort = await freePort();
  const extraArgs = ['--smtp', options.mail.url];
  if (options.production) extraArgs.push('--instance-type', 'production', '--allowed-origins', `http://127.0.0.1:${appPort}`);
  const gatehouse = await startServer({ dataDir, extraArgs });
  let app: ExpressApp;
  try {
    app = await startExpressApp(gatehouse.env.env, appPort);
  } catch (error) {
    await gatehouse.stop();
    removeDir(dataDir);
    throw error;
  }
  return {
    gatehouse,
    app,
    async stop() {
      await app.stop();
      await gatehouse.stop();
      removeDir(dataDir);
    },
  };
}
