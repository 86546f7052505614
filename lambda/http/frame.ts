/**
 * The one frame of both handlers: cold start and INIT time, the timer, the log line, and the
 * only place where errors become HTTP answers (`ValidationError` → 400, `HttpError` → its
 * status). No framework: a few lines on the 2 s path.
 */
import { performance } from 'node:perf_hooks';
import { ValidationError } from '../domain/errors';
import {
  type FunctionUrlHandler,
  type PlainAnswer,
  type PlainRequest,
  toPlainRequest,
  toResult,
} from './adapter';
import { HttpError } from './errors';
import type { LogSink, RequestLog } from './request-log';

/** One invocation as a route sees it. */
export interface Invocation {
  request: PlainRequest;
  /** The log line; the route fills in what it learns (reason, caller, answer). */
  entry: RequestLog;
  /** `performance.now()` when the invocation began. */
  invokedAtMs: number;
  /** On a cold start the platform waited for: how long the process took to get here, else 0. */
  initMs: number;
}

export interface HandlerFrame {
  msg: RequestLog['msg'];
  log: LogSink;
  /** Error bodies as `{"error": …}` JSON instead of plain text. */
  jsonErrors: boolean;
  /**
   * Count the time since the process started against the first invocation. True in Lambda,
   * where an on-demand cold start's invocation follows INIT at once and the caller waited for both.
   */
  coldStartFromProcessStart?: boolean;
  route(invocation: Invocation): Promise<PlainAnswer>;
  /** The answer when the route fails with anything but a refusal: a defect or a store failure. */
  onError(error: unknown, entry: RequestLog): PlainAnswer;
}

/** Longer than any gap between INIT's end and an on-demand cold start's invocation. */
const PREINITIALIZED_GAP_MS = 100;

/** Builds a Function URL handler around a route. */
export function functionUrlHandler(frame: HandlerFrame): FunctionUrlHandler {
  let coldStart = true;
  const createdAtMs = performance.now();
  return async (event, context) => {
    const invokedAtMs = performance.now();
    const wasCold = coldStart;
    coldStart = false;
    // The platform waited for INIT only if the invocation followed it at once; an environment
    // initialized ahead (provisioned concurrency, proactive init) was idle in between.
    const waitedForInit =
      wasCold && frame.coldStartFromProcessStart && invokedAtMs - createdAtMs < PREINITIALIZED_GAP_MS;
    const initMs = waitedForInit ? Math.round(invokedAtMs) : 0;
    const request = toPlainRequest(event);
    const entry: RequestLog = {
      msg: frame.msg,
      status: 200,
      reason: '',
      latencyMs: 0,
      coldStart: wasCold,
      requestId: context?.awsRequestId ?? request.requestId,
      ...(initMs ? { initMs } : {}),
    };
    let answer: PlainAnswer;
    try {
      answer = await frame.route({ request, entry, invokedAtMs, initMs });
    } catch (error) {
      answer = refusal(error, entry, frame.jsonErrors) ?? frame.onError(error, entry);
    }
    entry.status = answer.status;
    entry.latencyMs = Math.round(performance.now() - invokedAtMs);
    frame.log(entry);
    return toResult(answer);
  };
}

/** An error body: the message without control characters, which a caller may have sent. */
export function errorAnswer(status: number, message: string, json: boolean): PlainAnswer {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: removing them is the point
  const clean = message.replace(/[\u0000-\u001f\u007f]/g, ' ');
  return json
    ? { status, body: JSON.stringify({ error: clean }), contentType: 'application/json' }
    : { status, body: clean };
}

function refusal(error: unknown, entry: RequestLog, json: boolean): PlainAnswer | undefined {
  if (error instanceof ValidationError) {
    entry.reason = error.logReason;
    return errorAnswer(400, error.message, json);
  }
  if (error instanceof HttpError) {
    entry.reason = error.reason;
    return { ...errorAnswer(error.status, error.message, json), headers: error.headers };
  }
  return undefined;
}
