/**
 * The Lambda entry of the webhook: configuration, DynamoDB client and call recorder are
 * created once, at INIT, and reused by every invocation of this execution environment.
 */
import { configFromEnvironment } from '../config';
import { createDynamoClient } from '../store/client';
import { webhookStores } from '../store/webhook-stores';
import { createWebhookHandler } from './handler';

const config = configFromEnvironment();
const client = createDynamoClient({
  region: config.region,
  endpoint: config.dynamodbEndpoint,
  maxAttempts: config.dynamodbMaxAttempts,
});

export const handler = createWebhookHandler({
  config,
  ...webhookStores(client, config),
  coldStartFromProcessStart: true,
});
