/**
 * The webhook as a measure target on this machine: the bundle built now with the stack's own
 * esbuild options, configured from the deployment settings (cdk.json's context and `-c`
 * overrides, as `cdk deploy` would set the function's environment), run under Lambda's
 * runtime interface client on Lambda's Node.js major against dynalite behind a TLS front
 * (HTTPS, as DynamoDB is in AWS). A cold start is a new process; its REPORT line is made the
 * way Lambda makes it: Init Duration from the spawn to the runtime's first `/next`, Duration
 * from handing over the event to the answer, Max Memory Used from the process's peak RSS.
 * What it cannot show: the CPU share of the function's memory size (a process here gets the
 * machine's cores), the Function URL's front door and the network to DynamoDB.
 */
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { build } from 'esbuild';
import { ENTRIES, esbuildOptions, PROJECT_ROOT } from '../../bundle/options';
import { readSettings } from '../../infra/settings';
import { DEFAULTS } from '../../lambda/config';
import { sha256Hex } from '../../lambda/http/access';
import { createDynamoClient } from '../../lambda/store/client';
import { ensureCallerTable, type LocalDynamo, startDynalite, useLocalCredentials } from '../../local/dynamo';
import { callBody, functionUrlEvent } from '../../local/events';
import { LAMBDA_NODE_MAJOR, lambdaNode } from '../../local/lambda-node';
import { type RicProcess, runtimeClientProblem, startUnderRic } from '../../local/ric';
import { startRuntimeApi } from '../../local/runtime-api';
import { startTlsFront, type TlsFront } from '../../local/tls-front';
import { CliError } from '../cli';
import type { Report } from '../report-lines';
import type { MeasuredCall, MeasureTarget } from './target';

export interface LocalTargetOptions {
  /** CDK context overrides (`-c key=value`), on top of cdk.json's context. */
  context: Record<string, string>;
  caller: string;
  comId: string;
  profile: string;
}

const TABLE = 'measure-callers';
const TOKEN = `measure-${randomUUID()}`;

/** Builds the bundle, starts the store, and returns a target whose first call is cold. */
export async function localTarget(options: LocalTargetOptions): Promise<MeasureTarget> {
  const problem = runtimeClientProblem();
  if (problem) throw new CliError(`--local runs the bundle under Lambda's runtime client, but ${problem}`);
  const settings = readSettings({
    ...deploymentContext(),
    ...options.context,
    // The deployed digest's token is not known here: this run has its own.
    webhookTokenSha256: sha256Hex(TOKEN),
  });
  const folder = await mkdtemp(join(tmpdir(), 'callvoip-measure-'));
  await build(esbuildOptions(ENTRIES.webhook, join(folder, 'index.mjs')));
  useLocalCredentials();
  const dynamo = await startDynalite();
  let front: TlsFront | undefined;
  try {
    const setup = createDynamoClient({ region: DEFAULTS.region, endpoint: dynamo.endpoint, maxAttempts: 1 });
    await ensureCallerTable(setup, TABLE);
    setup.destroy();
    front = await startTlsFront(dynamo.port);
  } catch (error) {
    await dynamo.close();
    throw error;
  }
  return new LocalTarget(options, {
    folder,
    dynamo,
    front,
    node: await lambdaNode(),
    memoryMb: settings.memoryMb,
    belplanTimeoutMs: settings.webhook.belplanTimeoutMs,
    env: {
      ...settings.webhookEnvironment,
      TABLE_NAME: TABLE,
      AWS_REGION: DEFAULTS.region,
      AWS_ENDPOINT_URL_DYNAMODB: front.endpoint,
      NODE_EXTRA_CA_CERTS: front.caFile,
    },
  });
}

interface LocalParts {
  folder: string;
  dynamo: LocalDynamo;
  front: TlsFront;
  node: string;
  memoryMb: number;
  belplanTimeoutMs: number;
  env: Record<string, string>;
}

class LocalTarget implements MeasureTarget {
  readonly description: string;
  readonly belplanTimeoutMs: number;
  private process: RicProcess | undefined;
  /** Set by `forceCold`, taken by the next call: the process's INIT, still to be reported. */
  private pendingInitMs: Promise<number> | undefined;
  private readonly reportsById = new Map<string, Report>();

  constructor(
    private readonly options: LocalTargetOptions,
    private readonly parts: LocalParts,
  ) {
    this.belplanTimeoutMs = parts.belplanTimeoutMs;
    this.description =
      `the bundle built now, under aws-lambda-ric on Node.js ${LAMBDA_NODE_MAJOR} here, against dynalite over ` +
      `HTTPS; each cold start a new process. Settings from cdk.json and -c; memory ${parts.memoryMb} MB is ` +
      "reported, not enforced: this machine's CPU, no URL front door, no network";
  }

  async forceCold(): Promise<void> {
    await this.stopProcess();
    const runtimeApi = await startRuntimeApi();
    const process = await startUnderRic({
      bundleDir: this.parts.folder,
      env: this.parts.env,
      node: this.parts.node,
      runtimeApi,
      memorySizeMb: this.parts.memoryMb,
      functionName: 'measure-webhook',
    });
    this.process = process;
    this.pendingInitMs = runtimeApi.firstNextAtMs().then((atMs) => atMs - process.spawnedAtMs);
    // An INIT that fails is reported by the call that waits for it.
    this.pendingInitMs.catch(() => undefined);
  }

  async call(): Promise<MeasuredCall> {
    if (!this.process) await this.forceCold();
    const running = this.process as RicProcess;
    const event = functionUrlEvent({
      body: callBody({ com_id: this.options.comId, caller_number: this.options.caller, uuid: randomUUID() }),
      headers: { 'content-type': 'application/json' },
      query: { token: TOKEN, profile: this.options.profile },
    });
    const initMs = this.pendingInitMs;
    this.pendingInitMs = undefined;
    // A cold call waits from the spawn, as the platform waits for a new environment.
    const startedAtMs = initMs === undefined ? performance.now() : running.spawnedAtMs;
    const invocation = await running.invoke(event, { timeoutMs: this.belplanTimeoutMs });
    const result = invocation.result as { statusCode?: number; body?: string } | undefined;
    const durationMs = invocation.respondedAtMs - invocation.nextAtMs;
    this.reportsById.set(invocation.requestId, {
      requestId: invocation.requestId,
      durationMs,
      billedDurationMs: Math.ceil(durationMs),
      memorySizeMb: this.parts.memoryMb,
      maxMemoryUsedMb: peakRssMb(running.child.pid),
      ...(initMs === undefined ? {} : { initDurationMs: await initMs }),
    });
    return {
      requestId: invocation.requestId,
      latencyMs: invocation.respondedAtMs - startedAtMs,
      status: invocation.error
        ? `function error: ${invocation.error.errorType}`
        : (result?.statusCode ?? 'no status'),
      answer: result?.body ?? '',
    };
  }

  async reports(calls: MeasuredCall[]): Promise<Map<string, Report>> {
    const found = new Map<string, Report>();
    for (const { requestId } of calls) {
      const report = requestId ? this.reportsById.get(requestId) : undefined;
      if (report) found.set(report.requestId, report);
    }
    return found;
  }

  async restore(): Promise<void> {
    await this.stopProcess();
    await this.parts.front.close();
    await this.parts.dynamo.close();
    await rm(this.parts.folder, { recursive: true, force: true });
  }

  private async stopProcess(): Promise<void> {
    await this.process?.stop();
    await this.process?.runtimeApi.close();
    this.process = undefined;
  }
}

/** cdk.json's context: the deployment settings as `cdk deploy` reads them. */
function deploymentContext(): Record<string, unknown> {
  const cdkJson = JSON.parse(readFileSync(join(PROJECT_ROOT, 'cdk.json'), 'utf8')) as {
    context?: Record<string, unknown>;
  };
  return cdkJson.context ?? {};
}

/** The process's peak resident memory in MB, as Lambda's Max Memory Used; NaN where /proc is missing. */
function peakRssMb(pid: number | undefined): number {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kib = Number(/^VmHWM:\s+(\d+) kB/m.exec(status)?.[1]);
    return Math.ceil(kib / 1024);
  } catch {
    return Number.NaN;
  }
}
