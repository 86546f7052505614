/**
 * The presence sync against a stand-in of Microsoft's token endpoint and Graph, on dynalite:
 * an agent away in Teams is skipped by the next call and back when Teams says so; automatic
 * replies hold until their end; a status set by hand wins; a stopped sync strands nobody; and
 * every fault leaves the roster as it was, with one line of counts.
 */
import { ConnectorSecrets } from '../../../lambda/connectors/secrets';
import { availabilityOf } from '../../../lambda/domain/availability';
import { passDeadline } from '../../../lambda/presence/graph';
import { type PresenceLogLine, PresenceSync } from '../../../lambda/presence/run';
import { parsePresenceSettings } from '../../../lambda/presence/settings';
import { presencePass } from '../../../lambda/presence/sync';
import { DEMO_COMPANY } from '../../../local/demo';
import { callBody } from '../../../local/events';
import { GRAPH_PRESENCE_BATCH, type GraphStandIn, startGraph } from '../../../local/standins/graph';
import { adminUnderTest, useDynalite, WEBHOOK_TOKEN } from '../../support/harness';

const TENANT = '72f988bf-86f1-41af-91ab-2d7cd011db47';
const APP = '11111111-2222-4333-8444-555555555555';
const SECRET = 'client~secret.for-the-presence-sync';
const ANNA = 'fa8bf3dc-eca7-46b7-bad1-db199b62afc3';
const CALLER = '0612345678';

const dynamo = useDynalite();
let api: Awaited<ReturnType<typeof adminUnderTest>>;
let graph: GraphStandIn;
let lines: PresenceLogLine[];

const settings = (extra: Record<string, unknown> = {}) =>
  parsePresenceSettings(
    JSON.stringify({ companies: [{ comId: DEMO_COMPANY, tenantId: TENANT, appId: APP }], ...extra }),
  ) as NonNullable<ReturnType<typeof parsePresenceSettings>>;

const secrets = (secret = SECRET) =>
  new ConnectorSecrets(
    async () => JSON.stringify({ [DEMO_COMPANY]: { microsoft365: { secrets: [secret] } } }),
    0,
  );

function sync(options: { secret?: string; extra?: Record<string, unknown>; now?: () => number } = {}) {
  return new PresenceSync({
    settings: settings(options.extra),
    stores: api.stores,
    secrets: secrets(options.secret),
    endpoints: { loginUrl: graph.url, graphUrl: graph.url },
    log: (line) => lines.push(line),
    ...(options.now ? { now: options.now } : {}),
  });
}

const answerOf = async () =>
  (
    await api.call({
      body: callBody({ caller_number: CALLER }),
      headers: { 'content-type': 'application/json' },
      query: { token: WEBHOOK_TOKEN },
    })
  ).body;

const rosterNow = async (nowMs = Date.now()) => {
  const roster = await api.stores.roster.getRoster(DEMO_COMPANY);
  return availabilityOf(roster, '1005', nowMs);
};

beforeEach(async () => {
  api = await adminUnderTest(dynamo().endpoint, { AGENT_CACHE_SECONDS: '0' });
  graph = await startGraph({ tenantId: TENANT, clientId: APP, clientSecret: SECRET });
  lines = [];
  await api.stores.directory.setAliases(DEMO_COMPANY, '1005', [`m365:${ANNA}`, 'anna@example.nl']);
  await api.stores.callers.recordHandled(
    DEMO_COMPANY,
    '31612345678',
    { agent: '1005', id: 'call-1', atMs: Date.now() - 60_000, via: 'handled' },
    Date.now(),
  );
  graph.users.set(ANNA, { presence: { availability: 'Available', activity: 'Available' } });
});
afterEach(async () => {
  api.destroy();
  await graph.close();
});

describe('the presence sync', () => {
  it('makes an agent Offline in Teams away for the next call, and back when Teams says Available', async () => {
    const run = sync();
    await run.run(10_000);
    expect(await answerOf()).toBe('1005');
    graph.users.set(ANNA, { presence: { availability: 'Offline', activity: 'OffWork' } });
    await run.run(10_000);
    expect(await rosterNow()).toEqual({ available: false, via: 'presence' });
    expect(await answerOf()).toBe('default');
    graph.users.set(ANNA, { presence: { availability: 'Busy', activity: 'InACall' } });
    await run.run(10_000);
    expect(await answerOf()).toBe('1005');
    expect(lines.map((line) => [line.outcome, line.away])).toEqual([
      ['written', 0],
      ['written', 1],
      ['written', 0],
    ]);
  });

  it('holds automatic replies until their scheduled end, read as UTC or as Amsterdam time', async () => {
    const friday = Date.UTC(2026, 11, 4, 16, 0);
    let now = Date.UTC(2026, 11, 1, 9, 0);
    graph.users.set(ANNA, {
      presence: { availability: 'Available', activity: 'Available' },
      replies: {
        status: 'scheduled',
        scheduledStartDateTime: { dateTime: '2026-11-30T08:00:00.0000000', timeZone: 'UTC' },
        scheduledEndDateTime: {
          dateTime: '2026-12-04T17:00:00.0000000',
          timeZone: 'W. Europe Standard Time',
        },
      },
    });
    const run = sync({ now: () => now });
    await run.run(10_000);
    expect(await rosterNow(now)).toEqual({ available: false, via: 'replies', untilMs: friday });
    // Five minutes on, replies are not read again: the window is carried over.
    now += 5 * 60_000;
    await run.run(10_000);
    expect(graph.stats.repliesRequests).toBe(1);
    expect(await rosterNow(now)).toEqual({ available: false, via: 'replies', untilMs: friday });
    now = Date.UTC(2026, 11, 3, 12, 0);
    await run.run(10_000);
    expect(await rosterNow(now)).toMatchObject({ available: false, via: 'replies' });
    now = friday;
    await run.run(10_000);
    expect(await rosterNow(now)).toEqual({ available: true });
  });

  it('leaves a status set by hand standing: away by hand survives Available, back by hand beats an earlier Offline', async () => {
    await api.admin('PUT', '/agents/1005', { body: { available: false } });
    await sync().run(10_000);
    expect(await rosterNow()).toEqual({ available: false, via: 'manual' });
    graph.users.set(ANNA, { presence: { availability: 'Offline' } });
    const run = sync();
    await run.run(10_000);
    await api.admin('PUT', '/agents/1005', { body: { available: true } });
    await run.run(10_000);
    expect(await rosterNow()).toEqual({ available: true });
    expect(await answerOf()).toBe('1005');
  });

  it('strands nobody when it stops: what it wrote expires a few intervals later', async () => {
    graph.users.set(ANNA, { presence: { availability: 'Away' } });
    const startedMs = Date.now();
    await sync({ extra: { intervalSeconds: 60, expiryIntervals: 3 } }).run(10_000);
    expect(await rosterNow(startedMs + 2 * 60_000)).toMatchObject({ available: false });
    expect(await rosterNow(startedMs + 4 * 60_000)).toEqual({ available: true });
  });

  it('reads presence in batches of at most 650 ids', async () => {
    const agents = Array.from({ length: 700 }, (_, index) => String(2000 + index));
    for (const [index, agent] of agents.entries()) {
      const id = `00000000-0000-4000-8000-${String(index).padStart(12, '0')}`;
      await api.stores.directory.setAliases(DEMO_COMPANY, agent, [`m365:${id}`]);
      graph.users.set(id, { presence: { availability: index % 2 ? 'Offline' : 'Available' } });
    }
    await sync().run(30_000);
    expect(graph.stats.presenceRequests).toBe(Math.ceil(701 / GRAPH_PRESENCE_BATCH));
    expect(lines[0]).toMatchObject({ outcome: 'written', agents: 701, found: 701, away: 350 });
  });

  it('writes nothing while nothing changes and the layer is fresh', async () => {
    const run = sync();
    await run.run(10_000);
    await run.run(10_000);
    expect(lines.map((line) => line.outcome)).toEqual(['written', 'unchanged']);
  });

  describe('when Microsoft fails', () => {
    async function awayThenFault(fault: () => void, budgetMs = 3_000) {
      graph.users.set(ANNA, { presence: { availability: 'Offline' } });
      const run = sync();
      await run.run(10_000);
      const before = await api.stores.roster.getRosterAndLayer(DEMO_COMPANY);
      graph.users.set(ANNA, { presence: { availability: 'Available' } });
      fault();
      await run.run(budgetMs);
      const after = await api.stores.roster.getRosterAndLayer(DEMO_COMPANY);
      expect(after).toEqual(before);
      expect(await rosterNow()).toEqual({ available: false, via: 'presence' });
      return lines.at(-1);
    }

    it('leaves the roster as it was on a 429 whose Retry-After is beyond the pass', async () => {
      const line = await awayThenFault(() => graph.throttle(5, 30));
      expect(line).toMatchObject({
        outcome: 'failed',
        reason: expect.stringContaining('429, retry after 30 s'),
      });
    });

    it('waits a short Retry-After out and goes on', async () => {
      graph.throttle(1, 1);
      await sync().run(10_000);
      expect(lines.at(-1)).toMatchObject({ outcome: 'written' });
      expect(graph.stats.throttled).toBe(1);
    });

    it('leaves the roster as it was when Graph hangs, failing within the pass', async () => {
      const line = await awayThenFault(() => graph.hang(), 1_500);
      expect(line).toMatchObject({ outcome: 'failed', reason: 'Microsoft did not answer within the pass' });
    });

    it('fetches a new token once when the one it holds expired', async () => {
      const run = sync();
      await run.run(10_000);
      graph.expireTokens();
      await run.run(10_000);
      expect(graph.stats.tokens).toBe(2);
      expect(lines.map((line) => line.outcome)).toEqual(['written', 'unchanged']);
    });

    it('says in one line which settings to check when the token is refused, and writes nothing', async () => {
      await sync({ secret: 'not-the-client-secret' }).run(10_000);
      expect(lines).toEqual([
        expect.objectContaining({
          outcome: 'refused',
          reason: expect.stringMatching(
            /invalid_client.*presence\.tenantId, presence\.appId and the microsoft365 client secret/,
          ),
        }),
      ]);
      expect((await api.stores.roster.getRosterAndLayer(DEMO_COMPANY)).layer).toBeUndefined();
    });
  });

  it('says which secret to set when the company has none, asking Microsoft nothing', async () => {
    const none = new PresenceSync({
      settings: settings(),
      stores: api.stores,
      secrets: new ConnectorSecrets(async () => '{}', 0),
      endpoints: { loginUrl: graph.url, graphUrl: graph.url },
      log: (line) => lines.push(line),
    });
    await none.run(10_000);
    expect(lines).toEqual([
      expect.objectContaining({
        outcome: 'refused',
        reason: `no microsoft365 client secret is set for company ${DEMO_COMPANY}: set it with npm run callers -- secret microsoft365`,
      }),
    ]);
    expect(graph.stats.tokens).toBe(0);
  });

  it('logs counts only: no email, object id or whose presence it was', async () => {
    graph.users.set(ANNA, { presence: { availability: 'Offline' } });
    await sync().run(10_000);
    const text = JSON.stringify(lines);
    for (const secretive of [ANNA, 'anna@example.nl', 'Offline', '1005', SECRET])
      expect(text).not.toContain(secretive);
  });

  it('says what a dry run would change and changes nothing', async () => {
    graph.users.set(ANNA, { presence: { availability: 'BeRightBack' } });
    const result = await presencePass(settings().companies[0] as never, {
      ...api.stores,
      graph: (sync() as unknown as { client(company: unknown): never }).client(settings().companies[0]),
      settings: settings(),
      nowMs: Date.now(),
      deadline: passDeadline(10_000),
      dryRun: true,
    });
    expect(result).toMatchObject({
      outcome: 'dry-run',
      changes: [{ agent: '1005', from: 'available', to: 'away (presence)' }],
    });
    expect((await api.stores.roster.getRosterAndLayer(DEMO_COMPANY)).layer).toBeUndefined();
  });
});
