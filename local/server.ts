/**
 * A local Function URL: turns each HTTP request into the payload 2.0 event that AWS builds,
 * calls the real handler, and writes its result back. The admin API answers at the paths of its route
 * table (`lambda/admin/routes.ts`), the webhook at every other, as their two URLs do in AWS.
 */
import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { APIGatewayProxyStructuredResultV2, LambdaFunctionURLEvent } from 'aws-lambda';
import { isAdminPath } from '../lambda/admin/routes';
import type { FunctionUrlHandler } from '../lambda/http/adapter';
import { mediaType } from '../lambda/http/body';

/** Function URLs accept payloads up to 6 MB; beyond that AWS answers 413 before the function runs. */
const MAX_PAYLOAD_BYTES = 6 * 1024 * 1024;
// Function URLs pass these content types as text and base64-encode every other body.
const TEXT_TYPES = /^(text\/.*|application\/(json|javascript|xml|.*\+json|.*\+xml))$/i;

/** The handlers a local URL serves. */
export interface Routes {
  webhook: FunctionUrlHandler;
  admin: FunctionUrlHandler;
}

/** Builds the event AWS would give the function for this request. */
export function toFunctionUrlEvent(
  request: IncomingMessage,
  body: Buffer,
  receivedAtMs: number,
): LambdaFunctionURLEvent {
  const url = new URL(request.url ?? '/', 'http://localhost');
  const headers: Record<string, string> = {};
  const cookies: string[] = [];
  for (const [name, value] of Object.entries(request.headers)) {
    if (value === undefined) continue;
    if (name === 'cookie') cookies.push(...String(value).split(/;\s*/));
    else headers[name] = Array.isArray(value) ? value.join(',') : value;
  }
  const query: Record<string, string> = {};
  for (const [name, value] of url.searchParams)
    query[name] = name in query ? `${query[name]},${value}` : value;
  const contentType = mediaType(headers['content-type']);
  const asText = body.length === 0 || TEXT_TYPES.test(contentType);
  const requestId = randomUUID();
  return {
    version: '2.0',
    routeKey: '$default',
    rawPath: url.pathname,
    rawQueryString: url.search.slice(1),
    ...(cookies.length ? { cookies } : {}),
    headers,
    ...(Object.keys(query).length ? { queryStringParameters: query } : {}),
    requestContext: {
      accountId: 'anonymous',
      apiId: 'local',
      domainName: headers.host ?? 'localhost',
      domainPrefix: 'local',
      http: {
        method: request.method ?? 'GET',
        path: url.pathname,
        protocol: `HTTP/${request.httpVersion}`,
        sourceIp: request.socket.remoteAddress?.replace(/^::ffff:/, '') ?? '127.0.0.1',
        userAgent: headers['user-agent'] ?? '',
      },
      requestId,
      routeKey: '$default',
      stage: '$default',
      time: new Date(receivedAtMs).toISOString(),
      timeEpoch: receivedAtMs,
    },
    ...(body.length ? { body: asText ? body.toString('utf8') : body.toString('base64') } : {}),
    isBase64Encoded: !asText,
  };
}

/** Writes a handler's result the way a Function URL does, with the request id in `x-amzn-requestid`. */
export function writeResult(
  response: ServerResponse,
  result: APIGatewayProxyStructuredResultV2,
  requestId: string,
): void {
  const headers: Record<string, string | string[]> = { 'x-amzn-requestid': requestId };
  for (const [name, value] of Object.entries(result.headers ?? {})) headers[name] = String(value);
  if (result.cookies?.length) headers['set-cookie'] = result.cookies;
  const body =
    result.body === undefined
      ? Buffer.alloc(0)
      : Buffer.from(result.body, result.isBase64Encoded ? 'base64' : 'utf8');
  response.writeHead(result.statusCode ?? 200, { 'content-length': String(body.length), ...headers });
  response.end(body);
}

/** Serves the routes on loopback; port 0 picks a free one. */
export async function startLocalUrl(
  routes: Routes,
  port: number,
  host = '127.0.0.1',
): Promise<{ server: Server; url: string }> {
  // No request may stop the server: whatever a handler or a client does, one request fails.
  const server = createServer((request, response) => {
    handle(routes, request, response).catch(() => response.destroy());
  });
  server.listen(port, host);
  await once(server, 'listening');
  const address = server.address() as AddressInfo;
  return { server, url: `http://${host}:${address.port}/` };
}

async function handle(routes: Routes, request: IncomingMessage, response: ServerResponse): Promise<void> {
  const receivedAtMs = Date.now();
  const body = await readBody(request);
  if (body === undefined) {
    response.writeHead(413, { 'content-type': 'text/plain' }).end('Request Entity Too Large');
    return;
  }
  let event: LambdaFunctionURLEvent;
  try {
    event = toFunctionUrlEvent(request, body, receivedAtMs);
  } catch {
    // A request target no URL can be made of (`http://[/`): AWS refuses it before the function.
    response.writeHead(400, { 'content-type': 'text/plain' }).end('Bad Request');
    return;
  }
  const route = isAdminPath(event.rawPath) ? routes.admin : routes.webhook;
  try {
    writeResult(response, await route(event), event.requestContext.requestId);
  } catch {
    // What a Function URL answers when the function itself fails.
    response
      .writeHead(502, { 'content-type': 'application/json' })
      .end('{"Message":"Internal Server Error"}');
  }
}

/** The body, or undefined when it is over the Function URL limit. Rejects when the client goes away. */
async function readBody(request: IncomingMessage): Promise<Buffer | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    size += (chunk as Buffer).length;
    if (size > MAX_PAYLOAD_BYTES) return undefined;
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}
