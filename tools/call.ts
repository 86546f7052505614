/**
 * `npm run call`: plays the Callvoip platform. Sends the POST a Webhook app sends for an
 * incoming call (or a GET), gives up after the belplan timeout as the platform does, and
 * prints the answer, the status and the latency.
 *
 *   npm run call -- --caller 0612345678 [--url URL] [--token T] [--profile P] [--timeout 2000]
 *                   [--get] [--uuid U] [--com-id ID] [--repeat N]
 *
 * Without --url and --token it calls what `npm start` last started.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { parseArgs } from 'node:util';
import { DEMO_COMPANY, readState } from '../local/app';
import { summarize } from './stats';

/** One platform request and what came of it. */
export interface CallOutcome {
  status: number | 'timeout' | 'error';
  answer: string;
  latencyMs: number;
  /** Lambda's request id, from the Function URL's `x-amzn-requestid` header. */
  requestId?: string;
}

export interface CallOptions {
  url: string;
  token: string | undefined;
  profile: string;
  timeoutMs: number;
  method: 'GET' | 'POST';
  caller: string;
  comId: string;
  uuid?: string;
}

/** The body the platform sends: every field a string, fresh ids and times for each call. */
export function platformBody(
  caller: string,
  comId: string,
  uuid: string = randomUUID(),
): Record<string, string> {
  const now = Date.now();
  return {
    com_id: comId,
    dp_id: randomBytes(16).toString('hex'),
    dp_in_number: '1000',
    dp_ex_number: '31102380095',
    callee_number: '31102380095',
    caller_number: caller,
    uuid,
    phonebook_caller_name: '',
    event_time: String(now),
    call_start_time: String(now - 1500),
    rta_call_id: `${randomBytes(6).toString('hex')}-${randomBytes(6).toString('hex')}`,
    sip_call_id: randomBytes(10).toString('base64url').toLowerCase(),
  };
}

/** Places one call like the platform: one request, no retry, abandoned at the timeout. */
export async function placeCall(options: CallOptions): Promise<CallOutcome> {
  const url = new URL(options.url);
  if (options.token) url.searchParams.set('token', options.token);
  url.searchParams.set('profile', options.profile);
  const started = performance.now();
  try {
    const response = await fetch(url, {
      method: options.method,
      signal: AbortSignal.timeout(options.timeoutMs),
      ...(options.method === 'POST'
        ? {
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify(platformBody(options.caller, options.comId, options.uuid)),
          }
        : {}),
    });
    const answer = await response.text();
    const requestId = response.headers.get('x-amzn-requestid') ?? undefined;
    return {
      status: response.status,
      answer,
      latencyMs: performance.now() - started,
      ...(requestId ? { requestId } : {}),
    };
  } catch (error) {
    const timedOut = (error as Error).name === 'TimeoutError';
    return {
      status: timedOut ? 'timeout' : 'error',
      answer: timedOut ? '' : String((error as Error).cause ?? (error as Error).message),
      latencyMs: performance.now() - started,
    };
  }
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      caller: { type: 'string' },
      url: { type: 'string' },
      token: { type: 'string' },
      profile: { type: 'string', default: 'default' },
      timeout: { type: 'string', default: '2000' },
      get: { type: 'boolean', default: false },
      uuid: { type: 'string' },
      'com-id': { type: 'string' },
      repeat: { type: 'string', default: '1' },
    },
  });
  const state = readState();
  const url = values.url ?? state?.url;
  if (!url) throw new Error('no --url given and no `npm start` running: start it first or pass --url');
  const token = values.token ?? process.env.WEBHOOK_TOKEN ?? (values.url ? undefined : state?.webhookToken);
  const timeoutMs = Number(values.timeout);
  const repeat = Number(values.repeat);
  if (!Number.isInteger(timeoutMs) || timeoutMs < 1000 || timeoutMs > 10_000) {
    throw new Error('--timeout must be 1000 to 10000 ms, as in the belplan');
  }
  if (!Number.isInteger(repeat) || repeat < 1 || repeat > 100_000)
    throw new Error('--repeat must be 1 to 100000');
  if (!values.get && values.caller === undefined)
    throw new Error('--caller is required for a POST (use --caller "" for no number)');
  if (values.uuid && repeat > 1) console.warn('note: --uuid with --repeat sends the same call id each time');

  const options: CallOptions = {
    url,
    token,
    profile: values.profile,
    timeoutMs,
    method: values.get ? 'GET' : 'POST',
    caller: values.caller ?? '',
    comId: values['com-id'] ?? state?.comId ?? DEMO_COMPANY,
    ...(values.uuid ? { uuid: values.uuid } : {}),
  };
  const outcomes: CallOutcome[] = [];
  for (let i = 0; i < repeat; i++) {
    const outcome = await placeCall(options);
    outcomes.push(outcome);
    if (repeat === 1 || i < 5) {
      const shown =
        outcome.status === 'timeout' ? '(no answer: the belplan moves on)' : JSON.stringify(outcome.answer);
      console.log(`answer ${shown}  status ${outcome.status}  latency ${outcome.latencyMs.toFixed(1)} ms`);
    }
  }
  if (repeat > 1) {
    const latency = summarize(outcomes.map((outcome) => outcome.latencyMs));
    const byAnswer = new Map<string, number>();
    for (const outcome of outcomes) {
      const key = `${outcome.status} ${outcome.answer}`;
      byAnswer.set(key, (byAnswer.get(key) ?? 0) + 1);
    }
    console.log(
      `\n${repeat} calls: p50 ${latency.p50.toFixed(1)} ms, p90 ${latency.p90.toFixed(1)} ms, ` +
        `p99 ${latency.p99.toFixed(1)} ms, max ${latency.max.toFixed(1)} ms`,
    );
    for (const [key, count] of byAnswer) console.log(`  ${String(count).padStart(6)} × ${key}`);
  }
  const failed = outcomes.some((outcome) => outcome.status !== 200);
  process.exitCode = failed ? 1 : 0;
}

if (require.main === module) {
  main().catch((error: unknown) => {
    console.error(`npm run call: ${error instanceof Error ? error.message : error}`);
    process.exit(2);
  });
}
