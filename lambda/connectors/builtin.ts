/**
 * The connectors the product ships: declarations like any a deployment configures, written
 * from the vendors' documented payloads (docs/connectors.md names each source, and
 * test/fixtures/connectors/ keeps each example with its source).
 */
import type { ConnectorDeclaration } from './declaration';

/** Moneybird's invoice states in which an invoice is unpaid. */
const UNPAID = ['open', 'pending_payment', 'reminded', 'late'];

/**
 * Moneybird: invoice events carry the whole invoice with its contact (phone, contact people);
 * contact events move a contact's numbers. Versions are the entities' `updated_at` (ms; their
 * `version` field counts seconds, too coarse for two changes within one).
 */
export const MONEYBIRD: ConnectorDeclaration = {
  name: 'moneybird',
  auth: { scheme: 'moneybird' },
  kind: 'action',
  rules: [
    {
      when: "entity_type == 'SalesInvoice' && action == 'sales_invoice_destroyed'",
      contact: 'entity.contact_id || entity_id',
      invoice: {
        id: 'entity_id',
        version: '$signedAt',
        state: 'state || `"destroyed"`',
        open: UNPAID,
        deleted: '`true`',
      },
    },
    { when: "entity_type == 'SalesInvoice' && entity.state == 'draft'", ignore: 'draft-invoice' },
    {
      when: "entity_type == 'SalesInvoice'",
      contact: 'entity.contact_id',
      contactVersion: 'entity.contact.updated_at',
      phones: '[entity.contact.phone, entity.contact.contact_people[].phone, entity.contact_person.phone][]',
      invoice: {
        id: 'entity.id',
        version: 'entity.updated_at',
        state: 'entity.state',
        open: UNPAID,
        updatedAt: 'entity.updated_at',
      },
    },
    {
      when: "entity_type == 'Contact' && action == 'contact_destroyed'",
      contact: 'entity_id',
      contactVersion: '$signedAt',
      forgetContact: true,
      phones: '`[]`',
    },
    {
      when: "entity_type == 'Contact'",
      contact: 'entity.id',
      contactVersion: 'entity.updated_at',
      phones: '[entity.phone, entity.contact_people[].phone][]',
    },
    { ignore: 'not-an-invoice-or-contact' },
  ],
};

/** Zendesk's ticket statuses in which a ticket is unsolved. */
const UNSOLVED = ['new', 'open', 'pending', 'hold'];

/**
 * Zendesk, both kinds of webhook: one subscribed to ticket events (its `detail` has the
 * requester's and the assignee's ids, no phone: the numbers come from a trigger or the first
 * sync), or one a trigger calls with the body docs/connectors.md gives (the requester's phone,
 * the assignee's email). A trigger's body carries no version of its own: the time Zendesk
 * signed it orders it.
 */
export const ZENDESK: ConnectorDeclaration = {
  name: 'zendesk',
  auth: { scheme: 'zendesk' },
  kind: "type || 'trigger'",
  rules: [
    {
      when: "type && starts_with(type, 'zen:event-type:ticket.')",
      contact: 'detail.requester_id',
      ticket: {
        id: 'detail.id',
        version: 'time',
        state: 'detail.status',
        open: UNSOLVED,
        deleted:
          "type == 'zen:event-type:ticket.soft_deleted' || type == 'zen:event-type:ticket.permanently_deleted'",
        updatedAt: 'detail.updated_at',
        assignee:
          "detail.assignee_id && detail.assignee_id != '0' && join('', ['zendesk:', to_string(detail.assignee_id)])",
      },
    },
    { when: 'type', ignore: 'not-a-ticket-event' },
    {
      when: 'ticket.id',
      contact: 'ticket.requester_id || ticket.requester_email',
      contactVersion: '$signedAt',
      phones: 'ticket.requester_phone',
      ticket: {
        id: 'ticket.id',
        version: '$signedAt',
        state: 'ticket.status',
        open: UNSOLVED,
        updatedAt: 'ticket.updated_at',
        assignee:
          "[ticket.assignee_email, ticket.assignee_id && join('', ['zendesk:', to_string(ticket.assignee_id)])]",
      },
    },
    { ignore: 'not-a-ticket' },
  ],
};

/** The shipped connectors, by name. */
export const BUILTIN_CONNECTORS: readonly ConnectorDeclaration[] = [MONEYBIRD, ZENDESK];
