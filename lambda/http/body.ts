/**
 * Reading request bodies: the one media-type parser, strict UTF-8, the size limit, and the
 * JSON-object reader of the admin API. The webhook's tolerant reader (`parse.ts`) builds on it.
 */
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

/**
 * The body as text, within the size limit.
 * @throws HttpError 413 over `MAX_BODY_BYTES`, 400 when it is not UTF-8.
 */
export function bodyText(request: Pick<PlainRequest, 'body' | 'bodyLength'>): string {
  const bytes = request.body ?? new Uint8Array();
  const size = Math.max(bytes.byteLength, request.bodyLength);
  if (size > MAX_BODY_BYTES) {
    throw new HttpError(413, `body is ${size} bytes; at most ${MAX_BODY_BYTES} are accepted`);
  }
  try {
    return utf8.decode(bytes);
  } catch {
    throw new HttpError(400, 'body is not valid UTF-8');
  }
}

/**
 * A JSON object body (a missing Content-Type is taken as JSON).
 * @throws HttpError 413/415/400 for a body too large, of another type, not JSON, not an
 *         object, or naming a key twice.
 */
export function readJsonObject(request: PlainRequest): Record<string, unknown> {
  const type = mediaType(request.headers['content-type']) || 'application/json';
  if (!isJsonType(type))
    throw new HttpError(415, `content-type ${type} is not supported: send application/json`);
  const text = bodyText(request);
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new HttpError(400, `invalid JSON: ${(error as Error).message}`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new HttpError(400, 'body must be a JSON object');
  }
  const [twice] = repeatedKeys(text);
  if (twice !== undefined) throw new HttpError(400, `field ${twice.slice(0, 64)} is given more than once`);
  return value as Record<string, unknown>;
}

/**
 * The keys that one object of a valid JSON text names twice, in order. `JSON.parse` keeps the
 * last silently; a form body with a repeated field is refused, so JSON is held to the same
 * rule. One pass over the text.
 */
export function repeatedKeys(json: string): string[] {
  const repeated: string[] = [];
  const objects: (Set<string> | undefined)[] = [];
  for (let i = 0; i < json.length; i++) {
    const char = json[i];
    if (char === '{') objects.push(new Set());
    else if (char === '[') objects.push(undefined);
    else if (char === '}' || char === ']') objects.pop();
    else if (char === '"') {
      const start = i;
      for (i++; i < json.length && json[i] !== '"'; i++) if (json[i] === '\\') i++;
      const keys = objects.at(-1);
      let next = i + 1;
      while (next < json.length && ' \t\r\n'.includes(json[next] as string)) next++;
      if (!keys || json[next] !== ':') continue;
      const key = JSON.parse(json.slice(start, i + 1)) as string;
      if (keys.has(key)) repeated.push(key);
      keys.add(key);
    }
  }
  return repeated;
}
