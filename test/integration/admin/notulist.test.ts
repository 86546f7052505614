/**
 * The AI Notulist webhook teaches the product who answered: the next call of that caller, in
 * whatever notation, goes to that colleague. Its summary is never stored or logged, and its
 * token opens nothing else.
 */
import { format } from 'node:util';
import { ScanCommand } from '@aws-sdk/client-dynamodb';
import { DEMO_COMPANY } from '../../../local/demo';
import { callBody } from '../../../local/events';
import { ADMIN_TOKEN, adminUnderTest, INGEST_TOKEN, useDynalite, WEBHOOK_TOKEN } from '../../support/harness';

const SUMMARY = {
  title: 'Klacht over factuur Jansen',
  overview: 'Mevrouw Jansen belde over een dubbele afschrijving zeppelin',
  notes: ['terugbellen morgen', 'IBAN NL91ABNA0417164300'],
  outcomes: ['creditnota toegezegd'],
};
const SUMMARY_WORDS = [
  'Jansen',
  'afschrijving',
  'zeppelin',
  'terugbellen',
  'NL91ABNA0417164300',
  'creditnota',
];

const dynamo = useDynalite();
let api: Awaited<ReturnType<typeof adminUnderTest>>;
beforeEach(async () => {
  api = await adminUnderTest(dynamo().endpoint);
});
afterEach(() => api.destroy());

/** A notulist POST as the platform sends it: the token and company in the URL, no header. */
const postNotulist = (call: unknown, extra: Record<string, unknown> = SUMMARY, token = INGEST_TOKEN) =>
  api.admin('POST', '/notulist', {
    query: { token, com_id: DEMO_COMPANY },
    headers: { authorization: '' },
    body: { ...extra, ...(call === undefined ? {} : { call }) },
  });
const answerOf = async (caller_number: string) =>
  (
    await api.call({
      body: callBody({ caller_number }),
      headers: { 'content-type': 'application/json' },
      query: { token: WEBHOOK_TOKEN },
    })
  ).body;
const storedItems = async () =>
  (await api.client.send(new ScanCommand({ TableName: api.config.tableName }))).Items ?? [];
const resultOf = async (response: Promise<{ statusCode?: number; body?: string }>) => {
  const { statusCode, body } = await response;
  return { status: statusCode, ...JSON.parse(body ?? '{}') };
};

describe('POST /notulist', () => {
  it('records who answered, and the next call of that caller in another notation goes to them', async () => {
    const dated = new Date(Date.now() - 3_600_000).toISOString();
    expect(
      await resultOf(postNotulist({ from: '31612345678', to: '1007', via: '31102380095', dated })),
    ).toEqual({
      status: 200,
      result: 'recorded',
    });
    expect(await answerOf('06-12 34 56 78')).toBe('1007');
  });

  it('counts a call delivered twice once, and never replaces a newer report with an older one', async () => {
    const now = Date.now();
    const call = (to: string, minutesAgo: number) => ({
      from: '0612345678',
      to,
      dated: now - minutesAgo * 60_000,
    });
    expect((await resultOf(postNotulist(call('1001', 10)))).result).toBe('recorded');
    expect((await resultOf(postNotulist(call('1001', 10)))).result).toBe('duplicate');
    expect((await resultOf(postNotulist(call('1002', 60)))).result).toBe('older');
    expect(await answerOf('0612345678')).toBe('1001');
  });

  it.each<[string, unknown, string]>([
    [
      'an external number as the colleague',
      { from: '0612345678', to: '0201234567', dated: Date.now() },
      'not a colleague',
    ],
    ['no colleague (not answered)', { from: '0612345678', to: '', dated: Date.now() }, 'not a colleague'],
    ['an anonymous caller', { from: 'anonymous', to: '1003', dated: Date.now() }, 'anonymous'],
    ['a secret number', { from: '*****', to: '1003', dated: Date.now() }, 'secret number'],
  ])('acknowledges %s as ignored, recording nothing about a caller', async (_name, call, reason) => {
    expect(await resultOf(postNotulist(call))).toEqual({
      status: 200,
      result: 'ignored',
      reason: expect.stringContaining(reason),
    });
    // Only the console's count of the Notulist's deliveries.
    expect((await storedItems()).map((item) => item.pk?.S)).toEqual([`${DEMO_COMPANY}#activity`]);
  });

  it.each<[string, string]>([
    ['ISO 8601 with a zone', '2026-11-28T09:15:00Z'],
    ['epoch seconds', '1795857300'],
    ['epoch milliseconds', '1795857300000'],
    ['Amsterdam local time', '2026-11-28 10:15:00'],
  ])('reads dated as %s', async (_name, dated) => {
    expect((await resultOf(postNotulist({ from: '0612345678', to: '1003', dated }))).result).toBe('recorded');
    const stored = await api.stores.callers.getCaller(DEMO_COMPANY, '31612345678', Date.now());
    expect(stored?.lastAgentAt).toBe(Date.UTC(2026, 10, 28, 9, 15));
  });

  it.each<[string, unknown, string]>([
    ['no call object', undefined, 'field call is required'],
    [
      'a dated that is no time',
      { from: '0612345678', to: '1003', dated: 'gisteren' },
      'field call.dated must be a time',
    ],
  ])('refuses %s with 400 naming it', async (_name, call, message) => {
    const answer = await resultOf(postNotulist(call));
    expect([answer.status, answer.error]).toEqual([400, expect.stringContaining(message)]);
  });

  it('ignores fields it does not know', async () => {
    const call = { from: '0612345678', to: '1003', dated: Date.now(), recording: 'x', direction: 'in' };
    expect((await resultOf(postNotulist(call, { ...SUMMARY, language: 'nl' }))).result).toBe('recorded');
  });
});

describe('the AI summary', () => {
  it('reaches neither the table nor the logs', async () => {
    // Prepare: every console line, as Lambda would write it.
    const lines: string[] = [];
    const spies = (['log', 'info', 'warn', 'error', 'debug'] as const).map((level) =>
      jest.spyOn(console, level).mockImplementation((...args: unknown[]) => {
        lines.push(format(...args), JSON.stringify(args));
      }),
    );
    const logged = api.adminLogs;

    // Act
    await postNotulist({ from: '0612345678', to: '1003', dated: Date.now() });
    await postNotulist({ from: '0612345679', to: '0201234567', dated: Date.now() });
    for (const spy of spies) spy.mockRestore();
    const items = await storedItems();

    // Assess: one caller learned, beside the console's count of the Notulist's deliveries.
    const everything = [JSON.stringify(items), JSON.stringify(logged), ...lines].join('\n');
    expect(items.map((item) => item.pk?.S).sort()).toEqual([
      `${DEMO_COMPANY}#31612345678`,
      `${DEMO_COMPANY}#activity`,
    ]);
    for (const word of SUMMARY_WORDS) expect(everything).not.toContain(word);
  });
});

describe('the ingest token', () => {
  it('opens /notulist only, and no other token opens /notulist', async () => {
    const call = { from: '0612345678', to: '1003', dated: Date.now() };
    const before = dynamo().requestCount();
    expect((await resultOf(postNotulist(call, SUMMARY, WEBHOOK_TOKEN))).status).toBe(401);
    expect((await resultOf(postNotulist(call, SUMMARY, ADMIN_TOKEN))).status).toBe(401);
    const asIngest = { token: 'unused', headers: { authorization: `Bearer ${INGEST_TOKEN}` } };
    expect((await api.admin('GET', '/callers/0612345678', asIngest)).statusCode).toBe(401);
    expect((await api.admin('GET', '/agents', asIngest)).statusCode).toBe(401);
    const asWebhook = await api.call({
      body: callBody(),
      headers: { 'content-type': 'application/json' },
      query: { token: INGEST_TOKEN },
    });
    expect(asWebhook.statusCode).toBe(401);
    expect(dynamo().requestCount()).toBe(before);
  });
});
