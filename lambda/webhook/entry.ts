/**
 * The Lambda entry of the webhook: configuration, the DynamoDB client and the stores are
 * created once, at INIT, and reused by every invocation of this execution environment. The
 * client is the webhook's own (`store/dynamo-http.ts`), not the SDK: it costs a cold start
 * a fraction of the SDK's (docs/tuning.md).
 */
import { configFromEnvironment, credentialsFromEnvironment } from '../config';
import { webhookDynamo, webhookStores } from '../store/webhook-stores';
import { createWebhookHandler } from './handler';

const config = configFromEnvironment();
const dynamo = webhookDynamo(config, credentialsFromEnvironment());

export const handler = createWebhookHandler({
  config,
  ...webhookStores(dynamo, config),
  coldStartFromProcessStart: true,
});
