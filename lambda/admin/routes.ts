/**
 * The admin API: how a CRM, an agent tool or the platform's own webhooks tell us who handled
 * a caller, which facts hold for them, and which agents are away. Every route needs the admin
 * token (a Bearer header) except `/notulist`, which takes only the ingest token (in the URL,
 * as the platform sends it); neither opens the webhook, nor the webhook token these.
 * The company comes from `?com_id=` (or the body's `com_id`), and the token must open it.
 * The routes are in callers.ts, reports.ts and agents.ts beside this file; `ROUTES` lists them.
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

type Method = 'GET' | 'PUT' | 'POST' | 'DELETE';

/** A path (`{name}` stands for one segment, passed to the route decoded), its token, its route per method. */
interface PathRoutes {
  path: string;
  token: 'admin' | 'ingest';
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
  const found = MATCHERS.find((matcher) => matcher.pattern.test(path));
  const token = found?.routes.token;
  const place: TokenPlace = token === 'ingest' ? 'query' : 'bearer';
  const grants = token === 'ingest' ? context.config.ingestTokens : context.config.adminTokens;
  const grant = authorize(request, { sources: context.config.sources, grants, token: place });
  if (!found) throw new HttpError(404, `no such route: use ${ROUTE_LIST}`);
  const handler = found.routes.methods[request.method as Method];
  if (!handler) throw methodNotAllowed(request.method, Object.keys(found.routes.methods));
  const params = (found.pattern.exec(path) ?? []).slice(1).map((segment) => decodePath(segment, 'path'));
  return handler(context, { request, entry, nowMs, grant, params });
}
