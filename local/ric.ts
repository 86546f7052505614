/**
 * The deployable bundle run as Lambda runs it: Lambda's own runtime interface client (the npm
 * package `aws-lambda-ric`, installed on first use) on the Lambda's Node.js major, in a process
 * with a bare environment, against a local Runtime API. For the contract tests and the bench's
 * cold starts.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { accessSync, constants, existsSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { INSTALL_CACHE, installCached } from './cached-install';
import { lambdaNode } from './lambda-node';
import { type Invocation, type InvokeOptions, type RuntimeApi, startRuntimeApi } from './runtime-api';

const RIC_VERSION = '4.0.2';
/** How much of the process's output an error about it quotes. */
const OUTPUT_TAIL_CHARS = 4000;
const DEFAULT_LOG_WAIT_MS = 5000;

const RIC_SLOT = `aws-lambda-ric-${RIC_VERSION}`;
/** What the client's install scripts build curl and aws-lambda-cpp with. */
const BUILD_TOOLS = ['cmake', 'g++', 'make', 'python3'];

/**
 * Why the runtime interface client cannot be had on this machine, or undefined when it can: it
 * is installed already, or its install can build it (Linux with the build tools on the PATH).
 * Its install scripts skip the build on macOS, where it cannot run at all.
 */
export function runtimeClientProblem({
  platform = process.platform,
  path = process.env.PATH ?? '',
  installed = existsSync(join(INSTALL_CACHE, RIC_SLOT, '.installed')),
}: {
  platform?: NodeJS.Platform;
  path?: string;
  installed?: boolean;
} = {}): string | undefined {
  if (installed) return undefined;
  if (platform !== 'linux') {
    return `aws-lambda-ric ${RIC_VERSION} builds only on Linux (its install skips the build on ${platform}): run these tests on Linux or in CI`;
  }
  const missing = BUILD_TOOLS.filter((tool) => !onPath(tool, path));
  if (missing.length === 0) return undefined;
  return (
    `aws-lambda-ric ${RIC_VERSION} is built from source on first use and needs ${BUILD_TOOLS.join(', ')}; ` +
    `missing: ${missing.join(', ')} (Debian/Ubuntu: sudo apt-get install -y ${BUILD_TOOLS.join(' ')})`
  );
}

function onPath(command: string, path: string): boolean {
  return path.split(delimiter).some((folder) => {
    try {
      accessSync(join(folder, command), constants.X_OK);
      return true;
    } catch {
      return false;
    }
  });
}

/** The path of the runtime interface client's `index.mjs`, installed on first use (minutes: a native addon). */
export async function lambdaRuntimeClient(): Promise<string> {
  const folder = await installCached(`aws-lambda-ric@${RIC_VERSION}`, RIC_SLOT);
  return join(folder, 'node_modules', 'aws-lambda-ric', 'index.mjs');
}

export interface RicOptions {
  /** The folder holding the bundle's `index.mjs` (the function's code, `LAMBDA_TASK_ROOT`). */
  bundleDir: string;
  /** The function's own environment: its configuration, region, credentials, endpoint. */
  env: Record<string, string>;
  /** The Node.js binary; Lambda's major (`lambdaNode()`) unless given. */
  node?: string;
  /**
   * The Runtime API to serve, e.g. one started ahead with an event queued, so the process finds
   * work waiting as an on-demand cold start does; a fresh one, closed by `stop()`, unless given.
   * It serves this process only: once the process ends, what still waits on it is rejected.
   */
  runtimeApi?: RuntimeApi;
  functionName?: string;
  memorySizeMb?: number;
}

/** A bundle running under the runtime interface client. */
export interface RicProcess {
  runtimeApi: RuntimeApi;
  child: ChildProcess;
  /** `performance.now()` just before the process was spawned: INIT is `firstNextAtMs() - spawnedAtMs`. */
  spawnedAtMs: number;
  /** Invokes the function once through the Runtime API. */
  invoke(event: unknown, options?: InvokeOptions): Promise<Invocation>;
  /** Each line the process wrote (stdout and stderr, as they arrived), parsed where it is JSON, else the text. */
  logLines(): unknown[];
  /**
   * The first line (parsed as in `logLines`) that `matches`, written already or within `timeoutMs`:
   * a line the handler logged may arrive after the invocation's answer (two pipes, no order).
   */
  waitForLogLine(matches: (line: unknown) => boolean, timeoutMs?: number): Promise<unknown>;
  /** Everything the process wrote, for error messages. */
  output(): string;
  /** Resolves with the exit code once the process has ended. */
  exited(): Promise<number | null>;
  /** Kills the process (Lambda freezes or kills it, it never exits on its own) and closes its own Runtime API. */
  stop(): Promise<void>;
}

/** Spawns the bundle in `bundleDir` under the runtime interface client, as Lambda starts an execution environment. */
export async function startUnderRic(options: RicOptions): Promise<RicProcess> {
  const [ric, node] = await Promise.all([lambdaRuntimeClient(), options.node ?? lambdaNode()]);
  const ownsApi = options.runtimeApi === undefined;
  const runtimeApi = options.runtimeApi ?? (await startRuntimeApi());
  const spawnedAtMs = performance.now();
  const child = spawn(node, [ric, 'index.handler'], {
    cwd: options.bundleDir,
    env: lambdaEnvironment(options, runtimeApi.address),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output = collectOutput(child);
  // 'close' comes after the last output; a runtime that is gone answers nothing, so whoever
  // waits for it learns why at once.
  const exit = new Promise<number | null>((resolve) => {
    child.once('close', (code, signal) => {
      const tail = output.text().slice(-OUTPUT_TAIL_CHARS);
      runtimeApi.abandon(new Error(`the runtime exited (${signal ?? `code ${code}`}):\n${tail}`));
      resolve(code);
    });
    child.once('error', (error) => {
      runtimeApi.abandon(error);
      resolve(null);
    });
  });
  return {
    runtimeApi,
    child,
    spawnedAtMs,
    invoke: (event, invokeOptions) => runtimeApi.invoke(event, invokeOptions),
    logLines: () => output.lines.map(parseLine),
    waitForLogLine: (matches, timeoutMs = DEFAULT_LOG_WAIT_MS) => output.waitFor(matches, timeoutMs),
    output: output.text,
    exited: () => exit,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await exit;
      if (ownsApi) await runtimeApi.close();
    },
  };
}

/** What Lambda puts in a function's environment, the function's own keys on top, and nothing of this machine's. */
function lambdaEnvironment(options: RicOptions, runtimeApiAddress: string): Record<string, string> {
  const functionName = options.functionName ?? 'local-function';
  const region = options.env.AWS_REGION ?? 'eu-west-1';
  return {
    PATH: process.env.PATH ?? '/usr/local/bin:/usr/bin:/bin',
    LANG: 'en_US.UTF-8',
    TZ: ':UTC',
    AWS_EXECUTION_ENV: 'AWS_Lambda_nodejs24.x',
    AWS_LAMBDA_RUNTIME_API: runtimeApiAddress,
    _HANDLER: 'index.handler',
    LAMBDA_TASK_ROOT: options.bundleDir,
    AWS_LAMBDA_FUNCTION_NAME: functionName,
    AWS_LAMBDA_FUNCTION_VERSION: '$LATEST',
    AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(options.memorySizeMb ?? 1024),
    AWS_LAMBDA_INITIALIZATION_TYPE: 'on-demand',
    AWS_LAMBDA_LOG_GROUP_NAME: `/aws/lambda/${functionName}`,
    AWS_LAMBDA_LOG_STREAM_NAME: '2026/01/01/[$LATEST]0123456789abcdef0123456789abcdef',
    AWS_LAMBDA_LOG_FORMAT: 'JSON',
    AWS_REGION: region,
    AWS_DEFAULT_REGION: region,
    AWS_ACCESS_KEY_ID: 'local',
    AWS_SECRET_ACCESS_KEY: 'local',
    ...options.env,
  };
}

/**
 * The process's output: all its text, and its lines as they arrive. A line ends at "\n" only:
 * the client writes a multi-line message as one line with "\r" in place of each "\n".
 */
function collectOutput(child: ChildProcess) {
  const lines: string[] = [];
  const watchers = new Set<(line: unknown) => void>();
  let text = '';
  for (const stream of [child.stdout, child.stderr]) {
    let partial = '';
    stream?.setEncoding('utf8');
    stream?.on('data', (chunk: string) => {
      text += chunk;
      const complete = (partial + chunk).split('\n');
      partial = complete.pop() ?? '';
      for (const line of complete) {
        lines.push(line);
        for (const watcher of watchers) watcher(parseLine(line));
      }
    });
  }
  const waitFor = (matches: (line: unknown) => boolean, timeoutMs: number) =>
    new Promise<unknown>((resolve, reject) => {
      const written = lines.map(parseLine).find(matches);
      if (written !== undefined) return resolve(written);
      const timer = setTimeout(() => {
        watchers.delete(watcher);
        reject(
          new Error(`no matching log line in ${timeoutMs} ms; output:\n${text.slice(-OUTPUT_TAIL_CHARS)}`),
        );
      }, timeoutMs);
      const watcher = (line: unknown) => {
        if (!matches(line)) return;
        clearTimeout(timer);
        watchers.delete(watcher);
        resolve(line);
      };
      watchers.add(watcher);
    });
  return { lines, text: () => text, waitFor };
}

function parseLine(line: string): unknown {
  try {
    return JSON.parse(line);
  } catch {
    return line;
  }
}
