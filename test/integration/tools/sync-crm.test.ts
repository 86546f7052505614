/**
 * `npm run callers -- sync hubspot | pipedrive` against the stand-ins of their APIs and a table
 * on dynalite: every page read within the rate limit (HubSpot's 429 without Retry-After,
 * Pipedrive's with x-ratelimit-reset), owners linked to agents by email, a second run changing
 * nothing and a newer webhook not undone.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEMO_COMPANY } from '../../../local/demo';
import type { StandinApi } from '../../../local/standins/apis';
import { type HubspotApiContact, hubspotApi, pipedriveApi } from '../../../local/standins/crm-apis';
import { pipedrivePerson } from '../../../local/standins/pipedrive';
import { callersOnTable } from '../../support/cli';
import { useDynalite, webhookUnderTest } from '../../support/harness';
import { pipedriveLabelAsTag } from '../../support/mappings';

const dynamo = useDynalite();
const HOUR = 3_600_000;

let folder: string;
let api: StandinApi | undefined;
beforeEach(() => {
  folder = mkdtempSync(join(tmpdir(), 'sync-crm-'));
});
afterEach(async () => {
  await api?.close();
  api = undefined;
  rmSync(folder, { recursive: true, force: true });
});

const sync = (tableName: string, source: string, args: string[], env: Record<string, string>) =>
  callersOnTable(
    dynamo().endpoint,
    tableName,
    ['sync', source, '--checkpoint', join(folder, 'checkpoint.json'), ...args],
    env,
  );

describe('sync hubspot', () => {
  const now = Date.now();
  const contacts: HubspotApiContact[] = Array.from({ length: 250 }, (_, index) => ({
    id: String(1000 + index),
    properties: {
      phone: `020 ${String(2_000_000 + index)}`,
      mobilephone: index % 2 === 0 ? `06 ${String(20_000_000 + index)}` : null,
      hubspot_owner_id: index % 10 === 0 ? null : '6166860',
      hs_language: 'en',
    },
    updatedAt: new Date(now - 2 * HOUR).toISOString(),
  }));
  const owners = [
    { id: '6166860', email: 'JSmith@example.com', userId: 1296619, type: 'PERSON' as const },
    { id: '6166861', email: 'nobody@example.com', userId: 1296620, type: 'PERSON' as const },
  ];
  const hubspot = (tableName: string, ...args: string[]) =>
    sync(tableName, 'hubspot', ['--api-url', api?.url ?? '', ...args], {
      HUBSPOT_ACCESS_TOKEN: 'pat-eu1-test',
    });

  it("reads every contact's numbers and owner, links owners to agents by email, and a second run changes nothing", async () => {
    const table = await webhookUnderTest(dynamo().endpoint);
    await table.stores.directory.setAliases(DEMO_COMPANY, '1007', ['jsmith@example.com']);
    api = await hubspotApi({
      token: 'pat-eu1-test',
      contacts,
      owners,
      limit: { requests: 1, windowMs: 2000, retryAfterSeconds: 1 },
    });
    const first = await hubspot(table.config.tableName);
    expect([first.code, first.stderr]).toEqual([
      0,
      expect.stringContaining('hubspot: page 3, 250 contacts read'),
    ]);
    expect(first.stderr).toContain(
      '2 users who may own contacts: 1 linked to an agent by email, 0 linked before, 1 with no agent of that email',
    );
    expect(first.stdout).toMatch(/times asked to wait/);
    expect(first.stdout).toContain('applied: 750');
    const directory = await table.stores.directory.getDirectory(DEMO_COMPANY);
    expect(directory.get('hubspot:6166860')).toBe('1007');
    const [phone, mobile, ownerless] = await Promise.all(
      ['31202000002', '31620000002', '31202000010'].map((key) =>
        table.stores.callers.getCaller(DEMO_COMPANY, key, Date.now()),
      ),
    );
    expect([phone?.attributes, mobile?.attributes, ownerless?.attributes]).toEqual([
      { accountManager: '1007' },
      { accountManager: '1007' },
      undefined,
    ]);
    const second = await hubspot(table.config.tableName);
    expect([second.code, second.stdout]).toEqual([0, expect.stringContaining('unchanged: 750')]);
    expect(second.stdout).not.toContain('applied');
    table.destroy();
  });

  it('reads the properties a mapping names, and leaves a newer webhook as it is', async () => {
    const table = await webhookUnderTest(dynamo().endpoint);
    await table.stores.directory.setAliases(DEMO_COMPANY, '1008', ['hubspot:6166861']);
    // A webhook newer than the contact's update time: owner 6166861.
    await table.stores.contacts.apply(
      DEMO_COMPANY,
      {
        source: 'hubspot',
        contact: '1001',
        records: [
          {
            kind: 'attribute',
            key: 'accountManager',
            version: now - HOUR,
            storedAtMs: now,
            assignee: 'hubspot:6166861',
            agent: '1008',
            value: '1008',
          },
        ],
      },
      now,
    );
    api = await hubspotApi({ token: 'pat-eu1-test', contacts: contacts.slice(0, 3), owners });
    const run = await hubspot(table.config.tableName, '--properties', 'hs_language');
    expect(run.code).toBe(0);
    // The shipped declaration does not map hs_language: read, and acknowledged as not mapped.
    expect(run.stdout).toContain('ignored: property-not-mapped: 3');
    const caller = await table.stores.callers.getCaller(DEMO_COMPANY, '31202000001', Date.now());
    expect(caller?.attributes).toEqual({ accountManager: '1008' });
    const refused = await hubspot(table.config.tableName, '--properties', 'hs language');
    expect([refused.code, refused.stderr]).toEqual([
      2,
      expect.stringContaining('"hs language" is no HubSpot property name'),
    ]);
    table.destroy();
  });
});

describe('sync pipedrive', () => {
  const now = Date.now();
  const persons = Array.from({ length: 1200 }, (_, index) =>
    pipedrivePerson(index + 1, [`030 ${String(3_000_000 + index)}`], {
      owner: 18487521,
      labels: index % 3 === 0 ? [12] : [],
      updatedAtMs: now - HOUR,
    }),
  );
  const pipedrive = (tableName: string, env: Record<string, string> = {}) =>
    sync(tableName, 'pipedrive', ['--api-url', api?.url ?? ''], { PIPEDRIVE_API_TOKEN: 'pd-token', ...env });

  it('reads every person page by page, owners linked by email, labels by the mapping, and names the label ids', async () => {
    const table = await webhookUnderTest(dynamo().endpoint);
    await table.stores.directory.setAliases(DEMO_COMPANY, '1009', ['sales@acme.nl']);
    api = await pipedriveApi({
      token: 'pd-token',
      persons,
      users: [{ id: 18487521, email: 'sales@acme.nl', active_flag: true }],
      labels: [
        { id: 12, label: 'VIP' },
        { id: 13, label: 'Cold lead' },
      ],
      limit: { requests: 1, windowMs: 1500, retryAfterSeconds: 1, withoutRetryAfter: true },
    });
    const mapping = JSON.stringify([pipedriveLabelAsTag(12)]);
    const run = await pipedrive(table.config.tableName, { CONNECTORS: mapping });
    expect([run.code, run.stderr]).toEqual([
      0,
      expect.stringContaining('pipedrive: page 3, 1200 persons read'),
    ]);
    expect(run.stdout).toContain('applied: 1200');
    expect(run.stdout).toContain('label "VIP" is id 12');
    expect(api.stats.throttled).toBeGreaterThan(0);
    const [vip, other] = await Promise.all(
      ['31303000000', '31303000001'].map((key) =>
        table.stores.callers.getCaller(DEMO_COMPANY, key, Date.now()),
      ),
    );
    expect([vip?.tags, vip?.attributes, other?.tags]).toEqual([
      ['vip'],
      { accountManager: '1009' },
      undefined,
    ]);
    table.destroy();
  });

  it('says which setting is missing', async () => {
    const table = await webhookUnderTest(dynamo().endpoint);
    const run = await sync(table.config.tableName, 'pipedrive', [], {});
    expect([run.code, run.stderr]).toEqual([2, expect.stringContaining('PIPEDRIVE_API_TOKEN is not set')]);
    table.destroy();
  });
});

describe('import --preset', () => {
  it("writes a HubSpot export's callers with their owner as account manager, and says how many owners it could not place", async () => {
    const table = await webhookUnderTest(dynamo().endpoint);
    await table.stores.directory.setAliases(DEMO_COMPANY, '1007', ['jsmith@example.com']);
    const file = join(folder, 'hubspot-contacts.csv');
    writeFileSync(
      file,
      [
        'Record ID,Phone Number,Mobile Phone Number,Contact owner,Lifecycle Stage',
        '512,+31 20 123 4567,06 1234 5678,jsmith@example.com,customer',
        '513,020 765 4321,,Joe Owner,lead',
      ].join('\n'),
    );
    const run = await callersOnTable(dynamo().endpoint, table.config.tableName, [
      'import',
      file,
      '--preset',
      'hubspot',
    ]);
    expect([run.code, run.stdout]).toEqual([0, expect.stringContaining('written 3')]);
    expect(run.stderr).toContain('1 rows name an owner no agent has as an alias');
    expect(run.stderr).not.toContain('Joe Owner');
    const caller = await table.stores.callers.getCaller(DEMO_COMPANY, '31612345678', Date.now());
    expect(caller?.attributes).toEqual({ accountManager: '1007', lifecycleStage: 'customer' });
    const refused = await callersOnTable(dynamo().endpoint, table.config.tableName, [
      'import',
      file,
      '--preset',
      'salesforce',
    ]);
    expect([refused.code, refused.stderr]).toEqual([
      2,
      expect.stringContaining('"salesforce" is none; known: hubspot, pipedrive'),
    ]);
    table.destroy();
  });
});
