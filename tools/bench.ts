/**
 * `npm run bench [-- --quick]`: the speed of the deployable bundle, each figure beside a
 * reference measured in the same run on the same machine, so ratios hold on a noisy one.
 * Writes bench-results/bench.json and bench-results/bench.md. Asserts nothing.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import { gzipSync } from 'node:zlib';
import { DynamoDBClient, UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import autocannon from 'autocannon';
import { build } from 'esbuild';
import { ENTRIES, esbuildOptions, PROJECT_ROOT } from '../infra/bundling';
import { sha256Hex } from '../lambda/auth';
import { parseConfig } from '../lambda/config';
import { CallerStore, createDynamoClient, recordCallInput } from '../lambda/store';
import { createWebhookHandler, type FunctionUrlHandler } from '../lambda/webhook';
import { ensureCallerTable, startDynalite } from '../local/dynamo';
import { spawnLocal } from '../local/spawn';
import { callBody, functionUrlEvent } from '../test/support/events';
import { startFakeDynamo } from '../test/support/fake-dynamo';
import { type Summary, summarize } from './stats';

const quick = process.argv.includes('--quick');
const RUNS = quick
  ? { cold: 3, warm: 200, deadline: 3, load: 500 }
  : { cold: 15, warm: 3000, deadline: 15, load: 10_000 };
const OUT_DIR = join(PROJECT_ROOT, 'bench-results');
const TOKEN = 'bench-token-0123456789abcdefghijklmnop';
const TABLE = 'bench-callers';
const COMPANY = '42f30becd4ea93edd284e059427b5ee0';
const NODE = process.execPath;

interface Row {
  metric: string;
  unit: string;
  value: Summary;
  reference?: { name: string; value: Summary };
  /** value.p50 / reference.p50 (or as the goal says). */
  ratio?: number;
  goal: string;
  met: boolean | undefined;
}

const rows: Row[] = [];

async function main(): Promise<void> {
  mkdirSync(OUT_DIR, { recursive: true });
  process.env.AWS_ACCESS_KEY_ID ??= 'bench';
  process.env.AWS_SECRET_ACCESS_KEY ??= 'bench';
  console.log(
    `npm run bench${quick ? ' --quick' : ''}: node ${process.version}, ${RUNS.cold} cold runs, ${RUNS.warm} warm calls`,
  );

  const bundle = await benchBundle();
  const dynamo = await startDynalite();
  const setup = createDynamoClient({ region: 'eu-west-1', endpoint: dynamo.endpoint, maxAttempts: 1 });
  await ensureCallerTable(setup, TABLE);
  setup.destroy();
  const env = {
    TABLE_NAME: TABLE,
    AWS_REGION: 'eu-west-1',
    AWS_ENDPOINT_URL_DYNAMODB: dynamo.endpoint,
    WEBHOOK_TOKEN_SHA256: sha256Hex(TOKEN),
  };
  try {
    await benchCold(bundle, env);
    await benchWarm(bundle, env);
  } finally {
    await dynamo.close();
  }
  await benchDeadline();
  await benchLoad();
  report();
}

function event(caller = `06${String(10_000_000 + Math.floor(Math.random() * 89_999_999))}`) {
  return functionUrlEvent({
    body: callBody({ com_id: COMPANY, caller_number: caller, uuid: randomUUID() }),
    headers: { 'content-type': 'application/json' },
    query: { token: TOKEN },
  });
}

/** 1. The deployable bundle, built with the stack's own esbuild options, against a bundle with the full SDK credential chain. */
async function benchBundle(): Promise<string> {
  const outfile = join(OUT_DIR, 'webhook', 'index.mjs');
  await build(esbuildOptions(ENTRIES.webhook, outfile));
  const plainFile = join(OUT_DIR, 'webhook-plain-sdk', 'index.mjs');
  await build({ ...esbuildOptions(ENTRIES.webhook, plainFile), alias: {} });
  const size = (file: string) => {
    const bytes = readFileSync(file);
    return { bytes: bytes.length, gzip: gzipSync(bytes).length };
  };
  const deployed = size(outfile);
  const plain = size(plainFile);
  const one = (value: number): Summary => ({ count: 1, p50: value, p90: value, p99: value, max: value });
  const reference = 'same bundle, default credential chain';
  compared(
    'bundle, minified',
    'KiB',
    one(deployed.bytes / 1024),
    { name: reference, value: one(plain.bytes / 1024) },
    {
      goal: '≤ 160 KiB',
      met: deployed.bytes <= 160 * 1024,
    },
  );
  compared('bundle, gzip', 'KiB', one(deployed.gzip / 1024), {
    name: reference,
    value: one(plain.gzip / 1024),
  });
  return outfile;
}

/**
 * Runs `node args…` and resolves with the wall time until it printed its BENCH line, and that
 * line. Children get a bare environment, as Lambda gives its runtime: a variable such as
 * NODE_EXTRA_CA_CERTS (set on some machines) alone adds ~60 ms to every node start.
 */
function timeProcess(
  args: string[],
  env: Record<string, string> = {},
): Promise<{ wallMs: number; data: Record<string, unknown> }> {
  return new Promise((resolvePromise, reject) => {
    const started = performance.now();
    const child: ChildProcess = spawn(NODE, args, {
      env: {
        PATH: process.env.PATH ?? '',
        AWS_ACCESS_KEY_ID: 'bench',
        AWS_SECRET_ACCESS_KEY: 'bench',
        ...env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    let done = false;
    child.stdout?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const line = /^BENCH (.*)$/m.exec(output)?.[1];
      if (line && !done) {
        done = true;
        resolvePromise({
          wallMs: performance.now() - started,
          data: JSON.parse(line) as Record<string, unknown>,
        });
      }
    });
    child.on('exit', (code) => {
      if (!done) {
        if (args.length === 2 && args[0] === '-e' && code === 0)
          resolvePromise({ wallMs: performance.now() - started, data: {} });
        else reject(new Error(`node ${args.join(' ')} exited ${code} without a result:\n${output}`));
      }
    });
  });
}

/** 2. A fresh process answering one webhook, against a fresh process sending one raw request (the floor). */
async function benchCold(bundle: string, env: Record<string, string>): Promise<void> {
  const empty: number[] = [];
  const raw: number[] = [];
  const cold: number[] = [];
  const start: number[] = [];
  const imports: number[] = [];
  const invokes: number[] = [];
  const runner = resolve(__dirname, 'bench/cold-answer.mjs');
  const rawRunner = resolve(__dirname, 'bench/raw-request.mjs');
  for (let i = 0; i < RUNS.cold + 1; i++) {
    const e = await timeProcess(['-e', '']);
    const r = await timeProcess([rawRunner, env.AWS_ENDPOINT_URL_DYNAMODB as string, TABLE]);
    const c = await timeProcess([runner, pathToFileURL(bundle).href], {
      ...env,
      BENCH_EVENT: JSON.stringify(event()),
    });
    if (c.data.status !== 200 || c.data.body !== 'default')
      throw new Error(`cold answer was ${JSON.stringify(c.data)}`);
    if (i === 0) continue; // the first round warms the page cache
    empty.push(e.wallMs);
    raw.push(r.wallMs);
    cold.push(c.wallMs);
    start.push(c.data.startMs as number);
    imports.push(c.data.importMs as number);
    invokes.push(c.data.invokeMs as number);
  }
  const ratio = summarize(cold).p50 / summarize(raw).p50;
  compared(
    'cold answer (fresh node, import bundle, answer one webhook)',
    'ms',
    summarize(cold),
    { name: 'fresh node, one raw HTTP UpdateItem', value: summarize(raw) },
    { goal: 'ratio ≤ 1.3', met: ratio <= 1.3 },
  );
  measured('  split: process start (node -e "")', 'ms', summarize(empty));
  measured('  split: start until the runner ran', 'ms', summarize(start));
  measured('  split: import of the bundle', 'ms', summarize(imports));
  measured('  split: first invocation', 'ms', summarize(invokes));
}

/**
 * 3. The handler warm, in-process, against the bare SDK sending the very UpdateItem the
 * store sends, on the same endpoint, interleaved: the ratio is everything but the request.
 */
async function benchWarm(bundle: string, env: Record<string, string>): Promise<void> {
  Object.assign(process.env, env);
  const { handler } = (await import(pathToFileURL(bundle).href)) as { handler: FunctionUrlHandler };
  const client = new DynamoDBClient({
    region: 'eu-west-1',
    endpoint: env.AWS_ENDPOINT_URL_DYNAMODB as string,
  });
  const [log, warn] = [console.log, console.warn];
  console.log = () => undefined;
  console.warn = () => undefined;
  const viaHandler: number[] = [];
  const viaSdk: number[] = [];
  try {
    for (let i = 0; i < RUNS.warm + 50; i++) {
      const caller = `061${String(i % 500).padStart(7, '0')}`;
      const e = event(caller);
      let t = performance.now();
      const result = await handler(e);
      const handlerMs = performance.now() - t;
      t = performance.now();
      const input = recordCallInput(
        { tableName: TABLE, retentionDays: 400 },
        { comId: COMPANY, callerKey: `raw-${caller}`, uuid: randomUUID(), nowMs: Date.now() },
      );
      await client.send(new UpdateItemCommand(input));
      const sdkMs = performance.now() - t;
      if (result.statusCode !== 200) throw new Error(`warm answer was ${result.statusCode}`);
      if (i < 50) continue;
      viaHandler.push(handlerMs);
      viaSdk.push(sdkMs);
    }
  } finally {
    console.log = log;
    console.warn = warn;
    client.destroy();
  }
  const ratio = summarize(viaHandler).p50 / summarize(viaSdk).p50;
  compared(
    'warm path (handler, in-process)',
    'ms',
    summarize(viaHandler),
    { name: 'bare SDK, the same UpdateItem', value: summarize(viaSdk) },
    { goal: 'ratio ≤ 1.1 at p50', met: ratio <= 1.1 },
  );
}

/** 4. Time to the fallback when DynamoDB hangs, against the budget (belplan timeout less margin). */
async function benchDeadline(): Promise<void> {
  const hang = await startFakeDynamo('hang');
  const config = parseConfig({
    TABLE_NAME: TABLE,
    AWS_ENDPOINT_URL_DYNAMODB: hang.endpoint,
    WEBHOOK_TOKEN_SHA256: sha256Hex(TOKEN),
    BELPLAN_TIMEOUT_MS: '1000',
    SAFETY_MARGIN_MS: '500',
  });
  const client = createDynamoClient({ region: 'eu-west-1', endpoint: hang.endpoint, maxAttempts: 2 });
  const handler = createWebhookHandler({
    config,
    store: new CallerStore(client, { tableName: TABLE, retentionDays: 1 }),
    log: () => undefined,
  });
  const budgetMs = config.belplanTimeoutMs - config.safetyMarginMs;
  const overBudget: number[] = [];
  const answers: number[] = [];
  for (let i = 0; i < RUNS.deadline; i++) {
    const started = performance.now();
    const result = await handler(event());
    const ms = performance.now() - started;
    if (result.body !== 'default') throw new Error('the deadline answer was not the fallback');
    answers.push(ms);
    overBudget.push(ms - budgetMs);
  }
  client.destroy();
  await hang.close();
  const worst = Math.max(...overBudget);
  rows.push({
    metric: `deadline: fallback when DynamoDB hangs (budget ${budgetMs} ms)`,
    unit: 'ms',
    value: summarize(answers),
    goal: `≤ budget + 20 ms (worst ${worst >= 0 ? '+' : ''}${worst.toFixed(1)} ms)`,
    met: worst <= 20,
  });
}

/** 5. The local Function URL (a separate process) under 50 concurrent callers. */
async function benchLoad(): Promise<void> {
  const dataDir = mkdtempSync(join(tmpdir(), 'callvoip-bench-'));
  const server = await spawnLocal(
    { LOCAL_DATA_DIR: dataDir, WEBHOOK_TOKEN: TOKEN, AWS_ENDPOINT_URL_DYNAMODB: '' },
    ['--in-memory'],
  );
  try {
    const url = new URL(server.url);
    url.searchParams.set('token', TOKEN);
    let n = 0;
    const result = await autocannon({
      url: url.href,
      connections: 50,
      amount: RUNS.load,
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      requests: [
        {
          setupRequest: (request) => ({
            ...request,
            body: callBody({
              com_id: COMPANY,
              caller_number: `062${String(n++ % 2000).padStart(7, '0')}`,
              uuid: randomUUID(),
            }),
          }),
        },
      ],
    });
    const latency: Summary = {
      count: result.requests.total,
      p50: result.latency.p50,
      p90: result.latency.p90,
      p99: result.latency.p99,
      max: result.latency.max,
    };
    const failures = result.errors + result.timeouts + result.non2xx;
    const fallbacks = server.output().match(/fallback:/g)?.length ?? 0;
    rows.push({
      metric: `load: local URL, 50 callers, ${RUNS.load} requests (${(result.requests.total / result.duration).toFixed(0)} req/s, ${fallbacks} fallbacks)`,
      unit: 'ms',
      value: latency,
      goal: `0 errors (${failures})`,
      met: failures === 0,
    });
  } finally {
    await server.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

/** A figure beside its reference measured in the same run; the ratio is of the medians. */
function compared(
  metric: string,
  unit: string,
  value: Summary,
  reference: { name: string; value: Summary },
  goal: { goal: string; met: boolean | undefined } = { goal: '—', met: undefined },
): void {
  rows.push({
    metric,
    unit,
    value,
    reference,
    ratio: value.p50 / reference.value.p50,
    goal: goal.goal,
    met: goal.met,
  });
}

/** A figure without a reference or goal: a part of another figure. */
function measured(metric: string, unit: string, value: Summary): void {
  rows.push({ metric, unit, value, goal: '—', met: undefined });
}

function report(): void {
  const f = (n: number | undefined) => (n === undefined || Number.isNaN(n) ? '' : n.toFixed(1));
  const header = ['metric', 'unit', 'p50', 'p99', 'reference', 'ref p50', 'ratio', 'goal', 'met'];
  const table = rows.map((row) => [
    row.metric,
    row.unit,
    f(row.value.p50),
    f(row.value.p99),
    row.reference?.name ?? '',
    f(row.reference?.value.p50),
    row.ratio === undefined ? '' : row.ratio.toFixed(2),
    row.goal,
    row.met === undefined ? '' : row.met ? 'yes' : 'NO',
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...table.map((r) => (r[i] as string).length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i] as number)).join('  ');
  console.log(`\n${line(header)}\n${widths.map((w) => '-'.repeat(w)).join('  ')}`);
  for (const r of table) console.log(line(r));
  const markdown = [
    `| ${header.join(' | ')} |`,
    `|${header.map(() => '---').join('|')}|`,
    ...table.map((r) => `| ${r.join(' | ')} |`),
  ].join('\n');
  const context = { date: new Date().toISOString(), node: process.version, quick, runs: RUNS };
  writeFileSync(join(OUT_DIR, 'bench.json'), `${JSON.stringify({ ...context, rows }, null, 2)}\n`);
  writeFileSync(
    join(OUT_DIR, 'bench.md'),
    `Measured ${context.date} on node ${context.node}${quick ? ' (quick)' : ''}\n\n${markdown}\n`,
  );
  console.log(`\nwritten: bench-results/bench.json, bench-results/bench.md`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
