/**
 * An Express app behind `@clerk/express`'s `clerkMiddleware`, configured with Gatehouse's keys, whose
 * routes say which bearers they take with `getAuth(req, { acceptsToken })`: API keys and M2M tokens
 * minted by Gatehouse pass where the route accepts them, revoked ones are refused, and a session
 * token is refused where only machine tokens are accepted. Real HTTP on loopback both ways.
 */
import type { AddressInfo } from 'node:net';
import { type ClerkClient, createClerkClient } from '@clerk/backend';
import { clerkMiddleware, getAuth } from '@clerk/express';
import express from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningServer, removeDir, startServer } from '../testing/server.js';

describe('@clerk/express accepts Gatehouse machine tokens where a route says acceptsToken', () => {
  let server: RunningServer;
  let clerk: ClerkClient;
  let appServer: import('node:http').Server;
  let appUrl: string;

  beforeAll(async () => {
    server = await startServer();
    const options = { secretKey: server.env.secretKey, publishableKey: server.env.publishableKey, apiUrl: server.env.apiUrl };
    clerk = createClerkClient({ ...options, telemetry: { disabled: true } });
    const app = express();
    app.use(clerkMiddleware({ ...options, clerkClient: clerk }));
    app.get('/machine-only', (req, res) => {
      const auth = getAuth(req, { acceptsToken: ['api_key', 'm2m_token'] });
      if (!auth.isAuthenticated) return res.status(401).json({ tokenType: auth.tokenType });
      return res.json({ tokenType: auth.tokenType, subject: 'subject' in auth ? auth.subject : null });
    });
    app.get('/any', (req, res) => {
      const auth = getAuth(req, { acceptsToken: ['session_token', 'api_key', 'm2m_token'] });
      if (!auth.isAuthenticated) return res.status(401).json({ tokenType: auth.tokenType });
      return res.json({ tokenType: auth.tokenType, userId: 'userId' in auth ? auth.userId : null });
    });
    app.get('/api-keys-only', (req, res) => {
      const auth = getAuth(req, { acceptsToken: 'api_key' });
      return auth.isAuthenticated ? res.json({ tokenType: auth.tokenType }) : res.status(401).json({ tokenType: auth.tokenType });
    });
    appServer = await new Promise((resolve) => {
      const listening = app.listen(0, '127.0.0.1', () => resolve(listening));
    });
    appUrl = `http://127.0.0.1:${(appServer.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    await new Promise((resolve) => appServer?.close(resolve));
    expect(await server.stop()).toBe(0);
    removeDir(server.dataDir);
  });

  const call = async (path: string, token: string) => {
    const res = await fetch(`${appUrl}${path}`, { headers: { authorization: `Bearer ${token}` } });
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  };

  it('accepts an API key and an M2M token, refuses revoked ones and a session token on a machine-only route', async () => {
    const user = await clerk.users.createUser({ emailAddress: ['express-machines@example.com'] });
    const apiKey = await clerk.apiKeys.create({ name: 'express', subject: user.id });
    const receiver = await clerk.machines.create({ name: 'express app' });
    const sender = await clerk.machines.create({ name: 'worker', scopedMachines: [receiver.id] });
    const m2m = createClerkClient({ apiUrl: server.env.apiUrl, machineSecretKey: sender.secretKey, telemetry: { disabled: true } });
    const minted = await m2m.m2m.createToken();

    expect(await call('/machine-only', apiKey.secret as string)).toEqual({ status: 200, body: { tokenType: 'api_key', subject: user.id } });
    expect(await call('/machine-only', minted.token as string)).toEqual({
      status: 200,
      body: { tokenType: 'm2m_token', subject: sender.id },
    });
    expect((await call('/any', apiKey.secret as string)).body).toEqual({ tokenType: 'api_key', userId: user.id });
    expect(await call('/api-keys-only', minted.token as string)).toMatchObject({ status: 401 });

    const session = await clerk.sessions.createSession({ userId: user.id });
    const { jwt } = await clerk.sessions.getToken(session.id);
    expect(await call('/machine-only', jwt)).toMatchObject({ status: 401 });
    expect(await call('/any', jwt)).toEqual({ status: 200, body: { tokenType: 'session_token', userId: user.id } });

    await clerk.apiKeys.revoke({ apiKeyId: apiKey.id });
    await m2m.m2m.revokeToken({ m2mTokenId: minted.id });
    expect(await call('/machine-only', apiKey.secret as string)).toMatchObject({ status: 401 });
    expect(await call('/machine-only', minted.token as string)).toMatchObject({ status: 401 });
    expect(await call('/any', 'ak_notakeyatall')).toMatchObject({ status: 401 });
  });

  it('refuses an API key and an M2M token once they have expired', async () => {
    const user = await clerk.users.createUser({ emailAddress: ['express-expiry@example.com'] });
    const apiKey = await clerk.apiKeys.create({ name: 'short', subject: user.id, secondsUntilExpiration: 1 });
    const machine = await clerk.machines.create({ name: 'short-lived' });
    const m2m = createClerkClient({ apiUrl: server.env.apiUrl, machineSecretKey: machine.secretKey, telemetry: { disabled: true } });
    const minted = await m2m.m2m.createToken({ secondsUntilExpiration: 1 });
    expect(await call('/machine-only', apiKey.secret as string)).toMatchObject({ status: 200 });
    expect(await call('/machine-only', minted.token as string)).toMatchObject({ status: 200 });
    // Expiry is decided by the server's clock, which the child process owns: wait it out.
    await new Promise((resolve) => setTimeout(resolve, 1100));
    expect(await call('/machine-only', apiKey.secret as string)).toMatchObject({ status: 401 });
    expect(await call('/machine-only', minted.token as string)).toMatchObject({ status: 401 });
    expect((await clerk.apiKeys.get(apiKey.id)).expired).toBe(true);
  });
});
