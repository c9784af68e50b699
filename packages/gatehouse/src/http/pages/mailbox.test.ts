import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDevOutbox } from '../../domain/dev-outbox.js';
import { createTestStore } from '../../testing/app.js';
import { registerDevMailbox } from './mailbox.js';

const T0 = 1_700_000_000_000;

let testStore: Awaited<ReturnType<typeof createTestStore>>;
let app: FastifyInstance;

beforeAll(async () => {
  testStore = await createTestStore();
  const { store } = testStore;
  await store.mailOutbox.insert({
    id: 'mail_older',
    toAddress: 'first@example.com',
    subject: '111111 is your verification code',
    textBody: 'Verify your email address\n\n    111111\n',
    htmlBody: '<p>111111</p>',
    locale: 'en',
    createdAt: T0,
  });
  await store.mailOutbox.insert({
    id: 'mail_newer',
    toAddress: 'second@example.com',
    subject: '222222 <b>bold</b> & "quoted"',
    textBody: 'Body with <script>alert(1)</script>\n\n    222222\n',
    htmlBody: '<p>222222</p>',
    locale: 'ja',
    createdAt: T0 + 60_000,
  });
  app = Fastify();
  registerDevMailbox(app, createDevOutbox(store));
  await app.ready();
});

afterAll(async () => {
  await app?.close();
  await testStore?.close();
});

describe('GET /dev/mailbox', () => {
  it('lists the messages as escaped HTML, newest first', async () => {
    const response = await app.inject({ method: 'GET', url: '/dev/mailbox' });
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(response.headers['cache-control']).toBe('no-store');
    expect(response.headers['x-robots-tag']).toBe('noindex');
    const page = response.body;
    expect(page).toContain('<meta http-equiv="refresh" content="5">');
    expect(page).toContain('222222 &lt;b&gt;bold&lt;/b&gt; &amp; &quot;quoted&quot;');
    expect(page).not.toContain('<b>bold</b>');
    expect(page).toContain('Body with &lt;script&gt;alert(1)&lt;/script&gt;');
    expect(page).not.toContain('<script>');
    expect(page).toContain('second@example.com');
    expect(page).toContain('111111 is your verification code');
    expect(page).toContain(new Date(T0).toISOString());
    expect(page).toContain(new Date(T0 + 60_000).toISOString());
    expect(page.indexOf('second@example.com')).toBeLessThan(page.indexOf('first@example.com'));
  });
});

describe('GET /dev/mailbox.json', () => {
  it('returns the messages as JSON, newest first', async () => {
    const response = await app.inject({ method: 'GET', url: '/dev/mailbox.json' });
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toBe('application/json');
    expect(response.headers['cache-control']).toBe('no-store');
    expect(response.headers['x-robots-tag']).toBe('noindex');
    expect(response.json()).toEqual({
      data: [
        {
          id: 'mail_newer',
          to: 'second@example.com',
          subject: '222222 <b>bold</b> & "quoted"',
          text: 'Body with <script>alert(1)</script>\n\n    222222\n',
          html: '<p>222222</p>',
          locale: 'ja',
          created_at: T0 + 60_000,
        },
        {
          id: 'mail_older',
          to: 'first@example.com',
          subject: '111111 is your verification code',
          text: 'Verify your email address\n\n    111111\n',
          html: '<p>111111</p>',
          locale: 'en',
          created_at: T0,
        },
      ],
    });
  });
});

describe('a long outbox', () => {
  it('shows the 50 most recent messages', async () => {
    const long = await createTestStore();
    const longStore = long.store;
    const longApp = Fastify();
    registerDevMailbox(longApp, createDevOutbox(longStore));
    try {
      for (let i = 0; i < 55; i++) {
        const n = String(i).padStart(2, '0');
        await longStore.mailOutbox.insert({
          id: `mail_${n}`,
          toAddress: `user${n}@example.com`,
          subject: `code ${n}`,
          textBody: `body ${n}`,
          htmlBody: `<p>${n}</p>`,
          locale: 'en',
          createdAt: T0 + i,
        });
      }
      const json = await longApp.inject({ method: 'GET', url: '/dev/mailbox.json' });
      const data = (json.json() as { data: { id: string }[] }).data;
      expect(data).toHaveLength(50);
      expect(data[0]?.id).toBe('mail_54');
      expect(data[49]?.id).toBe('mail_05');
      const page = await longApp.inject({ method: 'GET', url: '/dev/mailbox' });
      expect(page.body.match(/<article>/g)).toHaveLength(50);
      expect(page.body).toContain('user05@example.com');
      expect(page.body).not.toContain('user04@example.com');
    } finally {
      await longApp.close();
      await long.close();
    }
  });
});

describe('an empty outbox', () => {
  it('says so', async () => {
    const empty = await createTestStore();
    const emptyApp = Fastify();
    registerDevMailbox(emptyApp, createDevOutbox(empty.store));
    try {
      const page = await emptyApp.inject({ method: 'GET', url: '/dev/mailbox' });
      expect(page.statusCode).toBe(200);
      expect(page.body).toContain('No messages yet');
      const json = await emptyApp.inject({ method: 'GET', url: '/dev/mailbox.json' });
      expect(json.json()).toEqual({ data: [] });
    } finally {
      await emptyApp.close();
      await empty.close();
    }
  });
});
