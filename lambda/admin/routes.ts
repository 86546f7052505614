/**
 * The admin API: how a CRM, an agent tool or the platform's own webhooks tell us who handled
 * a caller, which facts hold for them, and which agents are away. Every route needs the admin
 * token (a Bearer header) except `/notulist`, which takes only the ingest token (in the URL,
 * as the platform sends it); neither opens the webhook, nor the webhook token these.
 * The company comes from `?com_id=` (or the body's `com_id`), and the token must open it.
 * The routes are in admin-callers.ts, admin-reports.ts and admin-agents.ts.
 */

import type { Config } from '../config';
import { authorize, type TokenPlace } from '../http/access';
import type { FunctionUrlHandler, PlainAnswer } from '../http/adapter';
import { HttpError, methodNotAllowed } from '../http/errors';
import { functionUrlHandler, type Invocation } from '../http/frame';
import { consoleSink, type LogSink } from '../http/request-log';
import type { CallerAdminStore } from '../store/caller-store';
import { deleteAgent, getAgent, listAgents, putAgent } from './agents';
import { deleteCaller, explainRoute, getCaller, putCaller } from './callers';
import { handled, notulist } from './reports';
import { type AdminContext, type AdminRoute, decodePath, json } from './request';

/** What the admin handler needs. */
export interface AdminDeps {
  config: Config;
  store: CallerAdminStore;
  log?: LogSink;
  now?: () => number;
}

/** A path, the token it takes, and its route per method. */
interface PathRoutes {
  path: RegExp;
  token: 'admin' | 'ingest';
  methods: Partial<Record<'GET' | 'PUT' | 'POST' | 'DELETE', AdminRoute>>;
}

const ROUTES: PathRoutes[] = [
  { path: /^\/handled$/, token: 'admin', methods: { POST: handled } },
  { path: /^\/notulist$/, token: 'ingest', methods: { POST: notulist } },
  { path: /^\/agents$/, token: 'admin', methods: { GET: listAgents } },
  {
    path: /^\/agents\/([^/]+)$/,
    token: 'admin',
    methods: { GET: getAgent, PUT: putAgent, DELETE: deleteAgent },
  },
  {
    path: /^\/callers\/([^/]+)$/,
    token: 'admin',
    methods: { GET: getCaller, PUT: putCaller, DELETE: deleteCaller },
  },
  { path: /^\/callers\/([^/]+)\/route$/, token: 'admin', methods: { GET: explainRoute } },
];

const ROUTE_LIST =
  'POST /handled, POST /notulist, GET /agents, GET PUT DELETE /agents/{agent}, ' +
  'GET PUT DELETE /callers/{number}, GET /callers/{number}/route';

/** Builds the Function URL handler of the admin API. */
export function createAdminHandler(deps: AdminDeps): FunctionUrlHandler {
  const context: AdminContext = { config: deps.config, store: deps.store };
  const now = deps.now ?? Date.now;
  return functionUrlHandler({
    msg: 'admin',
    log: deps.log ?? consoleSink,
    jsonErrors: true,
    route: (invocation) => route(context, invocation, now()),
    onError(error, entry) {
      entry.reason = 'store-error';
      entry.errorName = error instanceof Error ? error.name : typeof error;
      return json(503, { error: 'the caller table is not available; try again' });
    },
  });
}

/**
 * Finds the route of a request and checks its token first: a request without the right token
 * learns nothing, not even whether the path exists.
 */
async function route(
  context: AdminContext,
  { request, entry }: Invocation,
  nowMs: number,
): Promise<PlainAnswer> {
  const path = request.path.replace(/\/+$/, '');
  const routes = ROUTES.find((candidate) => candidate.path.test(path));
  const place: TokenPlace = routes?.token === 'ingest' ? 'query' : 'bearer';
  const grants = routes?.token === 'ingest' ? context.config.ingestTokens : context.config.adminTokens;
  const grant = authorize(request, { sources: context.config.sources, grants, token: place });
  if (!routes) throw new HttpError(404, `no such route: use ${ROUTE_LIST}`);
  const handler = routes.methods[request.method as keyof PathRoutes['methods']];
  if (!handler) throw methodNotAllowed(request.method, Object.keys(routes.methods));
  const params = (routes.path.exec(path) ?? []).slice(1).map((segment) => decodePath(segment, 'path'));
  return handler(context, { request, entry, nowMs, grant, params });
}
