/**
 * The Lambda entry of the admin API: its own function, URL and role, so the webhook's
 * role never gains the rights administration needs.
 */
import { configFromEnvironment } from '../config';
import { adminStores } from '../store/admin-stores';
import { createDynamoClient } from '../store/client';
import { ADMIN_RETRY_POLICY, createAdminHandler } from './routes';

const config = configFromEnvironment();
// One attempt per request: the stores' retry layer retries, within each request's deadline.
const client = createDynamoClient({
  region: config.region,
  endpoint: config.dynamodbEndpoint,
  maxAttempts: 1,
});

export const handler = createAdminHandler({
  config,
  stores: adminStores(client, config, ADMIN_RETRY_POLICY),
});
