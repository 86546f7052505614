/**
 * Caller numbers: one canonical form for every notation the platform or a CRM uses, and the
 * caller's kind. One policy for every door (webhook, admin API, imports):
 *
 * - a phone number: digits with the separators people type (spaces, `-`, `.`, `/`, brackets)
 *   between them, optionally `+` or `00` in front; national numbers (one leading `0`) get
 *   the default country code;
 * - an extension: 1-6 digits (`1003`);
 * - a SIP account: written as a SIP URI, `sip:alice` or `sip:1003@pbx` (a bare word such as
 *   `alice`, `Infinity`, `null` or `1e5` is none of these);
 * - anonymous: empty, a withheld marker (`anonymous`, `onbekend`, …) or `*****`, the
 *   platform's mark of a secret number; never stored, never looked up.
 *
 * Pure: no I/O, no configuration beyond what is passed in.
 */
import { excerpt } from './errors';

/** What kind of caller a number belongs to. */
export type CallerKind = 'public' | 'internal' | 'anonymous';

/** A caller after normalization. `key` is what records are stored under; never empty. */
export type Caller =
  | { kind: 'public'; key: string }
  | { kind: 'internal'; key: string }
  | { kind: 'anonymous' };

/** A number that is neither a phone number, an extension, a SIP account nor a withheld-number marker. */
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
/** The platform shows a secret number ("geheim nummer") as asterisks. */
const SECRET_NUMBER = /^\*+$/;
/** A number starts with a digit, `+` or an opening bracket; separators only follow digits. */
const NUMBER = /^\+?\(?\d[\d\s\-./()]*$/;

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
  const text = fromSpreadsheet(raw.trim().toLowerCase());
  if (ANONYMOUS_MARKERS.has(text) || SECRET_NUMBER.test(text)) return { kind: 'anonymous' };

  const sipUser = /^sips?:([^@;]*)/.exec(text)?.[1];
  if (sipUser !== undefined) {
    const user = decodeSafely(sipUser).trim();
    if (ANONYMOUS_MARKERS.has(user) || SECRET_NUMBER.test(user)) return { kind: 'anonymous' };
    if (NUMBER.test(user)) return normalizeCaller(user, defaultCountryCode);
    if (/^\+?[\s\-./()]*$/.test(user)) throw new InvalidNumberError('has no digits');
    if (SIP_USER.test(user)) return { kind: 'internal', key: `sip:${user}` };
    throw new InvalidNumberError('is not a valid SIP account');
  }

  if (!NUMBER.test(text)) {
    if (/^\+?[\s\-./()]*$/.test(text)) throw new InvalidNumberError('has no digits');
    const hint = SIP_USER.test(text) ? ` (write a SIP account as sip:${excerpt(text)})` : '';
    throw new InvalidNumberError(`is not a phone number, extension or SIP account${hint}`);
  }

  const international = text.startsWith('+') || text.startsWith('00');
  // "+31 (0)15 …" carries the national trunk prefix in brackets; it is not part of the number.
  const withoutTrunk = international ? text.replace(/\(0\)/g, '') : text;
  const digits = withoutTrunk.replace(SEPARATORS, '').replace(/^\+/, '');

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

/** Whether a stored key is a caller key `normalizeCaller` gives (every other key of a company is a bare word or has a `#`). */
export function isCallerKey(key: string): boolean {
  return /^\d+$/.test(key) || /^(ext|sip):[^#]+$/.test(key);
}

/** The kind of caller a stored key belongs to. */
export function kindOfKey(key: string): 'public' | 'internal' {
  return key.startsWith('ext:') || key.startsWith('sip:') ? 'internal' : 'public';
}

/**
 * A caller key written as a number that `normalizeCaller` reads back as the same key:
 * `31152026057` → `+31152026057`, `ext:1003` → `1003`, `sip:alice` stays.
 */
export function displayNumber(key: string): string {
  if (key.startsWith('ext:')) return key.slice(4);
  return /^\d+$/.test(key) ? `+${key}` : key;
}

/**
 * A number as a spreadsheet may have rewritten it: a number stored as a decimal
 * (`31612300020.0`) is the number; one in scientific notation lost digits and is refused.
 */
function fromSpreadsheet(text: string): string {
  const decimal = /^(\+?\d{7,})\.0{1,2}$/.exec(text);
  if (decimal?.[1]) return decimal[1];
  if (/^\d[.,]\d+e\+?\d+$/.test(text)) {
    throw new InvalidNumberError(
      'is in scientific notation, as a spreadsheet writes a long number: its digits are lost; format the column as text',
    );
  }
  return text;
}

function decodeSafely(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}
