/**
 * The single-page examples (`examples/react-vite` with @clerk/react, `examples/vue-vite` with
 * @clerk/vue), built and run as their READMEs say, against a Gatehouse on 127.0.0.1, driven by
 * Chromium from both http://127.0.0.1:PORT (same site as Gatehouse) and http://localhost:PORT
 * (another site: Gatehouse's cookie is not sent, the dev browser token carries the client). In a
 * full run the apps are the README-commands test's builds (example-builds.ts).
 */
import { randomBytes } from 'node:crypto';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import type { MailCatcher } from '../testing/mail-catcher.js';
import { freePort } from '../testing/server.js';
import { chromiumAvailable, newContext, shot, signUpWithEmailCode } from './browser.js';
import { buildViteExample, type RunningExample, startViteExample, type ViteExample } from './example-apps.js';
import { checkedBuild, sharedBuild } from './example-builds.js';
import { chromiumSuite } from './harness.js';

const hasChromium = chromiumAvailable();
const STEP = 30_000;
const PASSWORD = 'single page passphrase';

function uniqueEmail(tag: string): string {
  return `spa-${tag}-${Date.now()}-${randomBytes(3).toString('hex')}@example.com`;
}

async function signUp(page: Page, url: string, mail: MailCatcher, email: string): Promise<void> {
  await page.goto(url);
  await signUpWithEmailCode(page, mail, { email, password: PASSWORD }, STEP);
}

async function signIn(page: Page, url: string, email: string): Promise<void> {
  await page.goto(url);
  await page.locator('input[name=identifier]').fill(email, { timeout: STEP });
  await page.getByRole('button', { name: 'Continue', exact: true }).click();
  await page.locator('input[name=password]').fill(PASSWORD, { timeout: STEP });
  await page.getByRole('button', { name: 'Continue', exact: true }).click();
}

/** The signed-in home page calls the app's API with getToken(); the API must see this user. */
async function expectApiSees(page: Page, email: string): Promise<string> {
  await page.getByRole('heading', { name: `Hello, ${email}!` }).waitFor({ timeout: STEP });
  await page.getByRole('button', { name: 'Call the API' }).click();
  const text = await page.locator('#api-response').textContent({ timeout: STEP });
  const body = JSON.parse(text ?? '{}') as { userId?: string; email?: string };
  expect(body.email).toBe(email);
  expect(body.userId).toMatch(/^user_/);
  return body.userId as string;
}

async function signOutWithUserButton(page: Page): Promise<void> {
  await page.locator('.cl-userButtonTrigger').click({ timeout: STEP });
  await page.getByText('Sign out', { exact: true }).click({ timeout: STEP });
  await page.getByRole('heading', { name: 'Welcome' }).waitFor({ timeout: STEP });
}

describe.skipIf(!hasChromium)('single-page examples in Chromium, from 127.0.0.1 and localhost', () => {
  /** The README test's builds (`npm start` = `vite build` + server.js), against a Gatehouse on the port this file's Gatehouse takes. */
  const builds = { 'react-vite': sharedBuild('react-vite'), 'vue-vite': sharedBuild('vue-vite') };
  const suite = chromiumSuite({ mail: true, port: (builds['react-vite'] ?? builds['vue-vite'])?.gatehousePort });

  for (const example of ['react-vite', 'vue-vite'] as ViteExample[]) {
    it(`examples/${example}: sign up, API call, sign out, sign in again, hosted sign-up from the app's link, from each host`, async () => {
      const { browser, mail, gatehouse } = suite;
      const shared = builds[example];
      const built = shared?.gatehousePort === gatehouse.port ? checkedBuild(shared, gatehouse.env.env) : undefined;
      if (!built) await buildViteExample(example, gatehouse.env.env);
      const port = await freePort();
      const app: RunningExample = await startViteExample(example, gatehouse.env.env, port, built?.dir);
      try {
        for (const host of ['127.0.0.1', 'localhost']) {
          const origin = `http://${host}:${port}`;
          const { context, log } = await newContext(browser, `${example}-${host}`);
          const page = await context.newPage();
          const name = `${example}-${host === 'localhost' ? 'localhost' : 'loopback'}`;
          try {
            await page.goto(origin);
            await page.getByRole('heading', { name: 'Welcome' }).waitFor({ timeout: STEP });

            // <SignUp/> in the app: the code from the real SMTP catcher, then the app's home page.
            const email = uniqueEmail(host.replace(/\W/g, ''));
            await signUp(page, `${origin}/sign-up`, mail, email);
            await page.waitForURL(`${origin}/`, { timeout: STEP });
            const userId = await expectApiSees(page, email);
            await shot(page, `${name}-01-signed-in`);

            await signOutWithUserButton(page);
            const anonymous = await fetch(`${origin}/api/me`);
            expect(anonymous.status).toBe(401);

            // <SignIn/> in the app, with no signInUrl/signUpUrl set: it renders (its "Sign up" link
            // goes to Gatehouse's hosted page) and signs the same user in.
            await page.goto(`${origin}/sign-in`);
            const signUpLink = page.getByRole('link', { name: 'Sign up' });
            const href = new URL((await signUpLink.getAttribute('href', { timeout: STEP })) ?? '', origin);
            expect(`${href.origin}${href.pathname}`).toBe(`${gatehouse.url}/sign-up`);
            expect(href.searchParams.get('__clerk_db_jwt')).toBeTruthy();
            await signIn(page, `${origin}/sign-in`, email);
            await page.waitForURL(`${origin}/`, { timeout: STEP });
            expect(await expectApiSees(page, email)).toBe(userId);
            await shot(page, `${name}-02-signed-in-again`);
            await signOutWithUserButton(page);

            // The footer link of the app's <SignIn/> to Gatehouse's hosted sign-up carries the dev
            // browser token: signing up there (landing on Gatehouse's home page) signs this browser
            // in, in the app too.
            await page.goto(`${origin}/sign-in`);
            await page.getByRole('link', { name: 'Sign up' }).click({ timeout: STEP });
            await page.locator('input[name=emailAddress]').waitFor({ timeout: STEP });
            expect(new URL(page.url()).origin).toBe(gatehouse.url);
            const hostedEmail = uniqueEmail(`hosted${host.replace(/\W/g, '')}`);
            await signUp(page, page.url(), mail, hostedEmail);
            await page.getByRole('heading', { name: `Signed in as ${hostedEmail}` }).waitFor({ timeout: STEP });
            await page.goto(origin);
            await expectApiSees(page, hostedEmail);
            await shot(page, `${name}-03-hosted-sign-up`);
            await signOutWithUserButton(page);

            expect(log.matching(/CORS|Missing dev browser|HTTP 5\d\d|page error/)).toEqual([]);
          } catch (error) {
            await shot(page, `${name}-FAILED`).catch(() => {});
            throw new Error(
              `${(error as Error).message}\n--- app ---\n${app.output().slice(-2000)}\n--- browser ---\n${log.lines.join('\n')}`,
            );
          } finally {
            await context.close();
          }
        }
      } finally {
        await app.stop();
      }
    }, 300_000);
  }

  it("Gatehouse's home page: links when signed out; after a hosted sign-up, who you are and your sessions", async () => {
    const { browser, mail, gatehouse } = suite;
    const favicon = await fetch(`${gatehouse.url}/favicon.ico`);
    expect(favicon.status).toBe(200);
    expect(favicon.headers.get('content-type')).toBe('image/svg+xml');
    const { context, log } = await newContext(browser, 'home');
    const page = await context.newPage();
    try {
      await page.goto(`${gatehouse.url}/`);
      await page.getByRole('link', { name: 'Sign in' }).waitFor({ timeout: STEP });
      expect(await page.getByRole('link', { name: 'Create an account' }).getAttribute('href')).toBe('/sign-up');
      expect(await page.locator('link[rel=icon]').getAttribute('href')).toBe('/favicon.svg');
      await shot(page, 'home-01-signed-out');

      // The hosted sign-up's default landing page is the home page.
      const email = uniqueEmail('home');
      await page.getByRole('link', { name: 'Create an account' }).click();
      await signUp(page, page.url(), mail, email);
      await page.waitForURL(`${gatehouse.url}/`, { timeout: STEP });
      await page.getByRole('heading', { name: `Signed in as ${email}` }).waitFor({ timeout: STEP });
      await page.getByText('This browser').waitFor({ timeout: STEP });
      // A user without a picture still has an avatar that loads (Clerk's default-image behaviour).
      const avatar = page.locator('.cl-userButtonTrigger img');
      await avatar.waitFor({ timeout: STEP });
      await page.waitForFunction(
        (img) => img instanceof HTMLImageElement && img.complete && img.naturalWidth > 0,
        await avatar.elementHandle(),
        {
          timeout: STEP,
        },
      );
      expect(await page.getByRole('link', { name: 'Manage your account' }).getAttribute('href')).toBe('/user');
      await shot(page, 'home-02-signed-in');

      await page.getByRole('button', { name: 'Sign out' }).click();
      await page.getByRole('link', { name: 'Sign in' }).waitFor({ timeout: STEP });
      expect(log.matching(/CORS|HTTP 5\d\d|page error/)).toEqual([]);
    } catch (error) {
      await shot(page, 'home-FAILED').catch(() => {});
      throw new Error(`${(error as Error).message}\n--- browser ---\n${log.lines.join('\n')}`);
    } finally {
      await context.close();
    }
  }, 120_000);
});
