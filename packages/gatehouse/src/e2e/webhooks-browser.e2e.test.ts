/**
 * Webhooks for a scripted sequence that starts with a sign-up in Chromium (the hosted /sign-up page,
 * clerk-js and @clerk/ui served by Gatehouse), against a real `gatehouse start` whose endpoint comes
 * from the config file's `webhooks` key. The receiver verifies every delivery with `verifyWebhook`
 * (@clerk/backend/webhooks) and svix's `Webhook.verify`, and gets every event, typed, in order.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createClerkClient } from '@clerk/backend';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type MailCatcher, startMailCatcher } from '../testing/mail-catcher.js';
import { type RunningServer, removeDir, startServer } from '../testing/server.js';
import { startWebhookReceiver, type WebhookReceiver } from '../testing/webhook-receiver.js';
import { chromiumAvailable, launchBrowser, newContext, shot, signOutInPage, signUpWithEmailCode } from './browser.js';

const hasChromium = chromiumAvailable();
const STEP = 30_000;

describe.skipIf(!hasChromium)('webhooks for a Chromium sign-up and what follows', () => {
  let browser: Browser;
  let mail: MailCatcher;
  let gatehouse: RunningServer;
  let receiver: WebhookReceiver;
  const secret = `whsec_${randomBytes(24).toString('base64')}`;
  const dataDir = mkdtempSync(path.join(tmpdir(), 'gatehouse-webhooks-browser-'));

  beforeAll(async () => {
    mail = await startMailCatcher();
    receiver = await startWebhookReceiver(() => secret);
    const config = path.join(dataDir, 'gatehouse.config.json');
    writeFileSync(config, JSON.stringify({ webhooks: [{ url: receiver.url, secret }] }));
    // A delivery that fails once on a loaded machine is retried within seconds, not on Svix's 5-minute step.
    gatehouse = await startServer({
      dataDir,
      extraArgs: ['--smtp', mail.url, '--config', config],
      env: { GATEHOUSE_WEBHOOK_RETRY_SCHEDULE: '0,1,2,3,5,5,5,5' },
    });
    browser = await launchBrowser();
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await gatehouse?.stop();
    await receiver?.close();
    await mail?.close();
    removeDir(dataDir);
  });

  it('delivers the sequence, verified by both libraries, in order', async () => {
    const clerk = createClerkClient({ secretKey: gatehouse.env.secretKey, apiUrl: gatehouse.env.apiUrl });
    const [configured] = (
      (await await fetch(`${gatehouse.env.apiUrl}/v1/webhook_endpoints`, {
        headers: { authorization: `Bearer ${gatehouse.env.secretKey}` },
      }).then((r) => r.json())) as { data: { url: string; secret: string; source: string }[] }
    ).data;
    expect(configured).toMatchObject({ url: receiver.url, secret, source: 'config' });

    const { context, log } = await newContext(browser, 'webhooks');
    const page = await context.newPage();
    const email = `hooks-${Date.now()}-${randomBytes(3).toString('hex')}@example.com`;
    try {
      await page.goto(`${gatehouse.url}/sign-up`);
      const code = await signUpWithEmailCode(page, mail, { email, password: 'webhook browser passphrase' }, STEP);
      await page.waitForURL((url) => !url.pathname.startsWith('/sign-up'), { timeout: STEP });
      await page.goto(`${gatehouse.url}/user`);
      await page.getByText(email).first().waitFor({ timeout: STEP });
      await shot(page, 'webhooks-01-signed-up');

      // A profile edit through clerk-js (the Frontend API), as <UserProfile/> makes it.
      await page.evaluate(async () => {
        const w = window as unknown as { Clerk: { user: { update(p: { firstName: string }): Promise<unknown> } } };
        await w.Clerk.user.update({ firstName: 'Browser' });
      });
      const [user] = (await clerk.users.getUserList({ emailAddress: [email] })).data;
      if (!user) throw new Error('the signed-up user is not listed');
      await clerk.users.updateUserMetadata(user.id, { publicMetadata: { plan: 'team' } });
      const organization = await clerk.organizations.createOrganization({ name: 'Webhook Browsers' });
      await clerk.organizations.createOrganizationMembership({ organizationId: organization.id, userId: user.id, role: 'org:member' });
      await signOutInPage(page);
      await clerk.users.deleteUser(user.id);

      await receiver.waitFor((events) => events.some((e) => e.type === 'user.deleted'), 60_000);
      const types = receiver.accepted.map((e) => e.type);
      expect(types.slice(0, 7)).toEqual([
        'email.created',
        'user.created',
        'session.created',
        'user.updated',
        'user.updated',
        'organization.created',
        'organizationMembership.created',
      ]);
      expect(types[7]).toMatch(/^session\.(ended|removed|revoked)$/);
      expect(types.at(-1)).toBe('user.deleted');
      const [sent, created, session, named, metadata] = receiver.accepted;
      expect(sent?.data).toMatchObject({ object: 'email', to_email_address: email, data: { otp_code: code } });
      expect(created?.data).toMatchObject({ object: 'user', id: user.id });
      expect(session?.data).toMatchObject({ object: 'session', user_id: user.id });
      expect(session?.event_attributes.http_request.user_agent).toMatch(/Chrome/);
      expect(named?.data).toMatchObject({ first_name: 'Browser' });
      expect(metadata?.data).toMatchObject({ public_metadata: { plan: 'team' } });
      expect(receiver.accepted.at(-1)?.data).toEqual({ deleted: true, id: user.id, object: 'user' });
      expect(receiver.received.every((r) => r.status === 200)).toBe(true);
    } catch (error) {
      await shot(page, 'webhooks-FAILED').catch(() => {});
      throw new Error(
        `${(error as Error).message}\n--- received ---\n${receiver.accepted.map((e) => e.type).join(', ')}\n--- browser ---\n${log.lines.join('\n')}\n--- server ---\n${gatehouse.output().slice(-2000)}`,
      );
    } finally {
      await context.close();
    }
  }, 240_000);
});
