import { MONEYBIRD, ZENDESK } from '../../../lambda/connectors/builtin';
import { readDelivery, resolveAgents } from '../../../lambda/connectors/engine';
import {
  contactEvent,
  invoiceEvent,
  moneybirdContact,
  moneybirdInvoice,
} from '../../../local/standins/moneybird';
import { ticketEvent, triggerBody, type ZendeskTicket } from '../../../local/standins/zendesk';
import { fixture } from '../../support/paths';

const NOW = Date.UTC(2026, 11, 1, 12);
const context = { nowMs: NOW, signedAtMs: NOW - 1000, defaultCountryCode: '31' };
const json = (name: string) => JSON.parse(fixture(`connectors/${name}`));

describe('the Moneybird connector reads', () => {
  it("the documentation's invoice example: a late invoice of a contact whose phone is empty", () => {
    const [reading] = readDelivery(
      MONEYBIRD,
      json('moneybird/sales-invoice-state-changed-to-late.json'),
      context,
    );
    expect(reading).toEqual({
      event: 'sales_invoice_state_changed_to_late',
      change: {
        source: 'moneybird',
        contact: '116015245567198212',
        numbers: { keys: [], version: Date.parse('2015-02-25T10:39:41.615Z') },
        records: [
          {
            kind: 'invoice',
            key: '116015245643744263',
            version: Date.parse('2015-02-25T10:39:41.685Z'),
            state: 'late',
            open: true,
            atMs: Date.parse('2015-02-25T10:39:41.685Z'),
            storedAtMs: NOW,
          },
        ],
      },
      assignees: {},
      unreadableNumbers: 0,
    });
  });

  const contact = moneybirdContact(
    '42',
    ['+31 (0)20-123 45 67', '0031 6 1234 5678', '+49 30 1234567', 'n/a'],
    NOW - 5000,
  );
  it.each([
    ['an open invoice', 'open', true],
    ['a pending payment', 'pending_payment', true],
    ['a reminded invoice', 'reminded', true],
    ['a late invoice', 'late', true],
    ['a paid invoice', 'paid', false],
    ['an uncollectible invoice', 'uncollectible', false],
    ['a scheduled invoice', 'scheduled', false],
  ])('%s as %s (unpaid: %s), under every number the contact and its people have', (_case, state, open) => {
    const [reading] = readDelivery(
      MONEYBIRD,
      invoiceEvent(moneybirdInvoice('7', contact, state, NOW - 2000)),
      context,
    );
    if (!reading || !('change' in reading)) throw new Error('not read');
    expect(reading.change.records[0]).toMatchObject({ kind: 'invoice', key: '7', state, open });
    expect(reading.change.numbers?.keys).toEqual(['31201234567', '31612345678', '49301234567']);
    expect(reading.unreadableNumbers).toBe(1);
  });

  it.each([
    ['a draft invoice', invoiceEvent(moneybirdInvoice('7', contact, 'draft', NOW)), 'draft-invoice'],
    [
      'a payment',
      { entity_type: 'Payment', action: 'payment_registered', entity: {} },
      'not-an-invoice-or-contact',
    ],
    [
      'an unknown entity',
      { entity_type: 'Estimate', action: 'estimate_created', entity: {} },
      'not-an-invoice-or-contact',
    ],
  ])('%s as ignored, with its reason', (_case, event, reason) => {
    expect(readDelivery(MONEYBIRD, event, context)[0]).toMatchObject({ ignored: reason });
  });

  it("a destroyed invoice as deleted, at the delivery's signed time", () => {
    const [reading] = readDelivery(
      MONEYBIRD,
      invoiceEvent(moneybirdInvoice('7', contact, 'open', NOW - 9000), 'sales_invoice_destroyed'),
      context,
    );
    expect(reading && 'change' in reading && reading.change.records).toEqual([
      { kind: 'invoice', key: '7', version: context.signedAtMs, deleted: true, storedAtMs: NOW },
    ]);
  });

  it('a changed contact as its new numbers, and a destroyed one as none, outranking a change of its own time', () => {
    const [changed] = readDelivery(
      MONEYBIRD,
      contactEvent(moneybirdContact('42', ['020 7654321'], NOW - 100)),
      context,
    );
    expect(changed && 'change' in changed && changed.change).toEqual({
      source: 'moneybird',
      contact: '42',
      numbers: { keys: ['31207654321'], version: NOW - 100 },
      records: [],
    });
    const [destroyed] = readDelivery(MONEYBIRD, contactEvent(contact, 'contact_destroyed'), context);
    expect(destroyed && 'change' in destroyed && destroyed.change.numbers).toEqual({
      keys: [],
      version: context.signedAtMs + 0.5,
    });
  });

  it('an invoice event without its contact, leaving the numbers as held', () => {
    const event = invoiceEvent(moneybirdInvoice('7', contact, 'late', NOW));
    const [reading] = readDelivery(
      MONEYBIRD,
      { ...event, entity: { ...event.entity, contact: null } },
      context,
    );
    expect(reading && 'change' in reading && reading.change.numbers).toBeUndefined();
  });

  it.each([
    ['no invoice id', { id: null }, 'field invoice id (entity.id) must be an id: a text or a whole number'],
    ['a state that is no text', { state: 5 }, 'field invoice state (entity.state) must be a text'],
    [
      'a version that is no time',
      { updated_at: 'yesterday' },
      'field invoice version (entity.updated_at) must be a time',
    ],
  ])('refuses an invoice with %s, naming the field', (_case, change, message) => {
    const event = invoiceEvent(moneybirdInvoice('7', contact, 'late', NOW));
    expect(() =>
      readDelivery(MONEYBIRD, { ...event, entity: { ...event.entity, ...change } }, context),
    ).toThrow(message);
  });
});

describe('the Zendesk connector reads', () => {
  const ticket: ZendeskTicket = {
    id: 5158,
    status: 'pending',
    requesterId: 8447388090494,
    requesterPhone: '020-1234567',
    requesterEmail: 'klant@example.nl',
    assigneeId: 8447388090496,
    assigneeEmail: 'Anna@Acme.nl',
    updatedAtMs: NOW - 60_000,
  };

  it("the documentation's user event as ignored: it is no ticket", () => {
    expect(readDelivery(ZENDESK, json('zendesk/user-active-changed.json'), context)).toEqual([
      { event: 'zen:event-type:user.active_changed', ignored: 'not-a-ticket-event' },
    ]);
  });

  it("a trigger's body: the requester's phone, the assignee by email or id, ordered by the signed time", () => {
    const [reading] = readDelivery(ZENDESK, triggerBody(ticket), context);
    expect(reading).toEqual({
      event: 'trigger',
      change: {
        source: 'zendesk',
        contact: '8447388090494',
        numbers: { keys: ['31201234567'], version: context.signedAtMs },
        records: [
          {
            kind: 'ticket',
            key: '5158',
            version: context.signedAtMs,
            state: 'pending',
            open: true,
            atMs: ticket.updatedAtMs,
            storedAtMs: NOW,
          },
        ],
      },
      assignees: { '5158': ['anna@acme.nl', 'zendesk:8447388090496'] },
      unreadableNumbers: 0,
    });
  });

  it('a trigger whose requester id placeholder Zendesk left unrendered: the contact is the email', () => {
    const [reading] = readDelivery(ZENDESK, triggerBody(ticket, ['requester_id', 'updated_at']), context);
    expect(
      reading && 'change' in reading && [reading.change.contact, reading.change.records[0]?.atMs],
    ).toEqual(['klant@example.nl', undefined]);
  });

  it.each([
    ['solved', false],
    ['closed', false],
    ['new', true],
    ['hold', true],
  ] as const)(
    'a ticket event whose status is %s (upper case, as event payloads write it): unsolved %s',
    (status, open) => {
      const [reading] = readDelivery(ZENDESK, ticketEvent({ ...ticket, status }), context);
      expect(reading && 'change' in reading && reading.change.records[0]).toMatchObject({
        state: status,
        open,
        version: ticket.updatedAtMs,
      });
      expect(reading && 'change' in reading && reading.change.numbers).toBeUndefined();
    },
  );

  it('a deleted ticket event as deleted', () => {
    const [reading] = readDelivery(
      ZENDESK,
      ticketEvent(ticket, 'zen:event-type:ticket.soft_deleted'),
      context,
    );
    expect(reading && 'change' in reading && reading.change.records[0]?.deleted).toBe(true);
  });

  it('resolves the assignee through the directory: the first of its names an alias holds', () => {
    const [reading] = readDelivery(ZENDESK, triggerBody(ticket), context);
    if (!reading || !('change' in reading)) throw new Error('not read');
    const byId = resolveAgents(reading, new Map([['zendesk:8447388090496', '1004']]));
    const unknown = resolveAgents(reading, new Map([['bob@acme.nl', '1005']]));
    expect([byId.records[0], unknown.records[0]]).toMatchObject([
      { agent: '1004', assignee: 'zendesk:8447388090496' },
      { assignee: 'anna@acme.nl' },
    ]);
    expect(unknown.records[0]?.agent).toBeUndefined();
  });
});
