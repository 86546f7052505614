/**
 * The webhook as it was with the SDK on its hot path, built with the same esbuild options and
 * stubs as the deployed one: the bench's reference bundle. Not deployed.
 */
import { configFromEnvironment } from '../../../../lambda/config';
import { createDynamoClient } from '../../../../lambda/store/client';
import { webhookStores } from '../../../../lambda/store/webhook-stores';
import { createWebhookHandler } from '../../../../lambda/webhook/handler';
import { sdkWebhookDynamo } from '../../sdk-dynamo';

const config = configFromEnvironment();
const client = createDynamoClient({
  region: config.region,
  endpoint: config.dynamodbEndpoint,
  maxAttempts: config.dynamodbMaxAttempts,
});

export const handler = createWebhookHandler({
  config,
  ...webhookStores(sdkWebhookDynamo(client), config),
  coldStartFromProcessStart: true,
});
