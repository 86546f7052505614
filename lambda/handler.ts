/**
 * The Lambda entry of the webhook: configuration, DynamoDB client and store are created
 * once, at INIT, and reused by every invocation of this execution environment.
 */
import { configFromEnvironment } from './config';
import { CallerStore, createDynamoClient } from './store';
import { createWebhookHandler } from './webhook';

const config = configFromEnvironment();
const client = createDynamoClient({
  region: config.region,
  endpoint: config.dynamodbEndpoint,
  maxAttempts: config.dynamodbMaxAttempts,
});

export const handler = createWebhookHandler({
  config,
  store: new CallerStore(client, { tableName: config.tableName, retentionDays: config.retentionDays }),
  coldStartFromProcessStart: true,
});
