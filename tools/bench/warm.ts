/**
 * The handler warm, in-process, against the very UpdateItem the call recorder sends, sent
 * alone by the webhook's own client and by the bare SDK, on the same endpoint, interleaved:
 * the ratio to the first is everything but the request, to the second also what the client saves.
 * Twice: for callers with small records, and for full-record callers answered from the
 * roster (which a warm environment holds in its cache), whose UpdateItem returns the most.
 */
import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import { DynamoDBClient, UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import { credentialsFromEnvironment, DEFAULTS } from '../../lambda/config';
import type { FunctionUrlHandler } from '../../lambda/http/adapter';
import { recordCallInput } from '../../lambda/store/call-recorder';
import type { WebhookDynamo } from '../../lambda/store/dynamo-http';
import { webhookDynamo } from '../../lambda/store/webhook-stores';
import { DEMO_COMPANY } from '../../local/demo';
import { callBody, functionUrlEvent } from '../../local/events';
import { type Summary, summarize } from '../stats';
import { BENCH_TABLE, type BenchContext, benchEvent } from './context';
import { FULL_RECORD_AGENT, fullRecordCaller } from './full-records';

const WARM_RATIO_GOAL = 1.1;
/** Calls before measuring: connections open, code compiled. */
const WARM_UP_CALLS = 50;
/** Distinct callers the calls cycle through: the table holds records as it would in use. */
export const WARM_CALLERS = 500;

/** Who a warm call is from, the key the reference UpdateItem writes, and the answer expected. */
interface WarmCallers {
  caller(call: number): string;
  referenceKey(caller: string): string;
  answer: string;
}

const SMALL_RECORDS: WarmCallers = {
  caller: (call) => `061${String(call % WARM_CALLERS).padStart(7, '0')}`,
  referenceKey: (caller) => `raw-${caller}`,
  answer: 'default',
};

const FULL_RECORDS: WarmCallers = {
  caller: (call) => fullRecordCaller(call % WARM_CALLERS),
  // The caller's own item: the reference reads back as much as the handler does.
  referenceKey: (caller) => `31${caller.slice(1)}`,
  answer: FULL_RECORD_AGENT,
};

export async function benchWarm({ report, runs }: BenchContext, bundle: string, env: Record<string, string>) {
  Object.assign(process.env, env);
  const { handler } = (await import(pathToFileURL(bundle).href)) as { handler: FunctionUrlHandler };
  const client = new DynamoDBClient({
    region: DEFAULTS.region,
    endpoint: env.AWS_ENDPOINT_URL_DYNAMODB as string,
  });
  const own = webhookDynamo(
    { ...DEFAULTS, dynamodbEndpoint: env.AWS_ENDPOINT_URL_DYNAMODB },
    credentialsFromEnvironment(),
  );
  const references = { client, own };
  const [log, warn] = [console.log, console.warn];
  console.log = () => undefined;
  console.warn = () => undefined;
  try {
    const small = await timeWarmCalls(handler, references, runs.warm, SMALL_RECORDS);
    const full = await timeWarmCalls(handler, references, runs.warm, FULL_RECORDS);
    const refused = await timeRefusals(handler, runs.warm);
    const row = (metric: string, { viaHandler, viaOwn, viaSdk }: WarmTimes) => {
      const goal = (reference: Summary) => ({
        goal: `ratio ≤ ${WARM_RATIO_GOAL} at p50`,
        met: viaHandler.p50 / reference.p50 <= WARM_RATIO_GOAL,
      });
      report.compared(
        metric,
        'ms',
        viaHandler,
        { name: 'the same UpdateItem, sent raw', value: viaOwn },
        goal(viaOwn),
      );
      report.compared(
        `  ${metric.trim()}, against the SDK`,
        'ms',
        viaHandler,
        { name: 'bare SDK, the same UpdateItem', value: viaSdk },
        goal(viaSdk),
      );
    };
    row('warm path (handler, in-process)', small);
    row('warm path, full record: 20 tags, 20 attributes, roster', full);
    report.measured('refused request (401, wrong token), handler in-process', 'µs', refused);
  } finally {
    console.log = log;
    console.warn = warn;
    client.destroy();
    own.destroy();
  }
}

/** One warm call each way, interleaved. */
interface WarmTimes {
  viaHandler: Summary;
  /** The call's UpdateItem sent by the webhook's client alone. */
  viaOwn: Summary;
  viaSdk: Summary;
}

async function timeWarmCalls(
  handler: FunctionUrlHandler,
  { client, own }: { client: DynamoDBClient; own: WebhookDynamo },
  count: number,
  callers: WarmCallers,
): Promise<WarmTimes> {
  const viaHandler: number[] = [];
  const viaOwn: number[] = [];
  const viaSdk: number[] = [];
  for (let call = 0; call < count + WARM_UP_CALLS; call++) {
    const caller = callers.caller(call);
    let started = performance.now();
    const result = await handler(benchEvent(caller));
    const handlerMs = performance.now() - started;
    const input = () =>
      recordCallInput(
        { tableName: BENCH_TABLE, retentionDays: DEFAULTS.retentionDays },
        {
          comId: DEMO_COMPANY,
          callerKey: callers.referenceKey(caller),
          uuid: randomUUID(),
          nowMs: Date.now(),
        },
      );
    started = performance.now();
    await own.updateItem(input(), AbortSignal.timeout(5000));
    const ownMs = performance.now() - started;
    started = performance.now();
    await client.send(new UpdateItemCommand(input()));
    const sdkMs = performance.now() - started;
    if (result.statusCode !== 200 || result.body !== callers.answer) {
      throw new Error(`warm answer was ${result.statusCode} ${result.body}, expected ${callers.answer}`);
    }
    if (call < WARM_UP_CALLS) continue;
    viaHandler.push(handlerMs);
    viaOwn.push(ownMs);
    viaSdk.push(sdkMs);
  }
  return { viaHandler: summarize(viaHandler), viaOwn: summarize(viaOwn), viaSdk: summarize(viaSdk) };
}

/** What a request without the right token costs the handler (µs): the figure behind a flood's arithmetic. */
async function timeRefusals(handler: FunctionUrlHandler, count: number): Promise<Summary> {
  const event = functionUrlEvent({
    body: callBody({ com_id: DEMO_COMPANY, caller_number: '0612345678' }),
    headers: { 'content-type': 'application/json' },
    query: { token: 'not-the-token-0123456789abcdef' },
  });
  const times: number[] = [];
  for (let call = 0; call < count + WARM_UP_CALLS; call++) {
    const started = performance.now();
    const result = await handler(event);
    const elapsedUs = (performance.now() - started) * 1000;
    if (result.statusCode !== 401) throw new Error(`a wrong token was answered ${result.statusCode}`);
    if (call >= WARM_UP_CALLS) times.push(elapsedUs);
  }
  return summarize(times);
}
