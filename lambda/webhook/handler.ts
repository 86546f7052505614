/**
 * One webhook from request to answer: access → profile → parse → normalize → record and
 * load → decide → answer, within the deadline. The Lambda entry and `npm start` both build
 * their handler here.
 */

import type { Config } from '../config';
import type { Roster } from '../domain/availability';
import { decide, needsRoster } from '../domain/decide';
import { ValidationError } from '../domain/errors';
import type { CallerRecord } from '../domain/facts';
import { type Caller, InvalidNumberError, maskCallerKey, normalizeCaller } from '../domain/numbers';
import { type Profile, profileNamed } from '../domain/profiles';
import { authorize, requireCompany } from '../http/access';
import type { FunctionUrlHandler, PlainAnswer } from '../http/adapter';
import { functionUrlHandler, type Invocation } from '../http/frame';
import { consoleSink, type FallbackCause, type LogSink, type RequestLog } from '../http/request-log';
import type { CallRecorder, CallToRecord } from '../store/call-recorder';
import { classifyStoreError } from '../store/errors';
import type { RosterReader } from '../store/roster-reader';
import { type Deadline, deadlineOf, withinDeadline } from './deadline';
import { parseWebhook } from './parse';
import { RosterCache } from './roster-cache';

/** What a webhook handler needs; tests and `npm start` pass their own. */
export interface WebhookDeps {
  config: Config;
  calls: CallRecorder;
  /** Where the company's roster comes from, for rules that route to an agent only while available. */
  roster: RosterReader;
  log?: LogSink;
  /** Wall clock in epoch ms (records, rule windows). */
  now?: () => number;
  /** See `HandlerFrame.coldStartFromProcessStart`: true in Lambda. */
  coldStartFromProcessStart?: boolean;
}

/** Builds the Function URL handler of the webhook. */
export function createWebhookHandler(deps: WebhookDeps): FunctionUrlHandler {
  const webhook = new Webhook(deps);
  const now = deps.now ?? Date.now;
  return functionUrlHandler({
    msg: 'webhook',
    log: deps.log ?? consoleSink,
    jsonErrors: false,
    coldStartFromProcessStart: deps.coldStartFromProcessStart ?? false,
    route: (invocation) => webhook.answer(invocation, now()),
    // Reached only by a defect; the platform still gets an answer it can route on.
    onError(error, entry) {
      entry.reason = 'internal-error';
      entry.errorName = error instanceof Error ? error.name : typeof error;
      entry.answer = deps.config.profiles.get('default')?.fallback;
      return { status: 200, body: entry.answer ?? 'default' };
    },
  });
}

/** The webhook's steps, each a method; `answer` runs them in order. */
class Webhook {
  private readonly config: Config;
  private readonly rosters: RosterCache;

  constructor(private readonly deps: WebhookDeps) {
    this.config = deps.config;
    this.rosters = new RosterCache(deps.roster, deps.config.agentCacheSeconds * 1000, deps.now);
  }

  async answer(invocation: Invocation, nowMs: number): Promise<PlainAnswer> {
    const { request, entry } = invocation;
    const grant = authorize(request, {
      sources: this.config.sources,
      grants: this.config.webhookTokens,
      token: 'query',
    });
    const profile = profileNamed(this.config.profiles, request.query.profile);
    entry.profile = request.query.profile || 'default';
    const call = parseWebhook(request);
    if (call?.com_id) requireCompany(grant, this.config.companies, call.com_id);
    const caller = call ? this.callerOf(call.caller_number ?? '') : undefined;
    entry.callerKind = caller?.kind ?? 'none';
    if (caller && caller.kind !== 'anonymous') entry.caller = maskCallerKey(caller.key);

    if (this.config.killSwitch) return fallback(profile, entry, 'kill-switch');

    let record: CallerRecord | undefined;
    let roster: Roster | undefined;
    if (caller && caller.kind !== 'anonymous' && call?.com_id) {
      const deadline = this.deadlineOf(invocation, nowMs);
      const lookup = { comId: call.com_id, callerKey: caller.key, uuid: call.uuid || undefined, nowMs };
      const loaded = await this.recordWithin(deadline, lookup, entry);
      if (!loaded.ok) return fallback(profile, entry, loaded.cause);
      record = loaded.record;
      // Only when an agent rule would answer, and then mostly from the cache: a request beside
      // the caller's would cost every cold start a second TLS connection (docs/tuning.md).
      if (needsRoster(profile, { kind: caller.kind, record, nowMs })) {
        const found = await this.rosters.lookup(call.com_id, deadline);
        roster = found.roster;
        if (found.failure) entry.rosterFailure = found.failure;
      }
    }
    const decision = decide(profile, { kind: caller?.kind, record, nowMs, roster });
    entry.answer = decision.logged ?? decision.answer;
    entry.rule = decision.rule;
    const unrecorded = caller && caller.kind !== 'anonymous' && !call?.com_id;
    entry.reason = unrecorded ? `${decision.reason} (no com_id)` : decision.reason;
    return { status: 200, body: decision.answer };
  }

  private callerOf(number: string): Caller {
    try {
      return normalizeCaller(number, this.config.defaultCountryCode);
    } catch (error) {
      if (error instanceof InvalidNumberError) throw new ValidationError('caller_number', error.message);
      throw error;
    }
  }

  private deadlineOf({ request, invokedAtMs, initMs }: Invocation, nowMs: number): Deadline {
    return deadlineOf({
      belplanTimeoutMs: this.config.belplanTimeoutMs,
      safetyMarginMs: this.config.safetyMarginMs,
      invokedAtMs,
      initMs,
      queuedMs: request.receivedAtMs === undefined ? undefined : nowMs - request.receivedAtMs,
    });
  }

  private async recordWithin(
    deadline: Deadline,
    lookup: Omit<CallToRecord, 'signal'>,
    entry: RequestLog,
  ): Promise<{ ok: true; record: CallerRecord | undefined } | { ok: false; cause: FallbackCause }> {
    const result = await withinDeadline(deadline, (signal) =>
      this.deps.calls.recordCallAndLoadCaller({ ...lookup, signal }),
    );
    if (result.ok) return { ok: true, record: result.value };
    if (result.timedOut) return { ok: false, cause: 'timeout' };
    if (result.error instanceof Error) entry.errorName = result.error.name;
    return { ok: false, cause: classifyStoreError(result.error) };
  }
}

/** The profile's fallback answer, logged with why it was given instead of a decision. */
function fallback(profile: Profile, entry: RequestLog, cause: FallbackCause): PlainAnswer {
  entry.answer = profile.fallback;
  entry.reason = `fallback:${cause}`;
  entry.fallbackCause = cause;
  return { status: 200, body: profile.fallback };
}
