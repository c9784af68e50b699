import { BENCH_PASSWORD } from './bench-users.mjs';
import { APP_ORIGIN } from './gatehouse.mjs';

/**
 * The loads, one place for their connection counts so the server and its ceiling are always driven
 * alike. Ceilings get the same recipe as Gatehouse: requests of the same shape and size, varied per
 * request the same way (the next browser's cookie, a random user's id), so the load generator spends
 * the same CPU per request on both sides of a ratio. The ceilings ignore what varies, so a ceiling's
 * spec is Gatehouse's with its `url`.
 */
export const CONNECTIONS = { refresh: 16, signIn: 8, getUser: 16, app: 16, refreshUnderStorm: 8 };

export function refreshSpec(env, sessions, extra = {}) {
  return {
    url: env.frontendApiUrl,
    connections: CONNECTIONS.refresh,
    recipe: { kind: 'token-refresh', sessions, origin: APP_ORIGIN },
    ...extra,
  };
}

export function signInSpec(env, testingToken, userCount) {
  return {
    url: env.frontendApiUrl,
    connections: CONNECTIONS.signIn,
    recipe: { kind: 'sign-in', userCount, password: BENCH_PASSWORD, testingToken, origin: APP_ORIGIN },
  };
}

export function getUserSpec(env, userCount, extra = {}) {
  return {
    url: env.frontendApiUrl,
    connections: CONNECTIONS.getUser,
    recipe: { kind: 'get-user', userCount, secretKey: env.secretKey },
    ...extra,
  };
}

export function appSpec(url, headers) {
  return { url, connections: CONNECTIONS.app, recipe: { kind: 'static', method: 'GET', path: '/me', headers } };
}
