/**
 * Zendesk as our tests meet it, built from its documented formats: a webhook subscribed to
 * ticket events (envelope `type, account_id, id, time, zendesk_event_version, subject, detail,
 * event`; `detail` with the requester's and assignee's ids, no phone), a webhook a trigger calls
 * with the body docs/connectors.md gives, both signed `X-Zendesk-Webhook-Signature` (base64
 * HMAC-SHA256 over the timestamp header and the body).
 */
import { createHmac, randomUUID } from 'node:crypto';
import type { Delivery } from './moneybird';

/** A ticket at one moment. */
export interface ZendeskTicket {
  id: number;
  status: 'new' | 'open' | 'pending' | 'hold' | 'solved' | 'closed';
  requesterId: number;
  requesterPhone: string | null;
  requesterEmail: string;
  assigneeId: number | null;
  assigneeEmail: string | null;
  updatedAtMs: number;
}

/**
 * The body the documented trigger sends: each placeholder rendered as Zendesk renders it (text);
 * `unrendered` leaves those placeholders as written, as a field Zendesk does not know stays.
 */
export function triggerBody(ticket: ZendeskTicket, unrendered: readonly string[] = []) {
  const fields: Record<string, string> = {
    id: String(ticket.id),
    status: ticket.status,
    updated_at: new Date(ticket.updatedAtMs).toISOString().replace(/\.\d{3}Z$/, 'Z'),
    requester_id: String(ticket.requesterId),
    requester_email: ticket.requesterEmail,
    requester_phone: ticket.requesterPhone ?? '',
    assignee_email: ticket.assigneeEmail ?? '',
    assignee_id: ticket.assigneeId === null ? '' : String(ticket.assigneeId),
  };
  for (const field of unrendered) fields[field] = `{{ticket.${field.replace('_', '.')}}}`;
  return { ticket: fields };
}

/** An event of a webhook subscribed to ticket events (`zen:event-type:ticket.status_changed`, …). */
export function ticketEvent(ticket: ZendeskTicket, type = 'zen:event-type:ticket.status_changed') {
  const updated = new Date(ticket.updatedAtMs).toISOString().replace(/\.\d{3}Z$/, 'Z');
  return {
    type,
    account_id: 22129848,
    id: randomUUID(),
    time: new Date(ticket.updatedAtMs).toISOString(),
    zendesk_event_version: '2022-11-06',
    subject: `zen:ticket:${ticket.id}`,
    detail: {
      actor_id: String(ticket.requesterId),
      assignee_id: ticket.assigneeId === null ? null : String(ticket.assigneeId),
      created_at: updated,
      id: String(ticket.id),
      requester_id: String(ticket.requesterId),
      status: ticket.status.toUpperCase(),
      subject: 'Cannot login to mobile app',
      updated_at: updated,
    },
    event: {},
  };
}

/** A delivery signed as Zendesk signs it; `order` `body+timestamp` is how an earlier page of Zendesk's worded it. */
export function zendeskDelivery(
  body: object,
  secret: string,
  atMs = Date.now(),
  order: 'timestamp+body' | 'body+timestamp' = 'timestamp+body',
): Delivery {
  const text = JSON.stringify(body);
  const timestamp = new Date(atMs).toISOString().replace(/\.\d{3}Z$/, 'Z');
  const signed = order === 'timestamp+body' ? `${timestamp}${text}` : `${text}${timestamp}`;
  return {
    headers: {
      'content-type': 'application/json',
      'x-zendesk-webhook-signature': createHmac('sha256', secret).update(signed).digest('base64'),
      'x-zendesk-webhook-signature-timestamp': timestamp,
      'x-zendesk-webhook-id': '01FMJQSY40HZBCBVPZB9212S8V',
    },
    body: text,
  };
}
