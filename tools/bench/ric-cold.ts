/**
 * Cold starts counted as Lambda counts them: each handler is spawned under the real runtime
 * interface client on Lambda's Node.js major, with its event already waiting (an on-demand
 * cold start behind a Function URL). INIT lasts from spawn to the runtime's first `/next`,
 * the first invocation from handing over the event to its answer; REPORT's Init Duration and
 * Duration split the same way. The webhook bundle is set beside a hello-world handler (the
 * client's own cost) and a handler sending one raw UpdateItem (the floor of a cold answer).
 */
import { resolve } from 'node:path';
import { runtimeClientProblem, startUnderRic } from '../../local/ric';
import { startRuntimeApi } from '../../local/runtime-api';
import { type Summary, summarize } from '../stats';
import type { BenchBundles } from './bundle';
import { trustOf } from './cold';
import { BENCH_TABLE, type BenchContext, benchEvent, webhookRequestBody } from './context';
import { FULL_RECORD_AGENT, fullRecordCaller } from './full-records';

/** The webhook's cold start may cost at most this much more than the raw request's, in all… */
const COLD_RATIO_GOAL = 1.25;
/** …and in its first invocation, which the platform waits for as much as for INIT. */
const FIRST_INVOCATION_GOAL = 1.2;

interface ColdStart {
  initMs: number;
  firstInvocationMs: number;
  totalMs: number;
}

const PARTS = { initMs: 'INIT', firstInvocationMs: 'first invocation', totalMs: 'total' } as const;

interface Handler {
  name: string;
  /** The caller of its event; a new random one unless given. */
  caller?: string;
  bundleDir: string;
  env: Record<string, string>;
  expectedBody: string;
  /** Sends the webhook's own UpdateItem (a fresh caller's, given as BENCH_BODY), as the floor does. */
  sendsWebhookRequest?: boolean;
}

/** Times one cold start of `handler`; throws unless it answered 200 with the expected body. */
export async function ricColdStart(handler: Handler, node: string): Promise<ColdStart> {
  const runtimeApi = await startRuntimeApi();
  try {
    const answered = runtimeApi.invoke(benchEvent(handler.caller));
    const env = handler.sendsWebhookRequest
      ? { ...handler.env, BENCH_BODY: webhookRequestBody() }
      : handler.env;
    const ric = await startUnderRic({ bundleDir: handler.bundleDir, env, runtimeApi, node });
    try {
      const invocation = await answered;
      const result = invocation.result as { statusCode?: number; body?: string } | undefined;
      if (result?.statusCode !== 200 || result.body !== handler.expectedBody) {
        throw new Error(`${handler.name} answered ${JSON.stringify(invocation.result ?? invocation.error)}`);
      }
      const firstNextAtMs = await runtimeApi.firstNextAtMs();
      return {
        initMs: firstNextAtMs - ric.spawnedAtMs,
        firstInvocationMs: invocation.respondedAtMs - invocation.nextAtMs,
        totalMs: invocation.respondedAtMs - ric.spawnedAtMs,
      };
    } finally {
      await ric.stop();
    }
  } finally {
    await runtimeApi.close();
  }
}

export async function benchRicCold(
  { report, runs }: BenchContext,
  bundles: BenchBundles,
  env: Record<string, string>,
  node: string,
  version: string,
): Promise<void> {
  const problem = runtimeClientProblem();
  if (problem) {
    console.warn(`skipping the cold starts under the runtime client: ${problem}`);
    return;
  }
  const trust = trustOf(env);
  const handlers: Handler[] = [
    { name: 'hello', bundleDir: resolve(__dirname, 'handlers', 'hello'), env: trust, expectedBody: 'hello' },
    {
      name: 'raw',
      bundleDir: resolve(__dirname, 'handlers', 'raw'),
      env: { ...trust, BENCH_ENDPOINT: env.AWS_ENDPOINT_URL_DYNAMODB ?? '', BENCH_TABLE },
      expectedBody: 'raw',
      sendsWebhookRequest: true,
    },
    {
      name: 'signed-raw',
      bundleDir: resolve(bundles.signedRaw, '..'),
      env: { ...env, BENCH_ENDPOINT: env.AWS_ENDPOINT_URL_DYNAMODB ?? '', BENCH_TABLE },
      expectedBody: 'signed',
      sendsWebhookRequest: true,
    },
    { name: 'webhook', bundleDir: resolve(bundles.webhook, '..'), env, expectedBody: 'default' },
    {
      name: 'webhook-full',
      caller: fullRecordCaller(0),
      bundleDir: resolve(bundles.webhook, '..'),
      env,
      expectedBody: FULL_RECORD_AGENT,
    },
    { name: 'webhook-sdk', bundleDir: resolve(bundles.sdkWebhook, '..'), env, expectedBody: 'default' },
  ];
  const samples = new Map(handlers.map(({ name }) => [name, [] as ColdStart[]]));
  // Interleaved, so a noisy moment hits every handler alike; the first round warms the page cache.
  for (let round = 0; round <= runs.cold; round++) {
    for (const handler of handlers) {
      const cold = await ricColdStart(handler, node);
      if (round > 0) samples.get(handler.name)?.push(cold);
    }
  }
  const of = (name: string, part: keyof ColdStart): Summary =>
    summarize((samples.get(name) ?? []).map((cold) => cold[part]));
  const raw = (part: keyof ColdStart) => ({
    name: `the webhook's UpdateItem sent raw, ${PARTS[part]}`,
    value: of('raw', part),
  });
  const ratioOf = (part: keyof ColdStart) => of('webhook', part).p50 / of('raw', part).p50;
  report.compared(
    `cold start under the RIC, node ${version}: webhook total`,
    'ms',
    of('webhook', 'totalMs'),
    raw('totalMs'),
    { goal: `ratio ≤ ${COLD_RATIO_GOAL}`, met: ratioOf('totalMs') <= COLD_RATIO_GOAL },
  );
  report.compared('  webhook INIT (spawn → first /next)', 'ms', of('webhook', 'initMs'), raw('initMs'));
  report.compared(
    '  webhook first invocation (event → answer)',
    'ms',
    of('webhook', 'firstInvocationMs'),
    raw('firstInvocationMs'),
    { goal: `ratio ≤ ${FIRST_INVOCATION_GOAL}`, met: ratioOf('firstInvocationMs') <= FIRST_INVOCATION_GOAL },
  );
  report.compared(
    '  webhook total, a full-record caller answered from the roster',
    'ms',
    of('webhook-full', 'totalMs'),
    raw('totalMs'),
  );
  for (const part of ['totalMs', 'initMs', 'firstInvocationMs'] as const) {
    report.compared(`  the webhook with the SDK, ${PARTS[part]}`, 'ms', of('webhook-sdk', part), raw(part));
  }
  for (const part of ['totalMs', 'initMs', 'firstInvocationMs'] as const) {
    report.compared(
      `  the raw UpdateItem sent by the webhook's client, ${PARTS[part]}`,
      'ms',
      of('signed-raw', part),
      raw(part),
    );
  }
  for (const name of ['raw', 'hello']) {
    report.measured(`  ${name} handler total`, 'ms', of(name, 'totalMs'));
    report.measured(`  ${name} handler INIT`, 'ms', of(name, 'initMs'));
    report.measured(`  ${name} handler first invocation`, 'ms', of(name, 'firstInvocationMs'));
  }
}
