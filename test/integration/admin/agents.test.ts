/**
 * A caller is never sent to a colleague who cannot answer: the roster the admin API keeps,
 * the rules that ask for it, the webhook's copy of it, and the explanation of a route.
 */
import { DEMO_COMPANY } from '../../../local/demo';
import { callBody } from '../../../local/events';
import { type FaultyDynamo, startFaultyDynamo } from '../../../local/fault-dynamo';
import { adminUnderTest, useDynalite, WEBHOOK_TOKEN, webhookUnderTest } from '../../support/harness';

const DAY_MS = 86_400_000;
const json = { 'content-type': 'application/json' };

const dynamo = useDynalite();

describe('the roster', () => {
  let api: Awaited<ReturnType<typeof adminUnderTest>>;
  beforeEach(async () => {
    api = await adminUnderTest(dynamo().endpoint, { AGENT_CACHE_SECONDS: '0' });
  });
  afterEach(() => api.destroy());

  const answerOf = async (caller_number: string) =>
    (await api.call({ body: callBody({ caller_number }), headers: json, query: { token: WEBHOOK_TOKEN } }))
      .body;
  const lastAgentOf = (callerKey: string, agent: string) =>
    api.stores.callers.recordHandled(
      DEMO_COMPANY,
      callerKey,
      { agent, id: `h-${agent}`, atMs: Date.now() - DAY_MS },
      Date.now(),
    );

  it('is kept by the admin API: put, get, list, forget', async () => {
    const until = new Date(Date.now() + 7 * DAY_MS).toISOString();
    const put = await api.admin('PUT', '/agents/1005', {
      body: { available: false, until, name: 'Holiday' },
    });
    expect(JSON.parse(put.body ?? '{}')).toEqual({
      agent: '1005',
      available: false,
      until,
      name: 'Holiday',
      availableNow: false,
      // Who makes them away now: the status set by hand (the presence sync is the other).
      awayVia: 'manual',
      awayUntil: until,
      aliases: [],
    });
    await api.admin('PUT', '/agents/sip:alice', { body: { available: false } });
    const list = JSON.parse((await api.admin('GET', '/agents')).body ?? '{}');
    expect(list.agents.map((agent: { agent: string }) => agent.agent)).toEqual(['1005', 'sip:alice']);
    expect((await api.admin('GET', '/agents/1005')).statusCode).toBe(200);
    expect((await api.admin('DELETE', '/agents/1005')).statusCode).toBe(204);
    expect((await api.admin('GET', '/agents/1005')).statusCode).toBe(404);
    expect((await api.admin('DELETE', '/agents/1005')).statusCode).toBe(404);
  });

  it('keeps the aliases other systems know an agent by: set, replaced, refused when another agent has one', async () => {
    const put = await api.admin('PUT', '/agents/1003', {
      body: { aliases: ['Anna@Acme.nl', 'hubspot:123'] },
    });
    const again = await api.admin('PUT', '/agents/1003', {
      body: { aliases: ['anna@acme.nl'], available: true },
    });
    const taken = await api.admin('PUT', '/agents/1004', { body: { aliases: ['ANNA@acme.nl'] } });
    const other = await api.admin('PUT', '/agents/1004', { body: { aliases: ['hubspot:123'] } });
    const list = JSON.parse((await api.admin('GET', '/agents')).body ?? '{}');

    expect([put.statusCode, JSON.parse(put.body ?? '{}').aliases]).toEqual([
      200,
      ['anna@acme.nl', 'hubspot:123'],
    ]);
    expect(JSON.parse(again.body ?? '{}')).toMatchObject({ aliases: ['anna@acme.nl'], available: true });
    expect([taken.statusCode, JSON.parse(taken.body ?? '{}').error]).toEqual([
      400,
      "alias anna@acme.nl is agent 1003's: take it from them first",
    ]);
    expect(other.statusCode).toBe(200);
    expect(
      list.agents.map((agent: { agent: string; aliases: string[] }) => [agent.agent, agent.aliases]),
    ).toEqual([
      ['1003', ['anna@acme.nl']],
      ['1004', ['hubspot:123']],
    ]);
  });

  it.each<[string, unknown, string]>([
    ['no available', { until: '2026-12-24' }, 'field available must be true or false'],
    ['an alias with a space', { aliases: ['anna at acme'] }, 'field aliases[0] holds "anna at acme"'],
    ['aliases that are no list', { aliases: 'anna@acme.nl' }, 'field aliases must be a list of aliases'],
    [
      'until with available: true',
      { available: true, until: '2026-12-24' },
      'field until goes only with available: false',
    ],
    ['an until that is no time', { available: false, until: 'next week' }, 'field until must be a time'],
    ['an unknown field', { available: false, reason: 'sick' }, 'unknown field reason'],
  ])('refuses a status with %s', async (_name, body, message) => {
    const answer = await api.admin('PUT', '/agents/1005', { body });
    expect([answer.statusCode, JSON.parse(answer.body ?? '{}').error]).toEqual([
      400,
      expect.stringContaining(message),
    ]);
  });

  it('sends the caller of an unavailable last agent down the profile, saying why', async () => {
    await lastAgentOf('31612345678', '1005');
    const until = Date.now() + DAY_MS;
    await api.admin('PUT', '/agents/1005', { body: { available: false, until } });
    expect(await answerOf('0612345678')).toBe('default');
    expect(api.logs.at(-1)?.reason).toBe(
      `rule:otherwise (recent-agent skipped: last agent 1005 unavailable until ${new Date(until).toISOString()})`,
    );
  });

  it('routes to the agent again once the absence has ended, or when forgotten', async () => {
    await lastAgentOf('31612345678', '1005');
    await api.admin('PUT', '/agents/1005', { body: { available: false, until: Date.now() - 60_000 } });
    expect(await answerOf('0612345678')).toBe('1005');
    await api.admin('PUT', '/agents/1005', { body: { available: false } });
    expect(await answerOf('0612345678')).toBe('default');
    await api.admin('DELETE', '/agents/1005');
    expect(await answerOf('0612345678')).toBe('1005');
  });

  it('passes over an unavailable ticket agent too', async () => {
    await api.putFacts(DEMO_COMPANY, '31612345678', { ticketAgent: '1003' }, Date.now());
    await api.admin('PUT', '/agents/1003', { body: { available: false } });
    expect(await answerOf('0612345678')).toBe('default');
  });

  it('is kept apart per company', async () => {
    await lastAgentOf('31612345678', '1005');
    await api.admin('PUT', '/agents/1005', {
      body: { available: false },
      query: { com_id: 'another-company' },
    });
    expect(await answerOf('0612345678')).toBe('1005');
  });
});

describe("the webhook's copy of the roster", () => {
  it('is used for AGENT_CACHE_SECONDS, then read again', async () => {
    // Prepare: a clock the test moves.
    let nowMs = Date.now();
    const api = await adminUnderTest(dynamo().endpoint, { AGENT_CACHE_SECONDS: '60' });
    const clocked = await webhookUnderTest(dynamo().endpoint, {
      env: { AGENT_CACHE_SECONDS: '60', TABLE_NAME: api.config.tableName },
      createTable: false,
      deps: { now: () => nowMs },
    });
    await api.stores.callers.recordHandled(
      DEMO_COMPANY,
      '31612345678',
      { agent: '1005', id: 'h', atMs: nowMs - DAY_MS },
      nowMs,
    );
    const answer = async () =>
      (await clocked.call({ body: callBody({ caller_number: '0612345678' }), headers: json })).body;

    // Act and assess
    expect(await answer()).toBe('1005');
    await api.admin('PUT', '/agents/1005', { body: { available: false } });
    const requests = dynamo().requestCount();
    expect(await answer()).toBe('1005');
    expect(dynamo().requestCount() - requests).toBe(1);
    nowMs += 61_000;
    expect(await answer()).toBe('default');
    api.destroy();
    clocked.destroy();
  });

  it('is not read for a caller whom no agent rule would answer: one request per call', async () => {
    const webhook = await webhookUnderTest(dynamo().endpoint, { env: { AGENT_CACHE_SECONDS: '0' } });
    const requests = dynamo().requestCount();

    const answer = await webhook.call({ body: callBody({ caller_number: '0687654321' }), headers: json });

    expect(answer.body).toBe('default');
    expect(dynamo().requestCount() - requests).toBe(1);
    webhook.destroy();
  });

  describe('when the roster read hangs', () => {
    let faulty: FaultyDynamo;
    afterEach(async () => faulty.close());

    it('answers in time with the caller’s own rule, the roster unknown and the cause logged', async () => {
      // Prepare: only GetItem (the roster read) hangs; the call's UpdateItem goes to dynalite.
      const api = await adminUnderTest(dynamo().endpoint);
      faulty = await startFaultyDynamo({
        fault: 'hang',
        operations: ['GetItem'],
        forwardTo: dynamo().endpoint,
      });
      await api.stores.callers.recordHandled(
        DEMO_COMPANY,
        '31612345678',
        { agent: '1005', id: 'h', atMs: Date.now() - DAY_MS },
        Date.now(),
      );
      await api.stores.roster.putAgent(DEMO_COMPANY, '1005', { available: false }, Date.now());
      const webhook = await webhookUnderTest(faulty.endpoint, {
        env: { TABLE_NAME: api.config.tableName, BELPLAN_TIMEOUT_MS: '1000', SAFETY_MARGIN_MS: '700' },
        createTable: false,
      });

      // Act
      const started = performance.now();
      const answer = await webhook.call({ body: callBody({ caller_number: '0612345678' }), headers: json });
      const elapsedMs = performance.now() - started;

      // Assess: the 300 ms budget holds with a wide margin; the unknown roster counts 1005 as available.
      expect([answer.statusCode, answer.body]).toEqual([200, '1005']);
      expect(elapsedMs).toBeLessThan(5000);
      expect(webhook.logs.at(-1)).toMatchObject({ reason: 'rule:recent-agent', rosterFailure: 'timeout' });
      expect(webhook.logs.at(-1)?.fallbackCause).toBeUndefined();
      webhook.destroy();
      api.destroy();
    });
  });
});
