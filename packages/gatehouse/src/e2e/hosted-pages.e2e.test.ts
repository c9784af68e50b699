/**
 * The hosted pages under their Content-Security-Policy in Chromium: the served clerk-js and
 * @clerk/ui bundles load, render and complete a sign-up, and the browser reports no violation.
 */
import { describe, expect, it } from 'vitest';
import { chromiumAvailable, shot, signUpWithEmailCode } from './browser.js';
import { chromiumSuite, inPage, STEP, uniqueEmail } from './harness.js';

const hasChromium = chromiumAvailable();

describe.skipIf(!hasChromium)('hosted pages under their CSP in Chromium', () => {
  const suite = chromiumSuite({ mail: true });

  it('renders /sign-in, completes a sign-up on /sign-up and shows /user, with no CSP violation', async () => {
    const { gatehouse } = suite;
    const policies: string[] = [];
    await inPage(
      suite.browser,
      'hosted-csp',
      async ({ page, log }) => {
        await page.goto(`${gatehouse.url}/sign-in`);
        await page.locator('input[name=identifier]').waitFor({ timeout: STEP });
        await shot(page, 'hosted-csp-01-sign-in');

        const email = uniqueEmail('csp');
        await page.goto(`${gatehouse.url}/sign-up`);
        await signUpWithEmailCode(page, suite.mail, { email, password: 'hosted page passphrase' }, STEP);
        // Signed up: the page leaves /sign-up for the after-sign-up URL.
        await page.waitForURL((url) => !url.pathname.startsWith('/sign-up'), { timeout: STEP });

        await page.goto(`${gatehouse.url}/user`);
        await page.getByText(email).first().waitFor({ timeout: STEP });
        await shot(page, 'hosted-csp-02-user');

        expect(policies.length).toBeGreaterThanOrEqual(3);
        for (const policy of policies) expect(policy).toMatch(/script-src 'self' [^;]*'nonce-/);
        expect(log.matching(/CSP violation|Content Security Policy|Refused to/)).toEqual([]);
      },
      {
        server: gatehouse,
        async prepare(context) {
          // Every violation the page sees goes to the console, which the context's log records.
          await context.addInitScript(() => {
            document.addEventListener('securitypolicyviolation', (e) =>
              console.error(`CSP violation: ${e.violatedDirective} blocked ${e.blockedURI || '(inline)'}`),
            );
          });
          context.on('response', (response) => {
            const { origin, pathname } = new URL(response.url());
            if (
              response.request().resourceType() === 'document' &&
              origin === gatehouse.url &&
              /^\/(sign-in|sign-up|user)/.test(pathname)
            ) {
              policies.push(response.headers()['content-security-policy'] ?? '(none)');
            }
          });
        },
      },
    );
  }, 180_000);
});
