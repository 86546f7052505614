import { DEMO_COMPANY } from '../../local/demo';
import { type LocalDynamo, startDynalite } from '../../local/dynamo';
import { BulkCallerStore } from '../../tools/bulk-store';
import { ImportFileError, parseCsv, planImport, runImport } from '../../tools/import';
import { webhookUnderTest } from '../support/harness';

/** The stores an import uses, on the table of a webhook under test. */
async function importTarget(endpoint: string) {
  const webhook = await webhookUnderTest(endpoint);
  const stores = { admin: webhook.store, bulk: new BulkCallerStore(webhook.client, webhook.config) };
  return { ...webhook, stores };
}

const COMPANY = DEMO_COMPANY;
const nowMs = Date.now();

describe('planImport', () => {
  it('reads every number notation a Dutch CRM holds as one caller each', () => {
    const csv = [
      'number,openInvoices,ticketAgent,lastAgent,name',
      '+31 6 12345678,1,,,Eén',
      '06-22345678,,1003,,',
      '0031632345678,,,1004,',
      '31642345678,0,,,',
      '(015) 202 6057,2,,,"Smit, Jansen & Co"',
      '1003,,,,Reception',
    ].join('\n');
    const plan = planImport(csv, '31', nowMs);
    expect(plan.rejected).toEqual([]);
    expect(plan.rows.map((row) => [row.line, row.callerKey])).toEqual([
      [2, '31612345678'],
      [3, '31622345678'],
      [4, '31632345678'],
      [5, '31642345678'],
      [6, '31152026057'],
      [7, 'ext:1003'],
    ]);
    expect(plan.rows[0]?.facts).toEqual({ openInvoices: 1, ticketAgent: null, lastAgent: null, name: 'Eén' });
    expect(plan.rows[2]?.facts).toEqual({
      openInvoices: null,
      ticketAgent: null,
      lastAgent: '1004',
      name: null,
    });
    expect(plan.rows[4]?.facts).toMatchObject({ openInvoices: 2, name: 'Smit, Jansen & Co' });
  });

  it('rejects bad rows with their line and reason, keeping the good ones', () => {
    const csv = [
      'Telefoon;Open_Invoices;Ticket_Agent;Segment',
      '0612345678;3;;gold',
      'not a number;1;;',
      ';1;;',
      '0612345679;many;;',
      '0612345680;1;Jan Smit;',
      'anonymous;;;',
      '0612345681;1;;;extra',
      '0612345682;;1005;',
    ].join('\r\n');
    const plan = planImport(csv, '31', nowMs);
    expect(plan.rows.map((row) => row.line)).toEqual([2, 9]);
    expect(plan.rejected).toEqual([
      { line: 3, reason: 'number "not a number" is not a phone number, extension or SIP account' },
      { line: 4, reason: 'number is empty' },
      { line: 5, reason: expect.stringContaining('openInvoices must be a whole number') },
      { line: 6, reason: expect.stringContaining('ticketAgent must be an agent token') },
      { line: 7, reason: 'number "anonymous" is anonymous' },
      { line: 8, reason: 'has 5 cells, the header 4' },
    ]);
    expect(plan.ignoredColumns).toEqual(['Segment']);
  });

  it('reports the second notation of one caller as a duplicate', () => {
    const plan = planImport(
      'number,ticketAgent\n0612345678,1003\n+31612345678,1004\n06 12345678,1005\n',
      '31',
      nowMs,
    );
    expect(plan.rows).toHaveLength(1);
    expect(plan.duplicates).toEqual([
      { line: 3, firstLine: 2 },
      { line: 4, firstLine: 2 },
    ]);
  });

  it('reads JSON lines', () => {
    const lines = [
      '{"number":"0612345678","openInvoices":2,"crmId":7}',
      '',
      '{"caller_number":"0622345678","ticketAgent":"1003"}',
      '{"number":"0632345678",',
      '[1]',
    ].join('\n');
    const plan = planImport(lines, '31', nowMs);
    expect(plan.rows.map((row) => [row.line, row.callerKey, row.facts])).toEqual([
      [1, '31612345678', { openInvoices: 2 }],
      [3, '31622345678', { ticketAgent: '1003' }],
    ]);
    expect(plan.rejected.map((row) => row.line)).toEqual([4, 5]);
    expect(plan.ignoredColumns).toEqual(['crmId']);
  });

  it('refuses a file without a number column', () => {
    expect(() => planImport('name,openInvoices\nX,1\n', '31', nowMs)).toThrow(ImportFileError);
    expect(() => planImport('', '31', nowMs)).toThrow('the file is empty');
  });

  it('parses quoted cells with delimiters, quotes and newlines', () => {
    expect(parseCsv('a,b\n"x, ""y""","multi\nline"\nlast,')).toEqual([
      { line: 1, cells: ['a', 'b'] },
      { line: 2, cells: ['x, "y"', 'multi\nline'] },
      { line: 4, cells: ['last', ''] },
    ]);
  });
});

describe('runImport', () => {
  let dynamo: LocalDynamo;
  beforeAll(async () => {
    dynamo = await startDynalite();
  });
  afterAll(async () => {
    await dynamo.close();
  });

  it('imports 20 000 rows completely, and a second run writes nothing', async () => {
    const { stores, destroy } = await importTarget(dynamo.endpoint);
    const lines = ['number,openInvoices,ticketAgent,name'];
    for (let i = 0; i < 20_000; i++)
      lines.push(`06${String(10_000_000 + i)},${i % 3},${i % 5 === 0 ? 1000 + (i % 7) : ''},Klant ${i}`);
    const text = lines.join('\n');

    const first = await runImport(planImport(text, '31', nowMs), stores, COMPANY, { nowMs });
    const before = dynamo.requestCount();
    const second = await runImport(planImport(text, '31', nowMs), stores, COMPANY, { nowMs });
    const secondRunRequests = dynamo.requestCount() - before;
    let stored = 0;
    for await (const _caller of stores.bulk.listCallers(COMPANY, nowMs)) stored++;
    const sample = await stores.admin.getCaller(COMPANY, '31610019995', nowMs);
    destroy();

    expect([
      first.imported,
      first.unchanged,
      first.rejected.length,
      first.duplicates.length,
      first.failed.length,
    ]).toEqual([20_000, 0, 0, 0, 0]);
    expect([second.imported, second.unchanged]).toEqual([0, 20_000]);
    expect(secondRunRequests).toBe(200);
    expect(stored).toBe(20_000);
    expect(sample).toMatchObject({
      openInvoices: 19_995 % 3,
      ticketAgent: String(1000 + (19_995 % 7)),
      name: 'Klant 19995',
    });
  }, 300_000);

  it('merges changed rows into callers with history, keeping their calls and agent time', async () => {
    const { stores, calls, destroy } = await importTarget(dynamo.endpoint);
    const store = stores.admin;
    const handledAt = nowMs - 86_400_000;
    await store.recordHandled(COMPANY, '31612345678', { agent: '1004', uuid: 'c1', atMs: handledAt }, nowMs);
    await calls.recordCallAndLoadCaller({
      comId: COMPANY,
      callerKey: '31612345678',
      uuid: 'c1',
      nowMs,
      signal: new AbortController().signal,
    });
    const csv = 'number,openInvoices,lastAgent\n0612345678,2,1004\n0622345678,,1005\n';

    const first = await runImport(planImport(csv, '31', nowMs), stores, COMPANY, { nowMs });
    const again = await runImport(planImport(csv, '31', nowMs + 1000), stores, COMPANY, {
      nowMs: nowMs + 1000,
    });
    const known = await store.getCaller(COMPANY, '31612345678', nowMs);
    const fresh = await store.getCaller(COMPANY, '31622345678', nowMs);
    destroy();

    expect([first.imported, again.imported, again.unchanged]).toEqual([2, 0, 2]);
    expect(known).toMatchObject({ calls: 1, openInvoices: 2, lastAgent: '1004', lastAgentAt: handledAt });
    expect(fresh).toMatchObject({ calls: 0, lastAgent: '1005', lastAgentAt: nowMs });
  });
});
