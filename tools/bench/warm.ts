/**
 * The handler warm, in-process, against the bare SDK sending the very UpdateItem the call
 * recorder sends, on the same endpoint, interleaved: the ratio is everything but the request.
 */
import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import { DynamoDBClient, UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import type { FunctionUrlHandler } from '../../lambda/adapter';
import { DEFAULTS } from '../../lambda/config';
import { recordCallInput } from '../../lambda/store/call-recorder';
import { DEMO_COMPANY } from '../../local/demo';
import { callBody, functionUrlEvent } from '../../local/events';
import { summarize } from '../stats';
import { BENCH_TABLE, type BenchContext, benchEvent } from './context';

const WARM_RATIO_GOAL = 1.1;
/** Calls before measuring: connections open, code compiled. */
const WARM_UP_CALLS = 50;
/** Distinct callers the calls cycle through: the table holds records as it would in use. */
const CALLERS = 500;

export async function benchWarm({ report, runs }: BenchContext, bundle: string, env: Record<string, string>) {
  Object.assign(process.env, env);
  const { handler } = (await import(pathToFileURL(bundle).href)) as { handler: FunctionUrlHandler };
  const client = new DynamoDBClient({
    region: DEFAULTS.region,
    endpoint: env.AWS_ENDPOINT_URL_DYNAMODB as string,
  });
  const [log, warn] = [console.log, console.warn];
  console.log = () => undefined;
  console.warn = () => undefined;
  const viaHandler: number[] = [];
  const viaSdk: number[] = [];
  const refused: number[] = [];
  try {
    for (let call = 0; call < runs.warm + WARM_UP_CALLS; call++) {
      const caller = `061${String(call % CALLERS).padStart(7, '0')}`;
      const event = benchEvent(caller);
      let started = performance.now();
      const result = await handler(event);
      const handlerMs = performance.now() - started;
      started = performance.now();
      const input = recordCallInput(
        { tableName: BENCH_TABLE, retentionDays: DEFAULTS.retentionDays },
        { comId: DEMO_COMPANY, callerKey: `raw-${caller}`, uuid: randomUUID(), nowMs: Date.now() },
      );
      await client.send(new UpdateItemCommand(input));
      const sdkMs = performance.now() - started;
      if (result.statusCode !== 200) throw new Error(`warm answer was ${result.statusCode}`);
      if (call < WARM_UP_CALLS) continue;
      viaHandler.push(handlerMs);
      viaSdk.push(sdkMs);
    }
    refused.push(...(await timeRefusals(handler, runs.warm)));
  } finally {
    console.log = log;
    console.warn = warn;
    client.destroy();
  }
  const ratio = summarize(viaHandler).p50 / summarize(viaSdk).p50;
  report.compared(
    'warm path (handler, in-process)',
    'ms',
    summarize(viaHandler),
    { name: 'bare SDK, the same UpdateItem', value: summarize(viaSdk) },
    { goal: `ratio ≤ ${WARM_RATIO_GOAL} at p50`, met: ratio <= WARM_RATIO_GOAL },
  );
  report.measured(
    'refused request (401, wrong token), handler in-process',
    'µs',
    summarize(refused.map((ms) => ms * 1000)),
  );
}

/** What a request without the right token costs the handler: the figure behind a flood's arithmetic. */
async function timeRefusals(handler: FunctionUrlHandler, count: number): Promise<number[]> {
  const event = functionUrlEvent({
    body: callBody({ com_id: DEMO_COMPANY, caller_number: '0612345678' }),
    headers: { 'content-type': 'application/json' },
    query: { token: 'not-the-token-0123456789abcdef' },
  });
  const times: number[] = [];
  for (let call = 0; call < count + WARM_UP_CALLS; call++) {
    const started = performance.now();
    const result = await handler(event);
    const elapsedMs = performance.now() - started;
    if (result.statusCode !== 401) throw new Error(`a wrong token was answered ${result.statusCode}`);
    if (call >= WARM_UP_CALLS) times.push(elapsedMs);
  }
  return times;
}
