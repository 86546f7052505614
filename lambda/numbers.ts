/**
 * Caller numbers: one canonical form for every notation the platform or a CRM uses,
 * and the caller's kind. Pure: no I/O, no configuration beyond what is passed in.
 */

/** What kind of caller a number belongs to. */
export type CallerKind = 'public' | 'internal' | 'anonymous';

/** A caller after normalization. `key` is what records are stored under; never empty. */
export type Caller =
  | { kind: 'public'; key: string }
  | { kind: 'internal'; key: string }
  | { kind: 'anonymous' };

/** A number that is neither a phone number, a SIP account nor a withheld-number marker. */
export class InvalidNumberError extends Error {
  override name = 'InvalidNumberError';
}

const ANONYMOUS_MARKERS = new Set([
  '',
  'anonymous',
  'anoniem',
  'unknown',
  'onbekend',
  'withheld',
  'private',
  'privé',
  'restricted',
  'unavailable',
  'no caller id',
  'nummer onderdrukt',
]);

// E.164 allows at most 15 digits; the shortest national plans give 7 with the country code.
const MIN_PUBLIC_DIGITS = 7;
const MAX_PUBLIC_DIGITS = 15;
// Internal extensions on the platform are short digit strings such as 1003.
const MAX_EXTENSION_DIGITS = 6;
const SIP_USER = /^[a-z0-9][a-z0-9._-]{0,63}$/;
// Separators people and CRMs put into numbers: spaces, dashes, dots, slashes, brackets.
const SEPARATORS = /[\s\-./()]/g;

/**
 * Normalizes a caller number to its canonical form.
 *
 * `31152026057`, `+31152026057`, `0031152026057`, `+31 (0)15 202 6057` and, with
 * `defaultCountryCode` 31, `0152026057` and `(015) 202 6057` all give `{ kind: 'public', key: '31152026057' }`.
 * Short digit strings (`1003`) and SIP users (`sip:alice@pbx`) are internal; empty and
 * withheld markers are anonymous.
 *
 * @throws InvalidNumberError when the value is none of these.
 */
export function normalizeCaller(raw: string, defaultCountryCode: string): Caller {
  const text = raw.trim().toLowerCase();
  if (ANONYMOUS_MARKERS.has(text)) return { kind: 'anonymous' };

  const sipUser = /^sips?:([^@;]*)/.exec(text)?.[1];
  if (sipUser !== undefined) {
    const user = decodeSafely(sipUser).trim();
    if (ANONYMOUS_MARKERS.has(user)) return { kind: 'anonymous' };
    if (/^\+?[\d\s\-./()]+$/.test(user)) return normalizeCaller(user, defaultCountryCode);
    if (SIP_USER.test(user)) return { kind: 'internal', key: `sip:${user}` };
    throw new InvalidNumberError('is not a valid SIP account');
  }

  if (!/^\+?[\d\s\-./()]+$/.test(text)) {
    if (SIP_USER.test(text) && /[a-z]/.test(text)) return { kind: 'internal', key: `sip:${text}` };
    throw new InvalidNumberError('is not a phone number, extension or SIP account');
  }

  const international = text.startsWith('+') || text.startsWith('00');
  // "+31 (0)15 …" carries the national trunk prefix in brackets; it is not part of the number.
  const withoutTrunk = international ? text.replace(/\(0\)/g, '') : text;
  const digits = withoutTrunk.replace(SEPARATORS, '').replace(/^\+/, '');
  if (digits === '') throw new InvalidNumberError('has no digits');

  let e164: string;
  if (text.startsWith('+')) e164 = digits;
  else if (digits.startsWith('00')) e164 = digits.slice(2);
  else if (digits.startsWith('0')) e164 = defaultCountryCode + digits.slice(1);
  else if (digits.length <= MAX_EXTENSION_DIGITS) return { kind: 'internal', key: `ext:${digits}` };
  else e164 = digits;

  if (e164.startsWith('0') || e164.length < MIN_PUBLIC_DIGITS || e164.length > MAX_PUBLIC_DIGITS) {
    throw new InvalidNumberError(`has ${e164.length} digits after the country code prefix, not 7 to 15`);
  }
  return { kind: 'public', key: e164 };
}

/**
 * A caller key as it may appear in a log: the last digits hidden.
 * `31152026057` → `3115202****`; an extension keeps its type and first character.
 */
export function maskCallerKey(key: string): string {
  const hidden = key.startsWith('ext:') || key.startsWith('sip:') ? Math.max(key.length - 5, 1) : 4;
  const keep = Math.max(key.length - hidden, 0);
  return key.slice(0, keep) + '*'.repeat(key.length - keep);
}

/**
 * A caller key written as a number that `normalizeCaller` reads back as the same key:
 * `31152026057` → `+31152026057`, `ext:1003` → `1003`, `sip:alice` stays.
 */
export function displayNumber(key: string): string {
  if (key.startsWith('ext:')) return key.slice(4);
  return /^\d+$/.test(key) ? `+${key}` : key;
}

function decodeSafely(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}
