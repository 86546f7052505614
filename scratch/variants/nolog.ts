import { configFromEnvironment, credentialsFromEnvironment } from '../../lambda/config';
import { webhookDynamo, webhookStores } from '../../lambda/store/webhook-stores';
import { createWebhookHandler } from '../../lambda/webhook/handler';
const config = configFromEnvironment();
const dynamo = webhookDynamo(config, credentialsFromEnvironment());
export const handler = createWebhookHandler({ config, ...webhookStores(dynamo, config), coldStartFromProcessStart: true, log: () => undefined });
