/**
 * A fresh process answering one webhook, against a fresh process sending one raw request to
 * the same DynamoDB (the floor): the ratio is what the bundle costs a cold start.
 */
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { summarize } from '../stats';
import type { BenchBundles } from './bundle';
import { BENCH_TABLE, type BenchContext, benchEvent, webhookRequestBody } from './context';
import { timeProcess } from './process-timer';

/** The cold answer may cost at most this much more than the raw request. */
const COLD_RATIO_GOAL = 1.25;

export async function benchCold(
  { report, runs }: BenchContext,
  bundles: BenchBundles,
  env: Record<string, string>,
  node = process.execPath,
): Promise<void> {
  const samples = {
    empty: [] as number[],
    raw: [] as number[],
    cold: [] as number[],
    sdk: [] as number[],
    start: [] as number[],
  };
  const split = { imports: [] as number[], invokes: [] as number[] };
  const runner = resolve(__dirname, 'cold-answer.mjs');
  const rawRunner = resolve(__dirname, 'raw-request.mjs');
  const trust = trustOf(env);
  // The first round warms the page cache and is not counted.
  for (let round = 0; round <= runs.cold; round++) {
    const empty = await timeProcess(node, ['-e', ''], trust);
    const raw = await timeProcess(node, [rawRunner, env.AWS_ENDPOINT_URL_DYNAMODB ?? '', BENCH_TABLE], {
      ...trust,
      BENCH_BODY: webhookRequestBody(),
    });
    const answer = async (bundle: string) => {
      const timed = await timeProcess(node, [runner, pathToFileURL(bundle).href], {
        ...env,
        BENCH_EVENT: JSON.stringify(benchEvent()),
      });
      if (timed.data.status !== 200 || timed.data.body !== 'default') {
        throw new Error(`cold answer was ${JSON.stringify(timed.data)}`);
      }
      return timed;
    };
    const cold = await answer(bundles.webhook);
    const sdk = await answer(bundles.sdkWebhook);
    if (round === 0) continue;
    samples.empty.push(empty.wallMs);
    samples.raw.push(raw.wallMs);
    samples.cold.push(cold.wallMs);
    samples.sdk.push(sdk.wallMs);
    samples.start.push(cold.data.startMs as number);
    split.imports.push(cold.data.importMs as number);
    split.invokes.push(cold.data.invokeMs as number);
  }
  const ratio = summarize(samples.cold).p50 / summarize(samples.raw).p50;
  const version = await nodeVersion(node);
  report.compared(
    `cold answer in a plain process, node ${version} (import bundle, answer one webhook)`,
    'ms',
    summarize(samples.cold),
    { name: "fresh node, the webhook's UpdateItem sent raw", value: summarize(samples.raw) },
    { goal: `ratio ≤ ${COLD_RATIO_GOAL}`, met: ratio <= COLD_RATIO_GOAL },
  );
  report.compared('  the webhook with the SDK', 'ms', summarize(samples.sdk), {
    name: "fresh node, the webhook's UpdateItem sent raw",
    value: summarize(samples.raw),
  });
  report.measured('  split: process start (node -e "")', 'ms', summarize(samples.empty));
  report.measured('  split: start until the runner ran', 'ms', summarize(samples.start));
  report.measured('  split: import of the bundle', 'ms', summarize(split.imports));
  report.measured('  split: first invocation', 'ms', summarize(split.invokes));
}

/** The trust of the TLS front (`NODE_EXTRA_CA_CERTS`), which every process compared gets alike. */
export function trustOf(env: Record<string, string>): Record<string, string> {
  return env.NODE_EXTRA_CA_CERTS ? { NODE_EXTRA_CA_CERTS: env.NODE_EXTRA_CA_CERTS } : {};
}

/** The version of the Node.js binary `node`, e.g. `v24.11.1`. */
export async function nodeVersion(node: string): Promise<string> {
  const { data } = await timeProcess(node, [
    '-e',
    'console.log("BENCH " + JSON.stringify({ v: process.version }))',
  ]);
  return String(data.v);
}
