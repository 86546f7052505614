/**
 * The product running on this machine: an embedded DynamoDB (or the one named by
 * AWS_ENDPOINT_URL_DYNAMODB), the caller table, demo callers, and both handlers behind a
 * local Function URL. `npm start` and the end-to-end tests start it the same way.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { buildConsoleAssets } from '../bundle/console';
import { ADMIN_RETRY_POLICY, createAdminHandler } from '../lambda/admin/routes';
import { type Config, credentialsFromEnvironment, DEFAULTS, parseConfig } from '../lambda/config';
import { connectorDeclarations } from '../lambda/connectors/config';
import type { Connectors } from '../lambda/connectors/endpoint';
import { ConnectorSecrets } from '../lambda/connectors/secrets';
import type { ConsoleAssets } from '../lambda/console/page';
import { mintToken, sha256Hex } from '../lambda/http/access';
import type { LogSink } from '../lambda/http/request-log';
import { microsoftEndpoints, type PresenceLogLine, PresenceSync } from '../lambda/presence/run';
import { parsePresenceSettings } from '../lambda/presence/settings';
import { type AdminStores, adminStores } from '../lambda/store/admin-stores';
import { createDynamoClient } from '../lambda/store/client';
import type { WebhookDynamo } from '../lambda/store/dynamo-http';
import { webhookDynamo, webhookStores } from '../lambda/store/webhook-stores';
import { createWebhookHandler } from '../lambda/webhook/handler';
import { cookbookProfiles, DEMO_COMPANY, type DemoCaller, seedDemoCallers } from './demo';
import { ensureCallerTable, type LocalDynamo, startDynalite, useLocalCredentials } from './dynamo';
import { ensureLocalSecrets, localSecretLoader } from './secrets';
import { startLocalUrl } from './server';
import { claimDataDir, type LocalState, localDataDir, readState, restoreState, writeState } from './state';

/** The table `npm start` creates. */
export const LOCAL_TABLE_NAME = 'callvoip-callers';

export interface StartOptions {
  /** The environment to read configuration keys from (process.env for `npm start`). */
  env: Record<string, string | undefined>;
  port: number;
  /** Keep the embedded DynamoDB in memory instead of under the data folder. */
  inMemory: boolean;
  /** Where to keep persistent data and the state file; LOCAL_DATA_DIR or `.local-data/` by default. */
  dataDir?: string;
  log?: LogSink;
  /** Where the presence sync's lines go (when PRESENCE is set); standard output by default. */
  presenceLog?: (line: PresenceLogLine) => void;
}

export interface RunningLocal extends LocalState {
  config: Config;
  /** Where the data and the state file are. */
  dataDir: string;
  /** Demo callers seeded on this start (none when the table already existed). */
  seeded: DemoCaller[];
  /** The connectors it serves at `/connectors/<name>`: the shipped ones and those CONNECTORS declares. */
  connectorNames: string[];
  stop(): Promise<void>;
}

/** Starts everything; resolves when the URL answers. */
export async function startLocal(options: StartOptions): Promise<RunningLocal> {
  const dataDir = options.dataDir ?? localDataDir(options.env);
  mkdirSync(dataDir, { recursive: true });
  const release = claimDataDir(dataDir);
  const previous = readState(dataDir);
  const env = options.env;
  let dynamo: LocalDynamo | undefined;
  try {
    dynamo = env.AWS_ENDPOINT_URL_DYNAMODB
      ? undefined
      : await startDynalite(options.inMemory ? {} : { path: join(dataDir, 'dynalite') });
    const endpoint = env.AWS_ENDPOINT_URL_DYNAMODB || (dynamo?.endpoint as string);
    useLocalCredentials();
    const tokens = {
      webhookToken: env.WEBHOOK_TOKEN || previous?.webhookToken || mintToken().token,
      adminToken: env.ADMIN_TOKEN || previous?.adminToken || mintToken().token,
      ingestToken: env.INGEST_TOKEN || previous?.ingestToken || mintToken().token,
    };
    const config = localConfig(env, endpoint, tokens);
    // The two clients the two functions have: the webhook's own, and the SDK's for the admin API.
    const webhookClient = webhookDynamo(config, credentialsFromEnvironment());
    const adminClient = createDynamoClient({ region: config.region, endpoint, maxAttempts: 1 });
    const stores = adminStores(adminClient, config, ADMIN_RETRY_POLICY);
    const created = await ensureCallerTable(adminClient, config.tableName);
    const seeded = created ? await seedDemoCallers(stores, Date.now()) : [];
    ensureLocalSecrets(dataDir, DEMO_COMPANY);
    const connectors: Connectors = {
      declarations: connectorDeclarations(config.connectorDeclarations),
      secrets: new ConnectorSecrets(localSecretLoader(dataDir, env), 0),
    };
    const stopPresence = startPresence(env, stores, connectors.secrets, options.presenceLog);
    const { server, url } = await startLocalUrl(
      handlersOf(config, webhookClient, stores, { connectors, console: buildConsoleAssets() }, options.log),
      options.port,
    );
    const state: LocalState = { url, endpoint, tableName: config.tableName, comId: DEMO_COMPANY, ...tokens };
    writeState(dataDir, state);
    const running = dynamo;
    return {
      ...state,
      config,
      dataDir,
      seeded,
      connectorNames: [...connectors.declarations.keys()],
      async stop() {
        await stopPresence();
        server.closeAllConnections();
        await new Promise((resolve) => server.close(resolve));
        webhookClient.destroy();
        adminClient.destroy();
        await running?.close();
        // In memory nothing outlives the run: the state of the last persistent run comes back.
        if (options.inMemory) restoreState(dataDir, previous);
        release();
      },
    };
  } catch (error) {
    await dynamo?.close();
    release();
    throw error;
  }
}

/** The functions' configuration from the environment, with the local table, endpoint and tokens. */
function localConfig(
  env: Record<string, string | undefined>,
  endpoint: string,
  tokens: { webhookToken: string; adminToken: string; ingestToken: string },
): Config {
  return parseConfig({
    ...env,
    TABLE_NAME: env.TABLE_NAME || LOCAL_TABLE_NAME,
    AWS_REGION: env.AWS_REGION || DEFAULTS.region,
    AWS_ENDPOINT_URL_DYNAMODB: endpoint,
    WEBHOOK_TOKEN_SHA256: env.WEBHOOK_TOKEN_SHA256 || sha256Hex(tokens.webhookToken),
    ADMIN_TOKEN_SHA256: env.ADMIN_TOKEN_SHA256 || sha256Hex(tokens.adminToken),
    INGEST_TOKEN_SHA256: env.INGEST_TOKEN_SHA256 || sha256Hex(tokens.ingestToken),
    PROFILES: env.PROFILES || cookbookProfiles(),
    // Locally the roster is read with every call, so an admin change shows at once.
    AGENT_CACHE_SECONDS: env.AGENT_CACHE_SECONDS || '0',
  });
}

/** Both handlers as their Lambda entries build them. */
function handlersOf(
  config: Config,
  dynamo: WebhookDynamo,
  stores: AdminStores,
  admin: { connectors: Connectors; console: ConsoleAssets },
  log: LogSink | undefined,
) {
  const logging = log ? { log } : {};
  return {
    webhook: createWebhookHandler({ config, ...webhookStores(dynamo, config), ...logging }),
    admin: createAdminHandler({ config, stores, ...admin, ...logging }),
  };
}

/**
 * The presence sync as the schedule runs it in AWS, when PRESENCE is set: a pass at start and
 * one every interval, against Microsoft or the endpoints PRESENCE_LOGIN_URL and
 * PRESENCE_GRAPH_URL name. Resolves to what stops it (waiting for a pass under way).
 */
function startPresence(
  env: Record<string, string | undefined>,
  stores: AdminStores,
  secrets: ConnectorSecrets,
  log: ((line: PresenceLogLine) => void) | undefined,
): () => Promise<void> {
  const settings = parsePresenceSettings(env.PRESENCE);
  if (!settings) return async () => undefined;
  const sync = new PresenceSync({
    settings,
    stores,
    secrets,
    endpoints: microsoftEndpoints(env),
    log: log ?? ((line) => console.log(JSON.stringify(line))),
  });
  const intervalMs = settings.intervalSeconds * 1000;
  let running: Promise<unknown> = sync.run(intervalMs);
  const timer = setInterval(() => {
    running = running.then(() => sync.run(intervalMs));
  }, intervalMs);
  return async () => {
    clearInterval(timer);
    await running;
  };
}
