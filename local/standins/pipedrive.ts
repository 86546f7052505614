/**
 * Pipedrive as our tests meet it, built from its documented formats: webhooks v2 (`meta` with
 * `action, entity, entity_id, id, company_id, timestamp, version, webhook_id, attempt, host`,
 * `data` the person as it is now, `previous` the fields that changed), sent with the HTTP basic
 * credentials set on the webhook; persons as API v2 renders them (`phones: [{value, primary,
 * label}]`, `owner_id` a number, `label_ids`).
 */
import { randomUUID } from 'node:crypto';
import type { Delivery } from './moneybird';

/** A person as API v2 (and webhooks v2) render one: the fields the connector reads, and some it ignores. */
export interface PipedrivePerson {
  id: number;
  name: string;
  owner_id: number;
  phones: { value: string; primary: boolean; label: string }[];
  emails: { value: string; primary: boolean; label: string }[];
  label_ids: number[];
  org_id: number | null;
  add_time: string;
  update_time: string;
  visible_to: string;
  custom_fields: Record<string, unknown>;
}

const seconds = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');

export function pipedrivePerson(
  id: number,
  phones: readonly string[],
  options: { owner: number; labels?: number[]; updatedAtMs: number },
): PipedrivePerson {
  return {
    id,
    name: `Persoon ${id}`,
    owner_id: options.owner,
    phones: phones.map((value, index) => ({
      value,
      primary: index === 0,
      label: index === 0 ? 'work' : 'mobile',
    })),
    emails: [{ value: `persoon${id}@example.nl`, primary: true, label: 'work' }],
    label_ids: options.labels ?? [],
    org_id: null,
    add_time: '2025-04-15T15:35:54Z',
    update_time: seconds(options.updatedAtMs),
    visible_to: '3',
    custom_fields: {},
  };
}

/**
 * A v2 event on a person at `atMs`: `create` (no previous), `change` (previous: `previous`),
 * `delete` (no data; the person as it was in previous).
 */
export function personEvent(
  action: 'create' | 'change' | 'delete',
  person: PipedrivePerson,
  atMs: number,
  previous: Partial<PipedrivePerson> | null = null,
) {
  return {
    meta: {
      action,
      entity: 'person',
      company_id: '12882925',
      correlation_id: randomUUID(),
      entity_id: String(person.id),
      id: randomUUID(),
      is_bulk_edit: false,
      timestamp: new Date(atMs).toISOString(),
      type: 'general',
      user_id: '18487521',
      version: '2.0',
      webhook_id: '99',
      webhook_owner_id: '18487521',
      change_source: 'app',
      attempt: 1,
      host: 'company.pipedrive.com',
      permitted_user_ids: ['18487521'],
    },
    data: action === 'delete' ? null : person,
    previous: action === 'delete' ? person : previous,
  };
}

/** A delivery as Pipedrive sends one, with the basic credentials `user:password` set on the webhook. */
export function pipedriveDelivery(event: object, credentials: string): Delivery {
  return {
    headers: {
      'content-type': 'application/json',
      authorization: `Basic ${Buffer.from(credentials).toString('base64')}`,
    },
    body: JSON.stringify(event),
  };
}
