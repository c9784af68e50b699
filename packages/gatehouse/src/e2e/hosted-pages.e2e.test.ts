/**
 * The hosted pages under their Content-Security-Policy in Chromium: the served clerk-js and
 * @clerk/ui bundles load, render and complete a sign-up, and the browser reports no violation.
 */
import { randomBytes } from 'node:crypto';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type MailCatcher, startMailCatcher } from '../testing/mail-catcher.js';
import { type RunningServer, removeDir, startServer } from '../testing/server.js';
import { chromiumAvailable, launchBrowser, newContext, shot, signUpWithEmailCode } from './browser.js';

const hasChromium = chromiumAvailable();
const STEP = 30_000;

describe.skipIf(!hasChromium)('hosted pages under their CSP in Chromium', () => {
  let browser: Browser;
  let mail: MailCatcher;
  let gatehouse: RunningServer;

  beforeAll(async () => {
    mail = await startMailCatcher();
    gatehouse = await startServer({ extraArgs: ['--smtp', mail.url] });
    browser = await launchBrowser();
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await gatehouse?.stop();
    if (gatehouse) removeDir(gatehouse.dataDir);
    await mail?.close();
  });

  it('renders /sign-in, completes a sign-up on /sign-up and shows /user, with no CSP violation', async () => {
    const { context, log } = await newContext(browser, 'hosted-csp');
    // Every violation the page sees goes to the console, which the context's log records.
    await context.addInitScript(() => {
      document.addEventListener('securitypolicyviolation', (e) =>
        console.error(`CSP violation: ${e.violatedDirective} blocked ${e.blockedURI || '(inline)'}`),
      );
    });
    const policies: string[] = [];
    context.on('response', (response) => {
      const { origin, pathname } = new URL(response.url());
      if (response.request().resourceType() === 'document' && origin === gatehouse.url && /^\/(sign-in|sign-up|user)/.test(pathname)) {
        policies.push(response.headers()['content-security-policy'] ?? '(none)');
      }
    });
    const page = await context.newPage();
    try {
      await page.goto(`${gatehouse.url}/sign-in`);
      await page.locator('input[name=identifier]').waitFor({ timeout: STEP });
      await shot(page, 'hosted-csp-01-sign-in');

      const email = `csp-${Date.now()}-${randomBytes(3).toString('hex')}@example.com`;
      await page.goto(`${gatehouse.url}/sign-up`);
      await signUpWithEmailCode(page, mail, { email, password: 'hosted page passphrase' }, STEP);
      // Signed up: the page leaves /sign-up for the after-sign-up URL.
      await page.waitForURL((url) => !url.pathname.startsWith('/sign-up'), { timeout: STEP });

      await page.goto(`${gatehouse.url}/user`);
      await page.getByText(email).first().waitFor({ timeout: STEP });
      await shot(page, 'hosted-csp-02-user');

      expect(policies.length).toBeGreaterThanOrEqual(3);
      for (const policy of policies) expect(policy).toMatch(/script-src 'self' [^;]*'nonce-/);
      expect(log.matching(/CSP violation|Content Security Policy|Refused to/)).toEqual([]);
    } catch (error) {
      await shot(page, 'hosted-csp-FAILED').catch(() => {});
      throw new Error(
        `${(error as Error).message}\n--- browser ---\n${log.lines.join('\n')}\n--- server ---\n${gatehouse.output().slice(-2000)}`,
      );
    } finally {
      await context.close();
    }
  }, 180_000);
});
