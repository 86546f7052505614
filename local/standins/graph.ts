/**
 * Microsoft's identity platform and Graph as the presence sync meets them, built from their
 * documented shapes, on one local port:
 *
 *   POST /{tenant}/oauth2/v2.0/token                         client credentials → a bearer token
 *   POST /v1.0/communications/getPresencesByUserId          {ids} (at most 650) → {value: [presence]}
 *   GET  /v1.0/users/{id}/mailboxSettings/automaticRepliesSetting
 *
 * Tokens expire (`expireTokens()` turns every issued one stale: Graph answers 401
 * InvalidAuthenticationToken), a wrong client secret gets AADSTS7000215, and `throttle(n)` makes
 * the next n Graph requests answer 429 with `Retry-After`. `hang()` holds every answer.
 */
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { GraphAutomaticReplies, GraphPresence } from '../../lambda/domain/presence';

/** getPresencesByUserId's documented limit of ids per request. */
export const GRAPH_PRESENCE_BATCH = 650;

export interface GraphStandIn {
  /** The base URL for both the token endpoint and Graph. */
  url: string;
  /** Each user's presence and automatic replies, by Entra object id. */
  users: Map<string, { presence: GraphPresence; replies?: GraphAutomaticReplies }>;
  stats: { tokens: number; presenceRequests: number; repliesRequests: number; throttled: number };
  /** The next `requests` Graph requests answer 429 with `Retry-After: seconds`. */
  throttle(requests: number, seconds: number): void;
  /** Every token issued so far is expired. */
  expireTokens(): void;
  /** Every answer from now on waits until close. */
  hang(): void;
  close(): Promise<void>;
}

export interface GraphStandInOptions {
  tenantId: string;
  clientId: string;
  clientSecret: string;
}

export async function startGraph(options: GraphStandInOptions): Promise<GraphStandIn> {
  const users: GraphStandIn['users'] = new Map();
  const stats = { tokens: 0, presenceRequests: 0, repliesRequests: 0, throttled: 0 };
  const tokens = new Set<string>();
  let throttled = { requests: 0, seconds: 1 };
  let hanging = false;

  const server = createServer((request, response) => {
    if (hanging) return;
    void answer(request, response).catch(() =>
      send(response, 500, { error: { code: 'InternalServerError' } }),
    );
  });

  async function answer(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const url = new URL(request.url ?? '/', 'http://127.0.0.1');
    const body = await readBody(request);
    if (request.method === 'POST' && url.pathname === `/${options.tenantId}/oauth2/v2.0/token`) {
      const form = new URLSearchParams(body);
      if (
        form.get('grant_type') !== 'client_credentials' ||
        form.get('scope') !== 'https://graph.microsoft.com/.default'
      ) {
        return send(response, 400, { error: 'invalid_request', error_description: 'AADSTS900144' });
      }
      if (form.get('client_id') !== options.clientId) {
        return send(response, 400, {
          error: 'unauthorized_client',
          error_description: 'AADSTS700016: Application not found',
        });
      }
      if (form.get('client_secret') !== options.clientSecret) {
        return send(response, 401, {
          error: 'invalid_client',
          error_description: 'AADSTS7000215: Invalid client secret provided',
        });
      }
      const token = randomBytes(16).toString('hex');
      tokens.add(token);
      stats.tokens++;
      return send(response, 200, { token_type: 'Bearer', expires_in: 3599, access_token: token });
    }
    if (!url.pathname.startsWith('/v1.0/')) return send(response, 404, { error: { code: 'NotFound' } });
    if (throttled.requests > 0) {
      throttled.requests--;
      stats.throttled++;
      response.setHeader('retry-after', String(throttled.seconds));
      return send(response, 429, {
        error: { code: 'TooManyRequests', message: 'Please retry again later.' },
      });
    }
    const bearer = /^Bearer (.+)$/.exec(request.headers.authorization ?? '')?.[1];
    if (!bearer || !tokens.has(bearer)) {
      return send(response, 401, {
        error: {
          code: 'InvalidAuthenticationToken',
          message: 'Access token has expired or is not yet valid.',
        },
      });
    }
    if (request.method === 'POST' && url.pathname === '/v1.0/communications/getPresencesByUserId') {
      stats.presenceRequests++;
      const ids = (JSON.parse(body || '{}') as { ids?: unknown }).ids;
      if (!Array.isArray(ids) || ids.length === 0 || ids.length > GRAPH_PRESENCE_BATCH) {
        return send(response, 400, {
          error: { code: 'BadRequest', message: `ids: 1 to ${GRAPH_PRESENCE_BATCH}` },
        });
      }
      const value = ids.flatMap((id) => {
        const user = users.get(String(id));
        return user ? [{ id, ...user.presence }] : [];
      });
      return send(response, 200, { value });
    }
    const replies = /^\/v1\.0\/users\/([^/]+)\/mailboxSettings\/automaticRepliesSetting$/.exec(url.pathname);
    if (request.method === 'GET' && replies) {
      stats.repliesRequests++;
      const user = users.get(decodeURIComponent(replies[1] ?? ''));
      if (!user) return send(response, 404, { error: { code: 'ResourceNotFound' } });
      return send(response, 200, user.replies ?? { status: 'disabled' });
    }
    return send(response, 404, { error: { code: 'NotFound' } });
  }

  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    users,
    stats,
    throttle(requests, seconds) {
      throttled = { requests, seconds };
    },
    expireTokens() {
      tokens.clear();
    },
    hang() {
      hanging = true;
    },
    async close() {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

async function readBody(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

function send(response: ServerResponse, status: number, body: unknown): void {
  response.writeHead(status, { 'content-type': 'application/json' });
  response.end(JSON.stringify(body));
}
