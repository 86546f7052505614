/**
 * Answering in time: the deadline derived from the belplan timeout, a store call bounded by
 * it, why a fallback was given, and the one log line per request.
 */
import { performance } from 'node:perf_hooks';

/** Why the profile's fallback was answered instead of a decision on the caller's record. */
export type FallbackCause =
  | 'kill-switch'
  | 'timeout'
  | 'throttled'
  | 'server-error'
  | 'unreachable'
  | 'store-error';

/** The moment (on `performance.now()`'s clock) by which the answer must be on its way. */
export interface Deadline {
  atMs: number;
  budgetMs: number;
}

/**
 * The deadline of one invocation: the belplan timeout less the safety margin, counted from
 * the earliest evidence of when the platform began to wait: the invocation itself, the
 * Function URL's receive time, and on a cold start the time the process spent starting.
 */
export function deadlineOf(input: {
  belplanTimeoutMs: number;
  safetyMarginMs: number;
  /** `performance.now()` when the invocation began. */
  invokedAtMs: number;
  /** Time spent before this invocation that the platform also waited for (the cold start's init). */
  initMs: number;
  /** Milliseconds between the Function URL receiving the request and the invocation, if known. */
  queuedMs: number | undefined;
}): Deadline {
  const budgetMs = input.belplanTimeoutMs - input.safetyMarginMs;
  // A receive time beyond the timeout or in the future is clock skew, not waiting.
  const queuedMs =
    input.queuedMs !== undefined && input.queuedMs > 0 && input.queuedMs < budgetMs ? input.queuedMs : 0;
  const spentMs = Math.max(input.initMs, queuedMs);
  return { atMs: input.invokedAtMs - spentMs + budgetMs, budgetMs };
}

/** The outcome of work bounded by a deadline. */
export type Bounded<T> = { ok: true; value: T } | { ok: false; cause: FallbackCause; error?: unknown };

/**
 * Runs `work` with what is left until the deadline. The signal aborts the SDK's request;
 * the race makes sure nothing (a retry delay, credential resolution) outlives the deadline.
 */
export async function withinDeadline<T>(
  deadline: Deadline,
  work: (signal: AbortSignal) => Promise<T>,
): Promise<Bounded<T>> {
  const remainingMs = deadline.atMs - performance.now();
  if (remainingMs <= 0) return { ok: false, cause: 'timeout' };
  const controller = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<Bounded<T>>((resolve) => {
    timer = setTimeout(() => {
      controller.abort();
      resolve({ ok: false, cause: 'timeout' });
    }, remainingMs);
  });
  const worked = work(controller.signal).then(
    (value): Bounded<T> => ({ ok: true, value }),
    (error: unknown): Bounded<T> => ({
      ok: false,
      cause: classifyStoreError(error, controller.signal),
      error,
    }),
  );
  try {
    return await Promise.race([worked, expired]);
  } finally {
    clearTimeout(timer);
  }
}

const THROTTLING = new Set([
  'ThrottlingException',
  'ProvisionedThroughputExceededException',
  'RequestLimitExceeded',
  'LimitExceededException',
]);
const NETWORK = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ENOTFOUND',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EAI_AGAIN',
  'EPIPE',
]);

/** Sorts a store error into a fallback cause for the log and the dashboard. */
export function classifyStoreError(error: unknown, signal?: AbortSignal): FallbackCause {
  const e = (error ?? {}) as {
    name?: string;
    code?: string;
    message?: string;
    $metadata?: { httpStatusCode?: number };
  };
  if (signal?.aborted || e.name === 'AbortError' || e.name === 'TimeoutError') return 'timeout';
  if (e.name && THROTTLING.has(e.name)) return 'throttled';
  if ((e.$metadata?.httpStatusCode ?? 0) >= 500) return 'server-error';
  // The SDK wraps errors from another realm and keeps the code only in the message.
  const code = e.code ?? /\b(E[A-Z_]{4,})\b/.exec(e.message ?? '')?.[1];
  if (code && NETWORK.has(code)) return 'unreachable';
  return 'store-error';
}

/** One structured line per request. Never holds a token, a raw number or a query string. */
export interface RequestLog {
  msg: 'webhook' | 'admin';
  status: number;
  answer?: string;
  reason: string;
  profile?: string;
  /** The caller key with its last digits hidden. */
  caller?: string;
  callerKind?: string;
  latencyMs: number;
  coldStart: boolean;
  initMs?: number;
  fallbackCause?: FallbackCause;
  /** The store error's name (never its message, which may quote a key). */
  errorName?: string;
  requestId?: string;
}

/** Where log lines go: Lambda's JSON log format wants one object per console call. */
export type LogSink = (entry: RequestLog) => void;

export const consoleSink: LogSink = (entry) => {
  if (entry.status >= 500 || (entry.fallbackCause && entry.fallbackCause !== 'kill-switch'))
    console.warn(entry);
  else console.log(entry);
};
