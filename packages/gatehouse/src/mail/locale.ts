/** The languages mail is written in. */
export type MailLocale = 'en' | 'zh-CN' | 'ja' | 'ko';

export const MAIL_LOCALES: readonly MailLocale[] = ['en', 'zh-CN', 'ja', 'ko'];

export function isMailLocale(value: unknown): value is MailLocale {
  return typeof value === 'string' && (MAIL_LOCALES as readonly string[]).includes(value);
}

/**
 * Maps one BCP 47 tag (`en-US`, `ko_KR`, `zh-Hans-CN`, …) onto a mail locale by its primary
 * subtag. Every Chinese variant, Traditional ones included, gets Simplified Chinese: it is the only
 * Chinese we write, and closer to the reader than English.
 */
function matchTag(tag: string): MailLocale | undefined {
  const primary = tag.trim().toLowerCase().replace(/_/g, '-').split('-')[0];
  switch (primary) {
    case 'en':
      return 'en';
    case 'zh':
      return 'zh-CN';
    case 'ja':
      return 'ja';
    case 'ko':
      return 'ko';
    default:
      return undefined;
  }
}

/** Headers are client-controlled; a real one is a few dozen bytes. */
const MAX_HEADER_LENGTH = 1024;
const MAX_RANGES = 32;

function parseQuality(params: string[]): number {
  for (const param of params) {
    const match = /^\s*q\s*=(.*)$/i.exec(param);
    if (match) {
      // A malformed weight makes the range unusable rather than top priority.
      const value = (match[1] ?? '').trim();
      const q = /^[0-9.]+$/.test(value) ? Number(value) : Number.NaN;
      return Number.isFinite(q) && q >= 0 && q <= 1 ? q : 0;
    }
  }
  return 1;
}

/** The best supported locale in an Accept-Language header, by q-value then by order. */
function matchAcceptLanguage(header: string): MailLocale | undefined {
  const ranges = header
    .slice(0, MAX_HEADER_LENGTH)
    .split(',')
    .slice(0, MAX_RANGES)
    .map((part) => {
      const [tag = '', ...params] = part.split(';');
      return { tag: tag.trim(), q: parseQuality(params) };
    })
    .filter((range) => range.tag !== '' && range.q > 0);
  // Array.prototype.sort is stable: equal q-values keep the header's order.
  ranges.sort((a, b) => b.q - a.q);
  for (const range of ranges) {
    const locale = matchTag(range.tag);
    if (locale) return locale;
  }
  return undefined;
}

/**
 * The locale to write a message in: an explicit one (clerk-js sends `locale=en-US`, `ko-KR`,
 * `zh-Hans`, …) when we support it, else the best match from an Accept-Language header, else English.
 */
export function pickLocale(explicit?: string, acceptLanguage?: string): MailLocale {
  if (explicit) {
    const locale = matchTag(explicit);
    if (locale) return locale;
  }
  if (acceptLanguage) {
    const locale = matchAcceptLanguage(acceptLanguage);
    if (locale) return locale;
  }
  return 'en';
}
