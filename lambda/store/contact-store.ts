/**
 * The contacts of the connectors: one item per contact of a source
 * (`<com_id>#contact:<source>:<contact>`) holding its phone numbers and its records (invoices,
 * tickets, attributes, tags), each by the source's own version. Every change is a read and a
 * write conditioned on the contact's generation; then what the contact contributes is placed on
 * the caller item of each of its numbers, conditioned on being newer than what that item holds,
 * and marked gone on each number it left. So events apply exactly once in any order, and a
 * contact whose number changes takes its facts along. Not part of the webhook's bundle.
 */
import {
  DeleteItemCommand,
  type DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
  UpdateItemCommand,
} from '@aws-sdk/client-dynamodb';
import {
  beyondLimits,
  type Contribution,
  contributionOf,
  DELETION_STEP,
  type FactRecord,
  keptRecords,
  type RecordKind,
  replaces,
  storedVersion,
} from '../domain/records';
import type { TableOptions } from './call-recorder';
import { isConditionFailure } from './errors';
import {
  CALLER_TABLE,
  callerItemKey,
  callerPartitionKey,
  contributionAttribute,
  contributionValue,
  expiresAtSeconds,
  type Item,
  isExpired,
  NOT_EXPIRED,
  nowSecondsValue,
  TTL,
} from './items';
import type { TableRequests } from './requests';

/** What one event says of a contact. */
export interface ContactChange {
  source: string;
  contact: string;
  /**
   * Its phone numbers as caller keys, as of `version`; none: the numbers held stay. With a
   * `field` (`mobilephone`), the numbers of that field only, the contact's others kept.
   */
  numbers?: { keys: string[]; version: number; field?: string };
  records: FactRecord[];
}

/** What became of a change. */
export interface ChangeOutcome {
  /** `applied`: something changed; `duplicate`: all it says was held already (a re-delivery, an older event). */
  outcome: 'applied' | 'duplicate';
  /** How many numbers the contact's facts are under now (0: none known yet; they follow when one is). */
  numbers: number;
  /** Tags and attributes the contact holds beyond a caller's limits, not placed (`beyondLimits`). */
  beyondLimits: number;
}

/** A contact as its item holds it. */
export interface HeldContact {
  source: string;
  contact: string;
  /** All its numbers: those of each of its fields, in order, at most `MAX_NUMBERS_PER_CONTACT`. */
  numbers: string[];
  /** Its numbers by field (`''`: numbers given for the whole contact), each with its version. */
  fields: Record<string, PhoneField>;
  /** Numbers it had before (the last few): each holds a gone mark, so older events cannot return there. */
  former: string[];
  generation: number;
  records: FactRecord[];
}

/** The numbers of one field of a contact, as of a version. */
export interface PhoneField {
  keys: string[];
  version: number;
}

/** The most numbers a contact keeps (its own and its contact people's): the first ones given. */
export const MAX_NUMBERS_PER_CONTACT = 20;
/** How many numbers a contact left are remembered, to mark them gone again after an interruption. */
const MAX_FORMER_NUMBERS = 10;
/** Placing a contact's facts starts over when a newer change came in meanwhile, at most this often. */
const MAX_PLACING_ROUNDS = 5;

/** The partition key of a contact of a source. */
export function contactPartitionKey(comId: string, source: string, contact: string): string {
  return `${comId}#contact:${source}:${contact}`;
}

/** The contacts of one table. */
export class ContactStore {
  constructor(
    private readonly client: DynamoDBClient,
    private readonly table: TableOptions,
    private readonly requests: TableRequests,
  ) {}

  /** The same store with every request within `deadline`. */
  within(deadline: AbortSignal): ContactStore {
    return new ContactStore(this.client, this.table, this.requests.within(deadline));
  }

  /** A contact as held, or undefined when there is none (or it has expired). */
  async getContact(
    comId: string,
    source: string,
    contact: string,
    nowMs: number,
  ): Promise<HeldContact | undefined> {
    const item = await this.getItem(contactPartitionKey(comId, source, contact));
    return item && !isExpired(item, nowMs) ? heldContactOf(item, source, contact) : undefined;
  }

  /**
   * Applies a change by the version rule and places the result on the contact's callers. A
   * change that says nothing new still places what is held: a delivery retried after a write
   * that was cut off completes it.
   * @throws ContentionError when other writers kept winning until the deadline.
   */
  async apply(comId: string, change: ContactChange, nowMs: number): Promise<ChangeOutcome> {
    return this.applyAll(comId, [change], nowMs);
  }

  /**
   * Applies several changes of one contact (a sync's reading of it: its phone, mobile and
   * owner) as one: each by the version rule, in one write.
   */
  async applyAll(comId: string, changes: readonly ContactChange[], nowMs: number): Promise<ChangeOutcome> {
    const [change] = changes;
    if (!change || changes.some((each) => each.source !== change.source || each.contact !== change.contact)) {
      throw new Error('applyAll takes the changes of one contact');
    }
    const key = contactPartitionKey(comId, change.source, change.contact);
    const backOff = this.requests.backOff();
    for (;;) {
      const item = await this.getItem(key);
      const live =
        item && !isExpired(item, nowMs) ? heldContactOf(item, change.source, change.contact) : undefined;
      const next = changes.reduce<HeldContact | undefined>(
        (contact, each) => merged(contact ?? live, each, nowMs) ?? contact,
        undefined,
      );
      if (!next) {
        const held = live as HeldContact;
        await this.place(comId, held, nowMs);
        return {
          outcome: 'duplicate',
          numbers: held.numbers.length,
          beyondLimits: beyondLimits(held.records),
        };
      }
      // Generations only grow, over an expiry too: a caller's older contribution never outranks a newer one.
      next.generation = Math.max(Number(item?.g?.N ?? 0) + 1, nowMs);
      try {
        await this.requests.send((abortSignal) =>
          this.client.send(
            new PutItemCommand({
              TableName: this.table.tableName,
              Item: contactItem(comId, key, next, expiresAtSeconds(nowMs, this.table.retentionDays)),
              ...(item?.g?.N === undefined
                ? { ConditionExpression: `attribute_not_exists(${CALLER_TABLE.partitionKey})` }
                : {
                    ConditionExpression: 'g = :seen',
                    ExpressionAttributeValues: { ':seen': { N: item.g.N } },
                  }),
            }),
            { abortSignal },
          ),
        );
      } catch (error) {
        if (!isConditionFailure(error)) throw error;
        await backOff.wait();
        continue;
      }
      await this.place(comId, next, nowMs);
      return { outcome: 'applied', numbers: next.numbers.length, beyondLimits: beyondLimits(next.records) };
    }
  }

  /**
   * Places a contact's contribution on each of its numbers and a gone mark on each it left,
   * then checks that no newer change came in meanwhile (whose writer may have found a number
   * not yet placed); if one did, places that one.
   */
  private async place(comId: string, contact: HeldContact, nowMs: number): Promise<void> {
    let current = contact;
    for (let round = 1; ; round++) {
      const contribution = contributionOf(
        current.source,
        current.contact,
        current.generation,
        current.records,
      );
      const gone: Contribution = { ...contribution, gone: true };
      await Promise.all([
        ...current.numbers.map((number) => this.placeOn(comId, number, contribution, nowMs, false)),
        ...current.former.map((number) => this.placeOn(comId, number, gone, nowMs, true)),
      ]);
      const now = await this.getContact(comId, current.source, current.contact, nowMs);
      if (!now || now.generation <= current.generation || round === MAX_PLACING_ROUNDS) return;
      current = now;
    }
  }

  /**
   * One contribution on one caller item, unless the item holds a newer one of that contact.
   * A gone mark goes only on an item that exists: a number nobody called is not made known by it.
   * An expired item is erased first, so its stale facts do not come back to life.
   */
  private async placeOn(
    comId: string,
    number: string,
    contribution: Contribution,
    nowMs: number,
    onlyIfExists: boolean,
  ): Promise<void> {
    const conditions = [NOT_EXPIRED, '(attribute_not_exists(#c) OR #c.g < :g)'];
    if (onlyIfExists) conditions.push(`attribute_exists(${CALLER_TABLE.partitionKey})`);
    for (let tries = 1; tries <= 2; tries++) {
      try {
        await this.requests.send((abortSignal) =>
          this.client.send(
            new UpdateItemCommand({
              TableName: this.table.tableName,
              Key: callerItemKey(comId, number),
              UpdateExpression: `SET #c = :c, ${TTL} = :expires, comId = :comId`,
              ConditionExpression: conditions.join(' AND '),
              ExpressionAttributeNames: {
                '#c': contributionAttribute(contribution.source, contribution.contact),
              },
              ExpressionAttributeValues: {
                ':c': contributionValue(contribution),
                ':g': { N: String(contribution.generation) },
                ':expires': { N: String(expiresAtSeconds(nowMs, this.table.retentionDays)) },
                ':comId': { S: comId },
                ...nowSecondsValue(nowMs),
              },
            }),
            { abortSignal },
          ),
        );
        return;
      } catch (error) {
        if (!isConditionFailure(error)) throw error;
      }
      const item = await this.getItem(callerPartitionKey(comId, number));
      // Held newer (or this very one), or gone and not to be made: nothing to do.
      if (!item || !isExpired(item, nowMs)) return;
      await this.eraseExpired(item);
    }
  }

  private async eraseExpired(item: Item): Promise<void> {
    try {
      await this.requests.send((abortSignal) =>
        this.client.send(
          new DeleteItemCommand({
            TableName: this.table.tableName,
            Key: { [CALLER_TABLE.partitionKey]: item[CALLER_TABLE.partitionKey] ?? { S: '' } },
            ConditionExpression: `${TTL} = :seen`,
            ExpressionAttributeValues: { ':seen': item[TTL] ?? { N: '0' } },
          }),
          { abortSignal },
        ),
      );
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
    }
  }

  private async getItem(pk: string): Promise<Item | undefined> {
    const result = await this.requests.send((abortSignal) =>
      this.client.send(
        new GetItemCommand({
          TableName: this.table.tableName,
          Key: { [CALLER_TABLE.partitionKey]: { S: pk } },
          ConsistentRead: true,
        }),
        { abortSignal },
      ),
    );
    return result.Item;
  }
}

/**
 * The contact after a change, or undefined when the change says nothing newer than what is
 * held. Numbers are replaced by newer ones only; the numbers it no longer has join its former ones.
 */
function merged(
  held: HeldContact | undefined,
  change: ContactChange,
  nowMs: number,
): HeldContact | undefined {
  const records = new Map((held?.records ?? []).map((record) => [recordId(record), record]));
  let changed = held === undefined;
  for (const record of change.records) {
    const id = recordId(record);
    if (!replaces(record, records.get(id))) continue;
    records.set(id, { ...record, storedAtMs: nowMs });
    changed = true;
  }
  const numbers = held?.numbers ?? [];
  let fields = held?.fields ?? {};
  let former = held?.former ?? [];
  let all = numbers;
  const fieldsNow = change.numbers && fieldsAfter(fields, change.numbers);
  if (fieldsNow) {
    fields = fieldsNow;
    all = numbersOf(fields);
    const left = numbers.filter((number) => !all.includes(number));
    former = [...new Set([...left, ...former])]
      .filter((number) => !all.includes(number))
      .slice(0, MAX_FORMER_NUMBERS);
    changed = true;
  }
  if (!changed) return undefined;
  return {
    source: change.source,
    contact: change.contact,
    numbers: all,
    fields,
    former,
    generation: held?.generation ?? 0,
    records: keptRecords([...records.values()], nowMs),
  };
}

/**
 * A contact's fields after numbers given, or undefined when they are no newer than what is held.
 * Numbers for the whole contact (no field) at a version replace every field older than it; a
 * field's numbers must be newer than that field and than the whole contact's last numbers.
 */
function fieldsAfter(
  fields: Readonly<Record<string, PhoneField>>,
  given: NonNullable<ContactChange['numbers']>,
): Record<string, PhoneField> | undefined {
  const field = given.field ?? '';
  const whole = fields['']?.version ?? -Infinity;
  const own = fields[field]?.version ?? -Infinity;
  if (given.version <= Math.max(whole, own)) return undefined;
  if (field !== '') return { ...fields, [field]: phoneField(given) };
  const newer = Object.entries(fields).filter(([name, held]) => name !== '' && held.version > given.version);
  return { '': phoneField(given), ...Object.fromEntries(newer) };
}

function phoneField(given: NonNullable<ContactChange['numbers']>): PhoneField {
  return { keys: [...new Set(given.keys)].slice(0, MAX_NUMBERS_PER_CONTACT), version: given.version };
}

/** All numbers of a contact's fields, the whole contact's first, then by field name. */
function numbersOf(fields: Readonly<Record<string, PhoneField>>): string[] {
  const names = Object.keys(fields).sort();
  return [...new Set(names.flatMap((name) => fields[name]?.keys ?? []))].slice(0, MAX_NUMBERS_PER_CONTACT);
}

function recordId(record: Pick<FactRecord, 'kind' | 'key'>): string {
  return `${KIND_CODES[record.kind]}:${record.key}`;
}

/** In a contact item, each record is an attribute `r:<kind>:<key>` holding a map. */
const RECORD_PREFIX = 'r:';
const KIND_CODES: Record<RecordKind, string> = { invoice: 'i', ticket: 't', attribute: 'a', tag: 'g' };
const KINDS_BY_CODE = new Map(Object.entries(KIND_CODES).map(([kind, code]) => [code, kind as RecordKind]));

function contactItem(comId: string, pk: string, contact: HeldContact, expiresAt: number): Item {
  const item: Item = {
    [CALLER_TABLE.partitionKey]: { S: pk },
    comId: { S: comId },
    g: { N: String(contact.generation) },
    ph: {
      M: Object.fromEntries(
        Object.entries(contact.fields).map(([name, field]) => [
          name,
          { M: { k: { L: field.keys.map((key) => ({ S: key })) }, v: { N: String(field.version) } } },
        ]),
      ),
    },
    [TTL]: { N: String(expiresAt) },
  };
  if (contact.numbers.length > 0) item.numbers = { SS: contact.numbers };
  if (contact.former.length > 0) item.former = { SS: contact.former };
  for (const record of contact.records) item[`${RECORD_PREFIX}${recordId(record)}`] = recordValue(record);
  return item;
}

function recordValue(record: FactRecord): Item[string] {
  const value: Item = { v: { N: String(storedVersion(record)) }, w: { N: String(record.storedAtMs) } };
  if (record.deleted) value.x = { BOOL: true };
  if (record.open !== undefined) value.o = { BOOL: record.open };
  if (record.state !== undefined) value.s = { S: record.state };
  if (record.atMs !== undefined) value.t = { N: String(record.atMs) };
  if (record.assignee !== undefined) value.as = { S: record.assignee };
  if (record.agent !== undefined) value.a = { S: record.agent };
  if (record.value !== undefined) value.val = { S: record.value };
  return { M: value };
}

/** A contact from its item. */
function heldContactOf(item: Item, source: string, contact: string): HeldContact {
  const records: FactRecord[] = [];
  for (const [name, value] of Object.entries(item)) {
    if (!name.startsWith(RECORD_PREFIX) || !value.M) continue;
    const [code = '', ...key] = name.slice(RECORD_PREFIX.length).split(':');
    const kind = KINDS_BY_CODE.get(code);
    if (kind) records.push(recordFrom(kind, key.join(':'), value.M));
  }
  return {
    source,
    contact,
    numbers: [...(item.numbers?.SS ?? [])],
    fields: fieldsFrom(item),
    former: [...(item.former?.SS ?? [])],
    generation: Number(item.g?.N ?? 0),
    records,
  };
}

/** A contact item's fields; one written before fields were kept holds its numbers as the whole contact's. */
function fieldsFrom(item: Item): Record<string, PhoneField> {
  if (!item.ph?.M) return { '': { keys: [...(item.numbers?.SS ?? [])], version: Number(item.nv?.N ?? 0) } };
  return Object.fromEntries(
    Object.entries(item.ph.M).map(([name, value]) => [
      name,
      {
        keys: (value.M?.k?.L ?? []).flatMap((key) => (key.S === undefined ? [] : [key.S])),
        version: Number(value.M?.v?.N ?? 0),
      },
    ]),
  );
}

function recordFrom(kind: RecordKind, key: string, value: Item): FactRecord {
  const deleted = value.x?.BOOL === true;
  const stored = Number(value.v?.N ?? 0);
  const record: FactRecord = {
    kind,
    key,
    version: deleted ? stored - DELETION_STEP : stored,
    storedAtMs: Number(value.w?.N ?? 0),
  };
  if (deleted) record.deleted = true;
  if (value.o?.BOOL !== undefined) record.open = value.o.BOOL;
  if (value.s?.S !== undefined) record.state = value.s.S;
  if (value.t?.N !== undefined) record.atMs = Number(value.t.N);
  if (value.as?.S !== undefined) record.assignee = value.as.S;
  if (value.a?.S !== undefined) record.agent = value.a.S;
  if (value.val?.S !== undefined) record.value = value.val.S;
  return record;
}
