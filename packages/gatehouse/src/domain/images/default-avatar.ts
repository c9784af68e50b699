/** Whose default picture: a user's is a circle, an organization's a rounded square (as Clerk draws them). */
export type AvatarKind = 'user' | 'organization';

export interface DefaultAvatar {
  kind: AvatarKind;
  /** 0–359: the background colour, stable per user or organization. */
  hue: number;
  /** Up to two letters or digits; empty: a neutral silhouette. */
  initials: string;
}

const INITIAL = /[\p{L}\p{N}]/u;

/** The first letter or digit of each of the first two words given (`'Ada', 'Lovelace'` → `AL`). */
export function initialsOf(...words: (string | null | undefined)[]): string {
  let initials = '';
  for (const word of words) {
    const first = word?.trim().match(INITIAL)?.[0];
    // toUpperCase is the root locale's mapping, the same as 'en', without a call into ICU per user JSON.
    if (first) initials += first.toUpperCase();
    if ([...initials].length >= 2) break;
  }
  return initials;
}

/**
 * The background colour of an id: FNV-1a over its UTF-16 code units. A colour needs no cryptographic
 * hash, and every user or organization JSON computes one (getUser, `/v1/me`, lists): a SHA-256
 * through `createHash` cost ~12 µs of getUser's CPU, FNV-1a a fraction of a microsecond.
 */
export function hueOf(id: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < id.length; i++) hash = Math.imul(hash ^ id.charCodeAt(i), 0x01000193);
  return (hash >>> 0) % 360;
}

const KIND_CODES: Record<AvatarKind, string> = { user: 'u', organization: 'o' };

/** The file name a default avatar is served under: everything it shows is in it, so it never changes. */
export function defaultAvatarFileName(avatar: DefaultAvatar): string {
  const initials = avatar.initials ? `-${encodeURIComponent(avatar.initials)}` : '';
  return `${KIND_CODES[avatar.kind]}-${avatar.hue}${initials}.svg`;
}

/** Reads a name made by `defaultAvatarFileName` (already percent-decoded); undefined for anything else. */
export function parseDefaultAvatarFileName(name: string): DefaultAvatar | undefined {
  const match = /^([uo])-(\d{1,3})(?:-(.+))?\.svg$/u.exec(name);
  if (!match) return undefined;
  const hue = Number(match[2]);
  const initials = match[3] ?? '';
  if (hue > 359 || [...initials].length > 2 || ![...initials].every((c) => INITIAL.test(c))) return undefined;
  return { kind: match[1] === 'u' ? 'user' : 'organization', hue, initials };
}

/**
 * The picture itself: initials on a coloured background, or a silhouette without them. The text is
 * letters and digits only (checked when parsed), so nothing in it can be markup.
 */
export function renderDefaultAvatar(avatar: DefaultAvatar): string {
  const background = `hsl(${avatar.hue} 45% 42%)`;
  const shape =
    avatar.kind === 'user'
      ? `<circle cx="64" cy="64" r="64" fill="${background}"/>`
      : `<rect width="128" height="128" rx="24" fill="${background}"/>`;
  const content = avatar.initials
    ? `<text x="64" y="64" dy=".35em" text-anchor="middle" font-family="system-ui,-apple-system,'Segoe UI',Roboto,sans-serif" font-size="52" font-weight="600" fill="#fff">${avatar.initials}</text>`
    : '<circle cx="64" cy="50" r="22" fill="#fff" fill-opacity=".85"/><path d="M24 112c4-22 20-34 40-34s36 12 40 34" fill="#fff" fill-opacity=".85"/>';
  return `<svg xmlns="http://www.w3.org/2000/svg" width="128" height="128" viewBox="0 0 128 128">${shape}${content}</svg>`;
}
