/**
 * Routing on whatever the CRM knows: tags and attributes arrive by the admin API and by
 * import, stay within their limits, come back with the caller's one UpdateItem, and never
 * reach the logs.
 */

import { format } from 'node:util';
import fc from 'fast-check';
import { DEFAULTS } from '../../../lambda/config';
import { createDynamoClient } from '../../../lambda/store/client';
import type { RunningLocal } from '../../../local/app';
import { DEMO_COMPANY } from '../../../local/demo';
import { callBody } from '../../../local/events';
import { exportLines } from '../../../tools/export';
import { planImport } from '../../../tools/import';
import { runImport } from '../../../tools/import-writer';
import { toolStores } from '../../../tools/tables';
import { adminUnderTest, useDynalite, WEBHOOK_TOKEN } from '../../support/harness';
import { callLocal, startTestLocal } from '../../support/local-app';

const json = { 'content-type': 'application/json' };

const dynamo = useDynalite();
let api: Awaited<ReturnType<typeof adminUnderTest>>;
beforeEach(async () => {
  api = await adminUnderTest(dynamo().endpoint);
});
afterEach(() => api.destroy());

const put = async (number: string, body: unknown) => {
  const answer = await api.admin('PUT', `/callers/${number}`, { body });
  return { status: answer.statusCode, ...JSON.parse(answer.body ?? '{}') };
};

describe('tags and attributes through the admin API', () => {
  it('are set, added to, removed from, and shown', async () => {
    await put('0612345678', { tags: ['VIP', 'gold'], attributes: { language: 'en', segment: 'b2b' } });
    await put('0612345678', {
      tags: { add: ['late-payer'], remove: ['gold'] },
      attributes: { segment: null, accountManager: '1007' },
    });
    expect(await put('0612345678', { name: 'Jansen' })).toMatchObject({
      status: 200,
      tags: ['late-payer', 'vip'],
      attributes: { language: 'en', accountManager: '1007' },
      name: 'Jansen',
    });
    const read = JSON.parse((await api.admin('GET', '/callers/0612345678')).body ?? '{}');
    expect(read.attributes).toEqual({ language: 'en', accountManager: '1007' });
    expect((await put('0612345678', { tags: [], attributes: null })).tags).toBeUndefined();
  });

  it.each<[string, unknown, string]>([
    [
      '21 tags',
      { tags: Array.from({ length: 21 }, (_, i) => `tag-${i}`) },
      'field tags holds 21 tags; at most 20',
    ],
    ['a tag with a space', { tags: ['big spender'] }, 'field tags holds "big spender"'],
    ['a tag of 33 characters', { tags: ['x'.repeat(33)] }, 'field tags holds'],
    [
      'an attribute name that is not one',
      { attributes: { '1st': 'x' } },
      'field attributes.1st is no attribute name',
    ],
    [
      'an attribute value of 65 characters',
      { attributes: { note: 'x'.repeat(65) } },
      'field attributes.note must be a text of 1 to 64',
    ],
    ['an attribute that is not text', { attributes: { vip: true } }, 'field attributes.vip must be a text'],
    ['tags that are not a list', { tags: 'vip' }, 'field tags must be a list of tags'],
  ])('refuse %s with 400 naming the field, writing nothing', async (_name, body, message) => {
    const before = dynamo().requestCount();
    expect(await put('0612345678', body)).toEqual({ status: 400, error: expect.stringContaining(message) });
    expect(dynamo().requestCount()).toBe(before);
  });

  it('refuse a change that would hold more than 20 attributes in all', async () => {
    const twelve = (prefix: string) =>
      Object.fromEntries(Array.from({ length: 12 }, (_, i) => [`${prefix}${i}`, 'x']));
    expect((await put('0612345678', { attributes: twelve('a') })).status).toBe(200);
    expect(await put('0612345678', { attributes: twelve('b') })).toEqual({
      status: 400,
      error: 'field attributes would be 24 attributes; at most 20',
    });
  });

  it('come back with the webhook’s one request', async () => {
    await put('0612345678', { tags: ['vip'] });
    const before = dynamo().requestCount();
    const answer = await api.call({
      body: callBody({ caller_number: '0612345678' }),
      headers: json,
      query: { token: WEBHOOK_TOKEN, profile: 'default' },
    });
    expect(answer.statusCode).toBe(200);
    // The UpdateItem alone: tags came with it, and no agent rule would answer, so no roster read.
    expect(dynamo().requestCount() - before).toBe(1);
  });
});

describe('arbitrary tags and attributes within the limits', () => {
  const tag = fc.stringMatching(/^[a-z0-9][a-z0-9_.:-]{0,31}$/);
  const name = fc.stringMatching(/^[a-zA-Z][a-zA-Z0-9_]{0,31}$/);
  const value = fc
    .string({ minLength: 1, maxLength: 64 })
    .filter((text) => text.trim() !== '' && [...text].every((char) => char >= ' '));

  it('round-trip through admin PUT, GET, export and import', async () => {
    const stores = api.tools;
    let number = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.uniqueArray(tag, { maxLength: 20 }),
        fc.dictionary(name, value, { maxKeys: 20 }),
        async (tags, attributes) => {
          // Prepare and act: PUT, GET, export, import into the same table.
          const caller = `0620${String(number++).padStart(6, '0')}`;
          expect((await put(caller, { tags, attributes })).status).toBe(200);
          const read = JSON.parse((await api.admin('GET', `/callers/${caller}`)).body ?? '{}');
          const stored = await api.stores.callers.getCaller(DEMO_COMPANY, read.number, Date.now());
          const plan = planImport(exportLines(stored ? [stored] : []).join('\n'), '31', Date.now());
          const again = await runImport(plan, stores, DEMO_COMPANY, { nowMs: Date.now() });

          // Assess
          expect(read.tags ?? []).toEqual([...tags].sort());
          expect(read.attributes ?? {}).toEqual(attributes);
          expect([plan.rejected, again.written, again.unchanged]).toEqual([[], 0, 1]);
        },
      ),
      { numRuns: 40 },
    );
  }, 120_000);
});

describe('the logs', () => {
  it('hold no tag and no attribute value, neither of the webhook nor of the admin API', async () => {
    // Prepare
    const lines: string[] = [];
    const spies = (['log', 'info', 'warn', 'error', 'debug'] as const).map((level) =>
      jest.spyOn(console, level).mockImplementation((...args: unknown[]) => {
        lines.push(format(...args), JSON.stringify(args));
      }),
    );
    const profiles = JSON.stringify({
      default: {
        rules: [
          {
            name: 'manager',
            when: { attribute: { accountManager: '*' } },
            answer: 'am-{attributes.accountManager}',
          },
          { name: 'rest', answer: 'queue' },
        ],
      },
    });
    const secrets = { tags: ['zeppelintag'], attributes: { accountManager: 'Q7X9', language: 'klingon' } };

    // Act
    const local = await adminUnderTest(dynamo().endpoint, { PROFILES: profiles });
    await local.admin('PUT', '/callers/0612345678', { body: secrets });
    const answer = await local.call({ body: callBody({ caller_number: '0612345678' }), headers: json });
    local.destroy();
    for (const spy of spies) spy.mockRestore();

    // Assess: the platform got the value; no log line has it.
    expect(answer.body).toBe('am-Q7X9');
    const logged = [...lines, JSON.stringify(local.logs), JSON.stringify(local.adminLogs)].join('\n');
    expect(local.logs.at(-1)?.answer).toBe('am-{attributes.accountManager}');
    for (const secret of ['zeppelintag', 'Q7X9', 'klingon']) expect(logged).not.toContain(secret);
  });
});

describe('the cookbook, through the local URL', () => {
  let local: RunningLocal;
  beforeAll(async () => {
    local = await startTestLocal();
  });
  afterAll(() => local.stop());

  const call = async (caller: string, profile: string) => (await callLocal(local, caller, profile)).answer;
  const adminPut = (path: string, body: unknown) =>
    fetch(`${local.url}${path}?com_id=${DEMO_COMPANY}`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${local.adminToken}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });

  it('answers as documented for data that arrived by admin PUT', async () => {
    await adminPut('callers/0630000001', { tags: ['gold'] });
    await adminPut('callers/0630000002', { attributes: { language: 'de-AT' } });
    await adminPut('callers/0630000003', { attributes: { accountManager: '1011' } });
    await adminPut('callers/0630000004', { attributes: { accountManager: '1012' } });
    await adminPut('agents/1012', { available: false });
    await adminPut('callers/0630000005', { tags: ['blocked'], openInvoices: 3 });
    await adminPut('callers/0630000006', { tags: ['payment-plan'], openInvoices: 3 });
    expect(
      await Promise.all([
        call('0630000001', 'vip'),
        call('0630000009', 'vip'),
        call('0630000002', 'language'),
        call('0630000009', 'language'),
        call('0630000003', 'account-manager'),
        call('0630000004', 'account-manager'),
        call('0630000005', 'blocked'),
        call('0630000006', 'blocked'),
      ]),
    ).toEqual(['priority', 'queue', 'queue-de', 'queue-nl', '1011', 'sales', 'announcement', 'default']);
  });

  it('answers as documented for data that arrived by import', async () => {
    const client = createDynamoClient({ region: DEFAULTS.region, endpoint: local.endpoint, maxAttempts: 1 });
    const table = { tableName: local.tableName, retentionDays: DEFAULTS.retentionDays };
    const tables = toolStores(client, table);
    const csv = [
      'Telefoon;Tags;Taal;Accountmanager;Segment',
      '0640000001;vip klant;;;gold',
      '0640000002;;en;;',
      '0640000003;;;1013;',
      '0640000004;blocked;;;',
    ].join('\n');
    const plan = planImport(csv, '31', Date.now(), { attributes: ['language=Taal', 'accountManager'] });
    const result = await runImport(plan, tables, DEMO_COMPANY, { nowMs: Date.now() });
    client.destroy();
    expect([result.written, result.rejected, plan.ignoredColumns]).toEqual([4, [], ['Segment']]);
    expect(
      await Promise.all([
        call('0640000001', 'vip'),
        call('0640000002', 'language'),
        call('0640000003', 'account-manager'),
        call('0640000004', 'blocked'),
      ]),
    ).toEqual(['priority', 'queue-en', '1013', 'announcement']);
  });
});
