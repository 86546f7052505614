/**
 * The Callvoip Webhook app's request body (JSON, form or base64 of either) into a typed
 * call, with errors that say what was wrong and where. Pure.
 */

import { ValidationError } from '../domain/errors';
import { readJson, repeatedKeys } from '../domain/json';
import { COMPANY_ID } from '../http/access';
import type { PlainRequest } from '../http/adapter';
import { bodyText, isJsonType, mediaType } from '../http/body';
import { HttpError, methodNotAllowed } from '../http/errors';

/** The fields the platform sends, all strings (see shared/callvoip-webhook-app.md). */
export const CALL_FIELDS = [
  'com_id',
  'dp_id',
  'dp_in_number',
  'dp_ex_number',
  'callee_number',
  'caller_number',
  'uuid',
  'phonebook_caller_name',
  'rta_call_id',
  'sip_call_id',
  'event_time',
  'call_start_time',
] as const;
export type CallField = (typeof CALL_FIELDS)[number];

/** A call as the platform described it; a field it left out is undefined. */
export type CallvoipCall = Partial<Record<CallField, string>>;

/** Longest value of one field; the platform's longest are 36-character ids. */
export const MAX_FIELD_CHARS = 256;

/** The parts of an HTTP request that parsing needs. */
export type WebhookRequest = Pick<PlainRequest, 'method' | 'headers' | 'body'> & { bodyLength?: number };

/**
 * Parses a webhook request. A GET carries no call data and gives `undefined`.
 * @throws HttpError for another method (405), a body that is too large (413), of an unknown
 *         type (415), not UTF-8 or not JSON (400, with the position).
 * @throws ValidationError for a field that is not a string, too long, or a com_id that is not one.
 */
export function parseWebhook(request: WebhookRequest): CallvoipCall | undefined {
  if (request.method === 'GET') return undefined;
  if (request.method !== 'POST') {
    throw methodNotAllowed(request.method, ['GET', 'POST'], 'POST (or GET without call data)');
  }
  const text = bodyText({ body: request.body, bodyLength: request.bodyLength ?? 0 });
  if (text.trim() === '') throw new HttpError(400, "body is empty: expected the call's JSON");

  const call = fromBody(mediaType(request.headers['content-type']), text);
  if (call.com_id !== undefined && !COMPANY_ID.test(call.com_id)) {
    throw new ValidationError('com_id', 'must be 1-64 of A-Z, a-z, 0-9, "-" or "_"');
  }
  return call;
}

/** JSON or a form, as the content type says; without one (or as text), as the body looks. */
function fromBody(type: string, text: string): CallvoipCall {
  if (isJsonType(type)) return fromJson(text);
  if (type === 'application/x-www-form-urlencoded') return fromForm(text);
  if (type === '' || type === 'text/plain') {
    return text.trimStart().startsWith('{') ? fromJson(text) : fromForm(text);
  }
  throw new HttpError(
    415,
    `content-type ${type} is not supported: send application/json or application/x-www-form-urlencoded`,
  );
}

function fromJson(text: string): CallvoipCall {
  let value: unknown;
  try {
    value = readJson(text);
  } catch (error) {
    value = parseRepaired(text, error);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new HttpError(400, 'body must be a JSON object of the call fields');
  }
  // As in a form: a call field given twice is refused, not read as its last value.
  const twice = repeatedKeys(text).find((key) => (CALL_FIELDS as readonly string[]).includes(key));
  if (twice !== undefined) throw new ValidationError(twice, 'is given more than once');
  return pickFields(value as Record<string, unknown>);
}

/**
 * The platform's manual prints its example without the comma after `rta_call_id`. Repair
 * exactly that: a line holding one `"key": "value"` pair followed by a line starting with a
 * key gets its missing comma. Anything else stays invalid and is reported as first found.
 */
function parseRepaired(text: string, original: unknown): unknown {
  const repaired = repairMissingCommas(text);
  if (repaired === undefined) throw original;
  try {
    return readJson(repaired);
  } catch {
    // The original error is the one that points at the real defect.
    throw original;
  }
}

const PAIR_LINE = /^"(?:[^"\\]|\\.)*"\s*:\s*"(?:[^"\\]|\\.)*"$/;
const KEY_START = /^"(?:[^"\\]|\\.)*"\s*:/;

/**
 * The text with the manual's missing commas added, or undefined when none is missing. Linear
 * in the text's length: every line is trimmed once, and no pattern can backtrack over a run of spaces.
 */
export function repairMissingCommas(text: string): string | undefined {
  const lines = text.split('\n');
  let repaired = false;
  for (let i = 0; i + 1 < lines.length; i++) {
    const line = lines[i] as string;
    const content = line.trimEnd();
    if (PAIR_LINE.test(content.trimStart()) && KEY_START.test((lines[i + 1] as string).trimStart())) {
      lines[i] = `${content},${line.slice(content.length)}`;
      repaired = true;
    }
  }
  return repaired ? lines.join('\n') : undefined;
}

function fromForm(text: string): CallvoipCall {
  const params = new URLSearchParams(text);
  const seen: Record<string, unknown> = {};
  for (const [key, value] of params) {
    if (key in seen && (CALL_FIELDS as readonly string[]).includes(key)) {
      throw new ValidationError(key, 'is given more than once');
    }
    seen[key] = value;
  }
  return pickFields(seen);
}

function pickFields(source: Record<string, unknown>): CallvoipCall {
  const call: CallvoipCall = {};
  for (const field of CALL_FIELDS) {
    if (!Object.hasOwn(source, field)) continue;
    const value = source[field];
    if (value === null || value === undefined) continue;
    if (typeof value !== 'string') {
      throw new ValidationError(field, `must be a string, got ${describeType(value)}`);
    }
    if (value.length > MAX_FIELD_CHARS) {
      throw new ValidationError(field, `is ${value.length} characters; at most ${MAX_FIELD_CHARS}`);
    }
    call[field] = value;
  }
  return call;
}

function describeType(value: unknown): string {
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'object') return 'an object';
  return `a ${typeof value}`;
}
