/**
 * HubSpot's and Pipedrive's APIs as the first sync meets them, built from their documented
 * formats, on a local port: HubSpot's `GET /crm/v3/objects/contacts` (`limit` ≤ 100,
 * `properties`, `after` from `paging.next.after`) and `GET /crm/v3/owners` with a private-app
 * bearer token; Pipedrive's `GET /api/v2/persons` (`limit` ≤ 500, `cursor` from
 * `additional_data.next_cursor`), `GET /v1/users` and `GET /v1/personFields` with the
 * `x-api-token` header. Over the rate limit each answers 429 — HubSpot without `Retry-After`
 * (not confirmed that it sends one), Pipedrive with `x-ratelimit-reset`.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { listen, type StandinApi, type StandinLimit, sendJson } from './apis';
import type { PipedrivePerson } from './pipedrive';

/** A contact as HubSpot's CRM API lists it: every property value a text (or null). */
export interface HubspotApiContact {
  id: string;
  properties: Record<string, string | null>;
  updatedAt: string;
}

/** An owner as `GET /crm/v3/owners` lists one. */
export interface HubspotOwner {
  id: string;
  email: string | null;
  userId: number;
  type: 'PERSON' | 'QUEUE';
}

export function hubspotApi(options: {
  token: string;
  contacts: readonly HubspotApiContact[];
  owners: readonly HubspotOwner[];
  limit?: StandinLimit;
}): Promise<StandinApi> {
  const page = <T>(url: URL, rows: readonly T[], max: number) => {
    const limit = Math.min(Number(url.searchParams.get('limit') ?? 10), max);
    const after = Number(url.searchParams.get('after') ?? 0);
    const next = after + limit < rows.length ? String(after + limit) : undefined;
    return {
      rows: rows.slice(after, after + limit),
      paging: next
        ? { next: { after: next, link: `${url.origin}${url.pathname}?after=${next}` } }
        : undefined,
    };
  };
  return listen(
    (request: IncomingMessage, url: URL, response: ServerResponse) => {
      if (request.method === 'GET' && url.pathname === '/crm/v3/objects/contacts') {
        const wanted = (url.searchParams.get('properties') ?? '').split(',').filter(Boolean);
        const { rows, paging } = page(url, options.contacts, 100);
        const results = rows.map((contact) => ({
          id: contact.id,
          // Only the properties asked for (and none of the defaults we do not read).
          properties: Object.fromEntries(wanted.map((name) => [name, contact.properties[name] ?? null])),
          createdAt: '2019-10-30T03:30:17.883Z',
          updatedAt: contact.updatedAt,
          archived: false,
        }));
        sendJson(response, 200, { results, ...(paging ? { paging } : {}) });
        return;
      }
      if (request.method === 'GET' && url.pathname === '/crm/v3/owners') {
        const { rows, paging } = page(url, options.owners, 500);
        sendJson(response, 200, { results: rows, ...(paging ? { paging } : {}) });
        return;
      }
      sendJson(response, 404, { status: 'error', message: 'Not found', category: 'OBJECT_NOT_FOUND' });
    },
    options.limit && { ...options.limit, withoutRetryAfter: true },
    (header) => header === `Bearer ${options.token}`,
  );
}

/** A Pipedrive user (a possible owner). */
export interface PipedriveUser {
  id: number;
  email: string;
  active_flag: boolean;
}

export function pipedriveApi(options: {
  token: string;
  persons: readonly PipedrivePerson[];
  users: readonly PipedriveUser[];
  labels: readonly { id: number; label: string }[];
  limit?: StandinLimit;
}): Promise<StandinApi> {
  return listen(
    (request: IncomingMessage, url: URL, response: ServerResponse) => {
      if (request.method === 'GET' && url.pathname === '/api/v2/persons') {
        const limit = Math.min(Number(url.searchParams.get('limit') ?? 100), 500);
        const cursor = url.searchParams.get('cursor');
        const start = cursor ? Number(Buffer.from(cursor, 'base64url').toString()) : 0;
        const rows = options.persons.slice(start, start + limit);
        const more = start + limit < options.persons.length;
        sendJson(response, 200, {
          success: true,
          data: rows,
          additional_data: {
            next_cursor: more ? Buffer.from(String(start + limit)).toString('base64url') : null,
          },
        });
        return;
      }
      if (request.method === 'GET' && url.pathname === '/v1/users') {
        sendJson(response, 200, { success: true, data: options.users });
        return;
      }
      if (request.method === 'GET' && url.pathname === '/v1/personFields') {
        sendJson(response, 200, {
          success: true,
          data: [
            { key: 'name', name: 'Name', field_type: 'varchar' },
            { key: 'label_ids', name: 'Labels', field_type: 'set', options: options.labels },
          ],
        });
        return;
      }
      sendJson(response, 404, { success: false, error: 'Unknown method .' });
    },
    options.limit,
    (_header, request) => request.headers['x-api-token'] === options.token,
  );
}
