import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type ClerkClient, createClerkClient } from '@clerk/backend';
import { expect } from 'vitest';
import { createTestApp, type TestApp } from '../testing/app.js';
import { sdkErrorOf } from '../testing/sdk-server.js';
import { freePort } from '../testing/server.js';

/** Gatehouse in-process for one SDK of the matrix, with the official Backend API client. */
export interface MatrixGatehouse {
  app: TestApp;
  /** Where the SDK finds the Frontend API (its proxy URL); the Backend API is under `/api`. */
  publicUrl: string;
  clerk: ClerkClient;
}

/**
 * Starts Gatehouse on a port chosen first: its public URL (in the keys it prints and the tokens'
 * issuer) must be known before it listens.
 */
export async function startMatrixGatehouse(): Promise<MatrixGatehouse> {
  const port = await freePort();
  const publicUrl = `http://127.0.0.1:${port}`;
  const app = await createTestApp({ flags: { 'public-url': publicUrl, port: String(port) } });
  await app.app.listen({ port, host: '127.0.0.1' });
  const clerk = createClerkClient({ secretKey: app.secretKey, apiUrl: `${publicUrl}/api`, telemetry: { disabled: true } });
  return { app, publicUrl, clerk };
}

/** Serves a web-standard handler (`Request` → `Response`), as a framework's Node adapter does, on port 0. */
export async function serveWebHandler(handle: (request: Request) => Promise<Response>): Promise<{ url: string; server: Server }> {
  return listen(async (req, res) => {
    const request = new Request(`http://127.0.0.1${req.url}`, { headers: req.headers as Record<string, string> });
    const response = await handle(request);
    res.writeHead(response.status, { 'content-type': 'application/json' });
    res.end(await response.text());
  });
}

/** A node:http listener on loopback port 0. */
export async function listen(listener: (req: IncomingMessage, res: ServerResponse) => void): Promise<{ url: string; server: Server }> {
  const server = createServer(listener);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server };
}

export function closeServer(server: Server | undefined): Promise<unknown> {
  return new Promise((resolve) => (server ? server.close(resolve) : resolve(undefined)));
}

/**
 * The matrix's one scenario, for an app whose `GET /api/me` answers `{ userId, sessionId }` (401
 * signed out): a Gatehouse session token's user is seen, nobody without a token or with a bad one,
 * and once the session is revoked no new token is had for it.
 */
export async function expectRouteSeesTokenUser(gatehouse: MatrixGatehouse, appUrl: string, emailAddress: string): Promise<void> {
  const { clerk } = gatehouse;
  const user = await clerk.users.createUser({ emailAddress: [emailAddress], password: `${emailAddress} passphrase` });
  const session = await clerk.sessions.createSession({ userId: user.id });
  const { jwt } = await clerk.sessions.getToken(session.id);

  const signedIn = await fetch(`${appUrl}/api/me`, { headers: { authorization: `Bearer ${jwt}` } });
  expect(signedIn.status).toBe(200);
  expect(await signedIn.json()).toEqual({ userId: user.id, sessionId: session.id });

  expect((await fetch(`${appUrl}/api/me`)).status).toBe(401);
  expect((await fetch(`${appUrl}/api/me`, { headers: { authorization: 'Bearer not-a-token' } })).status).toBe(401);

  await clerk.sessions.revokeSession(session.id);
  expect(await sdkErrorOf(clerk.sessions.getToken(session.id))).toEqual({ status: 404, code: 'session_not_active' });
}
