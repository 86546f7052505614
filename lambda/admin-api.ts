/**
 * The admin API: how a CRM, an agent tool or Callvoip's Realtime API integration tells us
 * who handled a caller and which facts hold for them. Its own token, never the webhook's.
 *
 *   POST   /handled            {"caller_number", "agent", "uuid", "com_id"?, "at"?}
 *   PUT    /callers/{number}   {"openInvoices"?, "ticketAgent"?, "lastAgent"?, "lastAgentAt"?, "name"?}
 *   GET    /callers/{number}
 *   DELETE /callers/{number}   erases everything held about the caller
 *
 * The company comes from `?com_id=` (or the body's `com_id`).
 */
import { performance } from 'node:perf_hooks';
import { type PlainAnswer, type PlainRequest, toPlainRequest, toResult } from './adapter';
import { consoleSink, type LogSink, type RequestLog } from './answer';
import { tokenMatches } from './auth';
import type { Config } from './config';
import { InvalidNumberError, maskCallerKey, normalizeCaller } from './numbers';
import { BadRequestError, MAX_BODY_BYTES } from './parse';
import { ANSWER_TOKEN } from './profiles';
import type { CallerFacts, CallerStore, StoredCaller } from './store';
import { COMPANY_ID } from './table';
import type { FunctionUrlHandler } from './webhook';

/** What the admin handler needs. */
export interface AdminDeps {
  config: Config;
  store: CallerStore;
  log?: LogSink;
  now?: () => number;
}

const UNAUTHORIZED = JSON.stringify({ error: 'unauthorized' });

/** Builds the Function URL handler of the admin API. */
export function createAdminHandler(deps: AdminDeps): FunctionUrlHandler {
  const { config, store } = deps;
  const log = deps.log ?? consoleSink;
  const now = deps.now ?? Date.now;
  let coldStart = true;

  return async (event, context) => {
    const startedAt = performance.now();
    const request = toPlainRequest(event);
    const entry: RequestLog = {
      msg: 'admin',
      status: 200,
      reason: '',
      latencyMs: 0,
      coldStart,
      requestId: context?.awsRequestId ?? request.requestId,
    };
    coldStart = false;
    let answer: PlainAnswer;
    try {
      answer = await route(request, entry);
    } catch (error) {
      if (error instanceof BadRequestError) {
        entry.reason = 'bad-request';
        answer = json(error.status, { error: error.message });
      } else {
        entry.reason = 'store-error';
        entry.errorName = error instanceof Error ? error.name : typeof error;
        answer = json(503, { error: 'the caller table is not available; try again' });
      }
    }
    entry.status = answer.status;
    entry.latencyMs = Math.round(performance.now() - startedAt);
    log(entry);
    return toResult(answer);
  };

  async function route(request: PlainRequest, entry: RequestLog): Promise<PlainAnswer> {
    if (!config.sources.allows(request.sourceIp)) {
      entry.reason = 'source-not-allowed';
      return json(403, { error: 'forbidden' });
    }
    const bearer = /^Bearer (.+)$/i.exec(request.headers.authorization ?? '')?.[1];
    if (!tokenMatches(bearer, config.adminTokenDigests)) {
      entry.reason = 'unauthorized';
      return {
        status: 401,
        body: UNAUTHORIZED,
        contentType: 'application/json',
        headers: { 'www-authenticate': 'Bearer' },
      };
    }
    const path = request.path.replace(/\/+$/, '');
    const nowMs = now();
    if (path === '/handled') {
      if (request.method !== 'POST') return notAllowed('POST');
      const body = readJson(request);
      const comId = companyOf(request, body);
      const callerKey = callerKeyOf(body.caller_number, 'caller_number');
      entry.caller = maskCallerKey(callerKey);
      const agent = agentToken(body.agent, 'agent');
      const uuid = text(body.uuid, 'uuid', 128);
      const atMs = body.at === undefined ? nowMs : epochMs(body.at, 'at', nowMs);
      const outcome = await store.recordHandled(comId, callerKey, { agent, uuid, atMs }, nowMs);
      entry.reason = `handled:${outcome}`;
      return json(200, { result: outcome });
    }
    const numberInPath = /^\/callers\/([^/]+)$/.exec(path)?.[1];
    if (numberInPath === undefined) {
      entry.reason = 'not-found';
      return json(404, { error: 'no such route: use POST /handled or GET, PUT, DELETE /callers/{number}' });
    }
    const callerKey = callerKeyOf(decodePath(numberInPath), 'number in the path');
    entry.caller = maskCallerKey(callerKey);
    switch (request.method) {
      case 'GET': {
        const comId = companyOf(request, {});
        const caller = await store.getCaller(comId, callerKey, nowMs);
        entry.reason = caller ? 'get' : 'get:unknown';
        return caller ? json(200, present(caller)) : unknownCaller();
      }
      case 'PUT': {
        const body = readJson(request);
        const comId = companyOf(request, body);
        const caller = await store.mergeFacts(
          comId,
          callerKey,
          withAgentTime(factsOf(body, nowMs), nowMs),
          nowMs,
        );
        entry.reason = 'put';
        return json(200, present(caller));
      }
      case 'DELETE': {
        const comId = companyOf(request, {});
        const existed = await store.deleteCaller(comId, callerKey);
        entry.reason = existed ? 'delete' : 'delete:unknown';
        return existed ? { status: 204, body: '' } : unknownCaller();
      }
      default:
        return notAllowed('GET, PUT, DELETE');
    }
  }

  function callerKeyOf(value: unknown, field: string): string {
    if (typeof value !== 'string' || value.trim() === '')
      throw new BadRequestError(400, `${field} is required`);
    try {
      const caller = normalizeCaller(value, config.defaultCountryCode);
      if (caller.kind === 'anonymous')
        throw new BadRequestError(400, `${field} is anonymous: nothing can be stored for it`);
      return caller.key;
    } catch (error) {
      if (error instanceof InvalidNumberError) throw new BadRequestError(400, `${field} ${error.message}`);
      throw error;
    }
  }
}

/**
 * Validates a body of CRM facts for PUT /callers/{number}; also used by the callers CLI.
 * A last agent's time is left out unless given: `withAgentTime` decides it at write time.
 */
export function factsOf(body: Record<string, unknown>, nowMs: number): CallerFacts {
  const known = ['com_id', 'openInvoices', 'ticketAgent', 'lastAgent', 'lastAgentAt', 'name'];
  for (const key of Object.keys(body)) {
    if (!known.includes(key))
      throw new BadRequestError(400, `unknown field ${key}; known: ${known.join(', ')}`);
  }
  const facts: CallerFacts = {};
  if (body.openInvoices !== undefined) {
    const value = body.openInvoices;
    if (
      value !== null &&
      (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value > 1_000_000)
    ) {
      throw new BadRequestError(
        400,
        'field openInvoices must be a whole number from 0, or null to remove it',
      );
    }
    facts.openInvoices = value;
  }
  if (body.ticketAgent !== undefined) facts.ticketAgent = removableAgent(body.ticketAgent, 'ticketAgent');
  if (body.lastAgent !== undefined) facts.lastAgent = removableAgent(body.lastAgent, 'lastAgent');
  if (body.lastAgentAt !== undefined) {
    if (typeof facts.lastAgent !== 'string')
      throw new BadRequestError(400, 'field lastAgentAt needs lastAgent');
    facts.lastAgentAt = epochMs(body.lastAgentAt, 'lastAgentAt', nowMs);
  }
  if (body.name !== undefined) facts.name = body.name === null ? null : text(body.name, 'name', 128);
  return facts;
}

/** A last agent without a time was handled now; removing the agent removes its time. */
export function withAgentTime(facts: CallerFacts, nowMs: number): CallerFacts {
  if (facts.lastAgent === undefined || facts.lastAgentAt !== undefined) return facts;
  return { ...facts, lastAgentAt: facts.lastAgent === null ? null : nowMs };
}

const AGENT_TOKEN_RULE = 'an agent token such as an extension (1-64 of A-Z, a-z, 0-9 and _ . : + @ -)';

function agentToken(value: unknown, field: string): string {
  if (typeof value !== 'string' || !ANSWER_TOKEN.test(value)) {
    throw new BadRequestError(400, `field ${field} must be ${AGENT_TOKEN_RULE}`);
  }
  return value;
}

function removableAgent(value: unknown, field: string): string | null {
  if (value === null) return null;
  if (typeof value !== 'string' || !ANSWER_TOKEN.test(value)) {
    throw new BadRequestError(400, `field ${field} must be ${AGENT_TOKEN_RULE}, or null to remove it`);
  }
  return value;
}

function text(value: unknown, field: string, maxChars: number): string {
  if (typeof value !== 'string' || value.length === 0 || value.length > maxChars) {
    throw new BadRequestError(400, `field ${field} must be a string of 1 to ${maxChars} characters`);
  }
  return value;
}

function epochMs(value: unknown, field: string, nowMs: number): number {
  const ms = typeof value === 'string' && /^\d{1,15}$/.test(value) ? Number(value) : value;
  // From 2001 to a day ahead: a report from the future is a clock or unit error (seconds for ms).
  if (typeof ms !== 'number' || !Number.isInteger(ms) || ms < 978_307_200_000 || ms > nowMs + 86_400_000) {
    throw new BadRequestError(400, `field ${field} must be epoch milliseconds, not in the future`);
  }
  return ms;
}

function companyOf(request: PlainRequest, body: Record<string, unknown>): string {
  const comId = request.query.com_id ?? body.com_id;
  if (comId === undefined)
    throw new BadRequestError(400, 'com_id is required: add ?com_id=<company id> or a com_id field');
  if (typeof comId !== 'string' || !COMPANY_ID.test(comId)) {
    throw new BadRequestError(400, 'com_id must be 1-64 of A-Z, a-z, 0-9, "-" or "_"');
  }
  return comId;
}

function readJson(request: PlainRequest): Record<string, unknown> {
  if (request.bodyBytes > MAX_BODY_BYTES)
    throw new BadRequestError(413, `body is over ${MAX_BODY_BYTES} bytes`);
  const type = (request.headers['content-type'] ?? 'application/json').split(';')[0]?.trim().toLowerCase();
  if (type !== 'application/json') throw new BadRequestError(415, 'send the body as application/json');
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(request.body ?? new Uint8Array()).toString('utf8'));
  } catch (error) {
    throw new BadRequestError(400, `invalid JSON: ${(error as Error).message}`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new BadRequestError(400, 'body must be a JSON object');
  }
  return value as Record<string, unknown>;
}

function decodePath(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    throw new BadRequestError(400, 'number in the path is not valid percent-encoding');
  }
}

/** A caller as the API shows it: times as ISO text, the platform's last call id left out. */
function present(caller: StoredCaller): Record<string, unknown> {
  const iso = (ms: number | undefined) => (ms === undefined ? undefined : new Date(ms).toISOString());
  return {
    comId: caller.comId,
    number: caller.callerKey,
    name: caller.name,
    openInvoices: caller.openInvoices,
    ticketAgent: caller.ticketAgent,
    lastAgent: caller.lastAgent,
    lastAgentAt: iso(caller.lastAgentAt),
    calls: caller.calls,
    lastCallAt: iso(caller.lastCallAt),
    expiresAt: iso(caller.expiresAt * 1000),
  };
}

function json(status: number, body: unknown): PlainAnswer {
  return { status, body: JSON.stringify(body), contentType: 'application/json' };
}

function notAllowed(allow: string): PlainAnswer {
  return { ...json(405, { error: `method not allowed; use ${allow}` }), headers: { allow } };
}

function unknownCaller(): PlainAnswer {
  return json(404, { error: 'unknown caller' });
}
