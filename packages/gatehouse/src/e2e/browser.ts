import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';
import type { MailCatcher } from '../testing/mail-catcher.js';
import { servicesRequired } from '../testing/services.js';

export const CHROMIUM_PATH = process.env.GATEHOUSE_CHROMIUM_PATH ?? '/usr/bin/chromium';

const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../..');
export const ARTIFACTS_DIR = path.join(REPO_ROOT, 'artifacts', 'e2e');

/**
 * True when a Chromium is installed. Without one the browser suites are skipped with a message,
 * unless `GATEHOUSE_REQUIRE_SERVICES=1`, which makes them fail instead.
 */
export function chromiumAvailable(): boolean {
  if (existsSync(CHROMIUM_PATH)) return true;
  const why = `Chromium is not installed at ${CHROMIUM_PATH} (set GATEHOUSE_CHROMIUM_PATH, or apt-get install chromium)`;
  if (servicesRequired) throw new Error(`browser tests are required (GATEHOUSE_REQUIRE_SERVICES=1) but ${why}`);
  process.stderr.write(`skipping browser end-to-end tests: ${why}\n`);
  return false;
}

export async function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-quic',
      '--no-first-run',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

export interface BrowserLog {
  /** Console errors and warnings, page errors, failed requests and HTTP errors, in order. */
  lines: string[];
  /** Lines whose text matches, for assertions. */
  matching(pattern: RegExp): string[];
}

/** A fresh context (no cookies, no localStorage) that records what goes wrong in its pages. */
export async function newContext(browser: Browser, label: string): Promise<{ context: BrowserContext; log: BrowserLog }> {
  const context = await browser.newContext({ viewport: { width: 1100, height: 900 } });
  const lines: string[] = [];
  const note = (line: string) => {
    lines.push(line);
    if (process.env.GATEHOUSE_E2E_VERBOSE === '1') process.stderr.write(`[${label}] ${line}\n`);
  };
  context.on('page', (page) => watch(page, note));
  context.on('requestfailed', (request) => {
    const failure = request.failure()?.errorText ?? '';
    // Navigations away from a page abort its pending requests; that is normal.
    if (failure !== 'net::ERR_ABORTED') note(`request failed: ${request.method()} ${request.url()} ${failure}`);
  });
  context.on('response', (response) => {
    const request = response.request();
    if (response.status() >= 400) note(`HTTP ${response.status()}: ${request.method()} ${response.url()}`);
    else if (process.env.GATEHOUSE_E2E_VERBOSE === '1' && (request.resourceType() === 'document' || /\/v1\//.test(request.url()))) {
      const location = response.headers().location;
      process.stderr.write(`[${label}] ${response.status()} ${request.method()} ${request.url()}${location ? ` -> ${location}` : ''}\n`);
    }
  });
  return { context, log: { lines, matching: (pattern) => lines.filter((l) => pattern.test(l)) } };
}

function watch(page: Page, note: (line: string) => void): void {
  page.on('console', (message) => {
    if (message.type() === 'error' || message.type() === 'warning') note(`console.${message.type()}: ${message.text()}`);
  });
  page.on('pageerror', (error) => note(`page error: ${error.message}`));
}

/** Saves a full-page screenshot to `<repo>/artifacts/e2e/<name>.png`. */
export async function shot(page: Page, name: string): Promise<string> {
  mkdirSync(ARTIFACTS_DIR, { recursive: true });
  const file = path.join(ARTIFACTS_DIR, `${name.replace(/[^\w.-]+/g, '_')}.png`);
  await page.screenshot({ path: file, fullPage: true });
  return file;
}

/** The part of clerk-js (`window.Clerk`) the tests call inside pages. */
export interface PageClerk {
  loaded: boolean;
  user: { id: string; firstName: string | null; update(params: { firstName?: string }): Promise<unknown> } | null;
  session: { id: string; getToken(options?: { skipCache?: boolean }): Promise<string | null> } | null;
  client: {
    signIn: {
      create(params: Record<string, unknown>): Promise<PageSignIn>;
    };
  };
  signOut(callbackOrOptions?: (() => void) | { redirectUrl?: string }): Promise<void>;
  setActive(params: { session: string | null }): Promise<void>;
}

export interface PageSignIn {
  status: string | null;
  createdSessionId: string | null;
  supportedFirstFactors: { strategy: string; emailAddressId?: string }[] | null;
  prepareFirstFactor(params: Record<string, unknown>): Promise<PageSignIn>;
  attemptFirstFactor(params: Record<string, unknown>): Promise<PageSignIn>;
  resetPassword(params: { password: string }): Promise<PageSignIn>;
}

declare global {
  interface Window {
    Clerk: PageClerk;
    __appReady?: boolean;
    __appError?: string;
  }
}

/**
 * `Clerk.signOut()` from inside the page, resolved once the page has navigated to the after-sign-out
 * URL. clerk-js navigates after its promise settles, so a `page.goto` right after a bare
 * `evaluate(signOut)` races that navigation and is interrupted by it.
 */
export async function signOutInPage(page: Page, timeout = 30_000): Promise<void> {
  const navigated = page.waitForEvent('framenavigated', { predicate: (frame) => frame === page.mainFrame(), timeout });
  await page.evaluate(() => {
    void window.Clerk.signOut();
  });
  await navigated;
  await page.waitForLoadState('load', { timeout });
}

/**
 * The prebuilt `<SignUp/>` already on `page` (the app's, or Gatehouse's hosted page): optional extra
 * fields, e-mail and password, Continue, then the code caught by the real SMTP catcher, typed into
 * the code boxes. Returns the code. Waits for clerk-js to finish loading before typing, so the
 * component cannot re-render over what was typed.
 */
export async function signUpWithEmailCode(
  page: Page,
  mail: MailCatcher,
  account: { email: string; password: string; fields?: Record<string, string> },
  timeout = 30_000,
): Promise<string> {
  await page.waitForFunction(() => window.Clerk?.loaded === true, null, { timeout });
  for (const [name, value] of Object.entries(account.fields ?? {})) await page.locator(`input[name=${name}]`).fill(value, { timeout });
  await page.locator('input[name=emailAddress]').fill(account.email, { timeout });
  await page.locator('input[name=password]').fill(account.password, { timeout });
  const before = mail.count();
  await page.getByRole('button', { name: 'Continue', exact: true }).click({ timeout });
  await page.getByText('Verify your email').waitFor({ timeout });
  const { code } = await mail.waitForCode(account.email, { after: before, subject: /verification code/ });
  // The code input is six boxes that take typed digits one by one.
  await page.locator('input[autocomplete="one-time-code"], input[inputmode="numeric"]').first().click({ timeout });
  await page.keyboard.type(code);
  return code;
}
