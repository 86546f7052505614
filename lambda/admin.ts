/**
 * The admin API: how a CRM, an agent tool or an integration tells us who handled a caller
 * and which facts hold for them. Its own token (a Bearer header), never the webhook's.
 *
 *   POST   /handled            {"caller_number", "agent", "uuid", "com_id"?, "at"?}
 *   PUT    /callers/{number}   {"openInvoices"?, "ticketAgent"?, "lastAgent"?, "lastAgentAt"?, "name"?}
 *   GET    /callers/{number}
 *   DELETE /callers/{number}   erases everything held about the caller
 *
 * The company comes from `?com_id=` (or the body's `com_id`), and the token must open it.
 */
import { authorize, COMPANY_ID, requireCompany, type TokenGrant } from './access';
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
  const api = new AdminApi(deps);
  const now = deps.now ?? Date.now;
  return functionUrlHandler({
    msg: 'admin',
    log: deps.log ?? consoleSink,
    jsonErrors: true,
    route: (invocation) => api.route(invocation, now()),
    onError(error, entry) {
      entry.reason = 'store-error';
      entry.errorName = error instanceof Error ? error.name : typeof error;
      return json(503, { error: 'the caller table is not available; try again' });
    },
  });
}

/** One admin request: what every route needs to know about it. */
interface AdminRequest {
  request: PlainRequest;
  entry: RequestLog;
  nowMs: number;
  /** The token's grant: which companies it opens. */
  grant: TokenGrant;
}

/** The routes of the admin API, each a method. */
class AdminApi {
  private readonly config: Config;
  private readonly store: CallerAdminStore;

  constructor(deps: AdminDeps) {
    this.config = deps.config;
    this.store = deps.store;
  }

  async route({ request, entry }: Invocation, nowMs: number): Promise<PlainAnswer> {
    const grant = authorize(request, {
      sources: this.config.sources,
      grants: this.config.adminTokens,
      token: 'bearer',
    });
    const admin: AdminRequest = { request, entry, nowMs, grant };
    const path = request.path.replace(/\/+$/, '');
    if (path === '/handled') {
      if (request.method !== 'POST') throw methodNotAllowed(request.method, ['POST']);
      return this.handled(admin);
    }
    const numberInPath = /^\/callers\/([^/]+)$/.exec(path)?.[1];
    if (numberInPath === undefined) {
      throw new HttpError(404, 'no such route: use POST /handled or GET, PUT, DELETE /callers/{number}');
    }
    const key = this.callerKeyOf(decodePath(numberInPath), 'number in the path', entry);
    switch (request.method) {
      case 'GET':
        return this.getCaller(admin, key);
      case 'PUT':
        return this.putCaller(admin, key);
      case 'DELETE':
        return this.deleteCaller(admin, key);
      default:
        throw methodNotAllowed(request.method, ['GET', 'PUT', 'DELETE']);
    }
  }

  private async handled(admin: AdminRequest): Promise<PlainAnswer> {
    const body = readJsonObject(admin.request);
    const comId = this.companyOf(admin, body);
    const key = this.callerKeyOf(body.caller_number, 'caller_number', admin.entry);
    const report = {
      agent: agentToken(body.agent, 'agent'),
      uuid: text(body.uuid, 'uuid', MAX_UUID_CHARS),
      atMs: body.at === undefined ? admin.nowMs : epochMs(body.at, 'at', admin.nowMs),
    };
    const outcome = await this.store.recordHandled(comId, key, report, admin.nowMs);
    admin.entry.reason = `handled:${outcome}`;
    return json(200, { result: outcome });
  }

  private async getCaller(admin: AdminRequest, key: string): Promise<PlainAnswer> {
    const caller = await this.store.getCaller(this.companyOf(admin, {}), key, admin.nowMs);
    admin.entry.reason = caller ? 'get' : 'get:unknown';
    return caller ? json(200, callerView(caller)) : unknownCaller();
  }

  private async putCaller(admin: AdminRequest, key: string): Promise<PlainAnswer> {
    const body = readJsonObject(admin.request);
    const facts = withAgentTime(factsOf(body, admin.nowMs), admin.nowMs);
    const caller = await this.store.mergeFacts(this.companyOf(admin, body), key, facts, admin.nowMs);
    admin.entry.reason = 'put';
    return json(200, callerView(caller));
  }

  private async deleteCaller(admin: AdminRequest, key: string): Promise<PlainAnswer> {
    const existed = await this.store.deleteCaller(this.companyOf(admin, {}), key, admin.nowMs);
    admin.entry.reason = existed ? 'delete' : 'delete:unknown';
    return existed ? { status: 204, body: '' } : unknownCaller();
  }

  /** The caller key of a number, masked into the log line. */
  private callerKeyOf(value: unknown, field: string, entry: RequestLog): string {
    const key = storableCallerKey(value, field, this.config.defaultCountryCode);
    entry.caller = maskCallerKey(key);
    return key;
  }

  /** The company of the request, refused (403) unless the token opens it. */
  private companyOf({ request, grant }: AdminRequest, body: Record<string, unknown>): string {
    const comId = companyIn(request, body);
    requireCompany(grant, this.config.companies, comId);
    return comId;
  }
}

/** The company a request names: `?com_id=` or the body's `com_id`, the same if both. */
function companyIn(request: PlainRequest, body: Record<string, unknown>): string {
  const fromQuery = request.query.com_id;
  if (fromQuery !== undefined && body.com_id !== undefined && fromQuery !== body.com_id) {
    throw new ValidationError('com_id', 'differs between the query and the body: give it once');
  }
  const comId = fromQuery ?? body.com_id;
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

/** A caller as the API shows it: times as ISO text, the platform's call ids left out. */
function callerView(caller: StoredCaller): Record<string, unknown> {
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
