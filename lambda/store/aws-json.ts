/**
 * AWS's JSON protocol over `node:https`, without the SDK: one signed POST per operation with a
 * keep-alive agent, signed with SigV4 by `aws4` (no dependencies; it signs the headers it sends
 * byte for byte as the SDK's own signer does). Used by the webhook's DynamoDB client and by the
 * admin function's read of its connector secrets, so neither carries the SDK on its path. It
 * keeps what the SDK did for those requests: credentials from Lambda's environment (session
 * token included), the region's endpoint or a configured one, the caller's abort signal, a
 * stated number of attempts for what may pass by itself, the service's errors by their type, and
 * the response's CRC-32 checked where the service sends one.
 */
import type { Agent as HttpAgent, IncomingHttpHeaders } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import aws4 from 'aws4';
import type { AwsCredentials } from '../config';
import { crc32 } from './crc32';
import { classifyStoreError } from './errors';

/** How to reach one AWS service. */
export interface AwsJsonOptions {
  /** The signing name: `dynamodb`, `secretsmanager`. */
  service: string;
  /** The `x-amz-target` prefix: `DynamoDB_20120810`, `secretsmanager`. */
  targetPrefix: string;
  /** `1.0` (DynamoDB) or `1.1` (most others). */
  jsonVersion: '1.0' | '1.1';
  region: string;
  /** Another endpoint than the region's (a local stand-in). */
  endpoint: string | undefined;
  credentials: AwsCredentials;
  /** Attempts in all for a failure that may pass by itself (1 = no retry). */
  maxAttempts: number;
}

/** An AWS error answer, named as the SDK names it (`ConditionalCheckFailedException`, …). */
export class AwsServiceError extends Error {
  readonly $metadata: { httpStatusCode: number };
  /** DynamoDB: the item a condition was refused on, when the request asked for it. */
  readonly Item?: Record<string, unknown>;

  constructor(name: string, message: string, status: number, item?: Record<string, unknown>) {
    super(message);
    this.name = name;
    this.$metadata = { httpStatusCode: status };
    if (item) this.Item = item;
  }
}

/** The body does not have the CRC-32 the service sent with it: it was damaged on the way. */
export class ChecksumMismatchError extends Error {
  override name = 'ChecksumMismatchError';
  readonly $metadata = { httpStatusCode: 500 };
}

/** The first pause before another attempt; it doubles (with full jitter) after each. */
const FIRST_DELAY_MS = 25;
const THROTTLING_FIRST_DELAY_MS = 100;

/** One AWS service's JSON API, one agent for every request of the process. */
export class AwsJsonClient {
  private readonly url: URL;
  private readonly send: typeof httpsRequest;
  private readonly agent: HttpAgent;

  constructor(private readonly options: AwsJsonOptions) {
    this.url = new URL(options.endpoint ?? `https://${options.service}.${options.region}.amazonaws.com`);
    if (this.url.protocol === 'https:') {
      this.send = httpsRequest;
      this.agent = new HttpsAgent({ keepAlive: true });
    } else {
      // Plain HTTP is for a local DynamoDB only. `node:http` costs a cold start ~35 ms more than
      // the `node:https` it is loaded beside (its server half), so it is loaded when asked for.
      const http = require('node:http') as typeof import('node:http');
      this.send = http.request;
      this.agent = new http.Agent({ keepAlive: true });
    }
  }

  /** Closes the kept-alive connections. */
  destroy(): void {
    this.agent.destroy();
  }

  /** One operation, tried again after what may pass by itself, until the attempts are used or the signal fires. */
  async call<T>(operation: string, input: unknown, signal: AbortSignal): Promise<T> {
    const body = JSON.stringify(input);
    for (let attempt = 1; ; attempt++) {
      try {
        return (await this.once(operation, body, signal)) as T;
      } catch (error) {
        if (signal.aborted || attempt >= this.options.maxAttempts || !retryable(error)) throw error;
        await pause(delayBefore(attempt, error), signal);
      }
    }
  }

  private once(operation: string, body: string, signal: AbortSignal): Promise<unknown> {
    const signed = aws4.sign(
      {
        host: this.url.host,
        path: '/',
        method: 'POST',
        service: this.options.service,
        region: this.options.region,
        headers: {
          'content-type': `application/x-amz-json-${this.options.jsonVersion}`,
          'x-amz-target': `${this.options.targetPrefix}.${operation}`,
        },
        body,
      },
      this.options.credentials,
    );
    return new Promise((resolve, reject) => {
      const request = this.send(
        {
          protocol: this.url.protocol,
          hostname: this.url.hostname,
          port: this.url.port,
          path: '/',
          method: 'POST',
          headers: signed.headers as Record<string, string>,
          agent: this.agent,
          signal,
        },
        (response) => {
          const chunks: Buffer[] = [];
          response.on('data', (chunk: Buffer) => chunks.push(chunk));
          response.on('error', reject);
          response.on('end', () => {
            try {
              resolve(parseAnswer(response.statusCode ?? 0, response.headers, Buffer.concat(chunks)));
            } catch (error) {
              reject(error);
            }
          });
        },
      );
      request.on('error', reject);
      request.end(body);
    });
  }
}

/** A response as the SDK would give it: its JSON, or the error it names. */
function parseAnswer(status: number, headers: IncomingHttpHeaders, bytes: Buffer): unknown {
  const sent = headers['x-amz-crc32'];
  if (sent !== undefined && Number(sent) !== crc32(bytes)) {
    throw new ChecksumMismatchError(`the response's CRC-32 is not ${sent}`);
  }
  const text = bytes.toString('utf8');
  const json = (text ? JSON.parse(text) : {}) as Record<string, unknown>;
  if (status >= 200 && status < 300) return json;
  const type = String(json.__type ?? headers['x-amzn-errortype'] ?? '');
  const name =
    type.slice(type.lastIndexOf('#') + 1).split(':')[0] ||
    (status >= 500 ? 'InternalServerError' : 'UnknownError');
  const message = String(json.message ?? json.Message ?? name);
  throw new AwsServiceError(name, message, status, json.Item as Record<string, unknown> | undefined);
}

/** Throttling, a 5xx, a reset or refused connection, a damaged body: what may pass by itself. */
function retryable(error: unknown): boolean {
  return error instanceof ChecksumMismatchError || classifyStoreError(error) !== 'store-error';
}

function delayBefore(attempt: number, error: unknown): number {
  const first = classifyStoreError(error) === 'throttled' ? THROTTLING_FIRST_DELAY_MS : FIRST_DELAY_MS;
  return Math.random() * first * 2 ** (attempt - 1);
}

function pause(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal.reason);
    };
    signal.addEventListener('abort', onAbort, { once: true });
  });
}
