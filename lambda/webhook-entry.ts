/**
 * The Lambda entry of the webhook: configuration, DynamoDB client and call recorder are
 * created once, at INIT, and reused by every invocation of this execution environment.
 */
import { configFromEnvironment } from './config';
import { DynamoCallRecorder } from './store/call-recorder';
import { createDynamoClient } from './store/client';
import { createWebhookHandler } from './webhook';

const config = configFromEnvironment();
const client = createDynamoClient({
  region: config.region,
  endpoint: config.dynamodbEndpoint,
  maxAttempts: config.dynamodbMaxAttempts,
});

export const handler = createWebhookHandler({
  config,
  calls: new DynamoCallRecorder(client, config),
  coldStartFromProcessStart: true,
});
