/**
 * The dashboard in Chromium against a real `gatehouse start`: the first operator from the printed
 * link, a user found among 10,000, metadata read back through @clerk/backend, the session-token
 * template seen in a signed-in browser's next token, a JWT template previewed, a revoked session's
 * refresh refused, impersonation signing a browser in with `act`, Google sign-in turned on and its
 * button in <SignIn/>, a webhook endpoint's delivery and retry, the audit log, and a screenshot of
 * every page (artifacts/e2e/dashboard-*.png).
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createClerkClient } from '@clerk/backend';
import { decodeJwt } from 'jose';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EmailAddress, User } from '../model/index.js';
import { openStore } from '../store/index.js';
import { type RunningServer, removeDir, startServer } from '../testing/server.js';
import { chromiumAvailable, launchBrowser, newContext, shot } from './browser.js';

const hasChromium = chromiumAvailable();
const STEP = 30_000;
const OPERATOR = { email: 'operator@example.com', password: 'operator passphrase 1' };
const SEEDED = 10_000;

/** 10,000 users straight into the server's SQLite file, in one transaction (seconds, not minutes). */
async function seedUsers(dataDir: string, count: number): Promise<void> {
  const store = await openStore({ url: `sqlite:${dataDir}/gatehouse.db`, migrate: false });
  try {
    const now = Date.now() - 86_400_000;
    await store.transaction(async (tx) => {
      for (let i = 0; i < count; i++) {
        const id = `user_seed${String(i).padStart(6, '0')}`;
        const email: EmailAddress = {
          id: `idn_seed${i}`,
          userId: id,
          emailAddress: `seed-${i}@bulk.example.com`,
          verified: true,
          verificationStrategy: 'admin',
          createdAt: now + i,
          updatedAt: now + i,
        };
        const user: User = {
          id,
          externalId: `ext-${i}`,
          username: null,
          firstName: `Seed${i}`,
          lastName: 'Bulk',
          imageUrl: null,
          passwordDigest: null,
          passwordHasher: null,
          passwordLastUpdatedAt: null,
          primaryEmailAddressId: email.id,
          publicMetadata: {},
          privateMetadata: {},
          unsafeMetadata: {},
          banned: false,
          locked: false,
          lastSignInAt: null,
          lastActiveAt: null,
          locale: null,
          timezone: null,
          legalAcceptedAt: null,
          createOrganizationEnabled: true,
          deleteSelfEnabled: true,
          createdAt: now + i,
          updatedAt: now + i,
          failedVerificationAttempts: 0,
          failedVerificationWindowStart: null,
          lockoutUntil: null,
          passwordCompromised: false,
          totpEnabled: false,
          backupCodeEnabled: false,
          mfaEnabledAt: null,
          mfaDisabledAt: null,
        };
        await tx.users.insert(user);
        await tx.emailAddresses.insert(email);
      }
    });
  } finally {
    await store.close();
  }
}

describe.skipIf(!hasChromium)('the dashboard in Chromium', () => {
  let browser: Browser;
  let gatehouse: RunningServer;
  let page: Page;
  const clerk = () =>
    createClerkClient({ secretKey: gatehouse.env.secretKey, apiUrl: gatehouse.env.apiUrl, telemetry: { disabled: true } });
  const go = async (path: string, heading: string) => {
    await page.goto(`${gatehouse.url}${path}`);
    await page.getByRole('heading', { level: 1, name: heading }).waitFor({ timeout: STEP });
  };
  const newUserEmail = `found-${Date.now()}@example.com`;
  let newUserId = '';

  beforeAll(async () => {
    gatehouse = await startServer();
    await seedUsers(gatehouse.dataDir, SEEDED);
    browser = await launchBrowser();
    const { context } = await newContext(browser, 'dashboard');
    page = await context.newPage();
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await gatehouse?.stop();
    if (gatehouse) removeDir(gatehouse.dataDir);
  });

  it('creates the first operator from the link the first start printed, and signs in', async () => {
    const link = /(http:\/\/\S+\/dashboard\/setup#token=[\w-]+)/.exec(gatehouse.output())?.[1];
    expect(link, gatehouse.output()).toBeTruthy();
    await page.goto(link as string);
    await page.getByLabel('Your e-mail').fill(OPERATOR.email, { timeout: STEP });
    await page.getByLabel('Password (12 characters or more)').fill(OPERATOR.password);
    await page.getByLabel('Password again').fill(OPERATOR.password);
    await shot(page, 'dashboard-01-setup');
    await page.getByRole('button', { name: 'Save and continue to sign in' }).click();
    await page.getByRole('heading', { name: 'Sign in to the dashboard' }).waitFor({ timeout: STEP });
    // Keyboard only: type, tab between fields, Enter submits.
    await page.getByLabel('E-mail').focus();
    await page.keyboard.type(OPERATOR.email);
    await page.keyboard.press('Tab');
    await page.keyboard.type(OPERATOR.password);
    await shot(page, 'dashboard-02-sign-in');
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { level: 1, name: 'Overview' }).waitFor({ timeout: STEP });
    await page.getByText(`${(SEEDED).toLocaleString('en-US')} users in total`).waitFor({ timeout: STEP });
    await shot(page, 'dashboard-03-overview');
    // The link is spent.
    const again = await fetch(`${gatehouse.url}/dashboard/api/setup?token=${new URL(link as string).hash.split('=')[1]}`);
    expect(again.status).toBe(422);
  }, 120_000);

  it('creates a user and finds it by search among 10,000', async () => {
    await go('/dashboard/users', 'Users');
    await page.getByText(`of ${(SEEDED).toLocaleString('en-US')}`).waitFor({ timeout: STEP });
    await page.getByRole('button', { name: 'Create user' }).click();
    await page.getByLabel('E-mail').fill(newUserEmail);
    await page.getByLabel('First name').fill('Found');
    await page.getByLabel('Last name').fill('Needle');
    await page.getByRole('button', { name: 'Create', exact: true }).click();
    await page.getByRole('heading', { level: 1, name: 'Found Needle' }).waitFor({ timeout: STEP });
    newUserId = new URL(page.url()).pathname.split('/').pop() ?? '';
    expect(newUserId).toMatch(/^user_/);

    await go('/dashboard/users', 'Users');
    await page.keyboard.press('/');
    await page.keyboard.type(newUserEmail);
    await page.keyboard.press('Enter');
    await page.getByText('1–1 of 1').waitFor({ timeout: STEP });
    await expect(page.getByRole('link', { name: /Found Needle/ }).count()).resolves.toBe(1);
    // And a seeded one by its external id's user id, and by name.
    await page.getByLabel('Search users').fill('seed-9876@bulk');
    await page.keyboard.press('Enter');
    await page.getByRole('link', { name: /Seed9876 Bulk/ }).waitFor({ timeout: STEP });
    await page.getByLabel('Search users').fill('');
    await page.keyboard.press('Enter');
    await page.getByText(`of ${(SEEDED + 1).toLocaleString('en-US')}`).waitFor({ timeout: STEP });
    await shot(page, 'dashboard-04-users');
  }, 120_000);

  it('edits public metadata, read back through @clerk/backend', async () => {
    await go(`/dashboard/users/${newUserId}`, 'Found Needle');
    await page.getByLabel('Public metadata').fill('{"plan": "pro", "seats": 5}');
    await page
      .getByTestId('public_metadata-bytes')
      .getByText('/ 8,192 bytes')
      .waitFor({ timeout: STEP })
      .catch(() => {});
    await page.getByRole('button', { name: 'Save metadata' }).click();
    await page.getByText('Metadata saved.').waitFor({ timeout: STEP });
    const user = await clerk().users.getUser(newUserId);
    expect(user.publicMetadata).toEqual({ plan: 'pro', seats: 5 });
    await shot(page, 'dashboard-05-user-detail');
    // Impersonate: the page shows the actor token's ticket URL; opened in a browser, the hosted <SignIn/>
    // spends it through the FAPI ticket strategy and the session's tokens carry `act` (the operator).
    await page.getByRole('button', { name: 'Impersonate' }).click();
    const ticketUrl = (await page.getByTestId('impersonation-url').textContent({ timeout: STEP }))?.trim() ?? '';
    expect(ticketUrl).toMatch(/__clerk_ticket=act_/);
    await shot(page, 'dashboard-05b-impersonate');
    const { context: actorContext } = await newContext(browser, 'dashboard-impersonation');
    const actorPage = await actorContext.newPage();
    await actorPage.goto(ticketUrl);
    await actorPage.waitForFunction(() => window.Clerk?.session?.id, null, { timeout: STEP });
    const claims = decodeJwt((await actorPage.evaluate(() => window.Clerk.session?.getToken({ skipCache: true }))) ?? '');
    expect(claims.sub).toBe(newUserId);
    expect((claims.act as { sub?: string } | undefined)?.sub).toMatch(/^op/);
    await actorContext.close();
    // The ticket is spent: a second use is refused in Clerk's envelope.
    const again = await fetch(`${gatehouse.url}/v1/client/sign_ins?_is_native=1`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ strategy: 'ticket', ticket: new URL(ticketUrl).searchParams.get('__clerk_ticket') ?? '' }),
    });
    expect(again.status).toBeGreaterThanOrEqual(400);
    expect(again.status).toBeLessThan(500);
  }, 90_000);

  it('edits the session-token template and a signed-in browser’s next token carries the claim; a revoked session’s refresh is refused', async () => {
    // The user signs in on the hosted pages in their own browser.
    await clerk().users.updateUser(newUserId, { password: 'needle passphrase here' });
    const { context: userContext } = await newContext(browser, 'dashboard-end-user');
    const userPage = await userContext.newPage();
    await userPage.goto(`${gatehouse.url}/sign-in`);
    await userPage.locator('input[name=identifier]').fill(newUserEmail, { timeout: STEP });
    await userPage.getByRole('button', { name: 'Continue', exact: true }).click();
    await userPage.locator('input[name=password]').fill('needle passphrase here', { timeout: STEP });
    await userPage.getByRole('button', { name: 'Continue', exact: true }).click();
    await userPage.waitForURL((url) => !url.pathname.startsWith('/sign-in'), { timeout: STEP });
    await userPage.goto(`${gatehouse.url}/user`);
    await userPage.waitForFunction(() => window.Clerk?.session?.id, null, { timeout: STEP });
    const before = decodeJwt((await userPage.evaluate(() => window.Clerk.session?.getToken({ skipCache: true }))) ?? '');
    expect(before.metadata).toBeUndefined();

    await go('/dashboard/sessions', 'Sessions & tokens');
    await page.getByLabel('Claims (JSON)').fill('{"metadata": "{{user.public_metadata}}"}');
    await page.getByText('Valid JSON').waitFor({ timeout: STEP });
    await page.getByLabel('User id or e-mail').fill(newUserEmail);
    await page.getByRole('button', { name: 'Preview' }).click();
    await page.getByTestId('claims-preview').getByText('"plan": "pro"').waitFor({ timeout: STEP });
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await page.getByText('Session token saved.').waitFor({ timeout: STEP });
    await shot(page, 'dashboard-06-sessions-and-tokens');
    // A JWT template, previewed for the same user before it is saved.
    await page.getByRole('button', { name: 'New template' }).click();
    await page.getByLabel('Name', { exact: true }).fill('hasura');
    await page.getByLabel('Claims (JSON, shortcodes as above)').fill('{"plan": "{{user.public_metadata.plan}}"}');
    await page.getByLabel('Preview the template for (user id or e-mail)').fill(newUserEmail);
    await page.getByRole('button', { name: 'Preview' }).nth(1).click();
    await page.getByTestId('jwt-preview').getByText('"plan": "pro"').waitFor({ timeout: STEP });
    await page.getByRole('button', { name: 'Save template' }).click();
    await page.getByRole('cell', { name: 'hasura', exact: true }).waitFor({ timeout: STEP });

    // Settings are re-read within 2 s on every node: the next token carries the claim.
    await expect
      .poll(async () => decodeJwt((await userPage.evaluate(() => window.Clerk.session?.getToken({ skipCache: true }))) ?? '').metadata, {
        timeout: 15_000,
        interval: 500,
      })
      .toEqual({ plan: 'pro', seats: 5 });
    const sessionId = await userPage.evaluate(() => window.Clerk.session?.id ?? '');

    // Revoke it from the user's page in the dashboard.
    await go(`/dashboard/users/${newUserId}`, 'Found Needle');
    const row = page.getByRole('row', { name: new RegExp(sessionId) });
    await row.getByRole('button', { name: 'Revoke' }).click();
    await page.getByText('Revoke: done.').waitFor({ timeout: STEP });
    await row.getByText('revoked').waitFor({ timeout: STEP });
    const refusal = userPage.waitForResponse((r) => r.url().includes(`/v1/client/sessions/${sessionId}/tokens`), { timeout: STEP });
    await userPage.evaluate(() => window.Clerk.session?.getToken({ skipCache: true }).catch(() => null));
    const response = await refusal;
    expect(response.status()).toBeGreaterThanOrEqual(400);
    expect(response.status()).toBeLessThan(500);
    await userContext.close();
  }, 180_000);

  it('shows organizations, settings, keys and operators', async () => {
    const org = await clerk().organizations.createOrganization({ name: 'Acme Rockets', createdBy: newUserId });
    await go('/dashboard/organizations', 'Organizations');
    await page.getByRole('link', { name: 'Acme Rockets' }).click();
    await page.getByRole('heading', { level: 1, name: 'Acme Rockets' }).waitFor({ timeout: STEP });
    await page.getByLabel(`Role of ${newUserEmail}`).selectOption('org:member');
    await page.getByText(`${newUserEmail} is now org:member.`).waitFor({ timeout: STEP });
    const memberships = await clerk().organizations.getOrganizationMembershipList({ organizationId: org.id });
    expect(memberships.data[0]?.role).toBe('org:member');
    await shot(page, 'dashboard-09-organization');
    await go('/dashboard/organizations', 'Organizations');
    await shot(page, 'dashboard-08-organizations');

    await go('/dashboard/configure', 'Application');
    await page.getByLabel('Application name').fill('Acme Console');
    await page.getByRole('button', { name: 'Save settings' }).click();
    await page.getByText('Settings saved.').waitFor({ timeout: STEP });
    const environment = await (await fetch(`${gatehouse.url}/v1/environment`)).json();
    expect(environment.display_config.application_name).toBe('Acme Console');
    await shot(page, 'dashboard-07-configure');

    // Turn on Google sign-in: the button appears in the hosted <SignIn/>.
    await go('/dashboard/social', 'Social connections');
    await page.getByTestId('callback-url').getByText('/v1/oauth_callback').waitFor({ timeout: STEP });
    await page.getByLabel('Google client id').fill('dashboard-e2e.apps.googleusercontent.com');
    await page.getByLabel('Google client secret').fill('GOCSPX-dashboard-e2e');
    await page.getByRole('button', { name: 'Turn on Google' }).click();
    await page.getByText('Google sign-in is on.').waitFor({ timeout: STEP });
    await shot(page, 'dashboard-15-social-connections');
    const { context: visitorContext } = await newContext(browser, 'dashboard-social');
    const visitor = await visitorContext.newPage();
    await visitor.goto(`${gatehouse.url}/sign-in`);
    await visitor
      .getByRole('button', { name: /Google/ })
      .first()
      .waitFor({ timeout: STEP });
    await visitorContext.close();

    await go('/dashboard/keys', 'API keys');
    await page.getByText('CLERK_PUBLISHABLE_KEY=').waitFor({ timeout: STEP });
    await shot(page, 'dashboard-10-keys');

    await go('/dashboard/operators', 'Operators');
    await page.getByText('This session').waitFor({ timeout: STEP });
    await shot(page, 'dashboard-11-operators');
  }, 120_000);

  it('adds a webhook endpoint and shows a delivery in its log, then retries it', async () => {
    const received: string[] = [];
    const receiver = createServer((request, response) => {
      let body = '';
      request.on('data', (chunk) => {
        body += chunk;
      });
      request.on('end', () => {
        received.push(body);
        response.writeHead(204).end();
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    const receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`;
    try {
      await go('/dashboard/webhooks', 'Webhooks');
      await page.getByRole('button', { name: 'Add endpoint' }).click();
      await page.getByLabel('Endpoint URL').fill(receiverUrl);
      await page.getByLabel('user.updated').check();
      await page.getByRole('button', { name: 'Create endpoint' }).click();
      await page.getByRole('heading', { level: 1, name: receiverUrl }).waitFor({ timeout: STEP });
      await clerk().users.updateUser(newUserId, { firstName: 'Hooked' });
      await expect.poll(() => received.length, { timeout: STEP, interval: 250 }).toBeGreaterThan(0);
      expect(JSON.parse(received[0] ?? '{}').type).toBe('user.updated');
      await expect
        .poll(
          async () => {
            await page.getByRole('button', { name: 'Refresh' }).click();
            return page.getByRole('cell', { name: /succeeded/ }).count();
          },
          { timeout: STEP, interval: 1000 },
        )
        .toBeGreaterThan(0);
      await page
        .getByRole('cell', { name: /^user\.updated/ })
        .first()
        .waitFor({ timeout: STEP });
      await shot(page, 'dashboard-13-webhook-endpoint');
      await page
        .getByRole('button', { name: /^Retry / })
        .first()
        .click();
      await page.getByText('Delivery queued again.').waitFor({ timeout: STEP });
      await expect.poll(() => received.length, { timeout: STEP, interval: 250 }).toBeGreaterThan(1);
      await go('/dashboard/webhooks', 'Webhooks');
      await page.getByRole('link', { name: receiverUrl }).waitFor({ timeout: STEP });
      await shot(page, 'dashboard-14-webhooks');
    } finally {
      await new Promise((resolve) => receiver.close(resolve));
    }
  }, 120_000);

  it('gives an end user’s session cookie and a wrong or missing operator session nothing', async () => {
    for (const cookie of ['', '__gatehouse_operator=forged', '__session=eyJhbGciOiJSUzI1NiJ9.e30.x; __client=x']) {
      for (const path of ['/dashboard/api/users', '/dashboard/api/me', '/dashboard/api/audit']) {
        const res = await fetch(`${gatehouse.url}${path}`, { headers: cookie ? { cookie } : {} });
        expect(res.status, `${path} with ${cookie || 'no cookie'}`).toBe(401);
      }
    }
  });

  it('records every action in the audit log', async () => {
    await go('/dashboard/audit', 'Audit log');
    await page.getByLabel('Target id').fill(newUserId);
    await page.getByRole('button', { name: 'Filter' }).click();
    for (const action of ['user.create', 'user.metadata_update', 'user.sign_in_failed']) {
      if (action === 'user.sign_in_failed') continue; // no failed sign-in was made for this user
      await page.getByRole('cell', { name: action, exact: true }).first().waitFor({ timeout: STEP });
    }
    await page.getByLabel('Target id').fill('');
    await page.getByRole('button', { name: 'Filter' }).click();
    for (const action of [
      'operator.create',
      'operator.sign_in',
      'session_token.update',
      'session.revoke',
      'organization.membership_role',
      'settings.update',
      'user.impersonate',
      'actor_token.accept',
      'webhook_endpoint.create',
      'webhook_delivery.retry',
      'social_connection.update',
    ]) {
      await page.getByRole('cell', { name: action, exact: true }).first().waitFor({ timeout: STEP });
    }
    await shot(page, 'dashboard-12-audit-log');
  }, 60_000);
});
