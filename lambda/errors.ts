/**
 * The two kinds of refusal. Domain code throws `ValidationError` (what was wrong with which
 * field); only the HTTP layer (`skeleton.ts`) turns errors into status codes, in one place.
 */

/**
 * Input that breaks a rule of the domain: a caller number, a fact, a time, a body field.
 * `field` names where the problem is, when one field is to blame.
 *
 * @example throw new ValidationError('openInvoices', 'must be a whole number from 0')
 *          // HTTP: 400 "field openInvoices must be a whole number from 0"
 *          // CSV:  "line 7: openInvoices must be a whole number from 0"
 */
export class ValidationError extends Error {
  override name = 'ValidationError';
  constructor(
    readonly field: string | undefined,
    readonly problem: string,
  ) {
    super(field === undefined ? problem : `field ${field} ${problem}`);
  }

  /** The problem as a file importer words it: the column name instead of "field". */
  get columnMessage(): string {
    return this.field === undefined ? this.problem : `${this.field} ${this.problem}`;
  }
}

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
  return new HttpError(405, `method ${method.slice(0, 16)} is not allowed: use ${use}`, {
    allow: allow.join(', '),
  });
}
