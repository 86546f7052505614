/**
 * Builders of what the platform and a Function URL send: the webhook's JSON body and the
 * payload 2.0 event. For the tests, the bench and the tools that play the platform.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import type { LambdaFunctionURLEvent } from 'aws-lambda';
import { DEMO_COMPANY } from './demo';

/** What a caller of `functionUrlEvent` says about a request; the rest is filled in as a Function URL would. */
export interface EventInput {
  method?: string;
  path?: string;
  query?: Record<string, string>;
  headers?: Record<string, string>;
  body?: string;
  base64?: boolean;
  sourceIp?: string;
  /** The Function URL's id of this request; a fresh one when not given, as AWS gives each request its own. */
  requestId?: string;
}

/** A Function URL event (payload format 2.0) as AWS builds it. */
export function functionUrlEvent(input: EventInput = {}): LambdaFunctionURLEvent {
  const rawQueryString = new URLSearchParams(input.query ?? {}).toString();
  const method = input.method ?? 'POST';
  const path = input.path ?? '/';
  return {
    version: '2.0',
    routeKey: '$default',
    rawPath: path,
    rawQueryString,
    headers: { host: 'abc.lambda-url.eu-west-1.on.aws', ...input.headers },
    ...(input.query ? { queryStringParameters: input.query } : {}),
    requestContext: {
      accountId: 'anonymous',
      apiId: 'abc',
      domainName: 'abc.lambda-url.eu-west-1.on.aws',
      domainPrefix: 'abc',
      http: {
        method,
        path,
        protocol: 'HTTP/1.1',
        sourceIp: input.sourceIp ?? '203.0.113.7',
        userAgent: 'test',
      },
      requestId: input.requestId ?? randomUUID(),
      routeKey: '$default',
      stage: '$default',
      time: new Date().toISOString(),
      timeEpoch: Date.now(),
    },
    ...(input.body === undefined
      ? {}
      : {
          body: input.base64 ? Buffer.from(input.body).toString('base64') : input.body,
        }),
    isBase64Encoded: input.base64 ?? false,
  };
}

/**
 * The fields the platform sends for an incoming call, every value a string, with fresh call
 * ids and times; `fields` overrides any of them.
 */
export function platformCall(fields: Record<string, string> = {}): Record<string, string> {
  const nowMs = Date.now();
  return {
    com_id: DEMO_COMPANY,
    dp_id: '42f30becd4ea93edd284e059427cf1f7',
    dp_in_number: '1003',
    dp_ex_number: '31102380095',
    callee_number: '31102380095',
    caller_number: '31152026057',
    uuid: randomUUID(),
    phonebook_caller_name: '',
    event_time: String(nowMs),
    call_start_time: String(nowMs - 2000),
    rta_call_id: `${randomBytes(6).toString('hex')}-${randomBytes(6).toString('hex')}`,
    sip_call_id: randomBytes(10).toString('base64url').toLowerCase(),
    ...fields,
  };
}

/** The JSON body the platform sends for a call (see `platformCall`). */
export function callBody(fields: Record<string, string> = {}): string {
  return JSON.stringify(platformCall(fields));
}
