import type { LambdaFunctionURLEvent } from 'aws-lambda';

/** What a test says about a request; the rest is filled in as a Function URL would. */
export interface EventInput {
  method?: string;
  path?: string;
  query?: Record<string, string>;
  headers?: Record<string, string>;
  body?: string;
  base64?: boolean;
  sourceIp?: string;
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
      requestId: 'req-1',
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

/** The JSON body the platform sends for a call, with fresh ids unless given. */
export function callBody(fields: Record<string, string> = {}): string {
  return JSON.stringify({
    com_id: '42f30becd4ea93edd284e059427b5ee0',
    dp_id: '42f30becd4ea93edd284e059427cf1f7',
    dp_in_number: '1003',
    dp_ex_number: '31102380095',
    callee_number: '31102380095',
    caller_number: '31152026057',
    uuid: crypto.randomUUID(),
    phonebook_caller_name: '',
    event_time: String(Date.now()),
    call_start_time: String(Date.now() - 2000),
    rta_call_id: '8a5d5db451e9-6bd98ab0066f',
    sip_call_id: 'lsjuf8109juq1i0a9vai',
    ...fields,
  });
}
