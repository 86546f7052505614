/**
 * The caller table's schema and its items: the one definition the stack, `npm start` and
 * every store use. One item per caller per company, keyed `<com_id>#<caller key>`; an item
 * expires `retentionDays` after its last write.
 */
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import type { CallerRecord } from '../decide';

/** A DynamoDB item in the SDK's attribute-value form. */
export type Item = Record<string, AttributeValue>;

/** Key and TTL attribute names of the caller table. */
export const CALLER_TABLE = {
  partitionKey: 'pk',
  /** Epoch seconds after which DynamoDB may delete the item (it does so late; reads check it). */
  ttlAttribute: 'expiresAt',
} as const;

// Expressions spell these names out; the types fail the build if the schema renames them.
const PK: typeof CALLER_TABLE.partitionKey = 'pk';
const TTL: typeof CALLER_TABLE.ttlAttribute = 'expiresAt';

/** A caller item as administration sees it. */
export interface StoredCaller extends CallerRecord {
  comId: string;
  callerKey: string;
  /** Epoch seconds. */
  expiresAt: number;
}

/** The partition key of a caller of a company. Caller keys hold no `#`, so keys of two companies never meet. */
export function callerItemKey(comId: string, callerKey: string): string {
  return `${comId}#${callerKey}`;
}

/** The key of a caller's item. */
export function callerKey(comId: string, callerKey: string): Item {
  return { [PK]: { S: callerItemKey(comId, callerKey) } };
}

/** The caller key of a company's item: its partition key after `<com_id>#`. */
export function callerKeyOf(item: Item, comId: string): string {
  return (item[PK]?.S ?? '').slice(callerItemKey(comId, '').length);
}

/** Whether an item is a caller of `comId` (and not of a company whose id starts the same). */
export function isCallerOf(item: Item, comId: string): boolean {
  return item[PK]?.S?.startsWith(callerItemKey(comId, '')) ?? false;
}

/** When an item written at `nowMs` expires, in epoch seconds (DynamoDB's TTL unit). */
export function expiresAtSeconds(nowMs: number, retentionDays: number): number {
  return Math.floor(nowMs / 1000) + retentionDays * 86_400;
}

/** Whether an item has reached its expiry; DynamoDB deletes expired items only within days. */
export function isExpired(item: Item, nowMs: number): boolean {
  const expiresAt = item[TTL]?.N;
  return expiresAt !== undefined && Number(expiresAt) <= Math.floor(nowMs / 1000);
}

/**
 * A write condition: the item is new, or has not reached its expiry. Its expression values
 * need `:nowSeconds`.
 */
export const NOT_EXPIRED = `(attribute_not_exists(${TTL}) OR ${TTL} > :nowSeconds)`;

/** The expression value `NOT_EXPIRED` reads. */
export function nowSecondsValue(nowMs: number): Item {
  return { ':nowSeconds': { N: String(Math.floor(nowMs / 1000)) } };
}

/** What we hold about a caller, from their item. */
export function toRecord(item: Item): CallerRecord {
  const record: CallerRecord = { calls: Number(item.calls?.N ?? 0) };
  const number = (name: string) => (item[name]?.N === undefined ? undefined : Number(item[name]?.N));
  const text = (name: string) => item[name]?.S;
  record.lastCallAt = number('lastCallAt');
  record.lastUuid = text('lastUuid');
  record.openInvoices = number('openInvoices');
  record.ticketAgent = text('ticketAgent');
  record.lastAgent = text('lastAgent');
  record.lastAgentAt = number('lastAgentAt');
  record.name = text('name');
  for (const key of Object.keys(record) as (keyof CallerRecord)[]) {
    if (record[key] === undefined) delete record[key];
  }
  return record;
}

/** A caller item as administration sees it. */
export function toStoredCaller(item: Item, comId: string, key: string): StoredCaller {
  return { ...toRecord(item), comId, callerKey: key, expiresAt: Number(item[TTL]?.N ?? 0) };
}
