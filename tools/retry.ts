/**
 * Retrying the tools' DynamoDB requests: every attempt has a timeout, transient failures
 * (throttling, 5xx, a reset or refused connection, a timeout) are tried again with growing
 * back-off, anything else (a missing table, a refused condition) fails at once.
 */
import { classifyStoreError } from '../lambda/store/errors';

export interface RetryPolicy {
  /** Attempts in all, the first included. */
  attempts: number;
  /** Each attempt is aborted after this long. */
  timeoutMs: number;
  /** The wait before the second attempt; it doubles after each (with jitter). */
  firstDelayMs: number;
}

/** What `npm run callers` uses: rides out a DynamoDB blip of several seconds. */
export const TOOL_RETRIES: RetryPolicy = { attempts: 5, timeoutMs: 5000, firstDelayMs: 250 };

/** Whether a failure may pass by itself. */
export function isTransient(error: unknown): boolean {
  return classifyStoreError(error) !== 'store-error';
}

/** Runs `attempt` until it succeeds, a failure is not transient, or the attempts are used up. */
export async function withRetries<T>(
  policy: RetryPolicy,
  attempt: (signal: AbortSignal) => Promise<T>,
): Promise<T> {
  for (let tries = 1; ; tries++) {
    try {
      return await attempt(AbortSignal.timeout(policy.timeoutMs));
    } catch (error) {
      if (tries >= policy.attempts || !isTransient(error)) throw error;
    }
    const delayMs = policy.firstDelayMs * 2 ** (tries - 1) * (0.75 + Math.random() / 2);
    await new Promise((resolve) => setTimeout(resolve, delayMs));
  }
}
