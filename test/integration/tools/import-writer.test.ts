import { DEMO_COMPANY } from '../../../local/demo';
import { planImport } from '../../../tools/import';
import { runImport } from '../../../tools/import-writer';
import { useDynalite, webhookUnderTest } from '../../support/harness';

/** The stores an import uses, on the table of a webhook under test. */
async function importTarget(endpoint: string) {
  const webhook = await webhookUnderTest(endpoint);
  return { ...webhook, stores: webhook.tools };
}

const COMPANY = DEMO_COMPANY;
const nowMs = Date.now();

describe('runImport', () => {
  const dynamo = useDynalite();

  // More rows than one look-up batch (100) and than the rows written at once (64); the bench runs 20 000.
  const ROWS = 1500;

  it(`imports ${ROWS} rows completely, and a second run writes nothing`, async () => {
    const { stores, destroy } = await importTarget(dynamo().endpoint);
    const lines = ['number,openInvoices,ticketAgent,name'];
    for (let i = 0; i < ROWS; i++)
      lines.push(`06${String(10_000_000 + i)},${i % 3},${i % 5 === 0 ? 1000 + (i % 7) : ''},Klant ${i}`);
    const text = lines.join('\n');

    const first = await runImport(planImport(text, '31', nowMs), stores, COMPANY, { nowMs });
    const before = dynamo().requestCount();
    const second = await runImport(planImport(text, '31', nowMs), stores, COMPANY, { nowMs });
    const secondRunRequests = dynamo().requestCount() - before;
    let stored = 0;
    for await (const _caller of stores.bulk.listCallers(COMPANY, nowMs)) stored++;
    const sample = await stores.callers.getCaller(COMPANY, '31610001495', nowMs);
    destroy();

    expect([
      first.written,
      first.unchanged,
      first.rejected.length,
      first.duplicates.length,
      first.failed.length,
      first.notAttempted,
    ]).toEqual([ROWS, 0, 0, 0, 0, 0]);
    expect([second.written, second.unchanged]).toEqual([0, ROWS]);
    expect(secondRunRequests).toBe(ROWS / 100);
    expect(stored).toBe(ROWS);
    expect(sample).toMatchObject({
      openInvoices: 1495 % 3,
      ticketAgent: String(1000 + (1495 % 7)),
      name: 'Klant 1495',
    });
  }, 300_000);

  it('merges changed rows into callers with history, keeping their calls and agent time', async () => {
    const { stores, calls, destroy } = await importTarget(dynamo().endpoint);
    const store = stores.callers;
    const handledAt = nowMs - 86_400_000;
    await store.recordHandled(COMPANY, '31612345678', { agent: '1004', id: 'c1', atMs: handledAt }, nowMs);
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

    expect([first.written, again.written, again.unchanged]).toEqual([2, 0, 2]);
    expect(known).toMatchObject({ calls: 1, openInvoices: 2, lastAgent: '1004', lastAgentAt: handledAt });
    expect(fresh).toMatchObject({ calls: 0, lastAgent: '1005', lastAgentAt: nowMs });
  });
});
