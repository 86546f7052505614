/**
 * One webhook from request to answer: auth → parse → normalize → record and load → decide →
 * answer, within the deadline. The Lambda entry (`handler.ts`) and `npm start` both build
 * their handler here.
 */
import { performance } from 'node:perf_hooks';
import type {
  Context,
  APIGatewayProxyStructuredResultV2 as FunctionUrlResult,
  LambdaFunctionURLEvent,
} from 'aws-lambda';
import { type PlainAnswer, type PlainRequest, toPlainRequest, toResult } from './adapter';
import {
  consoleSink,
  type Deadline,
  deadlineOf,
  type LogSink,
  type RequestLog,
  withinDeadline,
} from './answer';
import { tokenMatches } from './auth';
import type { Config } from './config';
import { type CallerRecord, type Decision, decide } from './decide';
import { type Caller, InvalidNumberError, maskCallerKey, normalizeCaller } from './numbers';
import { BadRequestError, type CallvoipCall, parseWebhook } from './parse';
import type { CallerStore } from './store';
import { COMPANY_ID } from './table';

/** What a webhook handler needs; tests and `npm start` pass their own. */
export interface WebhookDeps {
  config: Config;
  store: CallerStore;
  log?: LogSink;
  /** Wall clock in epoch ms (records, rule windows). */
  now?: () => number;
  /**
   * Count the time since the process started against the first invocation's budget. True in
   * Lambda, where the first invocation follows INIT at once and the platform waited for both.
   */
  coldStartFromProcessStart?: boolean;
}

export type FunctionUrlHandler = (
  event: LambdaFunctionURLEvent,
  context?: Context,
) => Promise<FunctionUrlResult>;

/** Longer than any gap between INIT's end and an on-demand cold start's invocation. */
const PREINITIALIZED_GAP_MS = 100;

/** Fixed text for every refused credential, so the answer tells nothing about why. */
export const UNAUTHORIZED = 'unauthorized';

/** Builds the Function URL handler of the webhook. */
export function createWebhookHandler(deps: WebhookDeps): FunctionUrlHandler {
  const { config, store } = deps;
  const log = deps.log ?? consoleSink;
  const now = deps.now ?? Date.now;
  let coldStart = true;
  const createdAtMs = performance.now();

  return async (event, context) => {
    const invokedAtMs = performance.now();
    const wasCold = coldStart;
    coldStart = false;
    // The platform waited for INIT only if the invocation followed it at once; an environment
    // initialized ahead (provisioned concurrency, proactive init) was idle in between.
    const waitedForInit =
      wasCold && deps.coldStartFromProcessStart && invokedAtMs - createdAtMs < PREINITIALIZED_GAP_MS;
    const initMs = waitedForInit ? Math.round(invokedAtMs) : 0;
    const request = toPlainRequest(event);
    const entry: RequestLog = {
      msg: 'webhook',
      status: 200,
      reason: '',
      latencyMs: 0,
      coldStart: wasCold,
      requestId: context?.awsRequestId ?? request.requestId,
      ...(initMs ? { initMs } : {}),
    };
    let answer: PlainAnswer;
    try {
      const nowMs = now();
      const deadline = deadlineOf({
        belplanTimeoutMs: config.belplanTimeoutMs,
        safetyMarginMs: config.safetyMarginMs,
        invokedAtMs,
        initMs,
        queuedMs: request.receivedAtMs === undefined ? undefined : nowMs - request.receivedAtMs,
      });
      answer = await answerWebhook(request, entry, nowMs, deadline);
    } catch (error) {
      // Reached only by a defect; the platform still gets an answer it can route on.
      entry.reason = 'internal-error';
      entry.errorName = error instanceof Error ? error.name : typeof error;
      entry.answer = config.profiles.get('default')?.fallback ?? 'default';
      answer = { status: 200, body: entry.answer };
    }
    entry.status = answer.status;
    entry.latencyMs = Math.round(performance.now() - invokedAtMs);
    log(entry);
    return toResult(answer);
  };

  async function answerWebhook(
    request: PlainRequest,
    entry: RequestLog,
    nowMs: number,
    deadline: Deadline,
  ): Promise<PlainAnswer> {
    if (!config.sources.allows(request.sourceIp)) {
      entry.reason = 'source-not-allowed';
      return { status: 403, body: 'forbidden' };
    }
    if (!tokenMatches(request.query.token, config.webhookTokenDigests)) {
      entry.reason = 'unauthorized';
      return { status: 401, body: UNAUTHORIZED };
    }
    const profileName = request.query.profile || 'default';
    const profile = config.profiles.get(profileName);
    if (!profile) {
      entry.reason = 'unknown-profile';
      const known = [...config.profiles.keys()].join(', ');
      return { status: 400, body: `unknown profile "${profileName.slice(0, 32)}"; configured: ${known}` };
    }
    entry.profile = profileName;

    let call: CallvoipCall | undefined;
    let caller: Caller | undefined;
    try {
      call = parseWebhook(request);
      caller = call ? normalizeCaller(call.caller_number ?? '', config.defaultCountryCode) : undefined;
      if (call?.com_id !== undefined && !COMPANY_ID.test(call.com_id)) {
        throw new BadRequestError(400, 'field com_id must be 1-64 of A-Z, a-z, 0-9, "-" or "_"');
      }
    } catch (error) {
      if (error instanceof InvalidNumberError) {
        entry.reason = 'bad-request';
        return { status: 400, body: `field caller_number ${error.message}` };
      }
      if (!(error instanceof BadRequestError)) throw error;
      entry.reason = 'bad-request';
      return {
        status: error.status,
        body: error.message,
        ...(error.status === 405 ? { headers: { allow: 'GET, POST' } } : {}),
      };
    }
    entry.callerKind = caller?.kind ?? 'none';
    if (caller && caller.kind !== 'anonymous') entry.caller = maskCallerKey(caller.key);

    if (config.killSwitch) return fallback('kill-switch');

    let record: CallerRecord | undefined;
    if (caller && caller.kind !== 'anonymous' && call?.com_id) {
      const lookup = { comId: call.com_id, callerKey: caller.key, uuid: call.uuid || undefined, nowMs };
      const result = await withinDeadline(deadline, (signal) =>
        store.recordCallAndLoadCaller({ ...lookup, signal }),
      );
      if (!result.ok) {
        if (result.error instanceof Error) entry.errorName = result.error.name;
        return fallback(result.cause);
      }
      record = result.value;
    }
    const decision: Decision = decide(profile, { kind: caller?.kind, record, nowMs });
    entry.answer = decision.answer;
    entry.reason =
      call?.com_id || !caller || caller.kind === 'anonymous'
        ? decision.reason
        : `${decision.reason} (no com_id)`;
    return { status: 200, body: decision.answer };

    function fallback(cause: NonNullable<RequestLog['fallbackCause']>): PlainAnswer {
      entry.answer = profile?.fallback;
      entry.reason = `fallback:${cause}`;
      entry.fallbackCause = cause;
      return { status: 200, body: profile?.fallback ?? 'default' };
    }
  }
}
