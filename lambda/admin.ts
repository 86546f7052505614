/**
 * The admin API: how a CRM, an agent tool or an integration tells us who handled a caller
 * and which facts hold for them. Its own token (a Bearer header), never the webhook's.
 *
 *   POST   /handled            {"caller_number", "agent", "uuid", "com_id"?, "at"?}
 *   PUT    /callers/{number}   {"openInvoices"?, "ticketAgent"?, "lastAgent"?, "lastAgentAt"?, "name"?}
 *   GET    /callers/{number}
 *   DELETE /callers/{number}   erases everything held about the caller
 *
 * The company comes from `?com_id=` (or the body's `com_id`).
 */
import { authorize, COMPANY_ID } from './access';
import type { FunctionUrlHandler, PlainAnswer, PlainRequest } from './adapter';
import { readJsonObject } from './body';
import { agentToken, epochMs, factsOf, storableCallerKey, text, withAgentTime } from './caller-facts';
import type { Config } from './config';
import { HttpError, methodNotAllowed, ValidationError } from './errors';
import { maskCallerKey } from './numbers';
import { consoleSink, type LogSink, type RequestLog } from './request-log';
import { functionUrlHandler, type Invocation } from './skeleton';
import type { CallerAdminStore } from './store/admin-store';
import type { StoredCaller } from './store/items';

/** What the admin handler needs. */
export interface AdminDeps {
  config: Config;
  store: CallerAdminStore;
  log?: LogSink;
  now?: () => number;
}

const MAX_UUID_CHARS = 128;

/** Builds the Function URL handler of the admin API. */
export function createAdminHandler(deps: AdminDeps): FunctionUrlHandler {
  const { config, store } = deps;
  const now = deps.now ?? Date.now;

  return functionUrlHandler({
    msg: 'admin',
    log: deps.log ?? consoleSink,
    jsonErrors: true,
    route: (invocation) => route(invocation, now()),
    onError(error, entry) {
      entry.reason = 'store-error';
      entry.errorName = error instanceof Error ? error.name : typeof error;
      return json(503, { error: 'the caller table is not available; try again' });
    },
  });

  async function route({ request, entry }: Invocation, nowMs: number): Promise<PlainAnswer> {
    authorize(request, { sources: config.sources, grants: config.adminTokens, token: 'bearer' });
    const path = request.path.replace(/\/+$/, '');
    if (path === '/handled') {
      if (request.method !== 'POST') throw methodNotAllowed(request.method, ['POST']);
      return handled(request, entry, nowMs);
    }
    const numberInPath = /^\/callers\/([^/]+)$/.exec(path)?.[1];
    if (numberInPath === undefined) {
      throw new HttpError(404, 'no such route: use POST /handled or GET, PUT, DELETE /callers/{number}');
    }
    const key = storableCallerKey(decodePath(numberInPath), 'number in the path', config.defaultCountryCode);
    entry.caller = maskCallerKey(key);
    switch (request.method) {
      case 'GET': {
        const caller = await store.getCaller(companyOf(request, {}), key, nowMs);
        entry.reason = caller ? 'get' : 'get:unknown';
        return caller ? json(200, present(caller)) : unknownCaller();
      }
      case 'PUT': {
        const body = readJsonObject(request);
        const facts = withAgentTime(factsOf(body, nowMs), nowMs);
        const caller = await store.mergeFacts(companyOf(request, body), key, facts, nowMs);
        entry.reason = 'put';
        return json(200, present(caller));
      }
      case 'DELETE': {
        const existed = await store.deleteCaller(companyOf(request, {}), key);
        entry.reason = existed ? 'delete' : 'delete:unknown';
        return existed ? { status: 204, body: '' } : unknownCaller();
      }
      default:
        throw methodNotAllowed(request.method, ['GET', 'PUT', 'DELETE']);
    }
  }

  async function handled(request: PlainRequest, entry: RequestLog, nowMs: number): Promise<PlainAnswer> {
    const body = readJsonObject(request);
    const comId = companyOf(request, body);
    const key = storableCallerKey(body.caller_number, 'caller_number', config.defaultCountryCode);
    entry.caller = maskCallerKey(key);
    const report = {
      agent: agentToken(body.agent, 'agent'),
      uuid: text(body.uuid, 'uuid', MAX_UUID_CHARS),
      atMs: body.at === undefined ? nowMs : epochMs(body.at, 'at', nowMs),
    };
    const outcome = await store.recordHandled(comId, key, report, nowMs);
    entry.reason = `handled:${outcome}`;
    return json(200, { result: outcome });
  }
}

function companyOf(request: PlainRequest, body: Record<string, unknown>): string {
  const comId = request.query.com_id ?? body.com_id;
  if (comId === undefined) {
    throw new ValidationError(undefined, 'com_id is required: add ?com_id=<company id> or a com_id field');
  }
  if (typeof comId !== 'string' || !COMPANY_ID.test(comId)) {
    throw new ValidationError('com_id', 'must be 1-64 of A-Z, a-z, 0-9, "-" or "_"');
  }
  return comId;
}

function decodePath(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    throw new ValidationError('number in the path', 'is not valid percent-encoding');
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

function unknownCaller(): PlainAnswer {
  return json(404, { error: 'unknown caller' });
}
