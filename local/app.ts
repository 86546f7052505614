/**
 * The product running on this machine: an embedded DynamoDB (or the one named by
 * AWS_ENDPOINT_URL_DYNAMODB), the caller table, demo callers, and both handlers behind a
 * local Function URL. `npm start` and the end-to-end tests start it the same way.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createAdminHandler } from '../lambda/admin-api';
import type { LogSink } from '../lambda/answer';
import { sha256Hex } from '../lambda/auth';
import { type Config, parseConfig } from '../lambda/config';
import { CallerStore, createDynamoClient } from '../lambda/store';
import { createWebhookHandler } from '../lambda/webhook';
import { mintToken } from '../tools/token';
import { ensureCallerTable, type LocalDynamo, startDynalite } from './dynamo';
import { startLocalUrl } from './server';

/** The company of the demo callers: the id in Callvoip's manual. */
export const DEMO_COMPANY = '42f30becd4ea93edd284e059427b5ee0';
/** Where `npm start` keeps its data and what other local tools need to find it. */
export const LOCAL_DIR = join(__dirname, '..', '.local-data');
export const LOCAL_STATE_FILE = join(LOCAL_DIR, 'local.json');

/** What `npm start` writes for `npm run call` and `npm run callers` to find it. */
export interface LocalState {
  url: string;
  endpoint: string;
  tableName: string;
  comId: string;
  webhookToken: string;
  adminToken: string;
}

export interface StartOptions {
  /** The environment to read configuration keys from (process.env for `npm start`). */
  env: Record<string, string | undefined>;
  port: number;
  /** Keep the embedded DynamoDB in memory instead of under `.local-data/`. */
  inMemory: boolean;
  /** Where to keep persistent data and the state file; `.local-data/` by default. */
  dataDir?: string;
  log?: LogSink;
}

export interface RunningLocal extends LocalState {
  config: Config;
  /** Demo callers seeded on this start (none when the table already existed). */
  seeded: DemoCaller[];
  stop(): Promise<void>;
}

export interface DemoCaller {
  number: string;
  expect: string;
  why: string;
}

/** Starts everything; resolves when the URL answers. */
export async function startLocal(options: StartOptions): Promise<RunningLocal> {
  const dataDir = options.dataDir ?? LOCAL_DIR;
  mkdirSync(dataDir, { recursive: true });
  const stateFile = join(dataDir, 'local.json');
  const previous = readState(stateFile);
  const env = options.env;
  let dynamo: LocalDynamo | undefined;
  let endpoint = env.AWS_ENDPOINT_URL_DYNAMODB;
  if (!endpoint) {
    dynamo = await startDynalite(options.inMemory ? {} : { path: join(dataDir, 'dynalite') });
    endpoint = dynamo.endpoint;
  }
  // The SDK signs every request; dynalite accepts any credentials.
  process.env.AWS_ACCESS_KEY_ID ??= 'local';
  process.env.AWS_SECRET_ACCESS_KEY ??= 'local';

  const webhookToken = env.WEBHOOK_TOKEN || previous?.webhookToken || mintToken().token;
  const adminToken = env.ADMIN_TOKEN || previous?.adminToken || mintToken().token;
  const config = parseConfig({
    ...env,
    TABLE_NAME: env.TABLE_NAME || 'callvoip-callers',
    AWS_REGION: env.AWS_REGION || 'eu-west-1',
    AWS_ENDPOINT_URL_DYNAMODB: endpoint,
    WEBHOOK_TOKEN_SHA256: env.WEBHOOK_TOKEN_SHA256 || sha256Hex(webhookToken),
    ADMIN_TOKEN_SHA256: env.ADMIN_TOKEN_SHA256 || sha256Hex(adminToken),
  });
  const client = createDynamoClient({
    region: config.region,
    endpoint,
    maxAttempts: config.dynamodbMaxAttempts,
  });
  const store = new CallerStore(client, { tableName: config.tableName, retentionDays: config.retentionDays });
  const created = await ensureCallerTable(client, config.tableName);
  const seeded = created ? await seedDemoCallers(store) : [];

  const log = options.log;
  const { server, url } = await startLocalUrl(
    {
      webhook: createWebhookHandler({ config, store, ...(log ? { log } : {}) }),
      admin: createAdminHandler({ config, store, ...(log ? { log } : {}) }),
    },
    options.port,
  );
  const state: LocalState = {
    url,
    endpoint,
    tableName: config.tableName,
    comId: DEMO_COMPANY,
    webhookToken,
    adminToken,
  };
  writeFileSync(stateFile, `${JSON.stringify(state, null, 2)}\n`, { mode: 0o600 });

  return {
    ...state,
    config,
    seeded,
    async stop() {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
      client.destroy();
      await dynamo?.close();
    },
  };
}

/** Reads what the last `npm start` wrote, if anything. */
export function readState(file = LOCAL_STATE_FILE): LocalState | undefined {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as LocalState;
  } catch {
    return undefined;
  }
}

/** One caller for each rule of the default profile. */
async function seedDemoCallers(store: CallerStore): Promise<DemoCaller[]> {
  const now = Date.now();
  await store.mergeFacts(DEMO_COMPANY, '31201234567', { openInvoices: 2, name: 'Demo Finance BV' }, now);
  await store.mergeFacts(DEMO_COMPANY, '31301234567', { ticketAgent: '1003', name: 'Demo Ticket BV' }, now);
  await store.recordHandled(
    DEMO_COMPANY,
    '31401234567',
    { agent: '1004', uuid: 'demo-call-1', atMs: now - 2 * 86_400_000 },
    now,
  );
  return [
    { number: '0201234567', expect: 'finance', why: 'two unpaid invoices' },
    { number: '+31 30 123 4567', expect: '1003', why: 'an open ticket with agent 1003' },
    { number: '0031401234567', expect: '1004', why: 'agent 1004 handled them two days ago' },
    { number: '31152026057', expect: 'default', why: 'nothing known yet' },
    { number: 'anonymous', expect: 'anonymous', why: 'a withheld number' },
  ];
}
