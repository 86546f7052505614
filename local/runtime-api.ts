/**
 * A local Lambda Runtime API (https://docs.aws.amazon.com/lambda/latest/dg/runtimes-api.html):
 * what the platform serves to the runtime interface client inside an execution environment.
 * The tests and the bench run the deployable bundle under the real client against it, and
 * time a cold start the way Lambda's REPORT line splits it: INIT ends when the runtime first
 * asks for work; an invocation lasts from handing over the event to receiving the answer.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';

/** The error document a runtime posts to `/init/error` or `/invocation/{id}/error`. */
export interface RuntimeError {
  errorType: string;
  errorMessage: string;
  stackTrace?: string[];
}

/** One invocation as the platform saw it; times are `performance.now()` of this process. */
export interface Invocation {
  requestId: string;
  /** The `Lambda-Runtime-Deadline-Ms` header the runtime got (epoch ms). */
  deadlineEpochMs: number;
  /** The handler's result, when the runtime posted a response. */
  result?: unknown;
  /** What the runtime posted to `/error` instead. */
  error?: RuntimeError;
  /** When the runtime received the event (its `/next` was answered). */
  nextAtMs: number;
  /** When the runtime's response or error had arrived in full. */
  respondedAtMs: number;
}

export interface InvokeOptions {
  /** The function's timeout: the deadline is this long after the runtime receives the event. */
  timeoutMs?: number;
}

/** A running local Runtime API. */
export interface RuntimeApi {
  /** `127.0.0.1:port`, the value of `AWS_LAMBDA_RUNTIME_API`. */
  address: string;
  /** Queues one event; resolves once the runtime answered it (a response or an error). */
  invoke(event: unknown, options?: InvokeOptions): Promise<Invocation>;
  /** When the runtime first asked for work, i.e. INIT ended; rejects if INIT failed. */
  firstNextAtMs(): Promise<number>;
  /**
   * The error INIT reported to `/init/error`; undefined once the runtime asked for work instead.
   * A runtime abandoned before either (its process died) gives errorType `Runtime.Abandoned`.
   */
  initError(): Promise<RuntimeError | undefined>;
  /** Rejects what still waits for the runtime: for its owner when the runtime process is gone. */
  abandon(reason: Error): void;
  close(): Promise<void>;
}

/** Lambda's default function timeout. */
const DEFAULT_TIMEOUT_MS = 3000;
const API_PREFIX = '/2018-06-01/runtime';
const FUNCTION_ARN = 'arn:aws:lambda:eu-west-1:000000000000:function:local';

interface QueuedEvent {
  requestId: string;
  body: string;
  timeoutMs: number;
  resolve(invocation: Invocation): void;
  reject(reason: Error): void;
}

interface Delivered {
  queued: QueuedEvent;
  deadlineEpochMs: number;
  nextAtMs: number;
}

type InitOutcome = { ok: true; atMs: number } | { ok: false; error: RuntimeError };

/** A promise with its resolver, for outcomes that arrive in a request handler. */
function settleable<T>() {
  let settle: (value: T) => void = () => {};
  const promise = new Promise<T>((resolve) => {
    settle = resolve;
  });
  return { promise, settle };
}

/** Starts a Runtime API on 127.0.0.1, on a free port. */
export async function startRuntimeApi(options: { functionArn?: string } = {}): Promise<RuntimeApi> {
  const state = new RuntimeState(options.functionArn ?? FUNCTION_ARN);
  const server = createServer((request, response) => {
    state.route(request, response).catch((error: unknown) => {
      if (!response.headersSent) respond(response, 500, { errorMessage: String(error) });
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  return {
    address: `127.0.0.1:${port}`,
    invoke: (event, invokeOptions) => state.enqueue(event, invokeOptions?.timeoutMs ?? DEFAULT_TIMEOUT_MS),
    firstNextAtMs: async () => {
      const outcome = await state.init.promise;
      if (outcome.ok) return outcome.atMs;
      throw new Error(`INIT failed: ${outcome.error.errorType}: ${outcome.error.errorMessage}`);
    },
    initError: async () => {
      const outcome = await state.init.promise;
      return outcome.ok ? undefined : outcome.error;
    },
    abandon: (reason) => state.abandon(reason),
    close: async () => {
      state.abandon(new Error('the Runtime API was closed'));
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

/** The events waiting for the runtime, the runtime's waiting `/next` requests, and INIT's outcome. */
class RuntimeState {
  readonly init = settleable<InitOutcome>();
  private readonly queue: QueuedEvent[] = [];
  private readonly waiting: ServerResponse[] = [];
  private readonly delivered = new Map<string, Delivered>();
  private abandoned: Error | undefined;

  constructor(private readonly functionArn: string) {}

  enqueue(event: unknown, timeoutMs: number): Promise<Invocation> {
    if (this.abandoned) return Promise.reject(this.abandoned);
    return new Promise((resolve, reject) => {
      this.queue.push({ requestId: randomUUID(), body: JSON.stringify(event), timeoutMs, resolve, reject });
      this.dispatch();
    });
  }

  abandon(reason: Error): void {
    this.abandoned ??= reason;
    this.init.settle({ ok: false, error: { errorType: 'Runtime.Abandoned', errorMessage: reason.message } });
    for (const pending of [...this.queue.splice(0), ...[...this.delivered.values()].map((d) => d.queued)]) {
      pending.reject(reason);
    }
    this.delivered.clear();
  }

  async route(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const path = request.url ?? '';
    if (request.method === 'GET' && path === `${API_PREFIX}/invocation/next`) {
      this.init.settle({ ok: true, atMs: performance.now() });
      this.waiting.push(response);
      response.on('close', () => this.forget(response));
      this.dispatch();
      return;
    }
    const body = await readBody(request);
    if (request.method === 'POST' && path === `${API_PREFIX}/init/error`) {
      this.init.settle({ ok: false, error: parseError(body, request) });
      respond(response, 202, { status: 'OK' });
      return;
    }
    const answer = /^\/2018-06-01\/runtime\/invocation\/([^/]+)\/(response|error)$/.exec(path);
    if (request.method !== 'POST' || !answer) {
      respond(response, 404, { errorType: 'UnknownPath', errorMessage: `${request.method} ${path}` });
      return;
    }
    const requestId = decodeURIComponent(answer[1] as string);
    const settled =
      answer[2] === 'response' ? { result: parseJson(body) } : { error: parseError(body, request) };
    if (this.complete(requestId, settled)) respond(response, 202, { status: 'OK' });
    else
      respond(response, 400, { errorType: 'InvalidRequestID', errorMessage: `no invocation ${requestId}` });
  }

  /** Hands queued events to waiting `/next` requests, oldest first. */
  private dispatch(): void {
    while (this.queue.length > 0 && this.waiting.length > 0) {
      const queued = this.queue.shift() as QueuedEvent;
      const response = this.waiting.shift() as ServerResponse;
      const nextAtMs = performance.now();
      const deadlineEpochMs = Date.now() + queued.timeoutMs;
      this.delivered.set(queued.requestId, { queued, deadlineEpochMs, nextAtMs });
      response.writeHead(200, {
        'content-type': 'application/json',
        'lambda-runtime-aws-request-id': queued.requestId,
        'lambda-runtime-deadline-ms': String(deadlineEpochMs),
        'lambda-runtime-invoked-function-arn': this.functionArn,
        'lambda-runtime-trace-id': traceId(),
      });
      response.end(queued.body);
    }
  }

  private complete(requestId: string, settled: Pick<Invocation, 'result' | 'error'>): boolean {
    const delivered = this.delivered.get(requestId);
    if (!delivered) return false;
    this.delivered.delete(requestId);
    const { queued, deadlineEpochMs, nextAtMs } = delivered;
    queued.resolve({ requestId, deadlineEpochMs, nextAtMs, respondedAtMs: performance.now(), ...settled });
    return true;
  }

  private forget(response: ServerResponse): void {
    const index = this.waiting.indexOf(response);
    if (index >= 0) this.waiting.splice(index, 1);
  }
}

async function readBody(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/** The error document, its type from the `Lambda-Runtime-Function-Error-Type` header if the body lacks one. */
function parseError(body: string, request: IncomingMessage): RuntimeError {
  const parsed = parseJson(body);
  const document = typeof parsed === 'object' && parsed !== null ? (parsed as Partial<RuntimeError>) : {};
  return {
    errorType: document.errorType ?? String(request.headers['lambda-runtime-function-error-type'] ?? ''),
    errorMessage: document.errorMessage ?? (typeof parsed === 'string' ? parsed : ''),
    ...(document.stackTrace ? { stackTrace: document.stackTrace } : {}),
  };
}

function respond(response: ServerResponse, status: number, body: unknown): void {
  response.writeHead(status, { 'content-type': 'application/json' });
  response.end(JSON.stringify(body));
}

/** An X-Ray trace header as Lambda sends it, unsampled. */
function traceId(): string {
  const epochHex = Math.floor(Date.now() / 1000).toString(16);
  return `Root=1-${epochHex}-${randomBytes(12).toString('hex')};Parent=${randomBytes(8).toString('hex')};Sampled=0`;
}
