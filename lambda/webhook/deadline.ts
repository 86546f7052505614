/**
 * Answering in time: the deadline derived from the belplan timeout, and work bounded by it.
 * Knows nothing of DynamoDB: what failed is for the caller of `withinDeadline` to classify.
 */
import { performance } from 'node:perf_hooks';

/** The moment (on `performance.now()`'s clock) by which the answer must be on its way. */
export interface Deadline {
  atMs: number;
  budgetMs: number;
}

/**
 * The deadline of one invocation: the belplan timeout less the safety margin, counted from
 * the earliest evidence of when the platform began to wait: the invocation itself, the
 * Function URL's receive time, and on a cold start the time the process spent starting.
 *
 * @example deadlineOf({ belplanTimeoutMs: 2000, safetyMarginMs: 500, invokedAtMs: 90, initMs: 80, queuedMs: 5 })
 *          // → { atMs: 1510, budgetMs: 1500 }: INIT's 80 ms were already spent
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
  // A receive time beyond the budget or in the future is clock skew, not waiting.
  const queuedMs =
    input.queuedMs !== undefined && input.queuedMs > 0 && input.queuedMs < budgetMs ? input.queuedMs : 0;
  const spentMs = Math.max(input.initMs, queuedMs);
  return { atMs: input.invokedAtMs - spentMs + budgetMs, budgetMs };
}

/** The outcome of work bounded by a deadline. */
export type Bounded<T> =
  | { ok: true; value: T }
  | { ok: false; timedOut: true }
  | { ok: false; timedOut: false; error: unknown };

/**
 * Runs `work` with what is left until the deadline. The signal aborts the work's requests;
 * the race makes sure nothing (a retry delay, credential resolution) outlives the deadline.
 * An error after the signal fired counts as the deadline's, whatever the SDK named it.
 */
export async function withinDeadline<T>(
  deadline: Deadline,
  work: (signal: AbortSignal) => Promise<T>,
): Promise<Bounded<T>> {
  const remainingMs = deadline.atMs - performance.now();
  if (remainingMs <= 0) return { ok: false, timedOut: true };
  const controller = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<Bounded<T>>((resolve) => {
    timer = setTimeout(() => {
      controller.abort();
      resolve({ ok: false, timedOut: true });
    }, remainingMs);
  });
  const worked = work(controller.signal).then(
    (value): Bounded<T> => ({ ok: true, value }),
    (error: unknown): Bounded<T> =>
      controller.signal.aborted ? { ok: false, timedOut: true } : { ok: false, timedOut: false, error },
  );
  try {
    return await Promise.race([worked, expired]);
  } finally {
    clearTimeout(timer);
  }
}
