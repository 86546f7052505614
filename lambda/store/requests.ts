/**
 * The one retry layer of the requests the admin function and the tools make: every attempt
 * has a timeout, a failure that may pass by itself (throttling, 5xx, a reset or refused
 * connection, a timeout) is tried again after a growing, jittered pause, anything else (a
 * refused condition, a missing table) fails at once, and nothing runs past the caller's own
 * deadline. The SDK client under it makes one attempt per request. The webhook does not use
 * this: its requests are bounded by the belplan's deadline (`webhook/deadline.ts`).
 */
import { classifyStoreError } from './errors';

/** How a store's requests are retried. */
export interface RetryPolicy {
  /** Attempts in all, the first included. */
  attempts: number;
  /** Each attempt is aborted after this long. */
  attemptTimeoutMs: number;
  /** The pause before the second attempt; it doubles after each (with jitter). */
  firstDelayMs: number;
}

/** The longest a request can take under a policy: every attempt timing out, every pause at its longest. */
export function worstCaseMs(policy: RetryPolicy): number {
  let pausesMs = 0;
  for (let tries = 1; tries < policy.attempts; tries++) pausesMs += maxPauseMs(policy.firstDelayMs, tries);
  return policy.attempts * policy.attemptTimeoutMs + pausesMs;
}

/** Whether a failure may pass by itself. */
export function isTransient(error: unknown): boolean {
  return classifyStoreError(error) !== 'store-error';
}

/** The deadline ran out before the work was done: nothing more was attempted. */
export class DeadlineError extends Error {
  override name = 'TimeoutError';
}

/**
 * Runs `attempt` until it succeeds, fails with what a retry cannot help, or the attempts are
 * used up; `deadline` (the caller's own) ends the attempt under way and any pause.
 */
export async function withRetries<T>(
  policy: RetryPolicy,
  deadline: AbortSignal | undefined,
  attempt: (signal: AbortSignal) => Promise<T>,
): Promise<T> {
  for (let tries = 1; ; tries++) {
    const timeout = AbortSignal.timeout(policy.attemptTimeoutMs);
    try {
      return await attempt(deadline ? AbortSignal.any([deadline, timeout]) : timeout);
    } catch (error) {
      if (deadline?.aborted) throw new DeadlineError('the deadline passed', { cause: error });
      if (tries >= policy.attempts || !isTransient(error)) throw error;
    }
    await pause(jittered(maxPauseMs(policy.firstDelayMs, tries)), deadline);
  }
}

/**
 * Waits before trying again after a lost race (another writer changed the item first); the
 * pause grows with the tries, so writers racing for one item spread out.
 * @throws DeadlineError when the deadline passes first.
 */
export function afterLostRace(tries: number, deadline: AbortSignal | undefined): Promise<void> {
  return pause(jittered(Math.min(RACE_FIRST_DELAY_MS * 2 ** (tries - 1), RACE_MAX_DELAY_MS)), deadline);
}

const RACE_FIRST_DELAY_MS = 1;
const RACE_MAX_DELAY_MS = 50;
const MAX_DELAY_MS = 4000;

function maxPauseMs(firstDelayMs: number, tries: number): number {
  return Math.min(firstDelayMs * 2 ** (tries - 1), MAX_DELAY_MS) * 1.5;
}

/** Full jitter over the upper two thirds: pauses of racing writers do not line up. */
function jittered(maxMs: number): number {
  return maxMs * (1 / 3 + (2 / 3) * Math.random());
}

function pause(ms: number, deadline: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    if (deadline?.aborted) {
      reject(new DeadlineError('the deadline passed'));
      return;
    }
    const onAbort = () => {
      clearTimeout(timer);
      reject(new DeadlineError('the deadline passed'));
    };
    const timer = setTimeout(() => {
      deadline?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    deadline?.addEventListener('abort', onAbort, { once: true });
  });
}

/** Work that kept failing for others' writes until the deadline: the client should try again shortly. */
export class ContentionError extends Error {
  override name = 'ContentionError';
}

/** Pauses between tries of work that another writer (or a busy table) made fail: a lost race, unprocessed keys. */
export interface BackOff {
  /** Waits before the next try, longer each time. @throws ContentionError once the budget is spent. */
  wait(): Promise<void>;
}

/** How a store's requests are bounded: shared by the admin stores and the tools' bulk store. */
export interface TableRequests {
  /** Sends one request through the retry layer; `abortSignal` ends its attempt. */
  send<T>(request: (abortSignal: AbortSignal) => Promise<T>): Promise<T>;
  /** The pauses of one piece of work, within the deadline (or, without one, `RACE_BUDGET_MS`). */
  backOff(): BackOff;
  /** The same requests within `deadline` (the admin function's, per invocation). */
  within(deadline: AbortSignal): TableRequests;
}

/** How long work without a deadline of its own (the tools) keeps trying after others' writes. */
export const RACE_BUDGET_MS = 10_000;

/** Requests under one policy, each bounded by `deadline` if given. */
export function tableRequests(policy: RetryPolicy, deadline?: AbortSignal): TableRequests {
  return {
    send: (request) => withRetries(policy, deadline, request),
    backOff() {
      const budget = deadline ?? AbortSignal.timeout(RACE_BUDGET_MS);
      let tries = 0;
      return {
        async wait() {
          tries++;
          try {
            await afterLostRace(tries, budget);
          } catch (error) {
            if (!(error instanceof DeadlineError)) throw error;
            throw new ContentionError(`gave up after ${tries} tries that others' writes made fail`);
          }
        },
      };
    },
    within: (bound) => tableRequests(policy, bound),
  };
}
