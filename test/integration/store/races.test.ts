/**
 * Nothing acknowledged is lost and nothing is counted twice, under real concurrency on a real
 * DynamoDB protocol: expired records, re-deliveries, racing writers, reports from the future.
 */
import { PutItemCommand } from '@aws-sdk/client-dynamodb';
import { callerPartitionKey } from '../../../lambda/store/items';
import { DEMO_COMPANY } from '../../../local/demo';
import { callBody } from '../../../local/events';
import { adminUnderTest, useDynalite, WEBHOOK_TOKEN } from '../../support/harness';

const CALLER = '31152026057';
const json = { 'content-type': 'application/json' };

const dynamo = useDynalite();
let api: Awaited<ReturnType<typeof adminUnderTest>>;
beforeEach(async () => {
  api = await adminUnderTest(dynamo().endpoint);
});
afterEach(() => api.destroy());

const postCall = (fields: Record<string, string> = {}, query: Record<string, string> = {}) =>
  api.call({
    body: callBody(fields),
    headers: json,
    query: { token: WEBHOOK_TOKEN, ...query },
  });

/** Stores the caller as an item whose expiry has passed, holding facts and calls of its past. */
async function expiredCaller(): Promise<void> {
  await api.client.send(
    new PutItemCommand({
      TableName: api.config.tableName,
      Item: {
        pk: { S: callerPartitionKey(DEMO_COMPANY, CALLER) },
        calls: { N: '7' },
        openInvoices: { N: '3' },
        expiresAt: { N: String(Math.floor(Date.now() / 1000) - 60) },
      },
    }),
  );
}

const stored = () => api.stores.callers.getCaller(DEMO_COMPANY, CALLER, Date.now());

describe('concurrent calls are counted exactly', () => {
  it.each([2, 10, 50])(
    '%i calls on an expired record count as that many, its old facts gone',
    async (calls) => {
      // Prepare
      await expiredCaller();

      // Act
      const answers = await Promise.all(Array.from({ length: calls }, () => postCall()));

      // Assess
      expect(answers.every((answer) => answer.statusCode === 200 && answer.body === 'default')).toBe(true);
      expect(api.logs.filter((entry) => entry.fallbackCause)).toEqual([]);
      const record = await stored();
      expect(record?.calls).toBe(calls);
      expect(record?.openInvoices).toBeUndefined();
    },
  );

  it('20 calls racing an admin PUT on an expired record: 20 calls and the new fact', async () => {
    // Prepare
    await expiredCaller();

    // Act
    const [put] = await Promise.all([
      api.admin('PUT', `/callers/${CALLER}`, { body: { ticketAgent: '1003' } }),
      ...Array.from({ length: 20 }, () => postCall()),
    ]);

    // Assess
    expect(put.statusCode).toBe(200);
    expect(await stored()).toMatchObject({ calls: 20, ticketAgent: '1003' });
  });
});

describe('a call delivered again', () => {
  it('counts once, also when another call came in between (A, B, A)', async () => {
    for (const uuid of ['call-a', 'call-b', 'call-a']) await postCall({ uuid });
    expect((await stored())?.calls).toBe(2);
  });

  it('counts once among the caller’s last 8 calls', async () => {
    const uuids = ['first', ...Array.from({ length: 7 }, (_, i) => `later-${i}`)];
    for (const uuid of uuids) await postCall({ uuid });
    await postCall({ uuid: 'first' });
    expect((await stored())?.calls).toBe(8);
  });

  it('gets the answer of its first delivery under a profile on the last call time', async () => {
    // Prepare
    const profiles = JSON.stringify({
      default: {
        rules: [
          { name: 'again', when: { lastCallWithin: '15m' }, answer: 'priority' },
          { name: 'first', answer: 'queue' },
        ],
      },
    });
    api.destroy();
    api = await adminUnderTest(dynamo().endpoint, { PROFILES: profiles });

    // Act
    const answers: string[] = [];
    for (const uuid of ['u1', 'u2', 'u2', 'u1']) answers.push((await postCall({ uuid })).body ?? '');

    // Assess
    expect(answers).toEqual(['queue', 'priority', 'priority', 'queue']);
    expect((await stored())?.calls).toBe(2);
  });
});

describe('a handled-call report', () => {
  const report = (uuid: string, agent: string, at?: number) =>
    api.admin('POST', '/handled', { body: { caller_number: CALLER, agent, uuid, ...(at ? { at } : {}) } });
  const result = async (response: Promise<{ body?: string }>) =>
    JSON.parse((await response).body ?? '{}').result;

  it('delivered again after a newer one is a duplicate and changes nothing (h1, h2, h1)', async () => {
    expect(await result(report('h1', '1001'))).toBe('recorded');
    expect(await result(report('h2', '1002'))).toBe('recorded');
    expect(await result(report('h1', '1001'))).toBe('duplicate');
    expect((await stored())?.lastAgent).toBe('1002');
  });

  it('from more than a minute ahead is refused, and does not block the reports after it', async () => {
    // Act
    const future = await report('f1', '1001', Date.now() + 60 * 60_000);
    const now = await report('n1', '1002');

    // Assess
    expect(future.statusCode).toBe(400);
    expect(JSON.parse(future.body ?? '{}').error).toContain(
      "field at is 60 minutes ahead of this server's clock",
    );
    expect(JSON.parse(now.body ?? '{}').result).toBe('recorded');
  });

  it('within a minute ahead (clock skew) is recorded', async () => {
    expect(await result(report('s1', '1001', Date.now() + 30_000))).toBe('recorded');
  });

  it('racing 20 calls on an expired record keeps the agent and every call', async () => {
    await expiredCaller();
    const [handled] = await Promise.all([
      report('r1', '1009'),
      ...Array.from({ length: 20 }, () => postCall()),
    ]);
    expect(JSON.parse(handled.body ?? '{}').result).toBe('recorded');
    expect(await stored()).toMatchObject({ calls: 20, lastAgent: '1009' });
  });
});

describe('erasure', () => {
  it('of an expired record answers 404, as reading it does', async () => {
    await expiredCaller();
    expect((await api.admin('GET', `/callers/${CALLER}`)).statusCode).toBe(404);
    expect((await api.admin('DELETE', `/callers/${CALLER}`)).statusCode).toBe(404);
  });
});

describe('the company of a request', () => {
  it('given differently in the query and the body is refused, writing nothing', async () => {
    const before = dynamo().requestCount();
    const response = await api.admin('PUT', `/callers/${CALLER}`, {
      query: { com_id: DEMO_COMPANY },
      body: { com_id: 'another-company', openInvoices: 1 },
    });
    expect(response.statusCode).toBe(400);
    expect(JSON.parse(response.body ?? '{}').error).toContain(
      'com_id differs between the query and the body',
    );
    expect(dynamo().requestCount()).toBe(before);
  });
});
