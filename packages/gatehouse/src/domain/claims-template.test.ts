import { describe, expect, it } from 'vitest';
import { errorOf } from '../testing/errors.js';
import { byteLength, type ClaimsContext, findShortcodeProblems, renderClaims } from './claims-template.js';
import {
  DEFAULT_SESSION_TOKEN_LIFETIME_SECONDS,
  RESERVED_SESSION_CLAIMS,
  SESSION_CLAIMS_LIMIT_BYTES,
  validateSessionTokenSettings,
} from './session-token-settings.js';

/** Shaped like `buildClaimsContext`'s output. */
const context: ClaimsContext = {
  user: {
    id: 'user_2abc',
    external_id: null,
    first_name: 'Ann',
    last_name: 'Lee',
    full_name: 'Ann Lee',
    username: null,
    primary_email_address: 'ann@example.com',
    email_verified: true,
    image_url: '',
    has_image: false,
    public_metadata: {
      onboardingComplete: true,
      plan: 'pro',
      seats: 3,
      roles: ['admin', 'billing'],
      address: { city: 'Oslo', zip: '0150' },
      'kebab-key': 'dash',
      empty: '',
    },
    unsafe_metadata: {},
    created_at: 1_700_000_000,
    updated_at: 1_700_000_100,
    last_sign_in_at: null,
    two_factor_enabled: false,
    banned: false,
  },
  org: {},
  session: { id: 'sess_1', actor: null },
};

describe('renderClaims', () => {
  it('keeps the JSON type of a value that is exactly one shortcode', () => {
    expect(
      renderClaims(
        {
          meta: '{{user.public_metadata}}',
          verified: '{{user.email_verified}}',
          has_image: '{{user.has_image}}',
          created: '{{user.created_at}}',
          seats: '{{ user.public_metadata.seats }}',
          roles: '{{user.public_metadata.roles}}',
        },
        context,
      ),
    ).toEqual({
      meta: (context.user as Record<string, unknown>).public_metadata,
      verified: true,
      has_image: false,
      created: 1_700_000_000,
      seats: 3,
      roles: ['admin', 'billing'],
    });
  });

  it('interpolates shortcodes inside longer text as text', () => {
    expect(
      renderClaims(
        {
          greeting: 'Hi {{user.first_name}} {{user.last_name}}!',
          mixed: 'seats={{user.public_metadata.seats}};ok={{user.email_verified}}',
          object: 'addr:{{user.public_metadata.address}}',
          missing: 'org=[{{org.id}}]',
          plain: 'no shortcodes here',
        },
        context,
      ),
    ).toEqual({
      greeting: 'Hi Ann Lee!',
      mixed: 'seats=3;ok=true',
      object: 'addr:{"city":"Oslo","zip":"0150"}',
      missing: 'org=[]',
      plain: 'no shortcodes here',
    });
  });

  it('falls back left to right through || to quoted literals', () => {
    expect(
      renderClaims(
        {
          name: '{{user.username || user.first_name}}',
          handle: "{{user.username || user.external_id || 'anonymous'}}",
          double: '{{org.slug || "personal"}}',
          empty: "{{user.public_metadata.empty || 'was empty'}}",
          first: "{{user.first_name || 'unused'}}",
          falsy: "{{user.banned || 'not reached'}}",
          embedded: "role: {{org.role || 'member'}}",
        },
        context,
      ),
    ).toEqual({
      name: 'Ann',
      handle: 'anonymous',
      double: 'personal',
      empty: 'was empty',
      first: 'Ann',
      falsy: false,
      embedded: 'role: member',
    });
  });

  it('reads nested metadata paths', () => {
    expect(
      renderClaims(
        {
          onboarded: '{{user.public_metadata.onboardingComplete}}',
          city: '{{user.public_metadata.address.city}}',
          dashed: '{{user.public_metadata.kebab-key}}',
          firstRole: '{{user.public_metadata.roles.0}}',
          absent: '{{user.public_metadata.address.country}}',
          tooDeep: '{{user.public_metadata.plan.tier}}',
        },
        context,
      ),
    ).toEqual({ onboarded: true, city: 'Oslo', dashed: 'dash', firstRole: 'admin' });
  });

  it('does not read inherited properties such as constructor', () => {
    expect(
      renderClaims(
        {
          ctor: '{{user.public_metadata.constructor}}',
          proto: '{{user.public_metadata.__proto__}}',
          text: 'x-{{user.public_metadata.toString}}',
          fallback: "{{user.public_metadata.valueOf || 'free'}}",
        },
        context,
      ),
    ).toEqual({ text: 'x-', fallback: 'free' });
  });

  it('leaves out claims that render to null', () => {
    const rendered = renderClaims(
      { org: '{{org.id}}', username: '{{user.username}}', literalNull: null, actor: '{{session.actor}}', sid: '{{session.id}}' },
      context,
    );
    expect(rendered).toEqual({ sid: 'sess_1' });
    expect(Object.keys(rendered)).toEqual(['sid']);
  });

  it('renders arrays and nested objects, and keeps non-string literals', () => {
    expect(
      renderClaims(
        {
          aud: ['app', '{{user.id}}', 'plan-{{user.public_metadata.plan}}'],
          profile: {
            email: '{{user.primary_email_address}}',
            org: '{{org.id}}',
            deep: { onboarded: '{{user.public_metadata.onboardingComplete}}', list: [{ city: '{{user.public_metadata.address.city}}' }] },
          },
          version: 2,
          enabled: true,
          ratio: 0.5,
        },
        context,
      ),
    ).toEqual({
      aud: ['app', 'user_2abc', 'plan-pro'],
      profile: { email: 'ann@example.com', deep: { onboarded: true, list: [{ city: 'Oslo' }] } },
      version: 2,
      enabled: true,
      ratio: 0.5,
    });
  });

  it('measures the JSON byte length of claims', () => {
    expect(byteLength({ a: 'b' })).toBe(9);
    expect(byteLength({ a: 'é' })).toBe(10);
  });
});

describe('findShortcodeProblems', () => {
  it('accepts every known shortcode, metadata paths and literals', () => {
    expect(
      findShortcodeProblems({
        id: '{{user.id}}',
        email: 'mail: {{user.primary_email_address}}',
        onboarded: '{{user.public_metadata.onboardingComplete}}',
        unsafe: '{{user.unsafe_metadata.a.b-c}}',
        org: ["{{org.slug || 'none'}}", '{{org.public_metadata.tier}}'],
        sid: '{{ session.id }}',
        plain: 'text without shortcodes',
        number: 7,
      }),
    ).toEqual([]);
  });

  it('reports unknown shortcodes with their path', () => {
    expect(
      findShortcodeProblems({
        email: '{{user.emailAddress}}',
        nested: { deep: ['ok', 'x {{user.password}} y'] },
        fallback: "{{user.username || user.nickname || 'anon'}}",
      }),
    ).toEqual([
      'email: unknown shortcode {{user.emailAddress}}',
      'nested.deep[1]: unknown shortcode {{user.password}}',
      'fallback: unknown shortcode {{user.nickname}}',
    ]);
  });

  it('reports malformed expressions and names the root for a bare string', () => {
    expect(findShortcodeProblems('{{User.Id}}')).toEqual(['(root): unknown shortcode {{User.Id}}']);
    expect(findShortcodeProblems({ a: '{{user.public_metadata}}x{{user..id}}' })).toEqual(['a: unknown shortcode {{user..id}}']);
    expect(findShortcodeProblems({ a: '{{private_metadata.secret}}' })).toEqual(['a: unknown shortcode {{private_metadata.secret}}']);
    expect(findShortcodeProblems({ a: '{{user.private_metadata.secret}}' })).toEqual([
      'a: unknown shortcode {{user.private_metadata.secret}}',
    ]);
  });
});

describe('validateSessionTokenSettings', () => {
  it('accepts a valid template and fills in defaults', () => {
    const claims = { email: '{{user.primary_email_address}}', onboarded: '{{user.public_metadata.onboardingComplete}}' };
    expect(validateSessionTokenSettings({ claims, lifetimeSeconds: 300 })).toEqual({ claims, lifetimeSeconds: 300 });
    expect(validateSessionTokenSettings({})).toEqual({ claims: {}, lifetimeSeconds: DEFAULT_SESSION_TOKEN_LIFETIME_SECONDS });
    expect(DEFAULT_SESSION_TOKEN_LIFETIME_SECONDS).toBe(60);
  });

  it('refuses reserved claims', () => {
    const one = errorOf(() => validateSessionTokenSettings({ claims: { sub: '{{user.id}}' } }));
    expect(one.status).toBe(422);
    expect(one.code).toBe('form_param_format_invalid');
    expect(one.errors[0]?.meta?.paramName).toBe('claims');
    expect(one.message).toContain('sub is set by the server');

    const two = errorOf(() => validateSessionTokenSettings({ claims: { exp: 1, custom: 'ok', org_id: 'x' } }));
    expect(two.message).toContain('exp, org_id are set by the server');

    for (const claim of RESERVED_SESSION_CLAIMS) {
      expect(errorOf(() => validateSessionTokenSettings({ claims: { [claim]: 'x' } })).code).toBe('form_param_format_invalid');
    }
    expect([...RESERVED_SESSION_CLAIMS]).toEqual(expect.arrayContaining(['sub', 'sid', 'iss', 'exp', 'iat', 'nbf', 'azp', 'org_id']));
  });

  it('refuses claims that are not a JSON object', () => {
    for (const claims of [[], 'claims', 42]) {
      const error = errorOf(() => validateSessionTokenSettings({ claims }));
      expect(error.code).toBe('form_param_format_invalid');
      expect(error.errors[0]?.meta?.paramName).toBe('claims');
    }
  });

  it('refuses unknown shortcodes, naming them', () => {
    const error = errorOf(() => validateSessionTokenSettings({ claims: { profile: { mail: '{{user.email}}' } } }));
    expect(error.code).toBe('form_param_format_invalid');
    expect(error.message).toContain('profile.mail: unknown shortcode {{user.email}}');
  });

  it('enforces the 1.2 KB limit in bytes', () => {
    expect(SESSION_CLAIMS_LIMIT_BYTES).toBe(1200);
    const sized = (bytes: number) => ({ pad: 'x'.repeat(bytes - byteLength({ pad: '' })) });
    expect(byteLength(sized(1200))).toBe(1200);
    expect(validateSessionTokenSettings({ claims: sized(1200) }).claims).toEqual(sized(1200));

    const tooLarge = errorOf(() => validateSessionTokenSettings({ claims: sized(1201) }));
    expect(tooLarge.status).toBe(422);
    expect(tooLarge.code).toBe('session_token_claims_too_large');
    expect(tooLarge.message).toContain('1201 bytes');

    // 700 characters, but 1,400 bytes of UTF-8.
    const multiByte = { pad: 'é'.repeat(700) };
    expect(errorOf(() => validateSessionTokenSettings({ claims: multiByte })).code).toBe('session_token_claims_too_large');
  });

  it('refuses a lifetime that is not a whole number of seconds from 5 to 86400', () => {
    expect(validateSessionTokenSettings({ lifetimeSeconds: 5 }).lifetimeSeconds).toBe(5);
    expect(validateSessionTokenSettings({ lifetimeSeconds: 86_400 }).lifetimeSeconds).toBe(86_400);
    expect(validateSessionTokenSettings({ lifetimeSeconds: null }).lifetimeSeconds).toBe(DEFAULT_SESSION_TOKEN_LIFETIME_SECONDS);
    for (const lifetimeSeconds of [4, 0, -60, 86_401, 60.5, '60', Number.NaN, Number.POSITIVE_INFINITY]) {
      const error = errorOf(() => validateSessionTokenSettings({ lifetimeSeconds }));
      expect(error.code, String(lifetimeSeconds)).toBe('form_param_value_invalid');
      expect(error.status).toBe(422);
      expect(error.errors[0]?.meta?.paramName).toBe('lifetime');
    }
  });
});
