/**
 * Webhooks for a scripted sequence that starts with a sign-up in Chromium (the hosted /sign-up page,
 * clerk-js and @clerk/ui served by Gatehouse), against a real `gatehouse start` whose endpoint comes
 * from the config file's `webhooks` key. The receiver verifies every delivery with `verifyWebhook`
 * (@clerk/backend/webhooks) and svix's `Webhook.verify`, and gets every event, typed, in order.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { startWebhookReceiver, type WebhookReceiver } from '../testing/webhook-receiver.js';
import { chromiumAvailable, shot, signOutInPage, signUpWithEmailCode } from './browser.js';
import { chromiumSuite, inPage, STEP, uniqueEmail } from './harness.js';

const hasChromium = chromiumAvailable();

describe.skipIf(!hasChromium)('webhooks for a Chromium sign-up and what follows', () => {
  let receiver: WebhookReceiver;
  const secret = `whsec_${randomBytes(24).toString('base64')}`;
  // Registered before the suite's: closed after Gatehouse has stopped.
  afterAll(async () => {
    await receiver?.close();
  });
  const suite = chromiumSuite(async () => {
    receiver = await startWebhookReceiver(() => secret);
    return {
      mail: true,
      config: { webhooks: [{ url: receiver.url, secret }] },
      configFlag: true,
      // A delivery that fails once on a loaded machine is retried within seconds, not on Svix's 5-minute step.
      env: { GATEHOUSE_WEBHOOK_RETRY_SCHEDULE: '0,1,2,3,5,5,5,5' },
    };
  });

  it('delivers the sequence, verified by both libraries, in order', async () => {
    const { gatehouse, clerk } = suite;
    const [configured] = (
      (await await fetch(`${gatehouse.env.apiUrl}/v1/webhook_endpoints`, {
        headers: { authorization: `Bearer ${gatehouse.env.secretKey}` },
      }).then((r) => r.json())) as { data: { url: string; secret: string; source: string }[] }
    ).data;
    expect(configured).toMatchObject({ url: receiver.url, secret, source: 'config' });

    const email = uniqueEmail('hooks');
    await inPage(
      suite.browser,
      'webhooks',
      async ({ page }) => {
        await page.goto(`${gatehouse.url}/sign-up`);
        const code = await signUpWithEmailCode(page, suite.mail, { email, password: 'webhook browser passphrase' }, STEP);
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
      },
      { server: gatehouse, report: () => `--- received ---\n${receiver.accepted.map((e) => e.type).join(', ')}` },
    );
  }, 240_000);
});
