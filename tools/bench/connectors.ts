/**
 * The connectors: how many events a second one applies through the admin handler on dynalite
 * (signature, JSON, declaration, contact and callers written), what a caller with 20 unpaid
 * invoices and 5 open tickets costs the webhook (its item's size, the write units of a call),
 * the first sync of many open invoices against the Moneybird stand-in, and what reading the
 * secrets adds to the admin function's cold start under the runtime client.
 */
import { createHmac } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { type AttributeValue, GetItemCommand, UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import { build } from 'esbuild';
import { ENTRIES, esbuildOptions } from '../../bundle/options';
import { ADMIN_RETRY_POLICY, createAdminHandler } from '../../lambda/admin/routes';
import { DEFAULTS, parseConfig } from '../../lambda/config';
import { connectorDeclarations } from '../../lambda/connectors/config';
import { ConnectorSecrets } from '../../lambda/connectors/secrets';
import { sha256Hex } from '../../lambda/http/access';
import { adminStores } from '../../lambda/store/admin-stores';
import { recordCallInput } from '../../lambda/store/call-recorder';
import { createDynamoClient } from '../../lambda/store/client';
import { callerItemKey, type Item } from '../../lambda/store/items';
import { DEMO_COMPANY } from '../../local/demo';
import { ensureCallerTable, startDynalite } from '../../local/dynamo';
import { functionUrlEvent } from '../../local/events';
import { runtimeClientProblem, startUnderRic } from '../../local/ric';
import { startRuntimeApi } from '../../local/runtime-api';
import { moneybirdApi, type StandinApi } from '../../local/standins/apis';
import { hubspotApi, pipedriveApi } from '../../local/standins/crm-apis';
import { hubspotDelivery, propertyChange } from '../../local/standins/hubspot';
import {
  type Delivery,
  invoiceEvent,
  moneybirdContact,
  moneybirdDelivery,
  moneybirdInvoice,
} from '../../local/standins/moneybird';
import { personEvent, pipedriveDelivery, pipedrivePerson } from '../../local/standins/pipedrive';
import { startSecretsManager } from '../../local/standins/secrets-manager';
import { triggerBody, zendeskDelivery } from '../../local/standins/zendesk';
import { main as callers } from '../callers';
import { runCli } from '../cli';
import { summarize } from '../stats';
import type { BenchContext } from './context';

const SECRET = 'bench-moneybird-secret-0123456789';
const ZENDESK_SECRET = 'bench-zendesk-secret-0123456789';
const HUBSPOT_SECRET = 'bench-hubspot-secret-0123456789';
const PIPEDRIVE_SECRET = 'bench-pipedrive-password-0123';
const SHOP_SECRET = 'bench-webshop-secret-0123456789';
const ADMIN_TOKEN = 'bench-admin-token-0123456789abcdef';
const DOCUMENT = JSON.stringify({
  [DEMO_COMPANY]: {
    moneybird: { secrets: [SECRET] },
    zendesk: { secrets: [ZENDESK_SECRET] },
    hubspot: { secrets: [HUBSPOT_SECRET] },
    pipedrive: { secrets: [PIPEDRIVE_SECRET] },
    webshop: { secrets: [SHOP_SECRET] },
  },
});
/** A system declared by configuration: its own JSON and HMAC header. */
const WEBSHOP = {
  name: 'webshop',
  auth: { scheme: 'hmac', header: 'x-webshop-signature', algorithm: 'sha256', encoding: 'hex' },
  rules: [
    {
      contact: 'customer.id',
      phones: 'customer.phones',
      tags: [{ tag: 'vip', on: "customer.tier == 'gold'" }],
    },
  ],
};
/** Where the bench's Function URL events say they arrive (HubSpot signs the URL). */
const HOST = 'abc.lambda-url.eu-west-1.on.aws';

export async function benchConnectors(context: BenchContext): Promise<void> {
  const dynamo = await startDynalite();
  const client = createDynamoClient({ region: DEFAULTS.region, endpoint: dynamo.endpoint, maxAttempts: 1 });
  try {
    const config = parseConfig({
      TABLE_NAME: 'bench-connectors',
      AWS_ENDPOINT_URL_DYNAMODB: dynamo.endpoint,
      ADMIN_TOKEN_SHA256: sha256Hex(ADMIN_TOKEN),
    });
    await ensureCallerTable(client, config.tableName);
    const handler = createAdminHandler({
      config,
      stores: adminStores(client, config, ADMIN_RETRY_POLICY),
      connectors: {
        declarations: connectorDeclarations(JSON.stringify([WEBSHOP])),
        secrets: new ConnectorSecrets(async () => DOCUMENT),
      },
      log: () => undefined,
    });
    const post = async (source: string, delivery: { headers: Record<string, string>; body: string }) => {
      const result = await handler(
        functionUrlEvent({
          path: `/connectors/${source}`,
          query: { com_id: DEMO_COMPANY },
          headers: { host: HOST, ...delivery.headers },
          body: delivery.body,
        }),
      );
      if (result.statusCode !== 200)
        throw new Error(`a delivery answered ${result.statusCode}: ${result.body}`);
    };
    await benchEventsPerSecond(context, post);
    await benchItemSize(context, post, client, config.tableName);
    await benchFirstSync(context, dynamo.endpoint, config.tableName);
  } finally {
    client.destroy();
    await dynamo.close();
  }
  await benchSecretRead(context);
}

type Post = (source: string, delivery: Delivery) => Promise<void>;

/**
 * Each connector's deliveries one after another, as a busy source sends them: new Moneybird
 * invoices of 200 contacts, HubSpot batches of 10 property changes (phone and owner), Pipedrive
 * person changes and a declared webshop's customers.
 */
async function benchEventsPerSecond({ report, runs }: BenchContext, post: Post): Promise<void> {
  const events = Math.max(200, Math.round(runs.load / 3));
  const t0 = Date.now() - 60_000;
  const phone = (index: number) => `06${String(20_000_000 + (index % 200))}`;
  const hubspotUrl = `https://${HOST}/connectors/hubspot?com_id=${DEMO_COMPANY}`;
  const streams: { name: string; source: string; events: number; deliveries: Delivery[] }[] = [
    {
      name: 'Moneybird events',
      source: 'moneybird',
      events,
      deliveries: Array.from({ length: events }, (_, index) =>
        moneybirdDelivery(
          invoiceEvent(
            moneybirdInvoice(
              `e${index}`,
              moneybirdContact(`p${index % 200}`, [phone(index)], t0),
              'late',
              t0 + index,
            ),
          ),
          [SECRET],
        ),
      ),
    },
    {
      name: 'HubSpot events in batches of 10',
      source: 'hubspot',
      events,
      deliveries: Array.from({ length: events / 10 }, (_, batch) =>
        hubspotDelivery(
          Array.from({ length: 10 }, (_, index) => {
            const at = batch * 10 + index;
            return index % 2 === 0
              ? propertyChange(at % 200, 'phone', phone(at), t0 + at)
              : propertyChange(at % 200, 'hubspot_owner_id', String(6_166_860 + (at % 3)), t0 + at);
          }),
          HUBSPOT_SECRET,
          hubspotUrl,
        ),
      ),
    },
    {
      name: 'Pipedrive person changes',
      source: 'pipedrive',
      events,
      deliveries: Array.from({ length: events }, (_, index) =>
        pipedriveDelivery(
          personEvent(
            'change',
            pipedrivePerson(index % 200, [phone(index)], { owner: 1, labels: [5], updatedAtMs: t0 + index }),
            t0 + index,
          ),
          `callvoip:${PIPEDRIVE_SECRET}`,
        ),
      ),
    },
    {
      name: 'declared webshop events (HMAC)',
      source: 'webshop',
      events,
      deliveries: Array.from({ length: events }, (_, index) => {
        const body = JSON.stringify({
          customer: { id: `s${index % 200}`, phones: [phone(index)], tier: index % 2 ? 'gold' : 'basic' },
        });
        const signature = createHmac('sha256', SHOP_SECRET).update(body).digest('hex');
        return { headers: { 'content-type': 'application/json', 'x-webshop-signature': signature }, body };
      }),
    },
  ];
  for (const stream of streams) {
    const started = performance.now();
    for (const delivery of stream.deliveries) await post(stream.source, delivery);
    const perSecond = stream.events / ((performance.now() - started) / 1000);
    report.measured(
      `connector: ${stream.events} ${stream.name} applied one after another (dynalite, in process)`,
      'events/s',
      summarize([perSecond]),
    );
  }
}

/** One contact with 20 unpaid invoices and 5 open tickets: what its caller item and a call of it cost. */
async function benchItemSize(
  { report }: BenchContext,
  post: Post,
  client: ReturnType<typeof createDynamoClient>,
  tableName: string,
): Promise<void> {
  const t0 = Date.now() - 120_000;
  const contact = moneybirdContact('size', ['0209998877'], t0);
  for (let index = 0; index < 20; index++) {
    await post(
      'moneybird',
      moneybirdDelivery(invoiceEvent(moneybirdInvoice(`s${index}`, contact, 'late', t0 + index)), [SECRET]),
    );
  }
  for (let index = 0; index < 5; index++) {
    const ticket = {
      id: 500 + index,
      status: 'open' as const,
      requesterId: 77,
      requesterPhone: '020 999 88 77',
      requesterEmail: 'size@example.nl',
      assigneeId: 9,
      assigneeEmail: 'anna@acme.nl',
      updatedAtMs: t0 + index * 1000,
    };
    await post('zendesk', zendeskDelivery(triggerBody(ticket), ZENDESK_SECRET, t0 + 30_000 + index * 1000));
  }
  const key = '31209998877';
  const read = async (pk: Item) =>
    (await client.send(new GetItemCommand({ TableName: tableName, Key: pk, ConsistentRead: true }))).Item ??
    {};
  const caller = await read(callerItemKey(DEMO_COMPANY, key));
  const contactItem = await read({ pk: { S: `${DEMO_COMPANY}#contact:moneybird:size` } });
  const call = await client.send(
    new UpdateItemCommand({
      ...recordCallInput(
        { tableName, retentionDays: DEFAULTS.retentionDays },
        { comId: DEMO_COMPANY, callerKey: key, uuid: 'size-call', nowMs: Date.now() },
      ),
      ReturnConsumedCapacity: 'TOTAL',
    }),
  );
  const afterCall = await read(callerItemKey(DEMO_COMPANY, key));
  report.measured(
    '  caller item, 20 unpaid invoices + 5 open tickets (two contributions)',
    'bytes',
    summarize([itemBytes(caller)]),
  );
  report.measured('  the same after a call (its call register)', 'bytes', summarize([itemBytes(afterCall)]));
  report.measured(
    '  write units of the webhook call on it (dynalite reports)',
    'WCU',
    summarize([call.ConsumedCapacity?.CapacityUnits ?? Number.NaN]),
  );
  report.measured(
    '  the Moneybird contact item holding the 20 invoices',
    'bytes',
    summarize([itemBytes(contactItem)]),
  );
}

/**
 * The first sync against the stand-ins, through `npm run callers -- sync`: Moneybird's open
 * invoices, HubSpot's contacts and Pipedrive's persons (10 000 each in a full run).
 */
async function benchFirstSync(
  { report, runs }: BenchContext,
  endpoint: string,
  tableName: string,
): Promise<void> {
  const count = runs.importRows >= 10_000 ? 10_000 : 500;
  const t0 = Date.now() - 86_400_000;
  const number = (index: number) => `010${String(1_000_000 + index)}`;
  const syncs: {
    what: string;
    source: string;
    api: () => Promise<StandinApi>;
    args: (url: string) => string[];
    env: Record<string, string>;
  }[] = [
    {
      what: `${count} open invoices from the Moneybird stand-in`,
      source: 'moneybird',
      api: () =>
        moneybirdApi({
          administration: '1',
          token: 'bench-token',
          invoices: Array.from({ length: count }, (_, index) =>
            moneybirdInvoice(
              `f${index}`,
              moneybirdContact(`f${index % 2000}`, [number(index % 2000)], t0),
              'open',
              t0 + index,
            ),
          ),
        }),
      args: (url) => ['--api-url', `${url}/api/v2`, '--administration', '1'],
      env: { MONEYBIRD_API_TOKEN: 'bench-token' },
    },
    {
      what: `${count} contacts from the HubSpot stand-in`,
      source: 'hubspot',
      api: () =>
        hubspotApi({
          token: 'bench-token',
          contacts: Array.from({ length: count }, (_, index) => ({
            id: String(index + 1),
            properties: { phone: number(index), mobilephone: null, hubspot_owner_id: '6166860' },
            updatedAt: new Date(t0).toISOString(),
          })),
          owners: [{ id: '6166860', email: 'owner@example.com', userId: 1, type: 'PERSON' }],
        }),
      args: (url) => ['--api-url', url],
      env: { HUBSPOT_ACCESS_TOKEN: 'bench-token' },
    },
    {
      what: `${count} persons from the Pipedrive stand-in`,
      source: 'pipedrive',
      api: () =>
        pipedriveApi({
          token: 'bench-token',
          persons: Array.from({ length: count }, (_, index) =>
            pipedrivePerson(index + 1, [number(index)], { owner: 1, labels: [5], updatedAtMs: t0 }),
          ),
          users: [{ id: 1, email: 'owner@example.com', active_flag: true }],
          labels: [{ id: 5, label: 'VIP' }],
        }),
      args: (url) => ['--api-url', url],
      env: { PIPEDRIVE_API_TOKEN: 'bench-token' },
    },
  ];
  for (const run of syncs) {
    const api = await run.api();
    const folder = mkdtempSync(join(tmpdir(), 'bench-sync-'));
    const env = { ...run.env, AWS_ENDPOINT_URL_DYNAMODB: endpoint, AWS_REGION: DEFAULTS.region };
    const saved = Object.fromEntries(Object.keys(env).map((key) => [key, process.env[key]]));
    Object.assign(process.env, env);
    const log = console.log;
    const error = console.error;
    console.log = () => undefined;
    console.error = () => undefined;
    try {
      const started = performance.now();
      const code = await runCli('callers', callers, [
        'sync',
        run.source,
        '--table',
        tableName,
        '--com-id',
        DEMO_COMPANY,
        ...run.args(api.url),
        '--checkpoint',
        join(folder, 'checkpoint.json'),
      ]);
      const seconds = (performance.now() - started) / 1000;
      if (code !== 0) throw new Error(`the ${run.source} sync ended with ${code}`);
      report.measured(`first sync: ${run.what} (${api.stats.requests} requests)`, 's', summarize([seconds]));
    } finally {
      console.log = log;
      console.error = error;
      for (const [key, value] of Object.entries(saved)) {
        if (value === undefined) delete process.env[key];
        else process.env[key] = value;
      }
      await api.close();
      rmSync(folder, { recursive: true, force: true });
    }
  }
}

/**
 * The admin bundle's cold start under the runtime client, its first invocation a connector
 * delivery (which reads the secrets from a Secrets Manager stand-in) or a GET of the roster
 * (which reads none): the difference is what the secrets and the connector code add to a cold
 * start, loopback's round trip to the stand-in included (AWS's in-region one is a few ms more).
 */
async function benchSecretRead({ report, runs, outDir }: BenchContext): Promise<void> {
  const problem = runtimeClientProblem();
  if (problem) {
    console.warn(`skipping the admin cold starts under the runtime client: ${problem}`);
    return;
  }
  const bundle = join(outDir, 'admin', 'index.mjs');
  await build(esbuildOptions(ENTRIES.admin, bundle));
  const dynamo = await startDynalite();
  const secrets = await startSecretsManager(
    'arn:aws:secretsmanager:eu-west-1:123456789012:secret:bench',
    DOCUMENT,
  );
  const client = createDynamoClient({ region: DEFAULTS.region, endpoint: dynamo.endpoint, maxAttempts: 1 });
  await ensureCallerTable(client, 'bench-admin');
  client.destroy();
  const env = {
    TABLE_NAME: 'bench-admin',
    AWS_REGION: DEFAULTS.region,
    AWS_ENDPOINT_URL_DYNAMODB: dynamo.endpoint,
    ADMIN_TOKEN_SHA256: sha256Hex(ADMIN_TOKEN),
    CONNECTOR_SECRETS_ID: secrets.secretId,
    AWS_ENDPOINT_URL_SECRETS_MANAGER: secrets.endpoint,
  };
  const first = { delivery: [] as number[], roster: [] as number[], second: [] as number[] };
  try {
    for (let round = 0; round <= runs.cold; round++) {
      for (const kind of ['delivery', 'roster'] as const) {
        const runtimeApi = await startRuntimeApi();
        const contact = moneybirdContact(`cold${round}`, ['0201112233'], Date.now() - 10_000);
        const deliveryEvent = () => {
          const delivery = moneybirdDelivery(
            invoiceEvent(
              moneybirdInvoice(`c${round}-${performance.now()}`, contact, 'late', Date.now() - 5000),
            ),
            [SECRET],
          );
          return functionUrlEvent({
            path: '/connectors/moneybird',
            query: { com_id: DEMO_COMPANY },
            headers: delivery.headers,
            body: delivery.body,
          });
        };
        const event =
          kind === 'delivery'
            ? deliveryEvent()
            : functionUrlEvent({
                method: 'GET',
                path: '/agents',
                query: { com_id: DEMO_COMPANY },
                headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
              });
        const answered = runtimeApi.invoke(event);
        const ric = await startUnderRic({ bundleDir: join(bundle, '..'), env, runtimeApi });
        try {
          const invocation = await answered;
          const status = (invocation.result as { statusCode?: number } | undefined)?.statusCode;
          if (status !== 200)
            throw new Error(
              `the admin bundle answered ${JSON.stringify(invocation.result ?? invocation.error)}`,
            );
          const again = kind === 'delivery' ? await runtimeApi.invoke(deliveryEvent()) : undefined;
          if (round === 0) continue;
          first[kind].push(invocation.respondedAtMs - invocation.nextAtMs);
          if (again) first.second.push(again.respondedAtMs - again.nextAtMs);
        } finally {
          await ric.stop();
          await runtimeApi.close();
        }
      }
    }
  } finally {
    await secrets.close();
    await dynamo.close();
  }
  report.compared(
    'admin cold start, first invocation: a connector delivery (reads the secrets)',
    'ms',
    summarize(first.delivery),
    { name: 'a cold GET /agents (reads no secret)', value: summarize(first.roster) },
  );
  report.measured('  the next delivery, warm (the secrets kept)', 'ms', summarize(first.second));
}

/** An item's size as DynamoDB counts it: names and values, numbers by their digits, maps and lists with their overhead. */
export function itemBytes(item: Item): number {
  return Object.entries(item).reduce(
    (sum, [name, value]) => sum + Buffer.byteLength(name) + valueBytes(value),
    0,
  );
}

function valueBytes(value: AttributeValue): number {
  if (value.S !== undefined) return Buffer.byteLength(value.S);
  if (value.N !== undefined) return Math.ceil(value.N.replace(/^-|\.|^0+/g, '').length / 2) + 1;
  if (value.BOOL !== undefined || value.NULL !== undefined) return 1;
  if (value.SS) return value.SS.reduce((sum, text) => sum + Buffer.byteLength(text), 0);
  if (value.L) return 3 + value.L.reduce((sum, each) => sum + 1 + valueBytes(each), 0);
  if (value.M)
    return (
      3 +
      Object.entries(value.M).reduce(
        (sum, [name, each]) => sum + 1 + Buffer.byteLength(name) + valueBytes(each),
        0,
      )
    );
  return 0;
}
