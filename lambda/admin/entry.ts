/**
 * The Lambda entry of the admin API: its own function, URL and role, so the webhook's
 * role never gains the rights administration needs.
 */

import { configFromEnvironment } from '../config';
import { CallerAdminStore } from '../store/caller-store';
import { createDynamoClient } from '../store/client';
import { createAdminHandler } from './routes';

/** A CRM waits for the admin API: a few more attempts than the webhook's budget allows. */
const ADMIN_MAX_ATTEMPTS = 3;

const config = configFromEnvironment();
const client = createDynamoClient({
  region: config.region,
  endpoint: config.dynamodbEndpoint,
  maxAttempts: ADMIN_MAX_ATTEMPTS,
});

export const handler = createAdminHandler({ config, store: new CallerAdminStore(client, config) });
