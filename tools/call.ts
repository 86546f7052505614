/**
 * `npm run call`: plays the Callvoip platform. Sends the POST a Webhook app sends for an
 * incoming call (or a GET), gives up after the belplan timeout as the platform does, and
 * prints the answer, the status and the latency. Without --url and --token it calls what
 * `npm start` last started (in LOCAL_DATA_DIR or `.local-data/`).
 */
import { DEMO_COMPANY } from '../local/demo';
import { platformCall } from '../local/events';
import { readState } from '../local/state';
import { CliError, isNotListening, notRunning, program, runTool, wholeNumber } from './cli';
import { summarize } from './stats';

/** One platform request and what came of it. */
export interface CallOutcome {
  status: number | 'timeout' | 'error';
  answer: string;
  latencyMs: number;
  /** Lambda's request id, from the Function URL's `x-amzn-requestid` header. */
  requestId?: string;
  /** Why a request got no HTTP answer at all. */
  error?: unknown;
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

/** Places one call like the platform: one request, no retry, abandoned at the timeout. */
export async function placeCall(options: CallOptions): Promise<CallOutcome> {
  const url = new URL(options.url);
  if (options.token) url.searchParams.set('token', options.token);
  url.searchParams.set('profile', options.profile);
  const fields = {
    caller_number: options.caller,
    com_id: options.comId,
    ...(options.uuid ? { uuid: options.uuid } : {}),
  };
  const started = performance.now();
  try {
    const response = await fetch(url, {
      method: options.method,
      signal: AbortSignal.timeout(options.timeoutMs),
      ...(options.method === 'POST'
        ? { headers: { 'content-type': 'application/json' }, body: JSON.stringify(platformCall(fields)) }
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
      error,
    };
  }
}

interface CallFlags {
  caller?: string;
  url?: string;
  token?: string;
  profile: string;
  timeout: number;
  get?: boolean;
  uuid?: string;
  comId?: string;
  repeat: number;
}

export async function main(argv: string[]): Promise<void> {
  const flags = program({
    script: 'call',
    usage: '--caller NUMBER [--profile P] [--url URL --token T] [options]',
    description: "Play the Callvoip platform: send a Webhook app's call and print the answer.",
    examples: [
      'npm run call -- --caller 0201234567',
      "npm run call -- --caller '+31 6 12345678' --profile vip --repeat 100",
      'npm run call -- --url https://<id>.lambda-url.eu-west-1.on.aws/ --token <token> --caller 31152026057',
    ],
  })
    .option('--caller <number>', 'caller_number to send ("" for none, "anonymous" for a withheld number)')
    .option('--profile <name>', 'the profile named in the URL', 'default')
    .option('--url <url>', "the webhook's URL (default: what `npm start` runs)")
    .option('--token <token>', 'the webhook token (default: the local one, or WEBHOOK_TOKEN)')
    .option(
      '--timeout <ms>',
      'give up after this long, as the belplan does',
      wholeNumber('--timeout', 1000, 10_000),
      2000,
    )
    .option('--get', 'send a GET without call data, as a Webhook app set to GET does')
    .option('--uuid <id>', 'the call id (default: a fresh one per call)')
    .option('--com-id <id>', 'com_id to send (default: the demo company)')
    .option(
      '--repeat <n>',
      'place this many calls, one after the other',
      wholeNumber('--repeat', 1, 100_000),
      1,
    )
    .parse(argv, { from: 'user' })
    .opts<CallFlags>();

  const state = flags.url ? undefined : readState();
  const url = flags.url ?? state?.url;
  if (!url)
    throw new CliError('no --url given and no `npm start` found: start it with `npm start`, or pass --url');
  if (!flags.get && flags.caller === undefined) {
    throw new CliError('--caller is required for a POST (use --caller "" for no number)');
  }
  if (flags.uuid && flags.repeat > 1)
    console.warn('note: --uuid with --repeat sends the same call id each time');
  const options: CallOptions = {
    url,
    token: flags.token ?? process.env.WEBHOOK_TOKEN ?? state?.webhookToken,
    profile: flags.profile,
    timeoutMs: flags.timeout,
    method: flags.get ? 'GET' : 'POST',
    caller: flags.caller ?? '',
    comId: flags.comId ?? state?.comId ?? DEMO_COMPANY,
    ...(flags.uuid ? { uuid: flags.uuid } : {}),
  };
  const outcomes: CallOutcome[] = [];
  for (let i = 0; i < flags.repeat; i++) {
    const outcome = await placeCall(options);
    if (outcome.status === 'error' && isNotListening(outcome.error)) throw notRunning(url);
    outcomes.push(outcome);
    if (flags.repeat === 1 || i < 5) console.log(describeOutcome(outcome));
  }
  if (flags.repeat > 1) console.log(summary(outcomes));
  process.exitCode = outcomes.some((outcome) => outcome.status !== 200) ? 1 : 0;
}

function describeOutcome(outcome: CallOutcome): string {
  const shown =
    outcome.status === 'timeout' ? '(no answer: the belplan moves on)' : JSON.stringify(outcome.answer);
  return `answer ${shown}  status ${outcome.status}  latency ${outcome.latencyMs.toFixed(1)} ms`;
}

function summary(outcomes: CallOutcome[]): string {
  const latency = summarize(outcomes.map((outcome) => outcome.latencyMs));
  const byAnswer = new Map<string, number>();
  for (const outcome of outcomes) {
    const key = `${outcome.status} ${outcome.answer}`;
    byAnswer.set(key, (byAnswer.get(key) ?? 0) + 1);
  }
  const lines = [
    `\n${outcomes.length} calls: p50 ${latency.p50.toFixed(1)} ms, p90 ${latency.p90.toFixed(1)} ms, ` +
      `p99 ${latency.p99.toFixed(1)} ms, max ${latency.max.toFixed(1)} ms`,
  ];
  for (const [key, count] of byAnswer) lines.push(`  ${String(count).padStart(6)} × ${key}`);
  return lines.join('\n');
}

if (require.main === module) runTool('call', main);
