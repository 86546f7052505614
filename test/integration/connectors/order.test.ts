/**
 * Exactly once, in any order: a stream of Moneybird and Zendesk events for several invoices,
 * tickets and a contact whose number changes, delivered in any permutation with any event
 * repeated (and some at once), leaves exactly the facts of in-order delivery; calls, handled
 * reports and admin writes racing them lose nothing.
 */
import { callBody } from '../../../local/events';
import {
  contactEvent,
  type Delivery,
  invoiceEvent,
  moneybirdContact,
  moneybirdDelivery,
  moneybirdInvoice,
} from '../../../local/standins/moneybird';
import { triggerBody, type ZendeskTicket, zendeskDelivery } from '../../../local/standins/zendesk';
import {
  adminUnderTest,
  CONNECTOR_SECRETS,
  testConnectors,
  useDynalite,
  WEBHOOK_TOKEN,
} from '../../support/harness';

const dynamo = useDynalite();
const TRIALS = 25;

/** A small seeded generator, so a failing permutation can be run again. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state * 1_664_525 + 1_013_904_223) >>> 0;
    return state / 2 ** 32;
  };
}

const NUMBERS = { first: '31201234567', moved: '31207654321', other: '31301234567' } as const;

/** The stream, in the order the sources made it: each a delivery of one event. */
function stream(t0: number): { source: 'moneybird' | 'zendesk'; delivery: Delivery }[] {
  const a = (phones: string[], at: number) => moneybirdContact('A', phones, at);
  const b = moneybirdContact('B', ['030 1234567'], t0);
  const mb = (event: object, at: number) => ({
    source: 'moneybird' as const,
    delivery: moneybirdDelivery(event, [CONNECTOR_SECRETS.moneybird], at),
  });
  const ticket: ZendeskTicket = {
    id: 1,
    status: 'open',
    requesterId: 500,
    requesterPhone: '030-1234567',
    requesterEmail: 'b@example.nl',
    assigneeId: 900,
    assigneeEmail: 'anna@acme.nl',
    updatedAtMs: t0,
  };
  const zd = (changed: Partial<ZendeskTicket>, at: number) => ({
    source: 'zendesk' as const,
    delivery: zendeskDelivery(
      triggerBody({ ...ticket, ...changed, updatedAtMs: at }),
      CONNECTOR_SECRETS.zendesk,
      at,
    ),
  });
  const s = (n: number) => t0 + n * 1000;
  return [
    mb(invoiceEvent(moneybirdInvoice('i1', a(['020 1234567'], s(0)), 'open', s(1))), s(1)),
    mb(invoiceEvent(moneybirdInvoice('i2', a(['020 1234567'], s(0)), 'late', s(2))), s(2)),
    mb(invoiceEvent(moneybirdInvoice('i3', b, 'open', s(3))), s(3)),
    zd({ id: 1 }, s(4)),
    mb(invoiceEvent(moneybirdInvoice('i1', a(['020 1234567'], s(0)), 'paid', s(5))), s(5)),
    zd({ id: 2, assigneeEmail: 'bob@acme.nl', assigneeId: 901 }, s(6)),
    mb(contactEvent(a(['020 7654321'], s(7))), s(7)),
    mb(invoiceEvent(moneybirdInvoice('i4', a(['020 7654321'], s(7)), 'reminded', s(8))), s(8)),
    zd({ id: 2, status: 'solved', assigneeEmail: 'bob@acme.nl', assigneeId: 901 }, s(9)),
    mb(invoiceEvent(moneybirdInvoice('i3', b, 'open', s(3)), 'sales_invoice_destroyed'), s(10)),
    zd({ id: 2, status: 'open', assigneeEmail: 'bob@acme.nl', assigneeId: 901 }, s(11)),
    mb(invoiceEvent(moneybirdInvoice('i2', a(['020 7654321'], s(7)), 'paid', s(12))), s(12)),
  ];
}

function shuffled<T>(items: readonly T[], next: () => number): T[] {
  const copy = [...items];
  for (let index = copy.length - 1; index > 0; index--) {
    const other = Math.floor(next() * (index + 1));
    [copy[index], copy[other]] = [copy[other] as T, copy[index] as T];
  }
  return copy;
}

describe('connector events', () => {
  let api: Awaited<ReturnType<typeof adminUnderTest>>;
  const companies = Array.from({ length: TRIALS + 1 }, (_, index) => `order${index}`);
  beforeAll(async () => {
    const document = Object.fromEntries(
      companies.map((comId) => [
        comId,
        {
          moneybird: { secrets: [CONNECTOR_SECRETS.moneybird] },
          zendesk: { secrets: [CONNECTOR_SECRETS.zendesk] },
        },
      ]),
    );
    api = await adminUnderTest(
      dynamo().endpoint,
      { AGENT_CACHE_SECONDS: '0' },
      {
        connectors: testConnectors(async () => JSON.stringify(document)),
      },
    );
    for (const comId of companies) {
      await api.admin('PUT', '/agents/1003', {
        query: { com_id: comId },
        body: { aliases: ['anna@acme.nl'] },
      });
      await api.admin('PUT', '/agents/1004', {
        query: { com_id: comId },
        body: { aliases: ['bob@acme.nl'] },
      });
    }
  });
  afterAll(() => api.destroy());

  const deliver = async (comId: string, { source, delivery }: ReturnType<typeof stream>[number]) => {
    const result = await api.admin('POST', `/connectors/${source}`, {
      query: { com_id: comId },
      headers: { authorization: '', ...delivery.headers },
      body: delivery.body,
    });
    return result.statusCode;
  };
  const factsOf = async (comId: string) =>
    Object.fromEntries(
      await Promise.all(
        Object.entries(NUMBERS).map(async ([name, key]) => {
          const caller = await api.stores.callers.getCaller(comId, key, Date.now());
          return [name, { openInvoices: caller?.openInvoices, ticketAgent: caller?.ticketAgent }];
        }),
      ),
    );

  it(`leave the facts of in-order delivery in ${TRIALS} orders with repeats, some delivered at once`, async () => {
    const events = stream(Date.now() - 120_000);
    const [inOrder, ...trials] = companies as [string, ...string[]];
    for (const event of events) expect(await deliver(inOrder, event)).toBe(200);
    const expected = await factsOf(inOrder);
    expect(expected).toEqual({
      first: { openInvoices: undefined, ticketAgent: undefined },
      moved: { openInvoices: 1, ticketAgent: undefined },
      other: { openInvoices: undefined, ticketAgent: '1004' },
    });
    for (const [trial, comId] of trials.entries()) {
      const next = random(trial + 1);
      const repeated = events.flatMap((event) =>
        Array.from({ length: 1 + Math.floor(next() * 3) }, () => event),
      );
      const order = shuffled(repeated, next);
      // Some deliveries race each other: up to three at once.
      for (let index = 0; index < order.length; ) {
        const batch = order.slice(index, index + 1 + Math.floor(next() * 3));
        expect(await Promise.all(batch.map((event) => deliver(comId, event)))).toEqual(batch.map(() => 200));
        index += batch.length;
      }
      expect({ trial, facts: await factsOf(comId) }).toEqual({ trial, facts: expected });
    }
  });

  it('lose no call, handled report or admin write racing them on the same callers', async () => {
    const comId = companies.at(-1) as string;
    const events = stream(Date.now() - 120_000);
    const calls = 30;
    const work: Promise<unknown>[] = [];
    const acknowledged = { calls: 0, tags: new Set<string>() };
    for (let index = 0; index < calls; index++) {
      work.push(
        api
          .call({
            body: callBody({ com_id: comId, caller_number: '0301234567', uuid: `race-${index}` }),
            headers: { 'content-type': 'application/json' },
            query: { token: WEBHOOK_TOKEN },
          })
          .then((result) => {
            if (result.statusCode === 200) acknowledged.calls++;
          }),
      );
      work.push(
        api
          .admin('PUT', '/callers/0301234567', {
            query: { com_id: comId },
            body: { tags: { add: [`t${index % 15}`] } },
          })
          .then((result) => {
            if (result.statusCode === 200) acknowledged.tags.add(`t${index % 15}`);
          }),
      );
    }
    work.push(
      api.admin('POST', '/handled', {
        query: { com_id: comId },
        body: { caller_number: '0301234567', agent: '1007', uuid: 'race-report' },
      }),
    );
    const deliveries = shuffled(events, random(99)).map((event) => deliver(comId, event));
    await Promise.all(work);
    expect(await Promise.all(deliveries)).toEqual(events.map(() => 200));
    const caller = await api.stores.callers.getCaller(comId, NUMBERS.other, Date.now());
    expect({
      calls: caller?.calls,
      lastAgent: caller?.lastAgent,
      tags: caller?.tags,
      ticketAgent: caller?.ticketAgent,
      openInvoices: caller?.openInvoices,
    }).toEqual({
      calls: acknowledged.calls,
      lastAgent: '1007',
      tags: [...acknowledged.tags].sort(),
      ticketAgent: '1004',
      openInvoices: undefined,
    });
    expect(acknowledged.calls).toBe(calls);
  });
});
