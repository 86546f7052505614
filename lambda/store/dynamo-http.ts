/**
 * The webhook's DynamoDB requests without the SDK: DynamoDB's JSON protocol over `node:https`
 * with a keep-alive agent, each request signed with SigV4 by `aws4` (no dependencies; its
 * signature is byte-identical to the SDK's signer). It keeps what the SDK did for this path:
 * credentials from Lambda's environment (session token included), the region's endpoint or
 * the configured one, the caller's abort signal, a stated number of attempts for what may pass
 * by itself, DynamoDB's error types read from the response (a refused condition with the item
 * it was refused on), and the response's CRC-32 checked where DynamoDB sends one. The admin
 * side and the tools keep the SDK; its types describe these requests.
 */
import type { Agent as HttpAgent, IncomingHttpHeaders } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import type {
  GetItemCommandInput,
  GetItemCommandOutput,
  PutItemCommandInput,
  PutItemCommandOutput,
  UpdateItemCommandInput,
  UpdateItemCommandOutput,
} from '@aws-sdk/client-dynamodb';
import aws4 from 'aws4';
import type { AwsCredentials } from '../config';
import { crc32 } from './crc32';
import { classifyStoreError } from './errors';

export interface DynamoHttpOptions {
  region: string;
  /** Another endpoint than the region's (dynalite locally, `AWS_ENDPOINT_URL_DYNAMODB`). */
  endpoint: string | undefined;
  credentials: AwsCredentials;
  /** Attempts in all for a failure that may pass by itself (1 = no retry). */
  maxAttempts: number;
}

/** The DynamoDB requests the webhook makes. */
export interface WebhookDynamo {
  updateItem(input: UpdateItemCommandInput, signal: AbortSignal): Promise<UpdateItemCommandOutput>;
  getItem(input: GetItemCommandInput, signal: AbortSignal): Promise<GetItemCommandOutput>;
  putItem(input: PutItemCommandInput, signal: AbortSignal): Promise<PutItemCommandOutput>;
}

/** A DynamoDB error answer, named as the SDK names it (`ConditionalCheckFailedException`, …). */
export class DynamoDbError extends Error {
  readonly $metadata: { httpStatusCode: number };
  /** The item a condition was refused on, when the request asked for it. */
  readonly Item?: Record<string, unknown>;

  constructor(name: string, message: string, status: number, item?: Record<string, unknown>) {
    super(message);
    this.name = name;
    this.$metadata = { httpStatusCode: status };
    if (item) this.Item = item;
  }
}

/** The body does not have the CRC-32 DynamoDB sent with it: it was damaged on the way. */
export class ChecksumMismatchError extends Error {
  override name = 'ChecksumMismatchError';
  readonly $metadata = { httpStatusCode: 500 };
}

/** The first pause before another attempt; it doubles (with full jitter) after each. */
const FIRST_DELAY_MS = 25;
const THROTTLING_FIRST_DELAY_MS = 100;

/** DynamoDB over HTTP(S), one agent for every request of the process. */
export class DynamoHttpClient implements WebhookDynamo {
  private readonly url: URL;
  private readonly send: typeof httpsRequest;
  private readonly agent: HttpAgent;

  constructor(private readonly options: DynamoHttpOptions) {
    this.url = new URL(options.endpoint ?? `https://dynamodb.${options.region}.amazonaws.com`);
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

  updateItem(input: UpdateItemCommandInput, signal: AbortSignal): Promise<UpdateItemCommandOutput> {
    return this.call('UpdateItem', input, signal);
  }

  getItem(input: GetItemCommandInput, signal: AbortSignal): Promise<GetItemCommandOutput> {
    return this.call('GetItem', input, signal);
  }

  putItem(input: PutItemCommandInput, signal: AbortSignal): Promise<PutItemCommandOutput> {
    return this.call('PutItem', input, signal);
  }

  /** Closes the kept-alive connections. */
  destroy(): void {
    this.agent.destroy();
  }

  /** One operation, tried again after what may pass by itself, until the attempts are used or the signal fires. */
  private async call<T>(operation: string, input: unknown, signal: AbortSignal): Promise<T> {
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
        service: 'dynamodb',
        region: this.options.region,
        headers: {
          'content-type': 'application/x-amz-json-1.0',
          'x-amz-target': `DynamoDB_20120810.${operation}`,
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
  throw new DynamoDbError(name, message, status, json.Item as Record<string, unknown> | undefined);
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
