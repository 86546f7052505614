/**
 * The one structured log line per request. Lambda's JSON log format nests a single object
 * passed to `console.log` under `message`; the stack's metric filters read its fields there.
 */
import type { StoreFailure } from '../store/errors';

/** Why the profile's fallback was answered instead of a decision on the caller's record. */
export type FallbackCause = StoreFailure | 'kill-switch';

/** One line per request. Never holds a token, a raw number, a query string or CRM data. */
export interface RequestLog {
  msg: 'webhook' | 'admin';
  status: number;
  answer?: string;
  reason: string;
  /** The profile rule that gave the answer: the dimension of the stack's answers metric. */
  rule?: string;
  profile?: string;
  /** The caller key with its last digits hidden. */
  caller?: string;
  callerKind?: string;
  latencyMs: number;
  coldStart: boolean;
  /** On a cold start that the platform waited for: how long the process took to start. */
  initMs?: number;
  fallbackCause?: FallbackCause;
  /** The error's name (never its message, which may quote a key). */
  errorName?: string;
  /** Why the roster was unknown for this call (every agent then counted as available). */
  rosterFailure?: StoreFailure;
  requestId?: string;
  /** A connector's delivery: the source, its event's kind (or how many it held), what became of it. */
  connector?: string;
  event?: string;
  outcome?: string;
}

/** Where log lines go: Lambda's JSON log format wants one object per console call. */
export type LogSink = (entry: RequestLog) => void;

/** Writes a line as Lambda expects: a warning when the answer was a failure or a fallback. */
export const consoleSink: LogSink = (entry) => {
  if (entry.status >= 500 || (entry.fallbackCause && entry.fallbackCause !== 'kill-switch')) {
    console.warn(entry);
  } else {
    console.log(entry);
  }
};
