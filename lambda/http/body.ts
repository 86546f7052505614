/**
 * Reading request bodies: the one media-type parser, strict UTF-8, the size limit, and the
 * JSON-object reader of the admin API. The webhook's tolerant reader (`parse.ts`) builds on it.
 */

import { readJson } from '../domain/json';
import { MAX_BODY_BYTES, type PlainRequest } from './adapter';
import { HttpError } from './errors';

/** The media type of a Content-Type header, lower case, without parameters; '' when absent. */
export function mediaType(header: string | undefined): string {
  return (header ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
}

/** Whether a media type is JSON (`application/json` or a `+json` type). */
export function isJsonType(type: string): boolean {
  return type === 'application/json' || type.endsWith('+json');
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** The largest body the webhook and the admin API read; a connector's delivery may be larger (`MAX_BODY_BYTES`). */
export const BODY_LIMIT_BYTES = 16 * 1024;

/**
 * The body as text, within a size limit.
 * @throws HttpError 413 over `limitBytes`, 400 when it is not UTF-8.
 */
export function bodyText(
  request: Pick<PlainRequest, 'body' | 'bodyLength'>,
  limitBytes = BODY_LIMIT_BYTES,
): string {
  const bytes = request.body ?? new Uint8Array();
  const size = Math.max(bytes.byteLength, request.bodyLength);
  if (size > Math.min(limitBytes, MAX_BODY_BYTES)) {
    throw new HttpError(
      413,
      `body is ${size} bytes; at most ${Math.min(limitBytes, MAX_BODY_BYTES)} are accepted`,
    );
  }
  try {
    return utf8.decode(bytes);
  } catch {
    throw new HttpError(400, 'body is not valid UTF-8');
  }
}

/**
 * A JSON object body (a missing Content-Type is taken as JSON), read by the one JSON reader.
 * @throws HttpError 413/415 for a body too large or of another type, JsonError (400) for one
 *         that is not JSON, nests too deep or names a key twice, HttpError 400 for one that is
 *         no object.
 */
export function readJsonObject(request: PlainRequest): Record<string, unknown> {
  const type = mediaType(request.headers['content-type']) || 'application/json';
  if (!isJsonType(type))
    throw new HttpError(415, `content-type ${type} is not supported: send application/json`);
  const value = readJson(bodyText(request), { uniqueKeys: true });
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new HttpError(400, 'body must be a JSON object');
  }
  return value as Record<string, unknown>;
}
