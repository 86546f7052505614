/**
 * `POST /connectors/<source>`: what a source's webhook does to a caller's next call, and what
 * the source is told, through the real admin handler, the real webhook handler and dynalite.
 */

import { DEMO_COMPANY } from '../../../local/demo';
import { callBody, functionUrlEvent } from '../../../local/events';
import { type FaultyDynamo, startFaultyDynamo } from '../../../local/fault-dynamo';
import {
  contactEvent,
  type Delivery,
  invoiceEvent,
  moneybirdContact,
  moneybirdDelivery,
  moneybirdInvoice,
} from '../../../local/standins/moneybird';
import {
  ticketEvent,
  triggerBody,
  type ZendeskTicket,
  zendeskDelivery,
} from '../../../local/standins/zendesk';
import {
  adminUnderTest,
  CONNECTOR_SECRETS,
  testConnectors,
  useDynalite,
  WEBHOOK_TOKEN,
} from '../../support/harness';

const dynamo = useDynalite();
const MINUTE_MS = 60_000;

describe('a connector delivery', () => {
  let api: Awaited<ReturnType<typeof adminUnderTest>>;
  beforeEach(async () => {
    api = await adminUnderTest(dynamo().endpoint, { AGENT_CACHE_SECONDS: '0' });
  });
  afterEach(() => api.destroy());

  const deliver = (
    source: string,
    delivery: Delivery,
    query: Record<string, string> = { com_id: DEMO_COMPANY },
  ) =>
    api.admin('POST', `/connectors/${source}`, {
      query,
      headers: { authorization: '', ...delivery.headers },
      body: delivery.body,
    });
  const answerOf = async (caller_number: string) =>
    (
      await api.call({
        body: callBody({ caller_number }),
        headers: { 'content-type': 'application/json' },
        query: { token: WEBHOOK_TOKEN },
      })
    ).body;
  const bodyOf = (result: { body?: string }) => JSON.parse(result.body ?? '{}');
  const moneybird = (event: object, atMs = Date.now()) =>
    deliver('moneybird', moneybirdDelivery(event, [CONNECTOR_SECRETS.moneybird], atMs));
  const zendesk = (body: object, atMs = Date.now()) =>
    deliver('zendesk', zendeskDelivery(body, CONNECTOR_SECRETS.zendesk, atMs));

  describe('from Moneybird', () => {
    const t0 = Date.now() - 10 * MINUTE_MS;
    const contact = moneybirdContact('369764595159532558', ['+31 (0)20-123 45 67', '0612345678'], t0);

    it("sends a caller with a late invoice to finance, and on when it is paid: under each of the contact's numbers", async () => {
      expect(await answerOf('0201234567')).toBe('default');
      const late = await moneybird(invoiceEvent(moneybirdInvoice('9001', contact, 'late', t0 + 1000)));
      expect([late.statusCode, bodyOf(late)]).toEqual([
        200,
        {
          outcome: 'accepted',
          events: [{ event: 'sales_invoice_state_changed_to_late', outcome: 'accepted' }],
        },
      ]);
      expect(await answerOf('0201234567')).toBe('finance');
      expect(await answerOf('+31612345678')).toBe('finance');
      await api.admin('PUT', '/callers/0201234567', { body: { openInvoices: 1 } });
      const explained = bodyOf(await api.admin('GET', '/callers/0201234567/route'));
      expect([explained.facts.openInvoices, explained.sources.openInvoices]).toEqual([
        2,
        [
          { source: 'manual', count: 1 },
          {
            source: 'moneybird',
            contact: contact.id,
            count: 1,
            invoices: [{ id: '9001', state: 'late', updatedAt: new Date(t0 + 1000).toISOString() }],
          },
        ],
      ]);
      await api.admin('PUT', '/callers/0201234567', { body: { openInvoices: null } });
      await moneybird(invoiceEvent(moneybirdInvoice('9001', contact, 'paid', t0 + 2000)));
      expect(await answerOf('0201234567')).toBe('default');
      expect(await answerOf('0612345678')).toBe('default');
    });

    it('a contact change that keeps its numbers still outranks an older one, arriving later, that moves them', async () => {
      const kept = moneybirdContact('369764595159532600', ['020 765 1111'], t0);
      await moneybird(invoiceEvent(moneybirdInvoice('9101', kept, 'late', t0 + 1000)));
      const same = await moneybird(contactEvent({ ...kept, updated_at: new Date(t0 + 3000).toISOString() }));
      const moved = moneybirdContact('369764595159532600', ['020 765 2222'], t0 + 2000);
      const late = await moneybird(contactEvent(moved));
      expect([bodyOf(same).outcome, bodyOf(late).outcome]).toEqual(['accepted', 'duplicate']);
      expect([await answerOf('0207651111'), await answerOf('0207652222')]).toEqual(['finance', 'default']);
    });

    it('changes nothing for a re-delivery or an older event, and keeps a destroyed invoice destroyed', async () => {
      const open = invoiceEvent(moneybirdInvoice('9002', contact, 'open', t0 + 1000));
      await moneybird(open);
      const again = await moneybird(open);
      expect(bodyOf(again).outcome).toBe('duplicate');
      await moneybird(
        invoiceEvent(moneybirdInvoice('9002', contact, 'open', t0 + 5000), 'sales_invoice_destroyed'),
      );
      const older = await moneybird(invoiceEvent(moneybirdInvoice('9002', contact, 'late', t0 + 3000)));
      expect([older.statusCode, bodyOf(older).outcome]).toEqual([200, 'duplicate']);
      expect(await answerOf('0201234567')).toBe('default');
    });

    it("takes a contact's invoices along when its number changes: nothing stays under the old one", async () => {
      await moneybird(invoiceEvent(moneybirdInvoice('9003', contact, 'late', t0 + 1000)));
      const moved = moneybirdContact(contact.id, ['020 7654321'], t0 + 2000);
      const change = await moneybird(contactEvent(moved));
      expect(bodyOf(change).outcome).toBe('accepted');
      expect(await answerOf('0207654321')).toBe('finance');
      expect(await answerOf('0201234567')).toBe('default');
      expect(await answerOf('0612345678')).toBe('default');
      // An older invoice event still carrying the old numbers does not put them back.
      await moneybird(invoiceEvent(moneybirdInvoice('9004', contact, 'late', t0 + 1500)));
      expect(await answerOf('0201234567')).toBe('default');
      expect(await answerOf('0207654321')).toBe('finance');
    });

    it('acknowledges what it does not use as ignored, with the reason', async () => {
      const draft = await moneybird(invoiceEvent(moneybirdInvoice('9005', contact, 'draft', t0)));
      const noPhone = await moneybird(
        invoiceEvent(moneybirdInvoice('9006', moneybirdContact('77', ['', null], t0), 'late', t0)),
      );
      const other = await moneybird({
        entity_type: 'Payment',
        entity_id: '1',
        action: 'payment_registered',
        entity: {},
      });
      expect([draft, noPhone, other].map((result) => [result.statusCode, bodyOf(result).events[0]])).toEqual([
        [200, { event: 'sales_invoice_state_changed_to_draft', outcome: 'ignored', reason: 'draft-invoice' }],
        [
          200,
          { event: 'sales_invoice_state_changed_to_late', outcome: 'ignored', reason: 'no-phone-number' },
        ],
        [200, { event: 'payment_registered', outcome: 'ignored', reason: 'not-an-invoice-or-contact' }],
      ]);
    });

    it('keeps the facts of a contact without a number until one is known', async () => {
      const nameless = moneybirdContact('78', [null], t0);
      await moneybird(invoiceEvent(moneybirdInvoice('9007', nameless, 'late', t0 + 1000)));
      await moneybird(contactEvent(moneybirdContact('78', ['0301234567'], t0 + 2000)));
      expect(await answerOf('0301234567')).toBe('finance');
    });

    it('accepts a signature made with the new or the previous secret during a rotation', async () => {
      const rotated = await adminUnderTest(
        dynamo().endpoint,
        {},
        {
          connectors: testConnectors(async () =>
            JSON.stringify({
              [DEMO_COMPANY]: { moneybird: { secrets: ['the-new-secret-000', CONNECTOR_SECRETS.moneybird] } },
            }),
          ),
        },
      );
      const event = invoiceEvent(moneybirdInvoice('9008', contact, 'late', t0));
      const signedWithBoth = moneybirdDelivery(event, ['the-new-secret-000', 'an-unknown-secret']);
      const withOld = moneybirdDelivery(event, [CONNECTOR_SECRETS.moneybird]);
      const post = (delivery: Delivery) =>
        rotated.admin('POST', '/connectors/moneybird', {
          query: { com_id: DEMO_COMPANY },
          headers: delivery.headers,
          body: delivery.body,
        });
      expect([(await post(signedWithBoth)).statusCode, (await post(withOld)).statusCode]).toEqual([200, 200]);
      rotated.destroy();
    });
  });

  describe('from Zendesk', () => {
    const t0 = Date.now() - 4 * MINUTE_MS;
    const ticket: ZendeskTicket = {
      id: 5158,
      status: 'open',
      requesterId: 8447388090494,
      requesterPhone: '+31 20 123 4567',
      requesterEmail: 'klant@example.nl',
      assigneeId: 8447388090496,
      assigneeEmail: 'anna@acme.nl',
      updatedAtMs: t0,
    };

    it('routes to the agent whose alias the assignee is, and to the next rule once the ticket is solved', async () => {
      await api.admin('PUT', '/agents/1003', { body: { aliases: ['Anna@Acme.nl'] } });
      const open = await zendesk(triggerBody(ticket), t0 + 1000);
      expect(bodyOf(open).outcome).toBe('accepted');
      expect(await answerOf('0201234567')).toBe('1003');
      await zendesk(triggerBody({ ...ticket, status: 'solved', updatedAtMs: t0 + 2000 }), t0 + 2000);
      expect(await answerOf('0201234567')).toBe('default');
    });

    it('records a ticket whose assignee no alias names without an agent, so the rule passes on; a later alias takes effect with the next delivery', async () => {
      const first = await zendesk(triggerBody(ticket), t0 + 1000);
      expect(bodyOf(first).events[0]).toEqual({
        event: 'trigger',
        outcome: 'accepted',
        reason: 'assignee-not-in-directory',
      });
      expect(await answerOf('0201234567')).toBe('default');
      const explained = bodyOf(await api.admin('GET', '/callers/0201234567/route'));
      expect([explained.rule, explained.sources.ticketAgent]).toEqual([
        'otherwise',
        {
          source: 'zendesk',
          contact: '8447388090494',
          ticket: '5158',
          state: 'open',
          updatedAt: new Date(Math.floor(ticket.updatedAtMs / 1000) * 1000).toISOString(),
          agent: null,
          why: "its assignee anna@acme.nl is no agent's alias: add it with PUT /agents/{agent}",
        },
      ]);
      await api.admin('PUT', '/agents/1004', { body: { aliases: ['zendesk:8447388090496'] } });
      await zendesk(triggerBody(ticket), t0 + 1000);
      expect(await answerOf('0201234567')).toBe('1004');
    });

    it('reads a webhook subscribed to ticket events, its numbers from what a trigger told', async () => {
      await api.admin('PUT', '/agents/1003', { body: { aliases: ['zendesk:8447388090496'] } });
      await zendesk(triggerBody({ ...ticket, id: 1, status: 'solved' }), t0 + 1000);
      const event = await zendesk(ticketEvent({ ...ticket, updatedAtMs: t0 + 2000 }), t0 + 2000);
      expect(bodyOf(event).events[0]).toEqual({
        event: 'zen:event-type:ticket.status_changed',
        outcome: 'accepted',
      });
      expect(await answerOf('0201234567')).toBe('1003');
      const user = await zendesk({ type: 'zen:event-type:user.active_changed', detail: { id: '1' } });
      expect(bodyOf(user).events[0].reason).toBe('not-a-ticket-event');
    });

    it('accepts the signature over the body and then the timestamp, as an earlier Zendesk page worded it', async () => {
      const result = await deliver(
        'zendesk',
        zendeskDelivery(triggerBody(ticket), CONNECTOR_SECRETS.zendesk, Date.now(), 'body+timestamp'),
      );
      expect(result.statusCode).toBe(200);
    });
  });

  describe('refuses', () => {
    const contact = moneybirdContact('1', ['0201234567'], Date.now());
    const late = invoiceEvent(moneybirdInvoice('1', contact, 'late', Date.now()));

    it.each([
      ['a wrong secret', 401, 'bad-signature', moneybirdDelivery(late, ['not-the-secret'])],
      [
        'a signature older than 5 minutes',
        401,
        'stale-signature',
        moneybirdDelivery(late, [CONNECTOR_SECRETS.moneybird], Date.now() - 6 * MINUTE_MS),
      ],
      ['no signature where a secret is set', 401, 'missing-signature', moneybirdDelivery(late, [])],
      [
        'a body changed after signing',
        401,
        'bad-signature',
        {
          ...moneybirdDelivery(late, [CONNECTOR_SECRETS.moneybird]),
          body: JSON.stringify({ ...late, state: 'paid' }),
        },
      ],
    ])('%s: %i %s, writing nothing', async (_case, status, reason, delivery) => {
      const result = await deliver('moneybird', delivery);
      expect([result.statusCode, api.adminLogs.at(-1)?.reason]).toEqual([status, reason]);
      expect(await answerOf('0201234567')).toBe('default');
    });

    it("a company not served with 403, an unknown source with 404; before a company's secret is set, 200 and nothing applied", async () => {
      const served = await adminUnderTest(dynamo().endpoint, { COMPANY_IDS: DEMO_COMPANY });
      const delivery = moneybirdDelivery(late, [CONNECTOR_SECRETS.moneybird]);
      const other = await served.admin('POST', '/connectors/moneybird', {
        query: { com_id: 'another' },
        headers: delivery.headers,
        body: delivery.body,
      });
      expect([other.statusCode, bodyOf(other).error]).toEqual([
        403,
        'company another is not served by this deployment',
      ]);
      served.destroy();
      const unknown = await deliver('exact', moneybirdDelivery(late, []));
      expect([unknown.statusCode, bodyOf(unknown).error]).toEqual([
        404,
        'no connector is named "exact"; this deployment has moneybird, zendesk, hubspot, pipedrive',
      ]);
      const early = await deliver('moneybird', delivery, { com_id: 'newcomer' });
      expect([early.statusCode, bodyOf(early)]).toEqual([
        200,
        {
          outcome: 'ignored',
          reason:
            'no moneybird secret is set for company newcomer yet: nothing was applied; set it with npm run callers -- secret moneybird',
          events: [],
        },
      ]);
      expect(api.adminLogs.at(-1)).toMatchObject({
        status: 200,
        outcome: 'ignored',
        reason: 'no-secret-yet',
      });
      const caller = await api.stores.callers.getCaller('newcomer', '31201234567', Date.now());
      expect(caller).toBeUndefined();
    });

    it.each([
      ['deep JSON', 400, `{"entity":${'['.repeat(5000)}${']'.repeat(5000)}}`, /nests deeper than 32 levels/],
      ['a body that is no JSON', 400, 'entity_type=SalesInvoice', /invalid JSON at line 1/],
      [
        'an invoice event without an id',
        400,
        JSON.stringify({ ...late, entity: { ...late.entity, id: null } }),
        /invoice id \(entity.id\) must be an id/,
      ],
      [
        'a body over 256 KiB',
        413,
        JSON.stringify({ ...late, padding: 'x'.repeat(300 * 1024) }),
        /at most 262144/,
      ],
    ])('%s (signed): %i and a clear error, writing nothing', async (_case, status, body, message) => {
      const signed = moneybirdDelivery({}, [CONNECTOR_SECRETS.moneybird]);
      const t = String(Math.floor(Date.now() / 1000));
      const { createHmac } = await import('node:crypto');
      const v1 = createHmac('sha256', CONNECTOR_SECRETS.moneybird).update(`${t}.${body}`).digest('hex');
      const result = await deliver('moneybird', {
        headers: { ...signed.headers, 'moneybird-signature': `t=${t},v1=${v1}` },
        body,
      });
      expect(result.statusCode).toBe(status);
      expect(bodyOf(result).error).toMatch(message);
      expect(result.body).not.toMatch(/at .*\.ts:\d+/);
      expect(await answerOf('0201234567')).toBe('default');
    });
  });

  it('refuses a body that is not UTF-8 with 400, writing nothing', async () => {
    const event = functionUrlEvent({ path: '/connectors/moneybird', query: { com_id: DEMO_COMPANY } });
    const result = await api.adminHandler({
      ...event,
      body: Buffer.from([0x7b, 0xff, 0xfe, 0x7d]).toString('base64'),
      isBase64Encoded: true,
    });
    expect([result.statusCode, bodyOf(result).error]).toEqual([400, 'body is not valid UTF-8']);
  });

  describe('its log', () => {
    it('names the source, the event kind and the outcome: never an invoice number, amount, email, phone number or subject', async () => {
      const contact = {
        ...moneybirdContact('55', ['+31 6 9876 5432'], Date.now() - 5000),
        company_name: 'Geheim BV',
      };
      const invoice = {
        ...moneybirdInvoice('9123456789', contact, 'late', Date.now() - 4000),
        invoice_id: '2026-0777',
        total_unpaid: '4321.99',
      };
      await moneybird(invoiceEvent(invoice));
      await moneybird({ ...invoiceEvent(invoice), entity: { ...invoice, id: null } });
      const ticket: ZendeskTicket = {
        id: 31337,
        status: 'open',
        requesterId: 424242,
        requesterPhone: '+31 6 5555 1234',
        requesterEmail: 'geheim@klant.nl',
        assigneeId: 7,
        assigneeEmail: 'agent.x@acme.nl',
        updatedAtMs: Date.now() - 3000,
      };
      await zendesk({ ticket: { ...triggerBody(ticket).ticket, subject: 'Mijn wachtwoord is hunter2' } });
      await deliver('moneybird', moneybirdDelivery(invoiceEvent(invoice), ['wrong-secret-000']));
      const logged = JSON.stringify(api.adminLogs);
      expect(
        api.adminLogs.map(({ connector, event, outcome, reason, status }) => ({
          connector,
          event,
          outcome,
          reason,
          status,
        })),
      ).toEqual([
        {
          connector: 'moneybird',
          event: 'sales_invoice_state_changed_to_late',
          outcome: 'accepted',
          reason: 'accepted',
          status: 200,
        },
        { connector: 'moneybird', event: undefined, outcome: undefined, reason: 'bad-request', status: 400 },
        {
          connector: 'zendesk',
          event: 'trigger',
          outcome: 'accepted',
          reason: 'assignee-not-in-directory',
          status: 200,
        },
        {
          connector: 'moneybird',
          event: undefined,
          outcome: undefined,
          reason: 'bad-signature',
          status: 401,
        },
      ]);
      for (const value of [
        '9123456789',
        '2026-0777',
        '4321',
        'Geheim',
        '98765432',
        '55551234',
        '5555 1234',
        'geheim@klant.nl',
        'agent.x',
        'hunter2',
        '31337',
        '424242',
      ]) {
        expect(logged).not.toContain(value);
      }
    });
  });

  describe('when a store does not answer', () => {
    let faulty: FaultyDynamo;
    afterEach(() => faulty?.close());

    it('answers 503 with Retry-After when the table is unavailable, so the source retries', async () => {
      faulty = await startFaultyDynamo({
        fault: 'server-error',
        forwardTo: dynamo().endpoint,
        operations: ['PutItem', 'GetItem'],
      });
      const broken = await adminUnderTest(faulty.endpoint, {}, { createTable: false });
      const contact = moneybirdContact('2', ['0201234567'], Date.now());
      const delivery = moneybirdDelivery(invoiceEvent(moneybirdInvoice('2', contact, 'late', Date.now())), [
        CONNECTOR_SECRETS.moneybird,
      ]);
      const result = await broken.admin('POST', '/connectors/moneybird', {
        query: { com_id: DEMO_COMPANY },
        headers: delivery.headers,
        body: delivery.body,
      });
      expect([result.statusCode, result.headers?.['retry-after']]).toEqual([503, '2']);
      broken.destroy();
    });

    it('answers 503 when the secrets cannot be read, naming no secret', async () => {
      const noSecrets = await adminUnderTest(
        dynamo().endpoint,
        {},
        {
          connectors: testConnectors(async () => {
            throw new Error('AccessDeniedException: secret arn:aws:secretsmanager:… value hunter2');
          }),
        },
      );
      const delivery = moneybirdDelivery({}, [CONNECTOR_SECRETS.moneybird]);
      const result = await noSecrets.admin('POST', '/connectors/moneybird', {
        query: { com_id: DEMO_COMPANY },
        headers: delivery.headers,
        body: delivery.body,
      });
      expect([result.statusCode, result.headers?.['retry-after'], bodyOf(result).error]).toEqual([
        503,
        '5',
        'the connector secrets could not be read; try again',
      ]);
      noSecrets.destroy();
    });
  });
});
