/**
 * One webhook from request to answer: access → profile → parse → normalize → record and
 * load → decide → answer, within the deadline. The Lambda entry and `npm start` both build
 * their handler here.
 */
import { authorize } from './access';
import type { FunctionUrlHandler, PlainAnswer } from './adapter';
import type { Config } from './config';
import { type Deadline, deadlineOf, withinDeadline } from './deadline';
import { type CallerRecord, decide } from './decide';
import { HttpError, ValidationError } from './errors';
import { type Caller, InvalidNumberError, maskCallerKey, normalizeCaller } from './numbers';
import { parseWebhook } from './parse';
import type { Profile } from './profiles';
import { consoleSink, type FallbackCause, type LogSink, type RequestLog } from './request-log';
import { functionUrlHandler, type Invocation } from './skeleton';
import type { CallRecorder } from './store/call-recorder';
import { classifyStoreError } from './store/errors';

/** What a webhook handler needs; tests and `npm start` pass their own. */
export interface WebhookDeps {
  config: Config;
  calls: CallRecorder;
  log?: LogSink;
  /** Wall clock in epoch ms (records, rule windows). */
  now?: () => number;
  /** See `HandlerFrame.coldStartFromProcessStart`: true in Lambda. */
  coldStartFromProcessStart?: boolean;
}

/** Builds the Function URL handler of the webhook. */
export function createWebhookHandler(deps: WebhookDeps): FunctionUrlHandler {
  const { config } = deps;
  const now = deps.now ?? Date.now;
  return functionUrlHandler({
    msg: 'webhook',
    log: deps.log ?? consoleSink,
    jsonErrors: false,
    coldStartFromProcessStart: deps.coldStartFromProcessStart ?? false,
    route: (invocation) => answerWebhook(invocation, now()),
    // Reached only by a defect; the platform still gets an answer it can route on.
    onError(error, entry) {
      entry.reason = 'internal-error';
      entry.errorName = error instanceof Error ? error.name : typeof error;
      entry.answer = config.profiles.get('default')?.fallback;
      return { status: 200, body: entry.answer ?? 'default' };
    },
  });

  async function answerWebhook(invocation: Invocation, nowMs: number): Promise<PlainAnswer> {
    const { request, entry } = invocation;
    authorize(request, { sources: config.sources, grants: config.webhookTokens, token: 'query' });
    const profile = profileOf(request.query.profile);
    entry.profile = request.query.profile || 'default';
    const call = parseWebhook(request);
    const caller = call ? callerOf(call.caller_number ?? '') : undefined;
    entry.callerKind = caller?.kind ?? 'none';
    if (caller && caller.kind !== 'anonymous') entry.caller = maskCallerKey(caller.key);

    if (config.killSwitch) return fallback(profile, entry, 'kill-switch');

    let record: CallerRecord | undefined;
    if (caller && caller.kind !== 'anonymous' && call?.com_id) {
      const deadline = deadlineOf({
        belplanTimeoutMs: config.belplanTimeoutMs,
        safetyMarginMs: config.safetyMarginMs,
        invokedAtMs: invocation.invokedAtMs,
        initMs: invocation.initMs,
        queuedMs: request.receivedAtMs === undefined ? undefined : nowMs - request.receivedAtMs,
      });
      const lookup = { comId: call.com_id, callerKey: caller.key, uuid: call.uuid || undefined, nowMs };
      const loaded = await loadWithin(deadline, lookup, entry);
      if (!loaded.ok) return fallback(profile, entry, loaded.cause);
      record = loaded.record;
    }
    const decision = decide(profile, { kind: caller?.kind, record, nowMs });
    entry.answer = decision.answer;
    const unrecorded = caller && caller.kind !== 'anonymous' && !call?.com_id;
    entry.reason = unrecorded ? `${decision.reason} (no com_id)` : decision.reason;
    return { status: 200, body: decision.answer };
  }

  function profileOf(name: string | undefined): Profile {
    const profile = config.profiles.get(name || 'default');
    if (!profile) {
      const known = [...config.profiles.keys()].join(', ');
      throw new HttpError(
        400,
        `unknown profile "${(name ?? '').slice(0, 32)}"; configured: ${known}`,
        {},
        'unknown-profile',
      );
    }
    return profile;
  }

  function callerOf(number: string): Caller {
    try {
      return normalizeCaller(number, config.defaultCountryCode);
    } catch (error) {
      if (error instanceof InvalidNumberError) throw new ValidationError('caller_number', error.message);
      throw error;
    }
  }

  async function loadWithin(
    deadline: Deadline,
    lookup: { comId: string; callerKey: string; uuid: string | undefined; nowMs: number },
    entry: RequestLog,
  ): Promise<{ ok: true; record: CallerRecord | undefined } | { ok: false; cause: FallbackCause }> {
    const result = await withinDeadline(deadline, (signal) =>
      deps.calls.recordCallAndLoadCaller({ ...lookup, signal }),
    );
    if (result.ok) return { ok: true, record: result.value };
    if (result.timedOut) return { ok: false, cause: 'timeout' };
    if (result.error instanceof Error) entry.errorName = result.error.name;
    return { ok: false, cause: classifyStoreError(result.error) };
  }
}

function fallback(profile: Profile, entry: RequestLog, cause: FallbackCause): PlainAnswer {
  entry.answer = profile.fallback;
  entry.reason = `fallback:${cause}`;
  entry.fallbackCause = cause;
  return { status: 200, body: profile.fallback };
}
