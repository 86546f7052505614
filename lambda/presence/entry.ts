/**
 * The Lambda entry of the presence sync, run by its schedule: one pass per configured company
 * (`PRESENCE`), the client secret read from the connectors' Secrets Manager secret. It never
 * throws: a failed pass is a log line the alarm counts, and the next run tries again (a retry
 * of the schedule's event would only run into the next run).
 */
import type { Context } from 'aws-lambda';
import { configFromEnvironment, credentialsFromEnvironment } from '../config';
import { ConnectorSecrets } from '../connectors/secrets';
import { adminStores } from '../store/admin-stores';
import { createDynamoClient } from '../store/client';
import type { RetryPolicy } from '../store/requests';
import { SecretsManagerSecret } from '../store/secrets-manager';
import { microsoftEndpoints, PresenceSync } from './run';
import { parsePresenceSettings } from './settings';

/** A pass is no request's answer: it may wait longer on the table than an admin request. */
const PRESENCE_RETRY_POLICY: RetryPolicy = { attempts: 3, attemptTimeoutMs: 3000, firstDelayMs: 200 };
/** Time kept back from the function's own timeout for the last write and the log line. */
const MARGIN_MS = 5_000;

const config = configFromEnvironment();
const settings = parsePresenceSettings(process.env.PRESENCE);
if (!settings) throw new Error('PRESENCE is not set: the presence sync has nothing to do');
const client = createDynamoClient({
  region: config.region,
  endpoint: config.dynamodbEndpoint,
  maxAttempts: 1,
});
const secret = config.connectorSecretsId
  ? new SecretsManagerSecret({
      secretId: config.connectorSecretsId,
      region: config.region,
      endpoint: config.secretsManagerEndpoint,
      credentials: credentialsFromEnvironment(),
    })
  : undefined;
const secrets = new ConnectorSecrets(secret ? () => secret.read() : async () => '{}');
const stores = adminStores(client, config, PRESENCE_RETRY_POLICY);
const endpoints = microsoftEndpoints(process.env);
let sync: PresenceSync | undefined;

export async function handler(
  _event: unknown,
  context?: Context,
): Promise<{ passes: number; failed: number }> {
  const budgetMs = Math.max(1_000, (context?.getRemainingTimeInMillis?.() ?? 60_000) - MARGIN_MS);
  sync ??= new PresenceSync({
    settings: settings as NonNullable<typeof settings>,
    stores,
    secrets,
    endpoints,
    // An object, as every function's lines: Lambda's JSON format keeps it under `message`, where the alarm's filter reads it.
    log: (line) => console.log(line),
  });
  const results = await sync.run(budgetMs);
  return { passes: results.length, failed: results.filter((result) => result === undefined).length };
}
