/**
 * An import of new callers racing the platform's calls and a CRM's handled-call reports on
 * the same callers: every acknowledged call and report is in the table afterwards.
 */
import { DEMO_COMPANY } from '../../../local/demo';
import { callBody } from '../../../local/events';
import { planImport } from '../../../tools/import';
import { runImport } from '../../../tools/import-writer';
import { adminUnderTest, useDynalite, WEBHOOK_TOKEN } from '../../support/harness';

const CALLERS = 2000;
const WORKERS = 10;
/** Workers aim at the callers the import is about to write, where a lost write would hide. */
const AHEAD = 150;

const dynamo = useDynalite();

const numberOf = (index: number) => `06${String(30_000_000 + index)}`;
const keyOf = (index: number) => `316${String(30_000_000 + index)}`;

it(`loses no call and no report that was acknowledged during an import of ${CALLERS} new callers`, async () => {
  // Prepare
  const api = await adminUnderTest(dynamo().endpoint);
  const stores = api.tools;
  const lines = ['number,name,openInvoices'];
  for (let index = 0; index < CALLERS; index++) lines.push(`${numberOf(index)},Klant ${index},0`);
  const nowMs = Date.now();
  const plan = planImport(lines.join('\n'), '31', nowMs);
  let position = 0;
  let importing = true;
  const reported = new Map<number, string>();
  /** Per caller: the calls answered from the table (a route, not a fallback), and all calls sent. */
  const called = new Map<number, number>();
  const sent = new Map<number, number>();
  const pick = () => Math.min(CALLERS - 1, position + Math.floor(Math.random() * AHEAD));

  const worker = async (id: number) => {
    for (let turn = 0; importing; turn++) {
      const index = pick();
      if (turn % 2 === 0 && !reported.has(index)) {
        reported.set(index, 'pending');
        const agent = `${1000 + id}`;
        const answer = await api.admin('POST', '/handled', {
          body: { caller_number: numberOf(index), agent, uuid: `race-${id}-${turn}` },
        });
        if (JSON.parse(answer.body ?? '{}').result === 'recorded') reported.set(index, agent);
        else reported.delete(index);
      } else {
        const requestId = `call-${id}-${turn}`;
        sent.set(index, (sent.get(index) ?? 0) + 1);
        const answer = await api.call({
          body: callBody({ com_id: DEMO_COMPANY, caller_number: numberOf(index) }),
          headers: { 'content-type': 'application/json' },
          query: { token: WEBHOOK_TOKEN },
          requestId,
        });
        const line = api.logs.find((entry) => entry.requestId === requestId);
        if (answer.statusCode === 200 && line && !line.fallbackCause) {
          called.set(index, (called.get(index) ?? 0) + 1);
        }
      }
    }
  };

  // Act
  const workers = Array.from({ length: WORKERS }, (_, id) => worker(id));
  const result = await runImport(plan, stores, DEMO_COMPANY, {
    nowMs,
    onProgress: (done) => {
      position = done;
    },
  });
  importing = false;
  await Promise.all(workers);

  // Assess
  expect([result.written + result.unchanged, result.failed.length, result.notAttempted]).toEqual([
    CALLERS,
    0,
    0,
  ]);
  expect(reported.size + called.size).toBeGreaterThan(100);
  const lost: string[] = [];
  for (const [index, agent] of reported) {
    const stored = await api.stores.callers.getCaller(DEMO_COMPANY, keyOf(index), Date.now());
    if (stored?.lastAgent !== agent) lost.push(`report of ${index}: ${stored?.lastAgent}`);
  }
  // A call that fell back on its deadline may still have been counted: stored lies between
  // the acknowledged calls and all calls sent, and each call counts once.
  for (const [index, calls] of called) {
    const stored = await api.stores.callers.getCaller(DEMO_COMPANY, keyOf(index), Date.now());
    const most = sent.get(index) ?? 0;
    const count = stored?.calls ?? 0;
    if (count < calls || count > most)
      lost.push(`calls of ${index}: ${count}, acknowledged ${calls} of ${most}`);
    if (stored?.name !== `Klant ${index}`) lost.push(`name of ${index}: ${stored?.name}`);
  }
  expect(lost).toEqual([]);
  api.destroy();
}, 300_000);
