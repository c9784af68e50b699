import { type ClerkClient, createClerkClient } from '@clerk/backend';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../testing/app.js';
import { solidPng } from '../../testing/images.js';
import { freePort } from '../../testing/server.js';
import { createTestDatabase, postgresAvailable, type TestDatabase } from '../../testing/services.js';

const pgOk = await postgresAvailable();
const ORIGIN = 'http://127.0.0.1:5173';

const GIF = Buffer.from('R0lGODlhAQABAIAAAP///wAAACH5BAEAAAAALAAAAAABAAEAAAICRAEAOw==', 'base64');
const SVG = Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>');
const HTML = Buffer.from('<!doctype html><script>alert(1)</script>');

function form(file: Buffer | undefined, type = 'image/png', field = 'file'): FormData {
  const body = new FormData();
  if (file) body.append(field, new Blob([new Uint8Array(file)], { type }), 'upload.png');
  return body;
}

function imageSuite(dialect: 'sqlite' | 'postgres') {
  let t: TestApp;
  let database: TestDatabase | undefined;
  let publicUrl: string;
  let clerk: ClerkClient;

  const bapi = (method: string, path: string, body?: FormData | string, headers: Record<string, string> = {}) =>
    fetch(`${publicUrl}/api${path}`, { method, body, headers: { ...t.auth, ...headers } });
  const errorOf = async (res: Response) => ({
    status: res.status,
    code: ((await res.json()) as { errors: { code: string }[] }).errors[0]?.code,
  });

  beforeAll(async () => {
    database = dialect === 'postgres' ? await createTestDatabase() : undefined;
    const port = await freePort();
    publicUrl = `http://127.0.0.1:${port}`;
    t = await createTestApp({ databaseUrl: database?.url, flags: { 'public-url': publicUrl, port: String(port) } });
    await t.app.listen({ port, host: '127.0.0.1' });
    clerk = createClerkClient({ secretKey: t.secretKey, apiUrl: `${publicUrl}/api`, telemetry: { disabled: true } });
  });
  afterAll(async () => {
    await t?.close();
    await database?.drop();
  });

  it('gives every user and organization a default avatar served by Gatehouse', async () => {
    const user = await clerk.users.createUser({
      emailAddress: [`ada.${dialect}@example.com`],
      firstName: 'Ada',
      lastName: 'Lovelace',
      skipPasswordRequirement: true,
    });
    expect(user.hasImage).toBe(false);
    expect(user.imageUrl).toMatch(new RegExp(`^${publicUrl}/v1/images/avatars/u-\\d+-AL\\.svg$`));
    const raw = (await (await bapi('GET', `/v1/users/${user.id}`)).json()) as { profile_image_url: string; image_url: string };
    expect(raw.profile_image_url).toBe(raw.image_url);

    const res = await fetch(user.imageUrl);
    expect(res.status).toBe(200);
    // One cacheable answer for plain and CORS loads (clerk-js loads avatars with crossorigin="anonymous").
    expect(res.headers.get('access-control-allow-origin')).toBe('*');
    const withOrigin = await fetch(user.imageUrl, { headers: { origin: 'http://127.0.0.1:3999' } });
    expect(withOrigin.headers.get('access-control-allow-origin')).toBe('*');
    expect(withOrigin.headers.get('access-control-allow-credentials')).toBeNull();
    expect(res.headers.get('content-type')).toBe('image/svg+xml');
    expect(res.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('content-security-policy')).toContain("default-src 'none'");
    const svg = await res.text();
    expect(svg).toMatch(/^<svg [^>]*width="128"/);
    expect(svg).toContain('>AL</text>');

    const nameless = await clerk.users.createUser({ emailAddress: [`nameless.${dialect}@example.com`], skipPasswordRequirement: true });
    expect(nameless.imageUrl).toMatch(/\/avatars\/u-\d+\.svg$/);
    expect((await fetch(nameless.imageUrl)).status).toBe(200);

    const organization = await clerk.organizations.createOrganization({ name: 'Analytical Engines', createdBy: user.id });
    expect(organization.hasImage).toBe(false);
    expect(organization.imageUrl).toMatch(/\/v1\/images\/avatars\/o-\d+-A\.svg$/);
    expect((await fetch(organization.imageUrl as string)).status).toBe(200);
  });

  it('refuses default-avatar names it did not make (markup, long text, bad hue) and unknown images', async () => {
    for (const name of [
      'avatars/u-10-%3Cs%3E.svg',
      'avatars/u-10-ABC.svg',
      'avatars/u-400-A.svg',
      'avatars/x-1.svg',
      `${'0'.repeat(64)}.png`,
      'nothing',
    ]) {
      const res = await fetch(`${publicUrl}/v1/images/${name}`);
      expect(res.status, name).toBe(404);
      expect(((await res.json()) as { errors: { code: string }[] }).errors[0]?.code).toBe('resource_not_found');
    }
    const accented = await fetch(`${publicUrl}/v1/images/avatars/u-10-%C3%89Z.svg`);
    expect(await accented.text()).toContain('>ÉZ</text>');
  });

  it('uploads, serves and deletes a profile image with @clerk/backend', async () => {
    const user = await clerk.users.createUser({
      emailAddress: [`up.${dialect}@example.com`],
      firstName: 'Up',
      skipPasswordRequirement: true,
    });
    const png = solidPng(8, [200, 30, 30]);
    const updated = await clerk.users.updateUserProfileImage(user.id, { file: new Blob([new Uint8Array(png)], { type: 'image/png' }) });
    expect(updated.hasImage).toBe(true);
    expect(updated.imageUrl).toMatch(new RegExp(`^${publicUrl}/v1/images/[0-9a-f]{64}\\.png$`));

    const served = await fetch(updated.imageUrl);
    expect(served.status).toBe(200);
    expect(served.headers.get('content-type')).toBe('image/png');
    expect(served.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    expect(served.headers.get('x-content-type-options')).toBe('nosniff');
    expect(Buffer.from(await served.arrayBuffer()).equals(png)).toBe(true);
    // Content-addressed: the same bytes under another extension are not the same URL.
    expect((await fetch(updated.imageUrl.replace(/\.png$/, '.gif'))).status).toBe(404);

    // A second user with the same picture shares the stored bytes; one removing theirs keeps the other's.
    const twin = await clerk.users.createUser({ emailAddress: [`twin.${dialect}@example.com`], skipPasswordRequirement: true });
    const twinUpdated = await clerk.users.updateUserProfileImage(twin.id, { file: new Blob([new Uint8Array(png)]) });
    expect(twinUpdated.imageUrl).toBe(updated.imageUrl);

    const removed = await clerk.users.deleteUserProfileImage(user.id);
    expect(removed.hasImage).toBe(false);
    expect(removed.imageUrl).toMatch(/\/avatars\/u-\d+-U\.svg$/);
    expect((await fetch(updated.imageUrl)).status).toBe(200);
    await clerk.users.deleteUserProfileImage(twin.id);
    expect((await fetch(updated.imageUrl)).status).toBe(404);

    // Replacing an image frees the old one when nobody else shows it.
    const gif = await clerk.users.updateUserProfileImage(user.id, { file: new Blob([new Uint8Array(GIF)]) });
    expect(gif.imageUrl).toMatch(/\.gif$/);
    const again = await clerk.users.updateUserProfileImage(user.id, { file: new Blob([new Uint8Array(solidPng(4, [0, 0, 255]))]) });
    expect(again.imageUrl).toMatch(/\.png$/);
    expect((await fetch(gif.imageUrl)).status).toBe(404);
    expect((await fetch(again.imageUrl)).status).toBe(200);
  });

  it('checks uploads by their content: wrong types, SVG, empty, missing and too large get Clerk errors', async () => {
    const user = await clerk.users.createUser({ emailAddress: [`bad.${dialect}@example.com`], skipPasswordRequirement: true });
    const path = `/v1/users/${user.id}/profile_image`;
    const cases: [string, () => Promise<Response>, number, string][] = [
      ['SVG declared as PNG', () => bapi('POST', path, form(SVG)), 422, 'form_param_format_invalid'],
      ['SVG declared as SVG', () => bapi('POST', path, form(SVG, 'image/svg+xml')), 422, 'form_param_format_invalid'],
      ['HTML declared as PNG', () => bapi('POST', path, form(HTML)), 422, 'form_param_format_invalid'],
      ['empty file', () => bapi('POST', path, form(Buffer.alloc(0))), 422, 'form_param_missing'],
      ['no file field', () => bapi('POST', path, form(solidPng(2, [1, 2, 3]), 'image/png', 'picture')), 422, 'form_param_missing'],
      ['JSON body', () => bapi('POST', path, '{}', { 'content-type': 'application/json' }), 422, 'form_param_missing'],
      [
        'over 10 MB',
        () => bapi('POST', path, form(Buffer.concat([solidPng(1, [0, 0, 0]), Buffer.alloc(10 * 1024 * 1024)]))),
        413,
        'request_body_too_large',
      ],
      ['unknown user', () => bapi('POST', '/v1/users/user_nope/profile_image', form(solidPng(2, [1, 2, 3]))), 404, 'resource_not_found'],
    ];
    for (const [name, send, status, code] of cases) {
      expect(await errorOf(await send()), name).toEqual({ status, code });
    }
    expect((await clerk.users.getUser(user.id)).hasImage).toBe(false);
  });

  it('sets and deletes organization logos with @clerk/backend', async () => {
    const owner = await clerk.users.createUser({ emailAddress: [`owner.${dialect}@example.com`], skipPasswordRequirement: true });
    const organization = await clerk.organizations.createOrganization({ name: 'Logo Co', createdBy: owner.id });
    const png = solidPng(6, [10, 120, 10]);
    const withLogo = await clerk.organizations.updateOrganizationLogo(organization.id, {
      file: new Blob([new Uint8Array(png)], { type: 'image/png' }),
      uploaderUserId: owner.id,
    });
    expect(withLogo.hasImage).toBe(true);
    const served = await fetch(withLogo.imageUrl as string);
    expect(Buffer.from(await served.arrayBuffer()).equals(png)).toBe(true);
    const bad = await bapi('PUT', `/v1/organizations/${organization.id}/logo`, form(HTML));
    expect(await errorOf(bad)).toEqual({ status: 422, code: 'form_param_format_invalid' });
    const without = await clerk.organizations.deleteOrganizationLogo(organization.id);
    expect(without.hasImage).toBe(false);
    expect(without.imageUrl).toMatch(/\/avatars\/o-\d+-L\.svg$/);
    expect((await fetch(withLogo.imageUrl as string)).status).toBe(404);
  });

  it('lets a signed-in person upload and remove their own avatar through the Frontend API', async () => {
    await clerk.users.createUser({ emailAddress: [`me.${dialect}@example.com`], password: 'a long passphrase here', firstName: 'Mia' });
    let cookie = '';
    const signIn = await fetch(`${publicUrl}/v1/client/sign_ins`, {
      method: 'POST',
      headers: { origin: ORIGIN, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ identifier: `me.${dialect}@example.com`, password: 'a long passphrase here', strategy: 'password' }),
    });
    // A sign-in that completes on a new client sets `__client` twice (created, then renewed at sign-in): the last one counts, as in a browser.
    cookie =
      (
        signIn.headers
          .getSetCookie()
          .filter((c) => c.startsWith('__client='))
          .at(-1) ?? ''
      ).split(';')[0] ?? '';
    expect(cookie).not.toBe('');
    const fapi = (method: string, body?: FormData | string, headers: Record<string, string> = {}) =>
      fetch(`${publicUrl}/v1/me/profile_image`, { method, body, headers: { origin: ORIGIN, cookie, ...headers } });

    const png = solidPng(16, [20, 20, 200]);
    const res = await fapi('POST', form(png));
    expect(res.status).toBe(200);
    const body = (await res.json()) as {
      response: { object: string; public_url: string };
      client: { sessions: { user: { image_url: string; has_image: boolean } }[] };
    };
    expect(body.response.object).toBe('image');
    expect(body.response.public_url).toMatch(/\/v1\/images\/[0-9a-f]{64}\.png$/);
    expect(body.client.sessions[0]?.user).toMatchObject({ image_url: body.response.public_url, has_image: true });

    // clerk-js sends a string file as the body itself, typed application/octet-stream.
    const asDataUrl = await fapi('POST', `data:image/gif;base64,${GIF.toString('base64')}`, {
      'content-type': 'application/octet-stream',
    });
    expect(((await asDataUrl.json()) as { response: { public_url: string } }).response.public_url).toMatch(/\.gif$/);

    const svg = await fapi('POST', form(SVG, 'image/svg+xml'));
    expect(await errorOf(svg)).toEqual({ status: 422, code: 'form_param_format_invalid' });

    const removed = await fapi('DELETE');
    expect(removed.status).toBe(200);
    const after = (await removed.json()) as { client: { sessions: { user: { image_url: string; has_image: boolean } }[] } };
    expect(after.client.sessions[0]?.user.has_image).toBe(false);
    expect(after.client.sessions[0]?.user.image_url).toMatch(/\/avatars\/u-\d+-M\.svg$/);

    // An organization's logo through the Frontend API: the answer is the browser's organization, without private metadata.
    const me = (await clerk.users.getUserList({ emailAddress: [`me.${dialect}@example.com`] })).data[0];
    const org = await clerk.organizations.createOrganization({ name: 'Mia Co', createdBy: me?.id, privateMetadata: { plan: 'secret' } });
    const logo = (method: string, body?: FormData) =>
      fetch(`${publicUrl}/v1/organizations/${org.id}/logo`, { method, body, headers: { origin: ORIGIN, cookie } });
    const withLogo = (await (await logo('PUT', form(png))).json()) as { response: Record<string, unknown> };
    expect(withLogo.response).toMatchObject({ object: 'organization', id: org.id, has_image: true, public_metadata: {} });
    expect(withLogo.response).not.toHaveProperty('private_metadata');
    const withoutLogo = (await (await logo('DELETE')).json()) as { response: Record<string, unknown> };
    expect(withoutLogo.response).toMatchObject({ object: 'organization', has_image: false });
    expect(withoutLogo.response).not.toHaveProperty('private_metadata');

    const signedOut = await fetch(`${publicUrl}/v1/me/profile_image`, { method: 'POST', body: form(png), headers: { origin: ORIGIN } });
    expect(signedOut.status).toBe(401);
    const otherOrigin = await fapi('POST', form(png), { origin: 'http://evil.example' });
    expect(otherOrigin.status).toBe(403);
  });
}

describe('images (SQLite)', () => imageSuite('sqlite'));
describe.skipIf(!pgOk)('images (PostgreSQL)', () => imageSuite('postgres'));
