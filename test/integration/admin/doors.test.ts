/**
 * Every door holds: what an attacker tried against the admin API and the webhook, each as it
 * was reproduced, and what must happen instead — a 4xx that says what was wrong, nothing
 * stored that cannot be read back, no 503 for ordinary contention, no hang on a hung table.
 */
import { GetItemCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { MAX_AGENTS } from '../../../lambda/domain/availability';
import { AGENT_ATTRIBUTE_PREFIX, rosterPartitionKey } from '../../../lambda/store/items';
import { DEMO_COMPANY } from '../../../local/demo';
import { callBody } from '../../../local/events';
import { type FaultyDynamo, startFaultyDynamo } from '../../../local/fault-dynamo';
import { adminUnderTest, INGEST_TOKEN, useDynalite, WEBHOOK_TOKEN } from '../../support/harness';

const dynamo = useDynalite();
const json = { 'content-type': 'application/json' };
const deepJson = (depth: number) => `{"tags":{"add":${'['.repeat(depth)}${']'.repeat(depth)}}}`;

let api: Awaited<ReturnType<typeof adminUnderTest>>;
beforeEach(async () => {
  api = await adminUnderTest(dynamo().endpoint, {
    AGENT_CACHE_SECONDS: '0',
    PROFILES: JSON.stringify({
      default: {
        rules: [
          { name: 'manager', when: { agentAvailable: true }, answer: '{attributes.accountManager}' },
          { name: 'ticket', when: { hasTicketAgent: true }, answer: '{ticketAgent}' },
          { name: 'rest', answer: 'default' },
        ],
      },
    }),
  });
});
afterEach(() => api.destroy());

const bodyOf = (result: { body?: string }) => JSON.parse(result.body ?? '{}');
const answerFor = async (caller_number: string) =>
  (await api.call({ body: callBody({ caller_number }), headers: json, query: { token: WEBHOOK_TOKEN } }))
    .body;

describe('a time out of range', () => {
  it.each([1e20, 8.7e15])('until %d is a 400 naming the field, and nothing is stored', async (until) => {
    const put = await api.admin('PUT', '/agents/7003', { body: { available: false, until } });

    expect([put.statusCode, bodyOf(put).error]).toEqual([
      400,
      'field until is after 2100: not a time this product keeps',
    ]);
    expect((await api.admin('GET', '/agents/7003')).statusCode).toBe(404);
    expect((await api.admin('GET', '/agents')).statusCode).toBe(200);
  });

  it('stored before times were bounded, reads as until further notice: the roster answers, the next rule routes', async () => {
    await api.client.send(
      new PutItemCommand({
        TableName: api.config.tableName,
        Item: {
          pk: { S: rosterPartitionKey(DEMO_COMPANY) },
          [`${AGENT_ATTRIBUTE_PREFIX}7003`]: { M: { available: { BOOL: false }, untilMs: { N: '1e20' } } },
        },
      }),
    );
    await api.putFacts(DEMO_COMPANY, '31612345678', {
      attributes: { accountManager: '7003' },
      ticketAgent: '1003',
    });

    const list = await api.admin('GET', '/agents');
    const explained = await api.admin('GET', '/callers/0612345678/route');

    expect([list.statusCode, bodyOf(list).agents]).toEqual([
      200,
      [expect.objectContaining({ agent: '7003', available: false, availableNow: false })],
    ]);
    expect([explained.statusCode, bodyOf(explained).answer]).toEqual([200, '1003']);
    expect(await answerFor('0612345678')).toBe('1003');
  });
});

describe('JSON nested beyond reason', () => {
  it('is a 400 that says so at every JSON door, and nothing is written', async () => {
    const put = await api.admin('PUT', '/callers/0612345678', { body: deepJson(5000) });
    const notulist = await api.admin('POST', '/notulist', {
      body: `{"call":${'['.repeat(5000)}${']'.repeat(5000)}}`,
      query: { token: INGEST_TOKEN, com_id: DEMO_COMPANY },
      headers: { authorization: '' },
    });
    const webhook = await api.call({ body: `{"caller_number":${'['.repeat(5000)}}`, headers: json });

    for (const result of [put, notulist]) {
      expect([result.statusCode, bodyOf(result).error]).toEqual([
        400,
        expect.stringContaining('JSON nests deeper than 32 levels'),
      ]);
    }
    expect([webhook.statusCode, webhook.body]).toEqual([
      400,
      expect.stringContaining('JSON nests deeper than 32 levels'),
    ]);
    expect((await api.admin('GET', '/callers/0612345678')).statusCode).toBe(404);
  });
});

describe('writers racing for one caller', () => {
  it('all land, or are told to try again with 409 and Retry-After; none is a 503', async () => {
    const writers = 20;
    const started = performance.now();
    const timed = await Promise.all(
      Array.from({ length: writers }, async (_, writer) => {
        const result = await api.admin('PUT', '/callers/0612345678', {
          body: { tags: { add: [`t${writer}`] } },
        });
        return {
          writer,
          status: result.statusCode,
          retryAfter: result.headers?.['retry-after'],
          ms: performance.now() - started,
        };
      }),
    );

    const stored = bodyOf(await api.admin('GET', '/callers/0612345678')).tags as string[];
    const acknowledged = timed.filter((each) => each.status === 200).map((each) => `t${each.writer}`);
    expect(timed.filter((each) => each.status !== 200 && each.status !== 409)).toEqual([]);
    expect(timed.filter((each) => each.status === 409 && each.retryAfter === undefined)).toEqual([]);
    expect(stored).toEqual(expect.arrayContaining(acknowledged));
    // On dynalite every writer gets through within the deadline.
    expect(acknowledged.length).toBe(writers);
  });
});

describe('a number a spreadsheet turned into a decimal', () => {
  it('is the same caller, at every door', async () => {
    const put = await api.admin('PUT', '/callers/31612345678.0', { body: { name: 'Decimal BV' } });

    expect(bodyOf(put).number).toBe('31612345678');
    expect(bodyOf(await api.admin('GET', '/callers/0612345678')).name).toBe('Decimal BV');
  });
});

describe('a report in the hour the clocks show twice', () => {
  it('is recorded when it is the newer one (02:50 CEST, then 02:10 CET)', async () => {
    const notulist = (to: string, dated: string) =>
      api.admin('POST', '/notulist', {
        body: { call: { from: '0612345678', to, dated } },
        query: { token: INGEST_TOKEN, com_id: DEMO_COMPANY },
        headers: { authorization: '' },
      });

    const first = bodyOf(await notulist('1004', '2026-10-25 02:50'));
    const second = bodyOf(await notulist('1005', '2026-10-25 02:10'));

    expect([first.result, second.result]).toEqual(['recorded', 'recorded']);
    expect(bodyOf(await api.admin('GET', '/callers/0612345678')).lastAgent).toBe('1005');
  });
});

describe('the same rule for a last agent at every door', () => {
  it('keeps a newer /handled report over an older lastAgentAt in a PUT, as an import does', async () => {
    const now = Date.now();
    await api.admin('POST', '/handled', {
      body: { caller_number: '0612345678', agent: '1004', uuid: 'u1', at: now - 60_000 },
    });

    const put = await api.admin('PUT', '/callers/0612345678', {
      body: { lastAgent: '1009', lastAgentAt: now - 3_600_000, name: 'Kept BV' },
    });

    expect([put.statusCode, bodyOf(put).lastAgent, bodyOf(put).name]).toEqual([200, '1004', 'Kept BV']);
  });
});

describe('a roster at its limit', () => {
  it(`takes ${MAX_AGENTS} agents, counting a roster from before the count, and refuses one more with a 400 that says what to do`, async () => {
    // A roster of MAX_AGENTS - 1 agents, written before the count was kept.
    const agents = Object.fromEntries(
      Array.from({ length: MAX_AGENTS - 1 }, (_, i) => [
        `${AGENT_ATTRIBUTE_PREFIX}${10_000 + i}`,
        { M: { available: { BOOL: true }, name: { S: 'A'.repeat(128) } } },
      ]),
    );
    await api.client.send(
      new PutItemCommand({
        TableName: api.config.tableName,
        Item: { pk: { S: rosterPartitionKey(DEMO_COMPANY) }, ...agents },
      }),
    );

    const last = await api.admin('PUT', '/agents/99998', { body: { available: false } });
    const more = await api.admin('PUT', '/agents/99999', { body: { available: false } });
    const known = await api.admin('PUT', '/agents/10000', { body: { available: false } });
    const forget = await api.admin('DELETE', '/agents/10001');
    const after = await api.admin('PUT', '/agents/99999', { body: { available: false } });

    expect([last.statusCode, more.statusCode, bodyOf(more).error]).toEqual([
      200,
      400,
      expect.stringContaining(`the roster holds ${MAX_AGENTS} agents`),
    ]);
    expect([known.statusCode, forget.statusCode, after.statusCode]).toEqual([200, 204, 200]);
    expect(bodyOf(await api.admin('GET', '/agents')).agents).toHaveLength(MAX_AGENTS);
  });

  it('counts every one of many agents added at once', async () => {
    await Promise.all(
      Array.from({ length: 60 }, (_, i) =>
        api.admin('PUT', `/agents/${20_000 + i}`, { body: { available: i % 2 === 0 } }),
      ),
    );
    await Promise.all(Array.from({ length: 20 }, (_, i) => api.admin('DELETE', `/agents/${20_000 + i}`)));

    const roster = await api.client.send(
      new GetItemCommand({
        TableName: api.config.tableName,
        Key: { pk: { S: rosterPartitionKey(DEMO_COMPANY) } },
      }),
    );
    expect([
      Number(roster.Item?.agentCount?.N),
      bodyOf(await api.admin('GET', '/agents')).agents.length,
    ]).toEqual([40, 40]);
  });
});

describe('what a refusal repeats of its input', () => {
  it('masks a number in the SIP hint, and quotes no text around a JSON error', async () => {
    const sip = await api.admin('PUT', '/callers/0612300062a', { body: { name: 'x' } });
    const broken = await api.admin('PUT', '/callers/0612345678', {
      body: '{"name": "Klant belt over factuur 2026-118" "attributes": 1}',
    });
    const webhook = await api.call({ body: callBody({ caller_number: '0612300062a' }), headers: json });

    expect(bodyOf(sip).error).toContain('sip:061230****a');
    expect(bodyOf(sip).error).not.toContain('0612300062');
    expect(webhook.body).not.toContain('0612300062');
    expect(bodyOf(broken).error).toMatch(/^invalid JSON at line 1, column \d+/);
    expect(bodyOf(broken).error).not.toMatch(/factuur|2026-118|Klant/);
  });

  it('refuses a name with control characters in it', async () => {
    for (const name of ['Nul\u0000BV', 'Esc\u001b[31mBV']) {
      const put = await api.admin('PUT', '/callers/0612345678', { body: { name } });
      expect([put.statusCode, bodyOf(put).error]).toEqual([
        400,
        'field name must be a string of 1 to 128 characters, not blank',
      ]);
    }
  });
});

describe('names of Object.prototype as data', () => {
  const names = ['constructor', '__proto__', 'toString', 'hasOwnProperty', 'valueOf'];

  it('are just names for agents, tags and attributes', async () => {
    for (const agent of names) {
      expect((await api.admin('PUT', `/agents/${agent}`, { body: { available: false } })).statusCode).toBe(
        200,
      );
    }
    const attributes = { constructor: 'a', toString: 'b', valueOf: 'c', hasOwnProperty: 'd' };
    const put = await api.admin('PUT', '/callers/0612345678', {
      body: { tags: ['constructor', 'tostring'], attributes },
    });
    const agents = bodyOf(await api.admin('GET', '/agents')).agents as { agent: string }[];

    expect(agents.map((each) => each.agent).sort()).toEqual([...names].sort());
    expect([put.statusCode, bodyOf(put).attributes, bodyOf(put).tags]).toEqual([
      200,
      attributes,
      ['constructor', 'tostring'],
    ]);
    // A caller without an account manager is not routed to one called "constructor".
    await api.putFacts(DEMO_COMPANY, '31612345679', { attributes: { language: 'en' } });
    expect(await answerFor('0612345679')).toBe('default');
  });
});

describe('a table that hangs', () => {
  let hung: FaultyDynamo;
  let through: Awaited<ReturnType<typeof adminUnderTest>>;
  beforeAll(async () => {
    hung = await startFaultyDynamo('hang');
  });
  afterAll(() => hung.close());
  beforeEach(async () => {
    through = await adminUnderTest(hung.endpoint, {}, { createTable: false });
  });
  afterEach(() => through.destroy());

  it('gets every admin request answered 503 with Retry-After within its deadline', async () => {
    const started = performance.now();
    const results = await Promise.all([
      through.admin('PUT', '/callers/0612345678', { body: { name: 'x' } }),
      through.admin('GET', '/callers/0612345678'),
      through.admin('POST', '/handled', { body: { caller_number: '0612345678', agent: '1003', uuid: 'u' } }),
      through.admin('GET', '/agents'),
      through.admin('PUT', '/agents/1003', { body: { available: false } }),
    ]);

    expect(results.map((result) => [result.statusCode, result.headers?.['retry-after']])).toEqual(
      Array.from({ length: 5 }, () => [503, '2']),
    );
    expect(bodyOf(results[0] ?? {}).error).toBe('the caller table did not answer within 5 s; try again');
    // The deadline is 5 s; a wide margin for a slow machine, far below a hang.
    expect(performance.now() - started).toBeLessThan(20_000);
  }, 30_000);
});
