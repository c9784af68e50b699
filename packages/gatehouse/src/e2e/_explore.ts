import { launchBrowser, newContext, shot } from './browser.js';
import { startMailCatcher } from './mail-catcher.js';
import { startStack } from './stack.js';

const mail = await startMailCatcher();
const stack = await startStack({ mail, config: { frontend: { firstName: 'optional', lastName: 'optional' } } });
console.log('gatehouse', stack.gatehouse.url, 'app', stack.app.url);
const browser = await launchBrowser();
const { context, log } = await newContext(browser, 'x');
const page = await context.newPage();
page.on('request', (r) => { if (r.url().includes('/v1/') || r.resourceType() === 'document') console.log('>>', r.method(), r.url().slice(0, 200), (r.postData() ?? '').slice(0, 100)); });
page.on('response', (r) => { if (r.url().includes('/v1/') || r.request().resourceType() === 'document') console.log('<<', r.status(), r.url().slice(0, 120), r.headers()['location'] ?? ''); });
const ready = async () => page.waitForFunction(() => (window as any).__appReady || (window as any).__appError, null, { timeout: 30000 });
const email = `e2e-${Date.now()}@example.com`;
try {
  await page.goto(`${stack.app.url}/sign-up`);
  await ready();
  await page.locator('input[name=emailAddress]').fill(email);
  await page.locator('input[name=password]').fill('correct horse battery staple 9');
  const before = mail.count();
  await page.getByRole('button', { name: 'Continue', exact: true }).click();
  await page.waitForURL(/verify-email-address/, { timeout: 30000 });
  await ready();
  await page.waitForTimeout(1000);
  await shot(page, 'explore-verify');
  const { code } = await mail.waitForCode(email, { after: before });
  console.log('CODE', code);
  await page.keyboard.type(code);
  await page.waitForURL((u) => u.pathname === '/', { timeout: 30000 });
  await ready();
  console.log('status', await page.locator('#status').textContent());
  await shot(page, 'explore-home');
  await page.goto(`${stack.app.url}/protected`);
  console.log(await page.content());
} finally {
  console.log(log.lines.join('\n'));
  console.log(stack.app.output());
  await browser.close();
  await stack.stop();
  await mail.close();
}
