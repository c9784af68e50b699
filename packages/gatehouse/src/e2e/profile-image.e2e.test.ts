/**
 * Avatars and active devices in Chromium with the official components on the hosted `/user` page:
 * the default avatar loads, an upload through `<UserProfile/>` shows in `<UserButton/>` and loads,
 * and the Security tab lists this browser with its address and no empty "()".
 */
import { createClerkClient } from '@clerk/backend';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { solidPng } from '../testing/images.js';
import { type RunningServer, removeDir, startServer } from '../testing/server.js';
import { chromiumAvailable, launchBrowser, newContext, shot } from './browser.js';

const hasChromium = chromiumAvailable();
const STEP = 30_000;

/** The `<img>` matched, once the browser has decoded it: its URL and natural width (0: broken). */
async function loadedImage(page: Page, selector: string): Promise<{ src: string; naturalWidth: number }> {
  const image = page.locator(selector).first();
  await image.waitFor({ timeout: STEP });
  await page.waitForFunction(
    (sel) => {
      const img = document.querySelector<HTMLImageElement>(sel);
      return Boolean(img?.complete);
    },
    selector,
    { timeout: STEP },
  );
  return image.evaluate((img: HTMLImageElement) => ({ src: img.currentSrc || img.src, naturalWidth: img.naturalWidth }));
}

describe.skipIf(!hasChromium)('avatars and active devices in Chromium', () => {
  let browser: Browser;
  let gatehouse: RunningServer;

  beforeAll(async () => {
    gatehouse = await startServer();
    browser = await launchBrowser();
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await gatehouse?.stop();
    if (gatehouse) removeDir(gatehouse.dataDir);
  });

  it('uploads an avatar in <UserProfile/>, shows it in <UserButton/>, and lists this device', async () => {
    const clerk = createClerkClient({ secretKey: gatehouse.env.secretKey, apiUrl: gatehouse.env.apiUrl, telemetry: { disabled: true } });
    const email = `avatar-${Date.now()}@example.com`;
    await clerk.users.createUser({ emailAddress: [email], password: 'avatar passphrase here', firstName: 'Ava', lastName: 'Stone' });

    const { context, log } = await newContext(browser, 'avatars');
    const page = await context.newPage();
    try {
      await page.goto(`${gatehouse.url}/sign-in`);
      await page.locator('input[name=identifier]').fill(email, { timeout: STEP });
      await page.getByRole('button', { name: 'Continue', exact: true }).click();
      await page.locator('input[name=password]').fill('avatar passphrase here', { timeout: STEP });
      await page.getByRole('button', { name: 'Continue', exact: true }).click();
      await page.waitForURL((url) => !url.pathname.startsWith('/sign-in'), { timeout: STEP });

      await page.goto(`${gatehouse.url}/user`);
      await page.getByRole('button', { name: 'Update profile' }).waitFor({ timeout: STEP });
      // Before any upload: the default avatar (initials), served by Gatehouse, decodes.
      const before = await loadedImage(page, '.cl-userPreviewAvatarImage, .cl-avatarImage');
      expect(before.src).toMatch(new RegExp(`^${gatehouse.url}/v1/images/avatars/u-\\d+-AS\\.svg$`));
      expect(before.naturalWidth).toBeGreaterThan(0);
      await shot(page, 'avatars-01-default');

      await page.getByRole('button', { name: 'Update profile' }).click();
      await page
        .locator('input[type=file]')
        .first()
        .setInputFiles({ name: 'me.png', mimeType: 'image/png', buffer: solidPng(64, [220, 40, 60]) });
      // The component uploads as soon as a file is chosen (`user.setProfileImage`); Save is for the names.
      await page.waitForFunction(() => (window.Clerk.user as unknown as { hasImage: boolean } | null)?.hasImage === true, null, {
        timeout: STEP,
      });
      const imageUrl = await page.evaluate(() => (window.Clerk.user as unknown as { imageUrl: string }).imageUrl);
      expect(imageUrl).toMatch(new RegExp(`^${gatehouse.url}/v1/images/[0-9a-f]{64}\\.png$`));

      // <UserButton/> on the same page shows the upload, and the browser decodes it.
      await page.evaluate(() => {
        const host = document.createElement('div');
        host.id = 'user-button';
        document.body.prepend(host);
        (window.Clerk as unknown as { mountUserButton(el: HTMLElement): void }).mountUserButton(host);
      });
      const button = await loadedImage(page, '#user-button .cl-userButtonAvatarImage');
      expect(button.src).toBe(imageUrl);
      expect(button.naturalWidth).toBe(64);
      await shot(page, 'avatars-02-uploaded');

      // Security: this browser, with its address and a place in words (no GeoIP), never "()".
      await page.locator('.cl-navbarButton__security').click();
      const device = page.locator('.cl-activeDeviceListItem__current');
      await device.getByText('This device').waitFor({ timeout: STEP });
      const text = (await device.textContent()) ?? '';
      expect(text).toContain('Chrome');
      expect(text).toContain('127.0.0.1 (Local network)');
      expect(text).not.toContain('()');
      await shot(page, 'avatars-03-security');

      // No Frontend API call or image failed (the landing page after sign-in, `/`, is not this test's).
      expect(log.matching(/(HTTP [45]\d\d|request failed).*\/(v1|npm)\//)).toEqual([]);
    } catch (error) {
      await shot(page, 'avatars-FAILED').catch(() => {});
      throw new Error(
        `${(error as Error).message}\n--- browser ---\n${log.lines.join('\n')}\n--- server ---\n${gatehouse.output().slice(-2000)}`,
      );
    } finally {
      await context.close();
    }
  }, 180_000);
});
