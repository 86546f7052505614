/**
 * Refusals of a request for what it is rather than what it says: method, size, type, route,
 * access. Only the handler frame (`frame.ts`) turns errors into status codes, in one place.
 */
import { excerpt } from '../domain/errors';

/** The status codes a route refuses with, and the reason each logs unless told another. */
const REASONS = {
  400: 'bad-request',
  401: 'unauthorized',
  403: 'forbidden',
  404: 'not-found',
  405: 'method-not-allowed',
  413: 'too-large',
  415: 'unsupported-media-type',
} as const;

/** A request refused for what it is rather than what it says: method, size, type, route, access. */
export class HttpError extends Error {
  override name = 'HttpError';
  /** What the request log says of the refusal. */
  readonly reason: string;
  constructor(
    readonly status: keyof typeof REASONS,
    message: string,
    readonly headers: Record<string, string> = {},
    reason?: string,
  ) {
    super(message);
    this.reason = reason ?? REASONS[status];
  }
}

/**
 * A 405 that says which methods the route takes (the `Allow` header) and how to use them.
 * @example methodNotAllowed('PUT', ['GET', 'POST'], 'POST (or GET without call data)')
 */
export function methodNotAllowed(method: string, allow: readonly string[], advice?: string): HttpError {
  const use = advice ?? allow.join(', ');
  return new HttpError(405, `method ${excerpt(method)} is not allowed: use ${use}`, {
    allow: allow.join(', '),
  });
}
