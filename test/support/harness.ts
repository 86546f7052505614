import { randomUUID } from 'node:crypto';
import type { FunctionUrlResult } from '../../lambda/adapter';
import { createAdminHandler } from '../../lambda/admin-api';
import type { RequestLog } from '../../lambda/answer';
import { sha256Hex } from '../../lambda/auth';
import { type Config, parseConfig } from '../../lambda/config';
import { CallerStore, createDynamoClient } from '../../lambda/store';
import { createWebhookHandler, type WebhookDeps } from '../../lambda/webhook';
import { ensureCallerTable } from '../../local/dynamo';
import { type EventInput, functionUrlEvent } from './events';

export const WEBHOOK_TOKEN = 'test-webhook-token-0123456789abcdef';
export const NEXT_WEBHOOK_TOKEN = 'test-webhook-token-next-0123456789';
export const ADMIN_TOKEN = 'test-admin-token-0123456789abcdef';

// The real SDK client reads credentials from the environment, as in Lambda.
process.env.AWS_ACCESS_KEY_ID ??= 'local';
process.env.AWS_SECRET_ACCESS_KEY ??= 'local';

/** A configuration for tests: a fresh table name, the test tokens, and overrides. */
export function testConfig(endpoint: string, env: Record<string, string> = {}): Config {
  return parseConfig({
    TABLE_NAME: `callers-${randomUUID().slice(0, 8)}`,
    AWS_REGION: 'eu-west-1',
    AWS_ENDPOINT_URL_DYNAMODB: endpoint,
    WEBHOOK_TOKEN_SHA256: `${sha256Hex(WEBHOOK_TOKEN)},${sha256Hex(NEXT_WEBHOOK_TOKEN)}`,
    ADMIN_TOKEN_SHA256: sha256Hex(ADMIN_TOKEN),
    ...env,
  });
}

/** A webhook handler wired like the Lambda entry, against `endpoint`, with its log captured. */
export async function webhookUnderTest(
  endpoint: string,
  options: { env?: Record<string, string>; createTable?: boolean; deps?: Partial<WebhookDeps> } = {},
) {
  const config = testConfig(endpoint, options.env);
  const client = createDynamoClient({
    region: config.region,
    endpoint,
    maxAttempts: config.dynamodbMaxAttempts,
  });
  if (options.createTable ?? true) await ensureCallerTable(client, config.tableName);
  const store = new CallerStore(client, { tableName: config.tableName, retentionDays: config.retentionDays });
  const logs: RequestLog[] = [];
  const handler = createWebhookHandler({ config, store, log: (entry) => logs.push(entry), ...options.deps });
  const call = async (input: EventInput = {}): Promise<FunctionUrlResult> =>
    handler(functionUrlEvent({ query: { token: WEBHOOK_TOKEN }, ...input }));
  return { config, client, store, logs, handler, call, destroy: () => client.destroy() };
}

/** An admin API handler wired like its Lambda entry, against `endpoint`, with its log captured. */
export async function adminUnderTest(endpoint: string) {
  const webhook = await webhookUnderTest(endpoint);
  const logs: RequestLog[] = [];
  const handler = createAdminHandler({
    config: webhook.config,
    store: webhook.store,
    log: (entry) => logs.push(entry),
  });
  const call = async (
    method: string,
    path: string,
    options: {
      body?: unknown;
      token?: string;
      query?: Record<string, string>;
      headers?: Record<string, string>;
    } = {},
  ): Promise<FunctionUrlResult> =>
    handler(
      functionUrlEvent({
        method,
        path,
        query: options.query ?? { com_id: '42f30becd4ea93edd284e059427b5ee0' },
        headers: {
          authorization: `Bearer ${options.token ?? ADMIN_TOKEN}`,
          'content-type': 'application/json',
          ...options.headers,
        },
        ...(options.body === undefined
          ? {}
          : { body: typeof options.body === 'string' ? options.body : JSON.stringify(options.body) }),
      }),
    );
  return { ...webhook, adminLogs: logs, admin: call };
}
