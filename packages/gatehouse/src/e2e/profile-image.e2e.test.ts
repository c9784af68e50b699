/**
 * Avatars and active devices in Chromium with the official components on the hosted `/user` page:
 * the default avatar loads, an upload through `<UserProfile/>` shows in `<UserButton/>` and loads,
 * and the Security tab lists this browser with its address and no empty "()".
 */
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { solidPng } from '../testing/images.js';
import { chromiumAvailable, shot } from './browser.js';
import { chromiumSuite, inPage, leftSignIn, STEP, signInWithPassword } from './harness.js';

const hasChromium = chromiumAvailable();

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
  const suite = chromiumSuite();

  it('uploads an avatar in <UserProfile/>, shows it in <UserButton/>, and lists this device', async () => {
    const { gatehouse, clerk } = suite;
    const email = `avatar-${Date.now()}@example.com`;
    await clerk.users.createUser({ emailAddress: [email], password: 'avatar passphrase here', firstName: 'Ava', lastName: 'Stone' });

    await inPage(
      suite.browser,
      'avatars',
      async ({ page, log }) => {
        await signInWithPassword(page, `${gatehouse.url}/sign-in`, { identifier: email, password: 'avatar passphrase here' });
        await leftSignIn(page);

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
      },
      { server: gatehouse },
    );
  }, 180_000);
});
