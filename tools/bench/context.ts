/**
 * What every bench gets: the report to add rows to, how many runs, the bench token and table,
 * and a webhook event for a random (or given) caller of the demo company.
 */
import { randomUUID } from 'node:crypto';
import type { LambdaFunctionURLEvent } from 'aws-lambda';
import { DEFAULTS } from '../../lambda/config';
import { normalizeCaller } from '../../lambda/domain/numbers';
import { recordCallInput } from '../../lambda/store/call-recorder';
import { DEMO_COMPANY } from '../../local/demo';
import { callBody, functionUrlEvent } from '../../local/events';
import type { Report } from './report';

/** Repetitions of each bench; `--quick` keeps CI fast, the figures are then rough. */
export interface Runs {
  cold: number;
  warm: number;
  deadline: number;
  load: number;
  /** Rows of the import bench. */
  importRows: number;
}

export const QUICK_RUNS: Runs = { cold: 3, warm: 200, deadline: 3, load: 500, importRows: 500 };
export const FULL_RUNS: Runs = { cold: 15, warm: 3000, deadline: 15, load: 10_000, importRows: 20_000 };

export interface BenchContext {
  report: Report;
  runs: Runs;
  /** bench-results/: bundles and reports go here. */
  outDir: string;
}

export const BENCH_TOKEN = 'bench-token-0123456789abcdefghijklmnop';
export const BENCH_TABLE = 'bench-callers';

/** A webhook event of the bench token for `caller`, or a random mobile number. */
export function benchEvent(caller = randomMobile()): LambdaFunctionURLEvent {
  return functionUrlEvent({
    body: callBody({ com_id: DEMO_COMPANY, caller_number: caller, uuid: randomUUID() }),
    headers: { 'content-type': 'application/json' },
    query: { token: BENCH_TOKEN },
  });
}

/**
 * The UpdateItem the webhook sends for a new caller, as JSON: what the floor handlers send too,
 * so a cold start's comparison holds the request (and DynamoDB's work on it) equal.
 */
export function webhookRequestBody(): string {
  const caller = normalizeCaller(randomMobile(), DEFAULTS.defaultCountryCode) as { key: string };
  return JSON.stringify(
    recordCallInput(
      { tableName: BENCH_TABLE, retentionDays: DEFAULTS.retentionDays },
      { comId: DEMO_COMPANY, callerKey: caller.key, uuid: randomUUID(), nowMs: Date.now() },
    ),
  );
}

function randomMobile(): string {
  return `06${String(10_000_000 + Math.floor(Math.random() * 89_999_999))}`;
}
