/**
 * Reads a delivery by a connector's declaration: each event becomes a change of one contact
 * (its numbers as caller keys, its records) or is ignored with a reason. Agents are resolved
 * through the directory afterwards (`resolveAgents`). Pure: nothing here reads or writes.
 */
import { search } from 'jmespath';
import { CRM_DATA_LIMITS } from '../domain/caller-facts';
import { ValidationError } from '../domain/errors';
import { InvalidNumberError, normalizeCaller } from '../domain/numbers';
import { DELETION_STEP, type FactRecord } from '../domain/records';
import { timeOf } from '../domain/times';
import type { ContactChange } from '../store/contact-store';
import {
  type ConnectorDeclaration,
  type EntityDeclaration,
  type RuleDeclaration,
  SIGNED_AT,
} from './declaration';

/** What the reading of a delivery knows besides its body. */
export interface DeliveryContext {
  /** When the source signed it (its signature's timestamp), epoch ms. */
  signedAtMs?: number;
  nowMs: number;
  defaultCountryCode: string;
}

/** One event of a delivery, read. */
export type EventReading =
  | { event: string; ignored: string }
  | {
      event: string;
      change: ContactChange;
      /** Per ticket id, the names its assignee may have in the directory, in order. */
      assignees: Record<string, string[]>;
      /** Per owner attribute (`accountManager`), the names the owner may have in the directory, in order. */
      owners?: Record<string, string[]>;
      /** Phone numbers given that are no phone number of a caller. */
      unreadableNumbers: number;
    };

/** The most events one delivery may carry. */
export const MAX_EVENTS_PER_DELIVERY = 100;
/** Epoch numbers below this are seconds (10^11 ms is 1973; 10^11 s is beyond the year 5000). */
const SECONDS_BELOW = 1e11;
/** The most contacts one event may name (the records a merge took in). */
const MAX_CONTACTS_PER_EVENT = 100;

/**
 * The events of a delivery, each read by the first rule whose `when` holds.
 * @throws ValidationError naming the event and the field when an event cannot be read: the
 *         delivery is refused whole, so nothing of it is half applied.
 */
export function readDelivery(
  connector: ConnectorDeclaration,
  body: unknown,
  context: DeliveryContext,
): EventReading[] {
  const document = withoutPlaceholders(body);
  const events = connector.events === undefined ? [document] : search(document, connector.events);
  if (!Array.isArray(events))
    throw new ValidationError(undefined, `the body holds no list of events at ${connector.events}`);
  if (events.length > MAX_EVENTS_PER_DELIVERY) {
    throw new ValidationError(
      undefined,
      `the body holds ${events.length} events; at most ${MAX_EVENTS_PER_DELIVERY}`,
    );
  }
  return events.flatMap((event, index) => {
    const where = events.length > 1 ? `event ${index + 1}: ` : '';
    try {
      return readEvent(connector, event, context);
    } catch (error) {
      if (error instanceof ValidationError) throw new ValidationError(undefined, `${where}${error.message}`);
      throw error;
    }
  });
}

function readEvent(
  connector: ConnectorDeclaration,
  event: unknown,
  context: DeliveryContext,
): EventReading[] {
  const name = eventName(connector, event);
  const chain = rulesFor(connector.rules, event);
  const acting = chain.filter((rule) => rule.ignore === undefined);
  const last = chain.at(-1);
  if (!last) return [{ event: name, ignored: 'no-rule' }];
  const contactRule = acting.find((rule) => rule.contact !== undefined);
  // Rules that continued into an ignoring one act only where one of them names the contact.
  if (last.ignore !== undefined && !contactRule) return [{ event: name, ignored: last.ignore }];
  const records: FactRecord[] = [];
  const assignees: Record<string, string[]> = {};
  const owners: Record<string, string[]> = {};
  for (const rule of acting) {
    for (const kind of ['invoice', 'ticket'] as const) {
      const entity = rule[kind];
      if (!entity) continue;
      const record = entityRecord(kind, entity, event, context);
      records.push(record);
      if (kind === 'ticket' && entity.assignee !== undefined && !record.deleted) {
        assignees[record.key] = namesAt(event, entity.assignee);
      }
    }
    const factsVersion = () => versionAt(event, rule.factsVersion ?? SIGNED_AT, 'factsVersion', context);
    for (const [attribute, path] of Object.entries(rule.attributes ?? {})) {
      records.push(attributeRecord(attribute, search(event, path), factsVersion(), context.nowMs));
    }
    if (rule.owner && owners[rule.owner.attribute] === undefined) {
      const names = namesAt(event, rule.owner.path);
      owners[rule.owner.attribute] = names;
      const record: FactRecord = {
        kind: 'attribute',
        key: rule.owner.attribute,
        version: factsVersion(),
        storedAtMs: context.nowMs,
      };
      // No owner: the attribute is removed; an owner: its agent is set once the directory is read.
      if (names.length === 0) record.deleted = true;
      records.push(record);
    }
    for (const { tag, on } of rule.tags ?? []) {
      const set = truthy(search(event, on));
      records.push({
        kind: 'tag',
        key: tag,
        version: factsVersion(),
        storedAtMs: context.nowMs,
        ...(set ? {} : { deleted: true }),
      });
    }
  }
  const contacts = contactsAt(event, contactRule?.contact ?? '`"-"`');
  let unreadableNumbers = 0;
  let numbers: ContactChange['numbers'];
  const phoneRule = acting.find((rule) => rule.phones !== undefined);
  if (phoneRule?.phones !== undefined) {
    const keys: string[] = [];
    for (const phone of strings(search(event, phoneRule.phones))) {
      const key = callerKeyOf(phone, context.defaultCountryCode);
      if (key) keys.push(key);
      else unreadableNumbers++;
    }
    const entity = records.find((record) => record.kind === 'invoice' || record.kind === 'ticket');
    const version =
      phoneRule.contactVersion === undefined
        ? (entity?.version ?? versionAt(event, SIGNED_AT, 'contactVersion', context))
        : optionalVersionAt(event, phoneRule.contactVersion, context);
    // An event that carries no version of the contact's data (no contact in it) leaves its numbers as held.
    if (version !== undefined) {
      // A contact forgotten outranks a change of its own version, as a deleted record does.
      numbers = { keys, version: phoneRule.forgetContact ? version + DELETION_STEP : version };
      if (phoneRule.phoneField !== undefined) numbers.field = fieldAt(event, phoneRule.phoneField);
    }
  }
  return contacts.map((contact) => {
    const change: ContactChange = { source: connector.name, contact, records };
    if (numbers) change.numbers = numbers;
    const reading: EventReading = { event: name, change, assignees, unreadableNumbers };
    if (Object.keys(owners).length > 0) reading.owners = owners;
    return reading;
  });
}

/** The rules an event reads by: the first whose `when` holds, and those it continues into. */
function rulesFor(rules: readonly RuleDeclaration[], event: unknown): RuleDeclaration[] {
  const chain: RuleDeclaration[] = [];
  for (const rule of rules) {
    if (rule.when !== undefined && !truthy(search(event, rule.when))) continue;
    chain.push(rule);
    if (!rule.continue) break;
  }
  return chain;
}

/** Names as the directory's aliases are written: trimmed, in lower case, in order. */
function namesAt(event: unknown, path: string): string[] {
  return strings(search(event, path)).map((alias) => alias.trim().toLowerCase().slice(0, 128));
}

/** The contact an event is about, or the contacts (a merge names those it took in). */
function contactsAt(event: unknown, path: string): string[] {
  const value = search(event, path);
  if (!Array.isArray(value)) return [idAt(event, path, 'contact')];
  if (value.length > MAX_CONTACTS_PER_EVENT) {
    throw new ValidationError(
      'contact',
      `(${path}) names ${value.length} contacts; at most ${MAX_CONTACTS_PER_EVENT}`,
    );
  }
  return [...new Set(value.map((id) => idOf(id, path, 'contact')))];
}

/** The field a phone number is of: a token. */
function fieldAt(event: unknown, path: string): string {
  const value = search(event, path);
  if (typeof value !== 'string' || !/^[A-Za-z0-9_.:-]{1,64}$/.test(value)) {
    throw new ValidationError('phoneField', `(${path}) must name a field (a-z, 0-9, _ . : -)`);
  }
  return value;
}

function entityRecord(
  kind: 'invoice' | 'ticket',
  entity: EntityDeclaration,
  event: unknown,
  context: DeliveryContext,
): FactRecord {
  const key = idAt(event, entity.id, `${kind} id`);
  const version = versionAt(event, entity.version, `${kind} version`, context);
  const record: FactRecord = { kind, key, version, storedAtMs: context.nowMs };
  if (entity.deleted !== undefined && truthy(search(event, entity.deleted))) {
    record.deleted = true;
    return record;
  }
  const state = search(event, entity.state);
  if (typeof state !== 'string' || state.length === 0) {
    throw new ValidationError(`${kind} state`, `(${entity.state}) must be a text`);
  }
  record.state = state.toLowerCase().slice(0, 24);
  record.open = entity.open.includes(state.toLowerCase());
  const atMs = entity.updatedAt === undefined ? undefined : readableTime(search(event, entity.updatedAt));
  // Without a readable update time the version orders it (a signed time, an update time).
  if (atMs !== undefined) record.atMs = atMs;
  return record;
}

function attributeRecord(name: string, value: unknown, version: number, nowMs: number): FactRecord {
  const text = typeof value === 'number' || typeof value === 'boolean' ? String(value) : value;
  if (typeof text === 'string' && text.trim() !== '') {
    const value = text.trim().slice(0, CRM_DATA_LIMITS.attributeValueChars);
    return { kind: 'attribute', key: name, version, storedAtMs: nowMs, value };
  }
  return { kind: 'attribute', key: name, version, storedAtMs: nowMs, deleted: true };
}

/**
 * An entity's or a contact's version: a number (an integer that grows, or a time in epoch ms)
 * or a time as text, or the time the source signed the delivery. A number below 10^11 is read as
 * epoch seconds (Pipedrive's "10 character timestamp") and counted in ms, so one field read as
 * seconds in one event and as an ISO time in another orders the same; a counter keeps its order.
 */
function versionAt(event: unknown, path: string, field: string, context: DeliveryContext): number {
  if (path === SIGNED_AT) {
    if (context.signedAtMs === undefined)
      throw new ValidationError(field, 'needs a signed delivery time, and this delivery has none');
    return context.signedAtMs;
  }
  const value = search(event, path);
  const number =
    typeof value === 'number'
      ? value
      : typeof value === 'string' && /^\d{1,16}$/.test(value)
        ? Number(value)
        : undefined;
  if (number !== undefined && Number.isFinite(number) && number >= 0) {
    return number < SECONDS_BELOW ? number * 1000 : number;
  }
  if (typeof value === 'string') return timeOf(value, `${field} (${path})`);
  throw new ValidationError(field, `(${path}) must be a number or a time`);
}

function optionalVersionAt(event: unknown, path: string, context: DeliveryContext): number | undefined {
  if (path !== SIGNED_AT && search(event, path) === null) return undefined;
  return versionAt(event, path, 'contactVersion', context);
}

function readableTime(value: unknown): number | undefined {
  if (value === null || value === undefined) return undefined;
  try {
    return timeOf(value, 'updatedAt');
  } catch (error) {
    if (error instanceof ValidationError) return undefined;
    throw error;
  }
}

/** An id: a text or a whole number, of at most 128 characters without control characters. */
function idAt(event: unknown, path: string, field: string): string {
  return idOf(search(event, path), path, field);
}

function idOf(value: unknown, path: string, field: string): string {
  const id = typeof value === 'number' && Number.isSafeInteger(value) ? String(value) : value;
  // biome-ignore lint/suspicious/noControlCharactersInRegex: refusing them is the point
  if (typeof id !== 'string' || !/^[^\u0000-\u001f\u007f]{1,128}$/.test(id)) {
    throw new ValidationError(field, `(${path}) must be an id: a text or a whole number`);
  }
  return id;
}

/** The event's name as logs and metrics show it: a token, never a value from the event. */
function eventName(connector: ConnectorDeclaration, event: unknown): string {
  const value = connector.kind === undefined ? undefined : search(event, connector.kind);
  return typeof value === 'string' && /^[A-Za-z0-9_.:-]{1,64}$/.test(value) ? value : 'event';
}

/** Every text in a value, lists flattened, empty ones left out. */
function strings(value: unknown): string[] {
  if (typeof value === 'string') return value.trim() === '' ? [] : [value];
  if (typeof value === 'number' && Number.isFinite(value)) return [String(value)];
  if (Array.isArray(value)) return value.flatMap(strings);
  return [];
}

/** JMESPath's truth: false, null, '', [] and {} are false. */
function truthy(value: unknown): boolean {
  if (value === null || value === undefined || value === false || value === '') return false;
  if (Array.isArray(value)) return value.length > 0;
  if (typeof value === 'object') return Object.keys(value).length > 0;
  return true;
}

/** A phone number as a public caller key, or undefined when it is none. */
function callerKeyOf(phone: string, defaultCountryCode: string): string | undefined {
  try {
    const caller = normalizeCaller(phone, defaultCountryCode);
    return caller.kind === 'public' ? caller.key : undefined;
  } catch (error) {
    if (error instanceof InvalidNumberError) return undefined;
    throw error;
  }
}

/** A placeholder the source left as it was (`{{ticket.requester.phone}}`, no such field): no value. */
const UNRENDERED = /^\{\{[^{}]*\}\}$/;

function withoutPlaceholders(value: unknown): unknown {
  if (typeof value === 'string') return UNRENDERED.test(value.trim()) ? null : value;
  if (Array.isArray(value)) return value.map(withoutPlaceholders);
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([key, field]) => [key, withoutPlaceholders(field)]));
  }
  return value;
}

/**
 * Gives each ticket the agent its assignee leads to, and each owner attribute the agent its
 * owner leads to: the first of their names the directory holds. A name no alias knows leaves the
 * ticket without an agent and the attribute without a value (the name kept, so explain can say
 * whom it could not place, and a later alias places it).
 */
export function resolveAgents(
  reading: Extract<EventReading, { change: ContactChange }>,
  directory: ReadonlyMap<string, string>,
): ContactChange {
  const records = reading.change.records.map((record) => {
    const names =
      record.kind === 'ticket'
        ? reading.assignees[record.key]
        : record.kind === 'attribute' && !record.deleted
          ? reading.owners?.[record.key]
          : undefined;
    if (!names || names.length === 0) return record;
    const known = names.find((name) => directory.has(name));
    const resolved: FactRecord = { ...record, assignee: known ?? (names[0] as string) };
    if (known !== undefined) {
      resolved.agent = directory.get(known) as string;
      if (record.kind === 'attribute') resolved.value = resolved.agent;
    }
    return resolved;
  });
  return { ...reading.change, records };
}

/** Whether a change holds a ticket or an owner whose name no alias of the directory knows. */
export function unplacedAgent(change: ContactChange): 'assignee' | 'owner' | undefined {
  for (const record of change.records) {
    if (record.deleted || record.assignee === undefined || record.agent !== undefined) continue;
    if (record.kind === 'ticket' && record.open) return 'assignee';
    if (record.kind === 'attribute') return 'owner';
  }
  return undefined;
}
