/**
 * What a failed DynamoDB request means for the answer and the dashboard: the store is the
 * only module that knows DynamoDB's error names.
 */

/** Why a store request failed, as the fallback answer's cause. */
export type StoreFailure =
  | 'timeout'
  | 'throttled'
  | 'server-error'
  | 'unreachable'
  | 'connection-reset'
  | 'store-error';

const THROTTLING = new Set([
  'ThrottlingException',
  'ProvisionedThroughputExceededException',
  'RequestLimitExceeded',
  'LimitExceededException',
]);
const UNREACHABLE = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN']);
const RESET = new Set(['ECONNRESET', 'EPIPE']);

interface ErrorShape {
  name?: string;
  code?: string;
  message?: string;
  cause?: unknown;
  $metadata?: { httpStatusCode?: number };
}

/**
 * Sorts a store error into a cause, by what happened rather than by the name the SDK gave it:
 * the SDK's HTTP handler renames a reset connection (`ECONNRESET`, `EPIPE`) `TimeoutError`,
 * but its code still says the connection broke (`connection-reset`, not a slow DynamoDB). Only the deadline's own abort (the caller
 * knows it fired) and a socket that really timed out are `timeout`.
 */
export function classifyStoreError(error: unknown): StoreFailure {
  const code = networkCode(error);
  const e = (error ?? {}) as ErrorShape;
  if (code && UNREACHABLE.has(code)) return 'unreachable';
  // Node's own words for a connection the server dropped, kept when the SDK re-wraps the error.
  if ((code && RESET.has(code)) || /socket hang up/.test(e.message ?? '')) return 'connection-reset';
  if (e.name === 'AbortError' || e.name === 'TimeoutError' || code === 'ETIMEDOUT') return 'timeout';
  if (e.name && THROTTLING.has(e.name)) return 'throttled';
  if ((e.$metadata?.httpStatusCode ?? 0) >= 500) return 'server-error';
  return 'store-error';
}

/** The system error code of an error or of its causes; the SDK keeps some only in the message. */
function networkCode(error: unknown): string | undefined {
  for (
    let e = error as ErrorShape | undefined, depth = 0;
    e && depth < 4;
    e = e.cause as ErrorShape, depth++
  ) {
    const code = e.code ?? /\b(E[A-Z_]{4,})\b/.exec(e.message ?? '')?.[1];
    if (code) return code;
  }
  return undefined;
}

/** Whether a write was refused by its condition. */
export function isConditionFailure(error: unknown): boolean {
  return (error as ErrorShape | undefined)?.name === 'ConditionalCheckFailedException';
}
