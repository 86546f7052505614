/**
 * HubSpot and Pipedrive deliveries through the real admin handler, the real webhook and
 * dynalite: the owner becomes the account manager the next call goes to (the sales queue while
 * they are away), a Pipedrive label a deployment names becomes a tag, a batch is answered once,
 * and HubSpot's one-property events arrive in any order, repeated, with the same result.
 */
import { cookbookProfiles, DEMO_COMPANY } from '../../../local/demo';
import { callBody } from '../../../local/events';
import {
  contactDeletion,
  contactMerge,
  hubspotDelivery,
  propertyChange,
} from '../../../local/standins/hubspot';
import type { Delivery } from '../../../local/standins/moneybird';
import { personEvent, pipedriveDelivery, pipedrivePerson } from '../../../local/standins/pipedrive';
import {
  adminUnderTest,
  CONNECTOR_SECRETS,
  testConnectors,
  useDynalite,
  WEBHOOK_TOKEN,
} from '../../support/harness';
import { pipedriveLabelAsTag } from '../../support/mappings';

const dynamo = useDynalite();
const HOST = 'abc.lambda-url.eu-west-1.on.aws';
/** A deployment's own facts: Pipedrive label 5 is "VIP", HubSpot's hs_language is the language. */
const CONNECTORS = JSON.stringify([
  pipedriveLabelAsTag(5),
  {
    name: 'bulk-tags',
    auth: { scheme: 'token' },
    rules: [
      {
        contact: 'id',
        phones: 'phone',
        tags: Array.from({ length: 25 }, (_, index) => ({
          tag: `t${String(index).padStart(2, '0')}`,
          on: '`true`',
        })),
      },
    ],
  },
]);

let api: Awaited<ReturnType<typeof adminUnderTest>>;
const companies = Array.from({ length: 12 }, (_, index) => (index === 0 ? DEMO_COMPANY : `crm${index}`));
beforeAll(async () => {
  const document = Object.fromEntries(
    companies.map((comId) => [
      comId,
      {
        hubspot: { secrets: [CONNECTOR_SECRETS.hubspot] },
        pipedrive: { secrets: [CONNECTOR_SECRETS.pipedrive] },
        'bulk-tags': { secrets: ['bulk-token-0123456789'] },
      },
    ]),
  );
  api = await adminUnderTest(
    dynamo().endpoint,
    { AGENT_CACHE_SECONDS: '0', PROFILES: cookbookProfiles() },
    { connectors: testConnectors(async () => JSON.stringify(document), CONNECTORS) },
  );
  for (const comId of companies) {
    await api.admin('PUT', '/agents/1007', {
      query: { com_id: comId },
      body: { aliases: ['hubspot:6166860'] },
    });
    await api.admin('PUT', '/agents/1008', {
      query: { com_id: comId },
      body: { aliases: ['hubspot:6166861', 'pipedrive:18487521'] },
    });
  }
});
afterAll(() => api.destroy());

const send = (source: string, delivery: Delivery, comId = DEMO_COMPANY, query: Record<string, string> = {}) =>
  api.admin('POST', `/connectors/${source}`, {
    query: { com_id: comId, ...query },
    headers: { authorization: '', host: HOST, ...delivery.headers },
    body: delivery.body,
  });
const hubspot = (events: object[], comId = DEMO_COMPANY, atMs = Date.now()) =>
  send(
    'hubspot',
    hubspotDelivery(
      events,
      CONNECTOR_SECRETS.hubspot,
      `https://${HOST}/connectors/hubspot?com_id=${comId}`,
      atMs,
    ),
    comId,
  );
const answerOf = async (caller_number: string, profile: string, comId = DEMO_COMPANY) =>
  (
    await api.call({
      body: callBody({ caller_number, com_id: comId }),
      headers: { 'content-type': 'application/json' },
      query: { token: WEBHOOK_TOKEN, profile },
    })
  ).body;
const bodyOf = (result: { body?: string }) => JSON.parse(result.body ?? '{}');

describe('HubSpot', () => {
  const t0 = Date.now() - 10 * 60_000;

  it("sends a contact's callers to their owner, to sales while the owner is away, and follows a new owner", async () => {
    const batch = await hubspot([
      propertyChange(512, 'phone', '+31 20 555 0101', t0),
      propertyChange(512, 'mobilephone', '06 5550 0102', t0 + 1),
      propertyChange(512, 'hubspot_owner_id', '6166860', t0 + 2),
      propertyChange(512, 'firstname', 'Jane', t0 + 3),
    ]);
    expect([batch.statusCode, bodyOf(batch)]).toEqual([
      200,
      {
        outcome: 'accepted',
        events: [
          { event: 'contact.propertyChange', outcome: 'accepted' },
          { event: 'contact.propertyChange', outcome: 'accepted' },
          { event: 'contact.propertyChange', outcome: 'accepted' },
          { event: 'contact.propertyChange', outcome: 'ignored', reason: 'property-not-mapped' },
        ],
      },
    ]);
    expect(await answerOf('0205550101', 'account-manager')).toBe('1007');
    expect(await answerOf('0655500102', 'account-manager')).toBe('1007');

    await api.admin('PUT', '/agents/1007', { body: { available: false } });
    expect(await answerOf('0205550101', 'account-manager')).toBe('sales');
    await api.admin('PUT', '/agents/1007', { body: { available: true } });

    await hubspot([propertyChange(512, 'hubspot_owner_id', '6166861', t0 + 10)]);
    expect(await answerOf('0205550101', 'account-manager')).toBe('1008');
  });

  it('a phone cleared leaves the mobile number; an unknown owner routes to sales and says why', async () => {
    await hubspot([
      propertyChange(600, 'phone', '020 555 0201', t0),
      propertyChange(600, 'mobilephone', '06 5550 0202', t0),
      propertyChange(600, 'hubspot_owner_id', '6166860', t0),
    ]);
    await hubspot([propertyChange(600, 'phone', '', t0 + 5)]);
    expect(await answerOf('0205550201', 'account-manager')).toBe('sales');
    expect(await answerOf('0655500202', 'account-manager')).toBe('1007');
    const unknown = await hubspot([propertyChange(600, 'hubspot_owner_id', '999', t0 + 6)]);
    expect(bodyOf(unknown).events).toEqual([
      { event: 'contact.propertyChange', outcome: 'accepted', reason: 'owner-not-in-directory' },
    ]);
    expect(await answerOf('0655500202', 'account-manager')).toBe('sales');
    const explained = bodyOf(
      await api.admin('GET', '/callers/0655500202/route', {
        query: { com_id: DEMO_COMPANY, profile: 'account-manager' },
      }),
    );
    expect(explained.sources.owners).toEqual([
      {
        source: 'hubspot',
        contact: '600',
        attribute: 'accountManager',
        owner: 'hubspot:999',
        agent: null,
        why: "the owner hubspot:999 is no agent's alias: add it with PUT /agents/{agent}",
      },
    ]);
  });

  it('a deletion and a merge take the facts of the contacts that are gone off their callers', async () => {
    await hubspot([
      propertyChange(700, 'phone', '020 555 0301', t0),
      propertyChange(700, 'hubspot_owner_id', '6166860', t0),
      propertyChange(701, 'phone', '020 555 0302', t0),
      propertyChange(701, 'hubspot_owner_id', '6166860', t0),
    ]);
    expect(await answerOf('0205550301', 'account-manager')).toBe('1007');
    await hubspot([contactDeletion(700, t0 + 5), contactMerge(702, [701], t0 + 5)]);
    expect(await answerOf('0205550301', 'account-manager')).toBe('sales');
    expect(await answerOf('0205550302', 'account-manager')).toBe('sales');
  });

  it.each([
    ['a forged signature', { 'x-hubspot-signature-v3': 'AAAA' }, 'bad-signature'],
    ['one signed 6 minutes ago', undefined, 'stale-signature'],
  ])('refuses %s with 401 and writes nothing', async (_case, headers, reason) => {
    const atMs = headers ? Date.now() : Date.now() - 6 * 60_000;
    const url = `https://${HOST}/connectors/hubspot?com_id=${DEMO_COMPANY}`;
    const delivery = hubspotDelivery(
      [propertyChange(800, 'phone', '020 555 0401', t0)],
      CONNECTOR_SECRETS.hubspot,
      url,
      atMs,
    );
    const result = await send('hubspot', { ...delivery, headers: { ...delivery.headers, ...headers } });
    expect([result.statusCode, api.adminLogs.at(-1)?.reason]).toEqual([401, reason]);
    expect(await api.stores.contacts.getContact(DEMO_COMPANY, 'hubspot', '800', Date.now())).toBeUndefined();
  });

  it('phone, mobile and owner events in any order, repeated, leave the facts of in-order delivery', async () => {
    const events = [
      propertyChange(900, 'phone', '020 555 0501', t0),
      propertyChange(900, 'hubspot_owner_id', '6166860', t0 + 1),
      propertyChange(900, 'mobilephone', '06 5550 0502', t0 + 2),
      propertyChange(900, 'phone', '020 555 0503', t0 + 3),
      propertyChange(900, 'hubspot_owner_id', '6166861', t0 + 4),
      propertyChange(900, 'mobilephone', '', t0 + 5),
      propertyChange(901, 'phone', '020 555 0504', t0 + 6),
      propertyChange(901, 'hubspot_owner_id', '6166860', t0 + 7),
      contactDeletion(901, t0 + 8),
    ];
    const numbers = ['0205550501', '0655500502', '0205550503', '0205550504'];
    const factsOf = (comId: string) =>
      Promise.all(numbers.map((number) => answerOf(number, 'account-manager', comId)));
    let seed = 7;
    const next = () => {
      seed = (seed * 1_664_525 + 1_013_904_223) >>> 0;
      return seed / 2 ** 32;
    };
    const [inOrder, ...trials] = companies.slice(1) as [string, ...string[]];
    await hubspot(events, inOrder);
    const expected = await factsOf(inOrder);
    expect(expected).toEqual(['sales', 'sales', '1008', 'sales']);
    for (const comId of trials) {
      const repeated = events.flatMap((event) => (next() < 0.4 ? [event, event] : [event]));
      const order = repeated.map((event) => ({ event, at: next() })).sort((a, b) => a.at - b.at);
      // Delivered in batches of up to three events, some batches at once.
      const batches: object[][] = [];
      for (let index = 0; index < order.length; index += 3)
        batches.push(order.slice(index, index + 3).map(({ event }) => event));
      const answers = await Promise.all(batches.map((batch) => hubspot(batch, comId)));
      expect(answers.map((answer) => answer.statusCode)).toEqual(batches.map(() => 200));
      expect({ comId, facts: await factsOf(comId) }).toEqual({ comId, facts: expected });
    }
  });
});

it('HubSpot events racing calls and hand-written tags on the same caller lose none of them', async () => {
  const comId = companies.at(-1) as string;
  const t0 = Date.now() - 5 * 60_000;
  const events = [
    propertyChange(950, 'phone', '020 555 0901', t0),
    propertyChange(950, 'hubspot_owner_id', '6166860', t0 + 1),
    propertyChange(950, 'mobilephone', '06 5550 0902', t0 + 2),
    propertyChange(950, 'hubspot_owner_id', '6166861', t0 + 3),
  ];
  let acknowledged = 0;
  const tags = new Set<string>();
  const work: Promise<unknown>[] = [];
  for (let index = 0; index < 20; index++) {
    work.push(
      api
        .call({
          body: callBody({ com_id: comId, caller_number: '0205550901', uuid: `crm-race-${index}` }),
          headers: { 'content-type': 'application/json' },
          query: { token: WEBHOOK_TOKEN, profile: 'account-manager' },
        })
        .then((result) => {
          if (result.statusCode === 200) acknowledged++;
        }),
      api
        .admin('PUT', '/callers/0205550901', {
          query: { com_id: comId },
          body: { tags: { add: [`t${index % 7}`] } },
        })
        .then((result) => {
          if (result.statusCode === 200) tags.add(`t${index % 7}`);
        }),
    );
  }
  const deliveries = events.map((event) => hubspot([event], comId));
  await Promise.all(work);
  expect((await Promise.all(deliveries)).map((result) => result.statusCode)).toEqual(events.map(() => 200));
  const caller = await api.stores.callers.getCaller(comId, '31205550901', Date.now());
  expect([caller?.calls, caller?.tags, caller?.attributes]).toEqual([
    acknowledged,
    [...tags].sort(),
    { accountManager: '1008' },
  ]);
  expect(acknowledged).toBe(20);
});

describe('Pipedrive', () => {
  const person = pipedrivePerson(42, ['020 555 0601'], {
    owner: 18487521,
    labels: [5],
    updatedAtMs: Date.now() - 60_000,
  });
  const pipedrive = (event: object, credentials = CONNECTOR_SECRETS.pipedrive) =>
    send('pipedrive', pipedriveDelivery(event, credentials));

  it('a person labelled VIP answers priority and their owner is the account manager; the label off, the next rule', async () => {
    const created = await pipedrive(personEvent('create', person, Date.now() - 50_000));
    expect(bodyOf(created)).toEqual({
      outcome: 'accepted',
      events: [{ event: 'create', outcome: 'accepted' }],
    });
    expect(await answerOf('0205550601', 'vip')).toBe('priority');
    expect(await answerOf('0205550601', 'account-manager')).toBe('1008');
    await pipedrive(
      personEvent('change', { ...person, label_ids: [] }, Date.now() - 40_000, { label_ids: [5] }),
    );
    expect(await answerOf('0205550601', 'vip')).toBe('queue');
    await pipedrive(personEvent('delete', person, Date.now() - 30_000));
    expect(await answerOf('0205550601', 'account-manager')).toBe('sales');
  });

  it('person events in any order, repeated, leave the facts of in-order delivery', async () => {
    const t0 = Date.now() - 10 * 60_000;
    const base = { owner: 18487521, updatedAtMs: t0 };
    const a = pipedrivePerson(60, ['020 555 0611'], { ...base, labels: [5] });
    const b = pipedrivePerson(61, ['020 555 0612'], { ...base, labels: [] });
    const events = [
      personEvent('create', a, t0),
      personEvent('create', b, t0 + 1000),
      personEvent(
        'change',
        { ...a, phones: [...a.phones, { value: '06 5550 0613', primary: false, label: 'mobile' }] },
        t0 + 2000,
      ),
      personEvent('change', { ...a, label_ids: [] }, t0 + 2500),
      personEvent('change', { ...b, label_ids: [5] }, t0 + 3000),
      personEvent(
        'change',
        { ...a, label_ids: [5], phones: [{ value: '06 5550 0613', primary: true, label: 'mobile' }] },
        t0 + 4000,
      ),
      personEvent('delete', b, t0 + 5000),
    ];
    const numbers = ['0205550611', '0655500613', '0205550612'];
    const factsOf = (comId: string) => Promise.all(numbers.map((number) => answerOf(number, 'vip', comId)));
    let seed = 11;
    const next = () => {
      seed = (seed * 1_664_525 + 1_013_904_223) >>> 0;
      return seed / 2 ** 32;
    };
    const [inOrder, ...trials] = companies.slice(1, 7) as [string, ...string[]];
    for (const event of events)
      await send('pipedrive', pipedriveDelivery(event, CONNECTOR_SECRETS.pipedrive), inOrder);
    const expected = await factsOf(inOrder);
    expect(expected).toEqual(['queue', 'priority', 'queue']);
    for (const comId of trials) {
      const order = events
        .flatMap((event) => (next() < 0.4 ? [event, event] : [event]))
        .map((event) => ({ event, at: next() }))
        .sort((x, y) => x.at - y.at);
      const answers = await Promise.all(
        order.map(({ event }) =>
          send('pipedrive', pipedriveDelivery(event, CONNECTOR_SECRETS.pipedrive), comId),
        ),
      );
      expect(answers.map((answer) => answer.statusCode)).toEqual(order.map(() => 200));
      expect({ comId, facts: await factsOf(comId) }).toEqual({ comId, facts: expected });
    }
  });

  it('refuses other basic credentials with 401, and an event that is no person is acknowledged as ignored', async () => {
    const wrong = await pipedrive(
      personEvent('create', pipedrivePerson(43, ['020 555 0701'], { owner: 1, updatedAtMs: 0 }), Date.now()),
      'callvoip:guess',
    );
    expect(wrong.statusCode).toBe(401);
    expect(await api.stores.contacts.getContact(DEMO_COMPANY, 'pipedrive', '43', Date.now())).toBeUndefined();
    const deal = await pipedrive({
      meta: { action: 'change', entity: 'deal', timestamp: Date.now() },
      data: { id: 1 },
      previous: null,
    });
    expect(bodyOf(deal)).toEqual({
      outcome: 'ignored',
      events: [{ event: 'change', outcome: 'ignored', reason: 'not-a-person' }],
    });
  });
});

it('a mapping beyond 20 tags places the first 20 by name and reports the rest', async () => {
  const result = await send(
    'bulk-tags',
    {
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ id: 'c1', phone: '020 555 0801' }),
    },
    DEMO_COMPANY,
    { token: 'bulk-token-0123456789' },
  );
  expect(bodyOf(result).events).toEqual([
    { event: 'event', outcome: 'accepted', reason: '5-facts-beyond-limits' },
  ]);
  const caller = await api.stores.callers.getCaller(DEMO_COMPANY, '31205550801', Date.now());
  expect(caller?.tags).toEqual(
    Array.from({ length: 20 }, (_, index) => `t${String(index).padStart(2, '0')}`),
  );
});
