/**
 * Moneybird's and Zendesk's APIs as the first sync meets them, built from their documented
 * formats, on a local port: a bearer (or Zendesk's email/token) check, Moneybird's
 * `sales_invoices.json` with its `filter` and `page`/`per_page` and a `Link` header, Zendesk's
 * `search/export.json` with cursor pagination and `users/show_many.json`, each vendor's rate
 * limit answered with 429 and `Retry-After`.
 */
import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { MoneybirdInvoice } from './moneybird';

/** A stand-in API on a local port. */
export interface StandinApi {
  url: string;
  /** Requests received, and those answered 429. */
  stats: { requests: number; throttled: number };
  close(): Promise<void>;
}

/** A rate limit: `requests` per `windowMs`, over it a 429 with `Retry-After: retryAfterSeconds`. */
export interface StandinLimit {
  requests: number;
  windowMs: number;
  retryAfterSeconds: number;
  /** A 429 that says nothing of when to come back. */
  withoutRetryAfter?: boolean;
}

/** A stand-in on a local port: the rate limit, then the credentials, then `handle`. */
export async function listen(
  handle: (request: IncomingMessage, url: URL, response: ServerResponse) => void,
  limit: StandinLimit | undefined,
  authorized: (header: string | undefined, request: IncomingMessage) => boolean,
): Promise<StandinApi> {
  const stats = { requests: 0, throttled: 0 };
  const seen: number[] = [];
  const server: Server = createServer((request, response) => {
    stats.requests++;
    const now = Date.now();
    while (limit && seen.length > 0 && (seen[0] as number) <= now - limit.windowMs) seen.shift();
    if (limit && seen.length >= limit.requests) {
      stats.throttled++;
      response.writeHead(429, {
        ...(limit.withoutRetryAfter ? {} : { 'retry-after': String(limit.retryAfterSeconds) }),
        'x-ratelimit-reset': String(limit.retryAfterSeconds),
        'content-type': 'application/json',
      });
      response.end('{"error":"Too many requests"}');
      return;
    }
    seen.push(now);
    if (!authorized(request.headers.authorization, request)) {
      response.writeHead(401, { 'content-type': 'application/json' });
      response.end('{"error":"unauthorized"}');
      return;
    }
    handle(request, new URL(request.url ?? '/', 'http://127.0.0.1'), response);
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    stats,
    async close() {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

export function sendJson(
  response: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  response.writeHead(status, { 'content-type': 'application/json', ...headers });
  response.end(JSON.stringify(body));
}

/**
 * Moneybird's sales invoices of one administration. `filter` is read as the API documents it
 * (`state:a|b,period:YYYYMMDD..YYYYMMDD`, here on each invoice's update day); a `period` wider
 * than `maxPeriodYears` is refused with 400, as an API with an undocumented bound might.
 */
export function moneybirdApi(options: {
  administration: string;
  token: string;
  invoices: readonly MoneybirdInvoice[];
  limit?: StandinLimit;
  maxPeriodYears?: number;
  /** Answer this page once with this status (an expired cursor, a refused request). */
  failOnce?: { page: number; status: number };
}): Promise<StandinApi> {
  let failed = false;
  return listen(
    (request, url, response) => {
      if (
        request.method !== 'GET' ||
        url.pathname !== `/api/v2/${options.administration}/sales_invoices.json`
      ) {
        sendJson(response, 404, { error: 'not found' });
        return;
      }
      const filter = Object.fromEntries(
        (url.searchParams.get('filter') ?? '').split(',').map((part) => part.split(':') as [string, string]),
      );
      const states = (filter.state ?? 'all').split('|');
      const [from = '', to = ''] = (filter.period ?? '').split('..');
      if (
        options.maxPeriodYears !== undefined &&
        Number(to.slice(0, 4)) - Number(from.slice(0, 4)) >= options.maxPeriodYears
      ) {
        sendJson(response, 400, { error: 'period is too long' });
        return;
      }
      const day = (invoice: MoneybirdInvoice) => invoice.updated_at.slice(0, 10).replaceAll('-', '');
      const matching = options.invoices.filter(
        (invoice) =>
          (states.includes('all') || states.includes(invoice.state)) &&
          (!from || (day(invoice) >= from && day(invoice) <= to)),
      );
      const perPage = Math.min(Number(url.searchParams.get('per_page') ?? 50), 100);
      const page = Number(url.searchParams.get('page') ?? 1);
      if (options.failOnce?.page === page && !failed) {
        failed = true;
        sendJson(response, options.failOnce.status, { error: 'refused once' });
        return;
      }
      const rows = matching.slice((page - 1) * perPage, page * perPage);
      const headers: Record<string, string> = {};
      if (page * perPage < matching.length) {
        const next = new URL(url);
        next.searchParams.set('page', String(page + 1));
        headers.link = `<http://${request.headers.host}${next.pathname}${next.search}>; rel="next"`;
      }
      sendJson(response, 200, rows, headers);
    },
    options.limit,
    (header) => header === `Bearer ${options.token}`,
  );
}

/** A ticket as Zendesk's API lists it, with its requester and assignee as users. */
export interface ZendeskApiTicket {
  id: number;
  status: string;
  updated_at: string;
  requester: { id: number; email: string; phone: string | null };
  assignee: { id: number; email: string } | null;
}

/** Zendesk's export search and users, one account. `sideload`: the answer carries the users. */
export function zendeskApi(options: {
  email: string;
  token: string;
  tickets: readonly ZendeskApiTicket[];
  limit?: StandinLimit;
  sideload?: boolean;
}): Promise<StandinApi> {
  const expected = `Basic ${Buffer.from(`${options.email}/token:${options.token}`).toString('base64')}`;
  const users = new Map<number, { id: number; email: string; phone?: string | null }>();
  for (const ticket of options.tickets) {
    users.set(ticket.requester.id, ticket.requester);
    if (ticket.assignee) users.set(ticket.assignee.id, ticket.assignee);
  }
  return listen(
    (request, url, response) => {
      if (url.pathname === '/api/v2/users/show_many.json') {
        const ids = (url.searchParams.get('ids') ?? '').split(',').map(Number);
        sendJson(response, 200, { users: ids.flatMap((id) => (users.has(id) ? [users.get(id)] : [])) });
        return;
      }
      if (
        url.pathname !== '/api/v2/search/export.json' ||
        url.searchParams.get('filter[type]') !== 'ticket'
      ) {
        sendJson(response, 400, { error: 'InvalidEndpoint' });
        return;
      }
      const status = /^status:(\w+)$/.exec(url.searchParams.get('query') ?? '')?.[1];
      const matching = options.tickets.filter((ticket) => ticket.status === status);
      const size = Math.min(Number(url.searchParams.get('page[size]') ?? 100), 1000);
      const after = Number(url.searchParams.get('page[after]') ?? 0);
      const rows = matching.slice(after, after + size);
      const hasMore = after + size < matching.length;
      const next = new URL(url);
      next.searchParams.set('page[after]', String(after + size));
      const results = rows.map((ticket) => ({
        id: ticket.id,
        status: ticket.status,
        updated_at: ticket.updated_at,
        subject: 'Cannot login',
        requester_id: ticket.requester.id,
        assignee_id: ticket.assignee?.id ?? null,
      }));
      const sideloaded = options.sideload
        ? {
            users: rows.flatMap((ticket) => [
              ticket.requester,
              ...(ticket.assignee ? [ticket.assignee] : []),
            ]),
          }
        : {};
      sendJson(response, 200, {
        results,
        ...sideloaded,
        meta: { has_more: hasMore, after_cursor: hasMore ? String(after + size) : null, before_cursor: null },
        links: {
          next: hasMore ? `http://${request.headers.host}${next.pathname}${next.search}` : null,
          prev: null,
        },
      });
    },
    options.limit,
    (header) => header === expected,
  );
}
