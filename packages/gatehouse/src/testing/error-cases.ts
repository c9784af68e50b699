import type { LightMyRequestResponse } from 'fastify';
import { describe, expect, it } from 'vitest';
import type { TestApp } from './app.js';

/**
 * The harness of the Backend API's bad-input tables (`http/bapi/*bad-inputs.test.ts`): the case
 * format, how a case is sent, the cases every endpoint gets (authentication, request bodies), and
 * the tests that replay them. It lives here so that every table file checks errors the same way:
 * the rules all errors share are written once, and a table file holds only its endpoints' cases.
 */

export type Method = 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';

export interface Case {
  name: string;
  method: Method;
  /** `<user>`, `<org>`… are replaced by the fixtures' ids (see `createErrorCaseHarness`). */
  url: string;
  /** An object is sent as JSON; a string is sent as it is. Placeholders are replaced here too. */
  body?: unknown;
  /** How to authenticate; the instance's secret key unless told otherwise. */
  auth?: 'none' | 'wrong' | 'basic' | 'publishable';
  /** `null` sends no Content-Type header; the default is `application/json`. */
  contentType?: string | null;
  status: number;
  code: string;
  /** The parameter `meta.param_name` must name; several when each gets its own error. */
  param?: string | string[];
}

/** An endpoint, for the cases that apply to all of them (see `authCasesFor`, `bodyCasesFor`). */
export interface Endpoint {
  method: Method;
  url: string;
  /** Takes a JSON body (or, for actions, an empty one). */
  body: boolean;
  /** Required parameters, so that an unknown one is the only problem with the body. */
  required?: Record<string, unknown>;
}

/** Clerk's error envelope, which every error answer must be. */
export interface Envelope {
  errors: { code: string; message: string; long_message: string; meta: Record<string, unknown> }[];
  clerk_trace_id: string;
}

export function envelopeOf(res: LightMyRequestResponse): Envelope {
  return JSON.parse(res.body) as Envelope;
}

/** One way to get a request wrong: a case without the endpoint it is sent to. */
type Variant = Omit<Case, 'method' | 'url'>;
type BodyVariant = Variant & { body: string | Record<string, unknown> };

/** Ways to get authentication wrong; every endpoint answers each with a 401. */
export const AUTH_VARIANTS = {
  none: { name: 'no Authorization header', auth: 'none', status: 401, code: 'authorization_header_missing' },
  wrong: { name: 'wrong secret key', auth: 'wrong', status: 401, code: 'clerk_key_invalid' },
  basic: { name: 'secret key sent as Basic auth', auth: 'basic', status: 401, code: 'clerk_key_invalid' },
  publishable: { name: 'publishable key instead of the secret key', auth: 'publishable', status: 401, code: 'clerk_key_invalid' },
  // Authentication comes before the body is even looked at.
  wrongWithMalformedBody: {
    name: 'wrong secret key and a malformed body',
    auth: 'wrong',
    body: '{"a":',
    status: 401,
    code: 'clerk_key_invalid',
  },
} satisfies Record<string, Variant>;

/**
 * Ways to get a request body wrong. A string body is sent as it is; an object body is sent with the
 * endpoint's required parameters added, so that what the variant adds is the only problem.
 */
export const BODY_VARIANTS = {
  truncated: { name: 'truncated JSON', body: '{"a":', status: 400, code: 'malformed_request_body' },
  notJson: { name: 'not JSON at all', body: 'first_name=Ann', status: 400, code: 'malformed_request_body' },
  array: { name: 'a JSON array body', body: '[]', status: 400, code: 'malformed_request_body' },
  null: { name: 'a JSON null body', body: 'null', status: 400, code: 'malformed_request_body' },
  string: { name: 'a JSON string body', body: '"x"', status: 400, code: 'malformed_request_body' },
  textPlain: { name: 'a text/plain body', body: 'hello', contentType: 'text/plain', status: 415, code: 'unsupported_content_type' },
  // Thousands of levels once overflowed the stack of whatever recursed over the value (a 500).
  tooDeep: {
    name: 'JSON nested 5,000 levels deep',
    body: `{"a":${'['.repeat(2500)}${'{"b":1}'}${']'.repeat(2500)},"c":${'{"d":'.repeat(2500)}1${'}'.repeat(2500)}}`,
    status: 400,
    code: 'malformed_request_body',
  },
  unknownParam: {
    name: 'an unknown body parameter',
    body: { not_a_param: 1 },
    status: 422,
    code: 'form_param_unknown',
    param: 'not_a_param',
  },
  twoUnknownParams: {
    name: 'two unknown body parameters',
    body: { x: 1, y: 2 },
    status: 422,
    code: 'form_param_unknown',
    param: ['x', 'y'],
  },
} satisfies Record<string, BodyVariant>;

/**
 * Every endpoint with each of the named authentication variants, in the order given. The endpoint's
 * `body` flag stays in the case unless the variant has a body, so such a case sends `true` or
 * `false` as its JSON body; authentication fails before the body is read either way.
 */
export function authCasesFor(endpoints: Endpoint[], variants: (keyof typeof AUTH_VARIANTS)[]): Case[] {
  return endpoints.map(({ required: _, ...e }) => e).flatMap((e) => variants.map((v): Case => ({ ...e, ...AUTH_VARIANTS[v] })));
}

/** Every endpoint that takes a body with each of the named body variants, in the order given. */
export function bodyCasesFor(endpoints: Endpoint[], variants: (keyof typeof BODY_VARIANTS)[]): Case[] {
  return endpoints
    .filter((e) => e.body)
    .flatMap(({ required, ...e }) =>
      variants.map((v): Case => {
        const variant: BodyVariant = BODY_VARIANTS[v];
        return { ...e, ...variant, body: typeof variant.body === 'string' ? variant.body : { ...required, ...variant.body } };
      }),
    );
}

/** An id that names nothing: 404 `resource_not_found`. */
export const notFound = (method: Method, url: string, body?: unknown): Case => ({
  name: 'unknown id',
  method,
  url,
  ...(body === undefined ? {} : { body }),
  status: 404,
  code: 'resource_not_found',
});

/** Makes the cases of one endpoint that differ only in their body: `(name, body, status, code, param?)`. */
export const endpointCase =
  (method: Method, url: string) =>
  (name: string, body: unknown, status: number, code: string, param?: string): Case => ({
    name,
    method,
    url,
    body,
    status,
    code,
    ...(param ? { param } : {}),
  });

/** A Backend API call with the instance's secret key and a JSON body; the answer parsed. */
export async function callBapi(
  t: TestApp,
  method: Method,
  url: string,
  body?: unknown,
): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await t.app.inject({
    method,
    url,
    headers: { ...t.auth, 'content-type': 'application/json' },
    ...(body === undefined ? {} : { payload: JSON.stringify(body) }),
  });
  return { status: res.statusCode, body: JSON.parse(res.body) as Record<string, unknown> };
}

/**
 * Binds the harness to a test app (a getter, since the app is made in `beforeAll`) and to the
 * fixtures map whose ids replace `<name>` placeholders; fill the map in `beforeAll` too.
 */
export function createErrorCaseHarness(app: () => TestApp, fixtures: Record<string, string>) {
  function fill(text: string): string {
    return text.replace(/<([a-zA-Z]+)>/g, (_, key: string) => {
      const value = fixtures[key];
      if (value === undefined) throw new Error(`unknown fixture <${key}>`);
      return value;
    });
  }

  function headersFor(c: Pick<Case, 'auth' | 'contentType'>): Record<string, string> {
    const { secretKey } = app();
    const headers: Record<string, string> = {};
    if (c.auth === undefined) headers.authorization = `Bearer ${secretKey}`;
    if (c.auth === 'wrong') headers.authorization = 'Bearer sk_test_thisIsNotTheKey0000000000000000000000000';
    if (c.auth === 'basic') headers.authorization = `Basic ${Buffer.from(`user:${secretKey}`).toString('base64')}`;
    if (c.auth === 'publishable') headers.authorization = 'Bearer pk_test_Y2xlcmsuZXhhbXBsZS5jb20k';
    if (c.contentType !== null) headers['content-type'] = c.contentType ?? 'application/json';
    return headers;
  }

  function send(c: Case): Promise<LightMyRequestResponse> {
    const raw = c.body === undefined ? undefined : typeof c.body === 'string' ? c.body : JSON.stringify(c.body);
    return app().app.inject({
      method: c.method,
      url: fill(c.url),
      headers: headersFor(c),
      ...(raw === undefined ? {} : { payload: fill(raw) }),
    });
  }

  /** Creates a fixture through the Backend API; anything but a 200 fails the setup. */
  async function fixture(url: string, body: unknown): Promise<Record<string, unknown>> {
    const res = await callBapi(app(), 'POST', url, body);
    if (res.status !== 200) throw new Error(`fixture ${url} failed: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body;
  }

  /** One `describe` a table, one test a case: the status, the first error's code, and the parameter(s) named. */
  function describeTables(tables: Record<string, Case[]>): void {
    for (const [table, cases] of Object.entries(tables)) {
      describe(table, () => {
        it.each(cases)('$method $url: $name → $status $code', async (c) => {
          const res = await send(c);
          const envelope = envelopeOf(res);
          expect({ status: res.statusCode, code: envelope.errors[0]?.code }).toEqual({ status: c.status, code: c.code });
          if (Array.isArray(c.param)) {
            expect(envelope.errors.map((e) => [e.code, e.meta.param_name])).toEqual(c.param.map((p) => [c.code, p]));
          } else if (c.param) {
            expect(envelope.errors[0]?.meta.param_name).toBe(c.param);
          }
        });
      });
    }
  }

  /**
   * One test that replays every case and checks what all errors share: never a 5xx (nor a
   * success), `Content-Type: application/json` exactly, Clerk's envelope with a non-empty trace id,
   * and a code and messages in every error. `atLeast` guards against tables going missing.
   */
  function itSharesTheEnvelope(cases: Case[], atLeast: number): void {
    it(`answers all ${cases.length} cases with Clerk's envelope, never a 5xx`, async () => {
      const problems: string[] = [];
      for (const c of cases) {
        const res = await send(c);
        const label = `${c.method} ${c.url} (${c.name})`;
        if (res.statusCode >= 500) problems.push(`${label}: answered ${res.statusCode}`);
        if (res.statusCode < 400) problems.push(`${label}: succeeded with ${res.statusCode}`);
        if (res.headers['content-type'] !== 'application/json')
          problems.push(`${label}: content-type ${String(res.headers['content-type'])}`);
        let envelope: Envelope | undefined;
        try {
          envelope = envelopeOf(res);
        } catch {
          problems.push(`${label}: body is not JSON: ${res.body.slice(0, 80)}`);
          continue;
        }
        if (typeof envelope.clerk_trace_id !== 'string' || envelope.clerk_trace_id === '') problems.push(`${label}: no clerk_trace_id`);
        if (!Array.isArray(envelope.errors) || envelope.errors.length === 0) {
          problems.push(`${label}: no errors array`);
          continue;
        }
        for (const e of envelope.errors) {
          const wellFormed =
            typeof e.code === 'string' &&
            e.code !== '' &&
            typeof e.message === 'string' &&
            e.message !== '' &&
            typeof e.long_message === 'string' &&
            e.long_message !== '' &&
            e.meta !== null &&
            typeof e.meta === 'object';
          if (!wellFormed) problems.push(`${label}: malformed error ${JSON.stringify(e)}`);
        }
      }
      expect(problems).toEqual([]);
      expect(cases.length).toBeGreaterThan(atLeast);
    });
  }

  return {
    fill,
    headersFor,
    send,
    /** `callBapi` against this harness's app. */
    call: (method: Method, url: string, body?: unknown) => callBapi(app(), method, url, body),
    fixture,
    describeTables,
    itSharesTheEnvelope,
  };
}
