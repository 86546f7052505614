/**
 * Learning who answered from the platform's CDR report: the latest answered inbound call of
 * each caller teaches their colleague; everything else is counted by why it taught nothing.
 */
import { DEMO_COMPANY } from '../../../local/demo';
import { decodeFile } from '../../../tools/csv';
import { learnCdr, planCdr } from '../../../tools/learn-cdr';
import { useDynalite, webhookUnderTest } from '../../support/harness';

/** A CDR download as Dutch Excel saves it: `;`-separated, Windows-1252 (the é of "Zoë's" row). */
const CDR = [
  'Datum;Tijd;Van;Naar;Via;Wachttijd;Duur;Status;Omschrijving',
  '28-11-2026;09:15:00;31612345678;1003;31102380095;0:00:05;0:03:12;Beantwoord;Zoë belde',
  '28-11-2026;11:40:00;0612345678;1007;31102380095;0:00:03;0:01:00;Beantwoord;later gesprek',
  '28-11-2026;10:00:00;31612345678;1009;31102380095;0:00:02;0:00:40;Beantwoord;eerder dan 11:40',
  '28-11-2026;12:00:00;*****;1003;31102380095;0:00:04;0:02:00;Beantwoord;geheim nummer',
  '28-11-2026;12:05:00;31201234567;1004;31102380095;0:00:30;0:00:00;Gemist;niet opgenomen',
  '28-11-2026;12:10:00;31301234567;31201234599;31102380095;0:00:01;0:01:30;Beantwoord;doorgeschakeld naar buiten',
  '28-11-2026;12:20:00;31401234567;1005;31102380095;0:00:01;0:02:30;Beantwoord;',
  '28-11-2026;nope;31501234567;1006;31102380095;0:00:01;0:02:30;Beantwoord;kapotte tijd',
].join('\r\n');

const dynamo = useDynalite();

it('learns exactly the agent of each caller’s latest answered call, and a re-run learns nothing new', async () => {
  // Prepare: the file in Windows-1252; caller 31401234567 already has a newer report.
  const { stores, tools, destroy } = await webhookUnderTest(dynamo().endpoint);
  const bytes = Buffer.from(CDR, 'latin1');
  const nowMs = Date.UTC(2026, 10, 29, 12);
  await stores.callers.recordHandled(
    DEMO_COMPANY,
    '31401234567',
    { agent: '1010', id: 'newer', atMs: nowMs - 3_600_000 },
    nowMs,
  );

  // Act
  const { text, encoding } = decodeFile(bytes);
  const plan = planCdr(text, '31', nowMs);
  const first = await learnCdr(plan, tools.callers, DEMO_COMPANY, { nowMs });
  const again = await learnCdr(planCdr(text, '31', nowMs), tools.callers, DEMO_COMPANY, { nowMs });

  // Assess
  expect(encoding).toBe('windows-1252');
  expect(plan.columns).toEqual({
    time: 'Tijd',
    date: 'Datum',
    from: 'Van',
    to: 'Naar',
    via: 'Via',
    duration: 'Duur',
    waiting: 'Wachttijd',
    status: 'Status',
  });
  expect(first.outcomes).toEqual({ recorded: 1, duplicate: 0, older: 1 });
  expect([first.earlier, first.skipped]).toEqual([
    2,
    { 'not answered': 1, 'not an agent': 1, 'secret number': 1, anonymous: 0 },
  ]);
  expect(first.bad).toEqual([{ line: 9, reason: expect.stringContaining('time must be a time') }]);
  expect(again.outcomes).toEqual({ recorded: 0, duplicate: 1, older: 1 });
  const learned = await stores.callers.getCaller(DEMO_COMPANY, '31612345678', nowMs);
  expect(learned).toMatchObject({ lastAgent: '1007', lastAgentAt: Date.UTC(2026, 10, 28, 10, 40) });
  expect((await stores.callers.getCaller(DEMO_COMPANY, '31401234567', nowMs))?.lastAgent).toBe('1010');
  for (const untaught of ['31201234567', '31301234567']) {
    expect(await stores.callers.getCaller(DEMO_COMPANY, untaught, nowMs)).toBeUndefined();
  }
  destroy();
});

it('takes other headers named with --map, and says which it misses', () => {
  const text = 'Begin,Nummer A,Nummer B,Seconden\n2026-11-28 09:15:00,0612345678,1003,30\n';
  expect(() => planCdr(text, '31', Date.now())).toThrow('the header names no time, from, to column');
  const plan = planCdr(text, '31', Date.now(), {
    time: 'Begin',
    from: 'Nummer A',
    to: 'Nummer B',
    duration: 'Seconden',
  });
  expect(plan.reports.map(({ callerKey, report }) => [callerKey, report.agent])).toEqual([
    ['31612345678', '1003'],
  ]);
});
