/**
 * The Lambda entry of the admin API: its own function, URL and role, so the webhook's
 * role never gains the rights administration needs.
 */
import { createAdminHandler } from './admin-api';
import { configFromEnvironment } from './config';
import { CallerStore, createDynamoClient } from './store';

const config = configFromEnvironment();
const client = createDynamoClient({
  region: config.region,
  endpoint: config.dynamodbEndpoint,
  maxAttempts: 3,
});

export const handler = createAdminHandler({
  config,
  store: new CallerStore(client, { tableName: config.tableName, retentionDays: config.retentionDays }),
});
