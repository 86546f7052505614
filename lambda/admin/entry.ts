/**
 * The Lambda entry of the admin API: its own function, URL and role, so the webhook's
 * role never gains the rights administration needs.
 */
import { configFromEnvironment, credentialsFromEnvironment } from '../config';
import { connectorDeclarations } from '../connectors/config';
import { ConnectorSecrets } from '../connectors/secrets';
import { bundledConsoleAssets } from '../console/page';
import { adminStores } from '../store/admin-stores';
import { createDynamoClient } from '../store/client';
import { SecretsManagerSecret } from '../store/secrets-manager';
import { ADMIN_RETRY_POLICY, createAdminHandler } from './routes';

const config = configFromEnvironment();
// One attempt per request: the stores' retry layer retries, within each request's deadline.
const client = createDynamoClient({
  region: config.region,
  endpoint: config.dynamodbEndpoint,
  maxAttempts: 1,
});
const secretsId = config.connectorSecretsId;
// Read on the first delivery, not at start: a cold start of every other route does not pay for it.
const secret = secretsId
  ? new SecretsManagerSecret({
      secretId: secretsId,
      region: config.region,
      endpoint: config.secretsManagerEndpoint,
      credentials: credentialsFromEnvironment(),
    })
  : undefined;

const consoleAssets = bundledConsoleAssets();

export const handler = createAdminHandler({
  config,
  stores: adminStores(client, config, ADMIN_RETRY_POLICY),
  connectors: {
    declarations: connectorDeclarations(config.connectorDeclarations),
    secrets: new ConnectorSecrets(secret ? () => secret.read() : async () => '{}'),
  },
  ...(consoleAssets ? { console: consoleAssets } : {}),
});
