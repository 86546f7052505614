/**
 * The Lambda entry of the admin API: its own function, URL and role, so the webhook's
 * role never gains the rights administration needs.
 */
import { createAdminHandler } from './admin';
import { configFromEnvironment } from './config';
import { CallerAdminStore } from './store/admin-store';
import { createDynamoClient } from './store/client';

/** A CRM waits for the admin API: a few more attempts than the webhook's budget allows. */
const ADMIN_MAX_ATTEMPTS = 3;

const config = configFromEnvironment();
const client = createDynamoClient({
  region: config.region,
  endpoint: config.dynamodbEndpoint,
  maxAttempts: ADMIN_MAX_ATTEMPTS,
});

export const handler = createAdminHandler({ config, store: new CallerAdminStore(client, config) });
