import { benchEmail, benchUserId } from './bench-users.mjs';

/**
 * What each load sends, as autocannon request lists. A recipe is plain JSON (it crosses a process
 * boundary); the functions here turn it into requests that vary per call, e.g. a different user each time.
 */
const pickIndex = (count) => Math.floor(Math.random() * count);

const FORM = 'application/x-www-form-urlencoded';

export function buildRequests(recipe) {
  switch (recipe.kind) {
    case 'static':
      return [{ method: recipe.method ?? 'GET', path: recipe.path, headers: recipe.headers ?? {}, body: recipe.body }];

    // FAPI token refresh: each call takes the next browser (cookie + its session), as many tabs would.
    case 'token-refresh': {
      let next = 0;
      return [
        {
          method: 'POST',
          path: '/',
          setupRequest: (req) => {
            const s = recipe.sessions[next++ % recipe.sessions.length];
            req.path = `/v1/client/sessions/${s.id}/tokens`;
            req.headers = { origin: recipe.origin, cookie: `__client=${s.cookie}`, 'content-type': FORM };
            req.body = '';
            return req;
          },
        },
      ];
    }

    // FAPI password sign-in of a random seeded user from a fresh browser (no cookie): one argon2id check each.
    case 'sign-in':
      return [
        {
          method: 'POST',
          path: `/v1/client/sign_ins?__clerk_testing_token=${encodeURIComponent(recipe.testingToken)}`,
          setupRequest: (req) => {
            const email = benchEmail(pickIndex(recipe.userCount));
            req.headers = { origin: recipe.origin, 'content-type': FORM };
            req.body = `identifier=${encodeURIComponent(email)}&password=${encodeURIComponent(recipe.password)}&strategy=password`;
            return req;
          },
        },
      ];

    // BAPI user read of a random seeded user.
    case 'get-user':
      return [
        {
          method: 'GET',
          path: '/',
          setupRequest: (req) => {
            req.path = `/api/v1/users/${benchUserId(pickIndex(recipe.userCount))}`;
            req.headers = { authorization: `Bearer ${recipe.secretKey}` };
            return req;
          },
        },
      ];

    default:
      throw new Error(`unknown recipe ${recipe.kind}`);
  }
}
