/**
 * Moneybird as our tests meet it, built from its documented formats: the webhook sender (the
 * envelope `administration_id, webhook_id, webhook_token, entity_type, entity_id, state,
 * action, entity`, signed `Moneybird-Signature: t=<s>,v1=<hex>` over `<t>.<body>`, one v1 per
 * active secret, a fresh `Idempotency-Key` per push) and invoices and contacts shaped as its
 * REST API renders them (the fields the connector reads, and a few it must not trip over).
 */
import { createHmac, randomUUID } from 'node:crypto';

/** A delivery as it goes over the wire. */
export interface Delivery {
  headers: Record<string, string>;
  body: string;
}

/** A contact as Moneybird renders one (the fields the connector reads, and some it ignores). */
export interface MoneybirdContact {
  id: string;
  company_name: string;
  phone: string | null;
  contact_people: { id: string; firstname: string; phone: string | null }[];
  updated_at: string;
  version: number;
}

/** An invoice as Moneybird renders one. */
export interface MoneybirdInvoice {
  id: string;
  contact_id: string;
  contact: MoneybirdContact;
  invoice_id: string | null;
  state: string;
  total_unpaid: string;
  updated_at: string;
  version: number;
}

/** A contact at a time: `updatedAtMs` orders its versions. */
export function moneybirdContact(
  id: string,
  phones: (string | null)[],
  updatedAtMs: number,
): MoneybirdContact {
  const [phone = null, ...people] = phones;
  return {
    id,
    company_name: 'Foobar Holding B.V.',
    phone,
    contact_people: people.map((person, index) => ({
      id: `${id}${index + 1}`,
      firstname: 'Jan',
      phone: person,
    })),
    updated_at: new Date(updatedAtMs).toISOString(),
    version: Math.floor(updatedAtMs / 1000),
  };
}

/** An invoice of a contact in a state at a time. */
export function moneybirdInvoice(
  id: string,
  contact: MoneybirdContact,
  state: string,
  updatedAtMs: number,
): MoneybirdInvoice {
  return {
    id,
    contact_id: contact.id,
    contact,
    invoice_id: `2026-${id.slice(-4)}`,
    state,
    total_unpaid: state === 'paid' ? '0.0' : '363.0',
    updated_at: new Date(updatedAtMs).toISOString(),
    version: Math.floor(updatedAtMs / 1000),
  };
}

const ADMINISTRATION = '116015326147118082';
const WEBHOOK = '116010948233266179';

/** The envelope of an invoice event (`sales_invoice_state_changed_to_late`, `sales_invoice_destroyed`, …). */
export function invoiceEvent(
  invoice: MoneybirdInvoice,
  action = `sales_invoice_state_changed_to_${invoice.state}`,
) {
  return envelope('SalesInvoice', invoice.id, invoice.state, action, invoice);
}

/** The envelope of a contact event (`contact_changed`, `contact_destroyed`, …). */
export function contactEvent(contact: MoneybirdContact, action = 'contact_changed') {
  return envelope('Contact', contact.id, null, action, contact);
}

function envelope<Entity>(
  entityType: string,
  entityId: string,
  state: string | null,
  action: string,
  entity: Entity,
) {
  return {
    administration_id: ADMINISTRATION,
    webhook_id: WEBHOOK,
    webhook_token: 'hPCNhskk1PwGC1pyJZMZmKNT',
    entity_type: entityType,
    entity_id: entityId,
    state,
    action,
    entity,
  };
}

/**
 * A push as Moneybird sends it, signed at `atMs` with each active secret (two during a rotation).
 * `token`: the legacy push of a webhook without a secret, unsigned, with this `webhook_token`.
 */
export function moneybirdDelivery(
  event: object,
  secrets: readonly string[],
  atMs = Date.now(),
  options: { token?: string } = {},
): Delivery {
  const body = JSON.stringify(options.token ? { ...event, webhook_token: options.token } : event);
  const headers: Record<string, string> = {
    'content-type': 'application/json',
    'idempotency-key': randomUUID(),
  };
  if (secrets.length > 0) {
    const t = String(Math.floor(atMs / 1000));
    const v1 = secrets.map(
      (secret) => `v1=${createHmac('sha256', secret).update(`${t}.${body}`).digest('hex')}`,
    );
    headers['moneybird-signature'] = [`t=${t}`, ...v1].join(',');
  }
  return { headers, body };
}
