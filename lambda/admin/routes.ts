/**
 * The admin API: how a CRM, an agent tool or the platform's own webhooks tell us who handled
 * a caller, which facts hold for them, and which agents are away. Every route needs the admin
 * token (a Bearer header) except `/notulist`, which takes only the ingest token (in the URL,
 * as the platform sends it); neither opens the webhook, nor the webhook token these.
 * The company comes from `?com_id=` (or the body's `com_id`), and the token must open it.
 * The routes are in callers.ts, reports.ts and agents.ts beside this file; `ROUTES` lists them.
 */

import type { Config } from '../config';
import { type Connectors, connectorDelivery, SecretsUnavailable } from '../connectors/endpoint';
import { type ConsoleAssets, consoleAsset, consolePage } from '../console/page';
import { authorize, type TokenGrant, type TokenPlace } from '../http/access';
import type { FunctionUrlHandler, PlainAnswer } from '../http/adapter';
import { HttpError, methodNotAllowed } from '../http/errors';
import { functionUrlHandler, type Invocation } from '../http/frame';
import { consoleSink, type LogSink, type RequestLog } from '../http/request-log';
import { type AdminStores, storesWithin } from '../store/admin-stores';
import { classifyStoreError } from '../store/errors';
import { ContentionError, type RetryPolicy } from '../store/requests';
import { deleteAgent, getAgent, listAgents, putAgent } from './agents';
import { deleteCaller, explainRoute, getCaller, putCaller } from './callers';
import { activityRoute, setupRoute } from './console-api';
import { handled, notulist } from './reports';
import { type AdminRoute, decodePath, json } from './request';

/** What the admin handler needs. */
export interface AdminDeps {
  config: Config;
  stores: AdminStores;
  /** The connectors' declarations and secrets; none: `/connectors/…` answers 404. */
  connectors?: Connectors;
  /** The console's assets; none: `/console` answers 404. */
  console?: ConsoleAssets;
  log?: LogSink;
  now?: () => number;
}

type Method = 'GET' | 'PUT' | 'POST' | 'DELETE';

/**
 * A path (`{name}` stands for one segment, passed to the route decoded), what authenticates a
 * request (a token, or the source's signature, which the route checks), its route per method.
 */
interface PathRoutes {
  path: string;
  token: 'admin' | 'ingest' | 'signature' | 'public';
  methods: Partial<Record<Method, AdminRoute>>;
}

/** Every route of the admin API: the one list the router, its errors and `npm start` read. */
export const ROUTES: readonly PathRoutes[] = [
  { path: '/handled', token: 'admin', methods: { POST: handled } },
  { path: '/notulist', token: 'ingest', methods: { POST: notulist } },
  { path: '/agents', token: 'admin', methods: { GET: listAgents } },
  { path: '/agents/{agent}', token: 'admin', methods: { GET: getAgent, PUT: putAgent, DELETE: deleteAgent } },
  {
    path: '/callers/{number}',
    token: 'admin',
    methods: { GET: getCaller, PUT: putCaller, DELETE: deleteCaller },
  },
  { path: '/callers/{number}/route', token: 'admin', methods: { GET: explainRoute } },
  { path: '/connectors/{source}', token: 'signature', methods: { POST: connectorDelivery } },
  { path: '/setup', token: 'admin', methods: { GET: setupRoute } },
  { path: '/activity', token: 'admin', methods: { GET: activityRoute } },
  // The page and its assets hold no data: the admin token is typed into the page.
  { path: '/console', token: 'public', methods: { GET: consolePage } },
  { path: '/console/{asset}', token: 'public', methods: { GET: consoleAsset } },
];

const MATCHERS = ROUTES.map((routes) => ({
  routes,
  pattern: new RegExp(`^${routes.path.replace(/\{\w+\}/g, '([^/]+)')}$`),
}));

/** The routes as an error lists them: `POST /handled, GET PUT DELETE /agents/{agent}, …`. */
const ROUTE_LIST = ROUTES.map((routes) => `${Object.keys(routes.methods).join(' ')} ${routes.path}`).join(
  ', ',
);

/** The first segments of the admin API's paths: locally its URL shares a port with the webhook's. */
const FIRST_SEGMENTS = new Set(ROUTES.map((routes) => routes.path.split('/')[1]));

/** Whether a path is the admin API's (every other path of the local URL is the webhook's). */
export function isAdminPath(path: string): boolean {
  return FIRST_SEGMENTS.has(path.split('/')[1]);
}

/**
 * How the admin function's requests are retried: a CRM waits for it, so a few more attempts
 * than the webhook's budget allows, each well inside the deadline below.
 */
export const ADMIN_RETRY_POLICY: RetryPolicy = { attempts: 3, attemptTimeoutMs: 1500, firstDelayMs: 100 };

/** What one admin request may spend on the table, well inside the function's timeout. */
export const ADMIN_DEADLINE_MS = 5000;

/** What a route authenticated by a signature is granted: no company by token. */
const NO_GRANT: TokenGrant = { digest: Buffer.alloc(0), companies: new Set() };

/** Builds the Function URL handler of the admin API. */
export function createAdminHandler(deps: AdminDeps): FunctionUrlHandler {
  const now = deps.now ?? Date.now;
  return functionUrlHandler({
    msg: 'admin',
    log: deps.log ?? consoleSink,
    jsonErrors: true,
    route: (invocation) => route(deps, invocation, now()),
    onError: storeFailureAnswer,
  });
}

/** What a client is told when the table could not do what the request asked. */
function storeFailureAnswer(error: unknown, entry: RequestLog): PlainAnswer {
  entry.errorName = error instanceof Error ? error.name : typeof error;
  if (error instanceof SecretsUnavailable) {
    entry.reason = 'secrets-unavailable';
    return retryLater(503, 'the connector secrets could not be read; try again', 5);
  }
  if (error instanceof ContentionError) {
    entry.reason = 'contention';
    return retryLater(409, 'other writers kept changing this caller; try again in a moment', 1);
  }
  if (classifyStoreError(error) === 'timeout') {
    entry.reason = 'store-timeout';
    return retryLater(
      503,
      `the caller table did not answer within ${ADMIN_DEADLINE_MS / 1000} s; try again`,
      2,
    );
  }
  entry.reason = 'store-error';
  return retryLater(503, 'the caller table is not available; try again', 2);
}

function retryLater(status: number, message: string, afterSeconds: number): PlainAnswer {
  return { ...json(status, { error: message }), headers: { 'retry-after': String(afterSeconds) } };
}

/**
 * Finds the route of a request and checks its token first: a request without the right token
 * learns nothing, not even whether the path exists.
 */
async function route(deps: AdminDeps, { request, entry }: Invocation, nowMs: number): Promise<PlainAnswer> {
  const { config } = deps;
  const path = request.path.replace(/\/+$/, '');
  const found = MATCHERS.find((matcher) => matcher.pattern.test(path));
  const token = found?.routes.token;
  const place: TokenPlace = token === 'ingest' ? 'query' : 'bearer';
  const grants = token === 'ingest' ? config.ingestTokens : config.adminTokens;
  // A source's webhook comes from the source's own network and opens only what its secret opens;
  // the console's page opens nothing, but is served only where the admin API is.
  if (token === 'public' && !config.sources.allows(request.sourceIp)) {
    throw new HttpError(403, 'forbidden', {}, 'source-not-allowed');
  }
  const grant =
    token === 'signature' || token === 'public'
      ? NO_GRANT
      : authorize(request, { sources: config.sources, grants, token: place });
  if (!found) throw new HttpError(404, `no such route: use ${ROUTE_LIST}`);
  const handler = found.routes.methods[request.method as Method];
  if (!handler) throw methodNotAllowed(request.method, Object.keys(found.routes.methods));
  const params = (found.pattern.exec(path) ?? []).slice(1).map((segment) => decodePath(segment, 'path'));
  // The deadline starts with the work: every store request of the route within it.
  const stores = storesWithin(deps.stores, AbortSignal.timeout(ADMIN_DEADLINE_MS));
  const context = {
    config,
    stores,
    ...(deps.connectors ? { connectors: deps.connectors } : {}),
    ...(deps.console ? { console: deps.console } : {}),
  };
  return handler(context, { request, entry, nowMs, grant, params });
}
