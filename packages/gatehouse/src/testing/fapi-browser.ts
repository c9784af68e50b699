import type { FastifyInstance } from 'fastify';

export const TEST_ORIGIN = 'http://127.0.0.1:5173';

export interface FapiAnswer {
  status: number;
  headers: Record<string, string | string[] | number | undefined>;
  // biome-ignore lint/suspicious/noExplicitAny: tests read Clerk's JSON by path.
  body: any;
  /** The `Set-Cookie` line that set `__client`, if any. */
  clientCookieLine: string | undefined;
}

/**
 * A browser for the Frontend API over `app.inject()`: sends form bodies from an allowed origin as
 * clerk-js does and keeps the `__client` cookie, which a test may also read or plant.
 */
export function fapiBrowser(app: FastifyInstance, origin = TEST_ORIGIN) {
  let cookie = '';
  return {
    /** `__client=<value>`, or '' before the first. */
    get cookie() {
      return cookie;
    },
    set cookie(value: string) {
      cookie = value;
    },
    async call(method: 'GET' | 'POST' | 'PATCH' | 'DELETE', url: string, form?: Record<string, string>): Promise<FapiAnswer> {
      const res = await app.inject({
        method,
        url,
        headers: { origin, cookie, ...(form ? { 'content-type': 'application/x-www-form-urlencoded' } : {}) },
        ...(form ? { payload: new URLSearchParams(form).toString() } : {}),
      });
      const set = res.headers['set-cookie'];
      let clientCookieLine: string | undefined;
      for (const line of Array.isArray(set) ? set : set ? [set] : []) {
        if (!line.startsWith('__client=')) continue;
        clientCookieLine = line;
        cookie = line.split(';')[0] ?? '';
      }
      return { status: res.statusCode, headers: res.headers, body: JSON.parse(res.body || 'null'), clientCookieLine };
    },
  };
}

export type FapiBrowser = ReturnType<typeof fapiBrowser>;
