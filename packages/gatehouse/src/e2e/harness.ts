/**
 * What the Chromium files share beyond `browser.ts`: a suite's Gatehouse (with its config file and
 * mail catcher) and Chromium started before the tests and stopped after them, a `@clerk/backend`
 * client for it, a fresh page whose failure leaves a screenshot and what the browser and the server
 * said, and the steps several files take in the prebuilt components (password sign-in, codes typed
 * into the code boxes, the session's task) and in the dashboard (the first operator, its sign-in).
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { type ClerkClient, createClerkClient } from '@clerk/backend';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll } from 'vitest';
import { type MailCatcher, startMailCatcher } from '../testing/mail-catcher.js';
import { type RunningServer, removeDir, startServer } from '../testing/server.js';
import { type BrowserLog, launchBrowser, newContext, shot } from './browser.js';
import { type Stack, startStack } from './stack.js';

/** How long one step in a page may take (a navigation, a field appearing). */
export const STEP = 30_000;

export interface GatehouseOptions {
  /** Written as `gatehouse.config.json` in a fresh data dir, which `gatehouse start` reads. */
  config?: Record<string, unknown>;
  /** Also name that file with `--config` (as a deployment that keeps it elsewhere would). */
  configFlag?: boolean;
  /** Where Gatehouse delivers its mail (`--smtp`). */
  mailUrl?: string;
  port?: number;
  extraArgs?: string[];
  env?: NodeJS.ProcessEnv;
}

/** A real `gatehouse start` on a fresh data dir (with the config file, if any); remove `dataDir` after stopping it. */
export async function startGatehouse(options: GatehouseOptions = {}): Promise<RunningServer> {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'gatehouse-e2e-'));
  const configFile = path.join(dataDir, 'gatehouse.config.json');
  if (options.config) writeFileSync(configFile, JSON.stringify(options.config));
  return startServer({
    dataDir,
    port: options.port,
    env: options.env,
    extraArgs: [
      ...(options.mailUrl ? ['--smtp', options.mailUrl] : []),
      ...(options.config && options.configFlag ? ['--config', configFile] : []),
      ...(options.extraArgs ?? []),
    ],
  });
}

/** `@clerk/backend` pointed at a Gatehouse (`apiUrl` when the test reaches it at another address). */
export function backendClient(gatehouse: RunningServer, apiUrl = gatehouse.env.apiUrl): ClerkClient {
  return createClerkClient({
    secretKey: gatehouse.env.secretKey,
    apiUrl,
    publishableKey: gatehouse.env.publishableKey,
    telemetry: { disabled: true },
  });
}

export interface SuiteOptions extends Omit<GatehouseOptions, 'mailUrl'> {
  /** A real SMTP catcher that Gatehouse delivers to (`suite.mail`). */
  mail?: boolean;
  /** Chromium command-line switches beyond the usual ones. */
  chromiumArgs?: string[];
}

export interface ChromiumSuite {
  readonly browser: Browser;
  readonly gatehouse: RunningServer;
  /** Only with `mail: true`. */
  readonly mail: MailCatcher;
  /** `@clerk/backend` for the suite's Gatehouse. */
  readonly clerk: ClerkClient;
}

function started<T>(value: T | undefined, what: string): T {
  if (value === undefined) throw new Error(`${what} is not started (used outside the tests, or its beforeAll failed)`);
  return value;
}

/**
 * In a `describe`: starts the mail catcher (if asked), Gatehouse and Chromium before its tests, and
 * stops them after. `options` may be a function, run in the `beforeAll` (for a port chosen then).
 */
export function chromiumSuite(options: SuiteOptions | (() => Promise<SuiteOptions>) = {}): ChromiumSuite {
  let browser: Browser | undefined;
  let gatehouse: RunningServer | undefined;
  let mail: MailCatcher | undefined;
  let clerk: ClerkClient | undefined;
  beforeAll(async () => {
    const { mail: withMail, chromiumArgs, ...gatehouseOptions } = typeof options === 'function' ? await options() : options;
    if (withMail) mail = await startMailCatcher();
    gatehouse = await startGatehouse({ ...gatehouseOptions, mailUrl: mail?.url });
    browser = await launchBrowser(chromiumArgs);
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await gatehouse?.stop();
    if (gatehouse) removeDir(gatehouse.dataDir);
    await mail?.close();
  });
  return {
    get browser() {
      return started(browser, 'Chromium');
    },
    get gatehouse() {
      return started(gatehouse, 'Gatehouse');
    },
    get mail() {
      return started(mail, 'the mail catcher');
    },
    get clerk() {
      clerk ??= backendClient(started(gatehouse, 'Gatehouse'));
      return clerk;
    },
  };
}

export interface StackSuite extends ChromiumSuite {
  /** Gatehouse and the Express app (`e2e/express-app.ts`) pointed at it. */
  readonly stack: Stack;
}

/** In a `describe`: a mail catcher, Gatehouse with an Express app (`startStack`) and Chromium, as `chromiumSuite`. */
export function stackSuite(options: { config?: Record<string, unknown>; production?: boolean } = {}): StackSuite {
  let browser: Browser | undefined;
  let mail: MailCatcher | undefined;
  let stack: Stack | undefined;
  let clerk: ClerkClient | undefined;
  beforeAll(async () => {
    mail = await startMailCatcher();
    stack = await startStack({ mail, ...options });
    browser = await launchBrowser();
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await stack?.stop();
    await mail?.close();
  });
  return {
    get browser() {
      return started(browser, 'Chromium');
    },
    get stack() {
      return started(stack, 'the stack');
    },
    get gatehouse() {
      return started(stack, 'the stack').gatehouse;
    },
    get mail() {
      return started(mail, 'the mail catcher');
    },
    get clerk() {
      clerk ??= backendClient(started(stack, 'the stack').gatehouse);
      return clerk;
    },
  };
}

export interface OpenPage {
  page: Page;
  log: BrowserLog;
  context: BrowserContext;
}

export interface PageOptions {
  /** Whose output goes into the error when a step fails (its last 2,000 characters). */
  server?: { output(): string };
  /** Runs on the context before its page opens (init scripts, listeners). */
  prepare?: (context: BrowserContext) => Promise<void> | void;
  /** More to say when a step fails. */
  report?: () => string;
}

/**
 * Runs `work` with one fresh page per label (a context of its own each: no cookies shared). When it
 * fails, each page leaves a screenshot `<label>-FAILED` and the error carries what each browser
 * logged and the server's output; the contexts are closed either way.
 */
export async function inPages<T>(
  browser: Browser,
  labels: string[],
  work: (pages: OpenPage[]) => Promise<T>,
  options: PageOptions = {},
): Promise<T> {
  const opened: OpenPage[] = [];
  try {
    for (const label of labels) {
      const { context, log } = await newContext(browser, label);
      await options.prepare?.(context);
      opened.push({ page: await context.newPage(), log, context });
    }
    return await work(opened);
  } catch (error) {
    for (const [i, { page }] of opened.entries()) await shot(page, `${labels[i]}-FAILED`).catch(() => {});
    const logs = opened.map(({ log }, i) =>
      opened.length === 1 ? `--- browser ---\n${log.lines.join('\n')}` : `--- ${labels[i]} ---\n${log.lines.slice(-40).join('\n')}`,
    );
    const server = options.server ? `\n--- server ---\n${options.server.output().slice(-2000)}` : '';
    const report = options.report ? `\n${options.report()}` : '';
    throw new Error(`${(error as Error).message}${report}\n${logs.join('\n')}${server}`);
  } finally {
    for (const { context } of opened) await context.close();
  }
}

/** `inPages` with one page. */
export function inPage<T>(browser: Browser, label: string, work: (opened: OpenPage) => Promise<T>, options: PageOptions = {}): Promise<T> {
  return inPages(browser, [label], ([opened]) => work(opened as OpenPage), options);
}

/** An address no other test (or earlier run against the same data) has used. */
export function uniqueEmail(tag: string): string {
  return `${tag}-${Date.now()}-${randomBytes(3).toString('hex')}@example.com`;
}

/**
 * The prebuilt <SignIn/> at `url`: the identifier, Continue, the password, Continue. `loaded` waits
 * for the page to be ready after the navigation (an app's page loads clerk-js itself).
 */
export async function signInWithPassword(
  page: Page,
  url: string,
  account: { identifier: string; password: string },
  loaded?: (page: Page) => Promise<void>,
): Promise<void> {
  await page.goto(url);
  await loaded?.(page);
  await page.locator('input[name=identifier]').fill(account.identifier, { timeout: STEP });
  await page.getByRole('button', { name: 'Continue', exact: true }).click();
  await page.locator('input[name=password]').fill(account.password, { timeout: STEP });
  await page.getByRole('button', { name: 'Continue', exact: true }).click();
}

/** Waits for the page to leave the hosted `/sign-in` (a completed sign-in's redirect). */
export const leftSignIn = (page: Page) => page.waitForURL((url) => !url.pathname.startsWith('/sign-in'), { timeout: STEP });

/** Types a one-time code into the components' code boxes (they take typed digits one by one). */
export async function typeOtp(page: Page, code: string): Promise<void> {
  await page.locator('input[autocomplete="one-time-code"], input[inputmode="numeric"]').first().click({ timeout: STEP });
  await page.keyboard.type(code);
}

/** `Clerk.signOut()` in the page, then waits until clerk-js there has no user. */
export async function signOutAndWait(page: Page): Promise<void> {
  await page.evaluate(() => window.Clerk.signOut());
  await page.waitForFunction(() => window.Clerk.user === null, null, { timeout: STEP });
}

/** The signed-in user's id once clerk-js has loaded it on the page the sign-in landed on (it loads after the page). */
export async function currentUserId(page: Page): Promise<string | undefined> {
  await page.waitForFunction(() => Boolean(window.Clerk?.user), null, { timeout: STEP });
  return page.evaluate(() => window.Clerk.user?.id);
}

/** The session clerk-js holds, with its status and its current task (Clerk's session tasks). */
type TaskSession = { id: string; status: string; currentTask?: { key: string }; getToken(): Promise<string | null> };
type TaskClerk = { session: TaskSession | null; organization: { id: string } | null };

/** The page's session as clerk-js holds it: id, status, current task, active organization. */
export const pageSession = (page: Page) =>
  page.evaluate(() => {
    const clerk = window.Clerk as unknown as TaskClerk;
    const session = clerk.session;
    return session
      ? { id: session.id, status: session.status, task: session.currentTask?.key ?? null, orgId: clerk.organization?.id ?? null }
      : null;
  });

/** The page's session token (pending or active). */
export const pageToken = (page: Page) => page.evaluate(() => (window.Clerk as unknown as TaskClerk).session?.getToken() ?? null);

/** Waits until clerk-js holds an active session (a session task completed). */
export const activeSession = (page: Page) =>
  page.waitForFunction(() => (window.Clerk as unknown as TaskClerk).session?.status === 'active', null, { timeout: STEP });

/** What an app's server sees for a session token, through `@clerk/backend` with Clerk's defaults. */
export async function appSees(clerk: ClerkClient, jwt: string | null) {
  const request = new Request('http://127.0.0.1:3000/x', { headers: { authorization: `Bearer ${jwt ?? ''}` } });
  return (await clerk.authenticateRequest(request)).toAuth();
}

/** Waits for the Express app's page (`e2e/express-app.ts`) to have loaded clerk-js, or to say why not. */
export async function appReady(page: Page): Promise<void> {
  await page.waitForFunction(() => window.__appReady === true || window.__appError !== undefined, null, { timeout: STEP });
  const error = await page.evaluate(() => window.__appError);
  if (error) throw new Error(`the page failed to load Clerk: ${error}`);
}

/** The Express app's `/api/me` with the session token clerk-js holds now (a fresh one: `skipCache`). */
export async function apiMe(page: Page, permission?: string) {
  return page.evaluate(async (perm) => {
    const token = await window.Clerk.session?.getToken({ skipCache: true });
    const res = await fetch(`/api/me${perm ? `?permission=${encodeURIComponent(perm)}` : ''}`, {
      headers: token ? { Authorization: `Bearer ${token}` } : {},
    });
    return (await res.json()) as { userId?: string; orgId?: string; orgRole?: string; has?: boolean };
  }, permission);
}

export interface OutboxMessage {
  to: string;
  subject: string;
  text: string;
  created_at: number;
}

/** The newest dev-outbox message (`/dev/mailbox.json`: mail and SMS) to `to` created at or after `since`, once it is there. */
export async function outboxMessage(baseUrl: string, to: string, since: number): Promise<OutboxMessage> {
  const deadline = Date.now() + STEP;
  for (;;) {
    const res = await fetch(`${baseUrl}/dev/mailbox.json`);
    const { data } = (await res.json()) as { data: OutboxMessage[] };
    const found = data.find((m) => m.to === to && m.created_at >= since);
    if (found) return found;
    if (Date.now() > deadline) throw new Error(`nothing sent to ${to}: ${JSON.stringify(data.map((m) => [m.to, m.subject]))}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

export interface Operator {
  email: string;
  password: string;
}

/** The dashboard's one-time setup link the first start printed. */
export function setupLink(gatehouse: RunningServer): string {
  const link = /(http:\/\/\S+\/dashboard\/setup#token=[\w-]+)/.exec(gatehouse.output())?.[1];
  if (!link) throw new Error(`no setup link in:\n${gatehouse.output()}`);
  return link;
}

/** The first dashboard operator, created through the setup API with the printed link's token (no page). */
export async function createFirstOperator(gatehouse: RunningServer, operator: Operator): Promise<void> {
  const token = new URL(setupLink(gatehouse)).hash.split('=')[1];
  const setup = await fetch(`${gatehouse.url}/dashboard/api/setup`, {
    method: 'POST',
    headers: { origin: gatehouse.url, 'content-type': 'application/json' },
    body: JSON.stringify({ token, email: operator.email, password: operator.password }),
  });
  if (!setup.ok) throw new Error(`setup: ${setup.status} ${await setup.text()}`);
}

/** Signs an operator in on the dashboard's sign-in form (Enter submits) and waits for the Overview. */
export async function signInToDashboard(page: Page, gatehouse: RunningServer, operator: Operator): Promise<void> {
  await page.goto(`${gatehouse.url}/dashboard`);
  await page.getByLabel('E-mail', { exact: true }).fill(operator.email, { timeout: STEP });
  await page.getByLabel('Password', { exact: true }).fill(operator.password);
  await page.keyboard.press('Enter');
  await page.getByRole('heading', { level: 1, name: 'Overview' }).waitFor({ timeout: STEP });
}

/** Opens a dashboard page and waits for its heading. */
export async function dashboardPage(page: Page, gatehouse: RunningServer, pathname: string, heading: string): Promise<void> {
  await page.goto(`${gatehouse.url}${pathname}`);
  await page.getByRole('heading', { level: 1, name: heading }).waitFor({ timeout: STEP });
}
