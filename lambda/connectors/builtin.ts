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

/** HubSpot's event type: `subscriptionType`, or `eventType` as older payloads name it. */
const HUBSPOT_TYPE = '(subscriptionType || eventType)';

/**
 * HubSpot's app webhooks: a list of events, each naming one contact and at most one property.
 * Phone numbers come from `phone` and `mobilephone` changes (each kept as its field), the owner
 * from `hubspot_owner_id` as the alias `hubspot:<owner id>`; a deletion or a merge forgets the
 * contacts that are gone. Other properties are the deployment's to map (docs/connectors.md).
 */
export const HUBSPOT: ConnectorDeclaration = {
  name: 'hubspot',
  auth: { scheme: 'hubspot-v3' },
  events: '[*]',
  kind: HUBSPOT_TYPE,
  rules: [
    {
      when: `${HUBSPOT_TYPE} == 'contact.deletion' || ${HUBSPOT_TYPE} == 'contact.privacyDeletion'`,
      contact: 'objectId',
      contactVersion: 'occurredAt',
      forgetContact: true,
      phones: '`[]`',
    },
    {
      when: `${HUBSPOT_TYPE} == 'contact.merge'`,
      contact:
        '[mergedObjectIds || `[]`, (newObjectId && newObjectId != primaryObjectId) && [primaryObjectId] || `[]`][]',
      contactVersion: 'occurredAt',
      forgetContact: true,
      phones: '`[]`',
    },
    { when: `${HUBSPOT_TYPE} != 'contact.propertyChange'`, ignore: 'not-a-property-change' },
    {
      when: "propertyName == 'phone' || propertyName == 'mobilephone'",
      contact: 'objectId',
      contactVersion: 'occurredAt',
      phones: 'propertyValue',
      phoneField: 'propertyName',
    },
    {
      when: "propertyName == 'hubspot_owner_id'",
      contact: 'objectId',
      owner: {
        path: "propertyValue && join('', ['hubspot:', to_string(propertyValue)])",
        attribute: 'accountManager',
      },
      factsVersion: 'occurredAt',
    },
    { ignore: 'property-not-mapped' },
  ],
};

/** Where a Pipedrive person's owner may be named: v2's id, or v1's owner object with its email. */
const PIPEDRIVE_OWNER =
  "[data.owner_id.email, data.owner_id.id && join('', ['pipedrive:', to_string(data.owner_id.id)]), type(data.owner_id) == 'number' && join('', ['pipedrive:', to_string(data.owner_id)])]";
/** A Pipedrive event's time: `meta.timestamp` (ISO, or Unix seconds), else the person's update time. */
const PIPEDRIVE_TIME = 'meta.timestamp || data.update_time';

/**
 * Pipedrive's webhooks v2 on persons (`meta`, `data`, `previous`): each event carries the whole
 * person, so its phones and owner replace what was held; a delete (also one a merge made)
 * forgets it. Labels are ids a deployment names as tags (docs/connectors.md).
 */
export const PIPEDRIVE: ConnectorDeclaration = {
  name: 'pipedrive',
  auth: { scheme: 'basic' },
  kind: 'meta.action',
  rules: [
    {
      when: "meta.v == `1` || meta.version == '1.0'",
      ignore: 'webhooks-v1-not-read: register the webhook with version 2.0',
    },
    { when: "meta.entity != 'person'", ignore: 'not-a-person' },
    {
      when: "meta.action == 'delete'",
      contact: 'meta.entity_id',
      contactVersion: PIPEDRIVE_TIME,
      forgetContact: true,
      phones: '`[]`',
    },
    {
      when: 'data',
      contact: 'data.id || meta.entity_id',
      contactVersion: PIPEDRIVE_TIME,
      phones: '[data.phones[].value, data.phone[].value][]',
      owner: { path: PIPEDRIVE_OWNER, attribute: 'accountManager' },
      factsVersion: PIPEDRIVE_TIME,
    },
    { ignore: 'no-person-data' },
  ],
};

/** The shipped connectors, by name. */
export const BUILTIN_CONNECTORS: readonly ConnectorDeclaration[] = [MONEYBIRD, ZENDESK, HUBSPOT, PIPEDRIVE];
