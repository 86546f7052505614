/**
 * What `npm run measure` measures, wherever it runs: a target that can force a cold start,
 * take one call, and give each call's REPORT line. The deployed function (`aws.ts`) and the
 * bundle under the runtime interface client on this machine (`local.ts`) are targets.
 */
import type { Report } from '../report-lines';

/** One call as the caller saw it. */
export interface MeasuredCall {
  requestId: string | undefined;
  latencyMs: number;
  status: number | string;
  answer: string;
}

export interface MeasureTarget {
  /** What is measured and what forcing a cold start costs, for the printout. */
  readonly description: string;
  /** The belplan timeout the function answers within (its BELPLAN_TIMEOUT_MS). */
  readonly belplanTimeoutMs: number;
  /** Makes the next call start a new execution environment. */
  forceCold(): Promise<void>;
  call(): Promise<MeasuredCall>;
  /** The REPORT lines of these calls, by request id, as far as they can be found. */
  reports(calls: MeasuredCall[]): Promise<Map<string, Report>>;
  /** Leaves the function as it was found. */
  restore(): Promise<void>;
}
