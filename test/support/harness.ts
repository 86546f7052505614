/**
 * The handlers wired as their Lambda entries wire them, against a DynamoDB endpoint of the
 * test's choosing (dynalite or a fault server), with their log lines captured.
 */
import { randomUUID } from 'node:crypto';
import { ADMIN_RETRY_POLICY, createAdminHandler } from '../../lambda/admin/routes';
import { type Config, credentialsFromEnvironment, DEFAULTS, parseConfig } from '../../lambda/config';
import { connectorDeclarations } from '../../lambda/connectors/config';
import type { Connectors } from '../../lambda/connectors/endpoint';
import { ConnectorSecrets } from '../../lambda/connectors/secrets';
import type { CallerFacts } from '../../lambda/domain/caller-facts';
import { sha256Hex } from '../../lambda/http/access';
import type { FunctionUrlResult } from '../../lambda/http/adapter';
import type { RequestLog } from '../../lambda/http/request-log';
import { adminStores } from '../../lambda/store/admin-stores';
import { callerWriteOf } from '../../lambda/store/caller-store';
import { createDynamoClient } from '../../lambda/store/client';
import { webhookDynamo, webhookStores } from '../../lambda/store/webhook-stores';
import { createWebhookHandler, type WebhookDeps } from '../../lambda/webhook/handler';
import { DEMO_COMPANY } from '../../local/demo';
import { ensureCallerTable, type LocalDynamo, startDynalite, useLocalCredentials } from '../../local/dynamo';
import { type EventInput, functionUrlEvent } from '../../local/events';
import { toolStores } from '../../tools/tables';

export const WEBHOOK_TOKEN = 'test-webhook-token-0123456789abcdef';
export const NEXT_WEBHOOK_TOKEN = 'test-webhook-token-next-0123456789';
export const ADMIN_TOKEN = 'test-admin-token-0123456789abcdef';
export const INGEST_TOKEN = 'test-ingest-token-0123456789abcdef';

// The real SDK client reads credentials from the environment, as in Lambda.
useLocalCredentials();

/**
 * One dynalite for the test file, started before its first test and closed after its last.
 * @example const dynamo = useDynalite(); … webhookUnderTest(dynamo().endpoint)
 */
export function useDynalite(): () => LocalDynamo {
  let dynamo: LocalDynamo | undefined;
  beforeAll(async () => {
    dynamo = await startDynalite();
  });
  afterAll(() => dynamo?.close());
  return () => {
    if (!dynamo)
      throw new Error('useDynalite() gives its dynalite to tests, not to the code that defines them');
    return dynamo;
  };
}

/** A configuration for tests: a fresh table name, the test tokens, and overrides. */
export function testConfig(endpoint: string, env: Record<string, string> = {}): Config {
  return parseConfig({
    TABLE_NAME: `callers-${randomUUID().slice(0, 8)}`,
    AWS_REGION: DEFAULTS.region,
    AWS_ENDPOINT_URL_DYNAMODB: endpoint,
    WEBHOOK_TOKEN_SHA256: `${sha256Hex(WEBHOOK_TOKEN)},${sha256Hex(NEXT_WEBHOOK_TOKEN)}`,
    ADMIN_TOKEN_SHA256: sha256Hex(ADMIN_TOKEN),
    INGEST_TOKEN_SHA256: sha256Hex(INGEST_TOKEN),
    ...env,
  });
}

/**
 * A webhook handler wired like the Lambda entry, against `endpoint`, with its log captured;
 * `stores` are the admin stores on the same table (their own client, as the admin function's),
 * and `putFacts` writes a caller's facts through them, for preparing and reading records.
 */
export async function webhookUnderTest(
  endpoint: string,
  options: { env?: Record<string, string>; createTable?: boolean; deps?: Partial<WebhookDeps> } = {},
) {
  const config = testConfig(endpoint, options.env);
  // The SDK's client, for what a test does to the table itself; the webhook has its own.
  const client = createDynamoClient({
    region: config.region,
    endpoint,
    maxAttempts: config.dynamodbMaxAttempts,
  });
  if (options.createTable ?? true) await ensureCallerTable(client, config.tableName);
  const dynamo = webhookDynamo(config, credentialsFromEnvironment());
  const { calls, roster } = webhookStores(dynamo, config);
  const adminClient = createDynamoClient({ region: config.region, endpoint, maxAttempts: 1 });
  const stores = adminStores(adminClient, config, ADMIN_RETRY_POLICY);
  // What the tools write through: their own policy on the same client, and the bulk store.
  const tools = toolStores(adminClient, config);
  const putFacts = (comId: string, callerKey: string, facts: CallerFacts, nowMs = Date.now()) =>
    stores.callers.writeCaller(comId, callerKey, callerWriteOf(facts, nowMs), nowMs);
  const logs: RequestLog[] = [];
  const handler = createWebhookHandler({
    config,
    calls,
    roster,
    log: (entry) => logs.push(entry),
    ...options.deps,
  });
  const call = async (input: EventInput = {}): Promise<FunctionUrlResult> =>
    handler(functionUrlEvent({ query: { token: WEBHOOK_TOKEN }, ...input }));
  const destroy = () => {
    client.destroy();
    dynamo.destroy();
    adminClient.destroy();
  };
  return { config, client, calls, stores, tools, putFacts, logs, handler, call, destroy };
}

/** The secrets the tests' connectors check deliveries with: the demo company's, per shipped connector. */
export const CONNECTOR_SECRETS = {
  moneybird: 'test-moneybird-secret-0123456789',
  zendesk: 'test-zendesk-secret-0123456789',
  hubspot: 'test-hubspot-client-secret-0123',
  pipedrive: 'callvoip:test-pipedrive-password-0123',
};

/** The shipped connectors, their secrets those of `CONNECTOR_SECRETS` (or `load`'s document). */
export function testConnectors(load?: () => Promise<string>, setting?: string): Connectors {
  const document = {
    [DEMO_COMPANY]: Object.fromEntries(
      Object.entries(CONNECTOR_SECRETS).map(([source, secret]) => [source, { secrets: [secret] }]),
    ),
  };
  return {
    declarations: connectorDeclarations(setting),
    secrets: new ConnectorSecrets(load ?? (async () => JSON.stringify(document)), 0),
  };
}

/** An admin API handler wired like its Lambda entry, beside a webhook on the same table. */
export async function adminUnderTest(
  endpoint: string,
  env: Record<string, string> = {},
  options: { createTable?: boolean; connectors?: Connectors; now?: () => number } = {},
) {
  const { connectors = testConnectors(), now, ...tableOptions } = options;
  const webhook = await webhookUnderTest(endpoint, { env, ...tableOptions });
  const logs: RequestLog[] = [];
  const handler = createAdminHandler({
    config: webhook.config,
    stores: webhook.stores,
    connectors,
    log: (entry) => logs.push(entry),
    ...(now ? { now } : {}),
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
        query: options.query ?? { com_id: DEMO_COMPANY },
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
  return { ...webhook, adminLogs: logs, admin: call, adminHandler: handler };
}
