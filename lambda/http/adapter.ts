/**
 * The Function URL's payload format 2.0 into a plain request, and a plain answer back into
 * a `FunctionUrlResult`. No business logic.
 */
import type {
  Context,
  APIGatewayProxyStructuredResultV2 as FunctionUrlResult,
  LambdaFunctionURLEvent,
} from 'aws-lambda';

/** The structured form of `LambdaFunctionURLResult`: status, headers and body. */
export type { FunctionUrlResult };

/** What Lambda calls: one Function URL event in, one result out. */
export type FunctionUrlHandler = (
  event: LambdaFunctionURLEvent,
  context?: Context,
) => Promise<FunctionUrlResult>;

/**
 * Largest body any route reads (a connector's delivery: an invoice with its contact and lines);
 * the platform's is about 500 bytes, and each route reads at most its own limit (`body.ts`).
 */
export const MAX_BODY_BYTES = 256 * 1024;

/** An HTTP request as the webhook and admin code see it. */
export interface PlainRequest {
  method: string;
  path: string;
  /** Header names in lower case. */
  headers: Record<string, string | undefined>;
  /** Query parameters; the first value of a repeated name. */
  query: Record<string, string | undefined>;
  /** The query string as it arrived (a signature may be over it), without `?`. */
  rawQuery: string;
  /** Body bytes after base64 decoding, or undefined. Over `MAX_BODY_BYTES`: empty, see `bodyLength`. */
  body: Uint8Array | undefined;
  /** The body's length in bytes as it arrived, before any cut. */
  bodyLength: number;
  sourceIp: string;
  /** When the Function URL received the request (epoch ms), if it says. */
  receivedAtMs: number | undefined;
  requestId: string | undefined;
}

/** An HTTP answer: plain text unless `contentType` says otherwise. */
export interface PlainAnswer {
  status: number;
  body: string;
  contentType?: string;
  headers?: Record<string, string>;
}

/** Converts a Function URL event. Bodies above the limit are not decoded at all. */
export function toPlainRequest(event: LambdaFunctionURLEvent): PlainRequest {
  const http = event.requestContext?.http;
  const raw = event.body ?? undefined;
  let body: Uint8Array | undefined;
  let bodyLength = 0;
  if (raw !== undefined) {
    const encoding = event.isBase64Encoded ? 'base64' : 'utf8';
    bodyLength = Buffer.byteLength(raw, encoding);
    // Decoding more than the limit is wasted work: the body reader answers 413 from the length.
    body = bodyLength > MAX_BODY_BYTES ? new Uint8Array() : Buffer.from(raw, encoding);
  }
  // Without a prototype, a parameter named `constructor` or `__proto__` is just a name.
  const headers: Record<string, string | undefined> = Object.create(null);
  for (const [name, value] of Object.entries(event.headers ?? {})) headers[name.toLowerCase()] = value;
  const query: Record<string, string | undefined> = Object.create(null);
  for (const [name, value] of new URLSearchParams(event.rawQueryString ?? '')) {
    if (!Object.hasOwn(query, name)) query[name] = value;
  }
  return {
    method: (http?.method ?? 'GET').toUpperCase(),
    path: http?.path ?? event.rawPath ?? '/',
    headers,
    query,
    rawQuery: event.rawQueryString ?? '',
    body,
    bodyLength,
    sourceIp: http?.sourceIp ?? '',
    receivedAtMs:
      typeof event.requestContext?.timeEpoch === 'number' ? event.requestContext.timeEpoch : undefined,
    requestId: event.requestContext?.requestId,
  };
}

/** Converts a plain answer. Every answer is uncacheable: it depends on the caller. */
export function toResult(answer: PlainAnswer): FunctionUrlResult {
  return {
    statusCode: answer.status,
    headers: {
      'content-type': answer.contentType ?? 'text/plain; charset=utf-8',
      'cache-control': 'no-store',
      ...answer.headers,
    },
    body: answer.body,
  };
}
