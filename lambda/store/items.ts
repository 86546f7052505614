/**
 * The caller table's schema and its items: the one definition the stack, `npm start` and
 * every store use. One item per caller per company, keyed `<com_id>#<caller key>`; an item
 * expires `retentionDays` after its last write.
 */
import type { AttributeValue, GetItemCommandInput } from '@aws-sdk/client-dynamodb';
import { type AgentStatus, withPresenceLayer } from '../domain/availability';
import type { CallerFacts } from '../domain/caller-facts';
import { type CallerRecord, FACT_NAMES, type HandWrittenFacts, isNumeric } from '../domain/facts';
import { isCallerKey } from '../domain/numbers';
import type { PresenceLayer, SyncedAway } from '../domain/presence';
import { type Contribution, deriveFacts } from '../domain/records';
import { LATEST_MS } from '../domain/times';

/** A DynamoDB item in the SDK's attribute-value form. */
export type Item = Record<string, AttributeValue>;

/** Key and TTL attribute names of the caller table. */
export const CALLER_TABLE = {
  partitionKey: 'pk',
  /** Epoch seconds after which DynamoDB may delete the item (it does so late; reads check it). */
  ttlAttribute: 'expiresAt',
} as const;

const PK = CALLER_TABLE.partitionKey;
/** The expiry attribute, as expressions name it. */
export const TTL = CALLER_TABLE.ttlAttribute;

/**
 * Writes that lose a race try again from what the table then holds. Each try makes progress
 * for somebody (a racing call or admin write succeeded), so a few are enough.
 */
export const RACE_TRIES = 5;

/** A caller item as administration sees it. */
export interface StoredCaller extends CallerRecord {
  comId: string;
  callerKey: string;
  /** Epoch seconds. */
  expiresAt: number;
  /** What was written by hand, beside the connectors' records: where each fact came from. */
  manual: HandWrittenFacts;
  /** What each contact of a connector gives this caller. */
  contributions: Contribution[];
  /** Who reported the last agent (`handled`, `notulist`, `cdr`, `manual`). */
  lastAgentVia?: string;
}

/** The partition key of a caller of a company. Caller keys hold no `#`, so keys of two companies never meet. */
export function callerPartitionKey(comId: string, callerKey: string): string {
  return `${comId}#${callerKey}`;
}

/** The key of a caller's item. */
export function callerItemKey(comId: string, callerKey: string): Item {
  return { [PK]: { S: callerPartitionKey(comId, callerKey) } };
}

/** The caller key of a company's item: its partition key after `<com_id>#`. */
export function callerKeyOfItem(item: Item, comId: string): string {
  return (item[PK]?.S ?? '').slice(callerPartitionKey(comId, '').length);
}

/**
 * Whether an item is a caller of `comId`: its key is a caller key (digits, `ext:`, `sip:`),
 * not the roster, the directory or a contact of a connector, nor of a company whose id starts the same.
 */
export function isCallerOf(item: Item, comId: string): boolean {
  const pk = item[PK]?.S ?? '';
  const prefix = callerPartitionKey(comId, '');
  return pk.startsWith(prefix) && isCallerKey(pk.slice(prefix.length));
}

/**
 * The partition key of a company's roster: one item holding every agent the company told us
 * about, so the webhook reads it in one GetItem. No caller key is a bare word, so it meets none.
 */
export function rosterPartitionKey(comId: string): string {
  return `${comId}#agents`;
}

/** The key of a company's roster item. */
export function rosterItemKey(comId: string): Item {
  return { [PK]: { S: rosterPartitionKey(comId) } };
}

/** The one read of a caller's item (consistent: it decides a write). */
export function callerRead(tableName: string, comId: string, key: string): GetItemCommandInput {
  return { TableName: tableName, Key: callerItemKey(comId, key), ConsistentRead: true };
}

/** The one read of a company's roster. */
export function rosterRead(tableName: string, comId: string): GetItemCommandInput {
  return { TableName: tableName, Key: rosterItemKey(comId), ConsistentRead: true };
}

/** How many agents the roster item holds, kept by every write that adds or forgets one. */
export const AGENT_COUNT = 'agentCount';

/** In the roster item, each agent is an attribute `agent:<agent>` holding a map. */
export const AGENT_ATTRIBUTE_PREFIX = 'agent:';

/** An agent's status as the roster item holds it. */
export function agentValue(status: AgentStatus, updatedAtMs: number): AttributeValue {
  const value: Item = { available: { BOOL: status.available }, updatedAt: { N: String(updatedAtMs) } };
  if (status.untilMs !== undefined) value.untilMs = { N: String(status.untilMs) };
  if (status.name !== undefined) value.name = { S: status.name };
  return { M: value };
}

/** A company's roster from its item (none: an empty roster, every agent available). */
export function toRoster(item: Item | undefined): Map<string, AgentStatus> {
  const roster = new Map<string, AgentStatus>();
  for (const [name, value] of Object.entries(item ?? {})) {
    if (!name.startsWith(AGENT_ATTRIBUTE_PREFIX) || !value.M) continue;
    const status: AgentStatus = { available: value.M.available?.BOOL !== false };
    const untilMs = Number(value.M.untilMs?.N);
    // An end no date can hold (stored before times were bounded) reads as "until further notice".
    if (Number.isFinite(untilMs) && untilMs <= LATEST_MS) status.untilMs = untilMs;
    if (value.M.name?.S !== undefined) status.name = value.M.name.S;
    const setAtMs = Number(value.M.updatedAt?.N);
    if (Number.isFinite(setAtMs)) status.setAtMs = setAtMs;
    roster.set(name.slice(AGENT_ATTRIBUTE_PREFIX.length), status);
  }
  return withPresenceLayer(roster, presenceLayerOf(item));
}

/** The roster's attribute that holds the presence sync's layer, as JSON. */
export const PRESENCE_ATTRIBUTE = 'presence';

/** The presence sync's layer of a roster item; a layer it cannot read counts as none. */
export function presenceLayerOf(item: Item | undefined): PresenceLayer | undefined {
  const text = item?.[PRESENCE_ATTRIBUTE]?.S;
  if (!text) return undefined;
  try {
    const stored = JSON.parse(text) as StoredLayer;
    const away = new Map<string, SyncedAway>();
    for (const [agent, entry] of Object.entries(stored.away ?? {})) {
      const synced: SyncedAway = {};
      if (typeof entry.p === 'number') synced.presence = { since: entry.p };
      if (entry.r) {
        synced.replies = {
          ...(typeof entry.r.f === 'number' ? { fromMs: entry.r.f } : {}),
          ...(typeof entry.r.u === 'number' ? { untilMs: entry.r.u } : {}),
        };
      }
      away.set(agent, synced);
    }
    return {
      atMs: Number(stored.at) || 0,
      expiresMs: Number(stored.exp) || 0,
      repliesAtMs: Number(stored.rat) || 0,
      away,
    };
  } catch {
    return undefined;
  }
}

/** The layer as the roster item keeps it: short names, since the webhook reads it on every roster load. */
interface StoredLayer {
  at?: number;
  exp?: number;
  rat?: number;
  away?: Record<string, { p?: number; r?: { f?: number; u?: number } }>;
}

/** The attribute value of a layer. */
export function presenceValue(layer: PresenceLayer): AttributeValue {
  const away: NonNullable<StoredLayer['away']> = {};
  for (const [agent, synced] of layer.away) {
    away[agent] = {
      ...(synced.presence ? { p: synced.presence.since } : {}),
      ...(synced.replies
        ? {
            r: {
              ...(synced.replies.fromMs !== undefined ? { f: synced.replies.fromMs } : {}),
              ...(synced.replies.untilMs !== undefined ? { u: synced.replies.untilMs } : {}),
            },
          }
        : {}),
    };
  }
  const stored: StoredLayer = { at: layer.atMs, exp: layer.expiresMs, rat: layer.repliesAtMs, away };
  return { S: JSON.stringify(stored) };
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

/**
 * The caller's last calls, newest first, one attribute each (`call0` … `call8`), each
 * `<uuid>\u001f<epoch ms>`: a call whose uuid is in the first `REMEMBERED_CALLS` is a
 * re-delivery. The one beyond them keeps the time of the call before the oldest remembered
 * one, so a re-delivery of any of them can be answered as its first delivery was.
 */
export const REMEMBERED_CALLS = 8;
export const CALL_SLOTS = Array.from({ length: REMEMBERED_CALLS + 1 }, (_, slot) => `call${slot}`);
/** The handled-call reports recorded last, newest first (`handled0` … `handled7`), by report id. */
export const REMEMBERED_REPORTS = 8;
export const REPORT_SLOTS = Array.from({ length: REMEMBERED_REPORTS }, (_, slot) => `handled${slot}`);
/** What an empty slot holds once the register has shifted past it. */
export const EMPTY_SLOT = '-';
const SEPARATOR = '\u001f';

/** A slot's value for a call. */
export function callEntry(uuid: string | undefined, atMs: number): string {
  return `${uuid ?? ''}${SEPARATOR}${atMs}`;
}

/** What a slot's value starts with when it holds the call `uuid`. */
export function callEntryPrefix(uuid: string): string {
  return `${uuid}${SEPARATOR}`;
}

/**
 * The expression that moves every slot of a register one place on and puts `value` first.
 * The right-hand sides read the item as it was, so the shift is one atomic step.
 */
export function shiftRegister(slots: readonly string[], value: string): string {
  const moves = slots
    .slice(1)
    .map((slot, index) => `${slot} = if_not_exists(${slots[index]}, :emptySlot)`)
    .reverse();
  return [...moves, `${slots[0]} = ${value}`].join(', ');
}

/** Where `uuid` sits among the remembered calls of an item (0: the last call), or -1. */
export function rememberedCallSlot(item: Item, uuid: string): number {
  const prefix = callEntryPrefix(uuid);
  return CALL_SLOTS.slice(0, REMEMBERED_CALLS).findIndex((slot) => item[slot]?.S?.startsWith(prefix));
}

/** The uuid of a call entry, if it has one. */
function uuidIn(entry: string | undefined): string | undefined {
  const at = entry === undefined ? -1 : entry.lastIndexOf(SEPARATOR);
  return at > 0 ? entry?.slice(0, at) : undefined;
}

/** The time of the call in a slot, if the slot holds one. */
function callTimeIn(item: Item, slot: number): number | undefined {
  const value = item[`call${slot}`]?.S;
  const at = value === undefined ? -1 : value.lastIndexOf(SEPARATOR);
  return at < 0 ? undefined : Number(value?.slice(at + 1));
}

/**
 * The caller as they were before the call in `slot` was first recorded: the calls since
 * (that one included) not counted, the last call before it as the last call.
 */
export function recordBeforeCall(item: Item, slot: number): CallerRecord {
  const record = toRecord(item);
  const lastCallAt = callTimeIn(item, slot + 1);
  const before: CallerRecord = { ...record, calls: Math.max(record.calls - (slot + 1), 0) };
  if (lastCallAt === undefined) delete before.lastCallAt;
  else before.lastCallAt = lastCallAt;
  return before;
}

/** Whether a report id is among the reports recorded last. */
export function isRememberedReport(item: Item, reportId: string): boolean {
  return REPORT_SLOTS.some((slot) => item[slot]?.S === reportId);
}

/** What we hold about a caller, from their item: what was written by hand, and the records of connectors. */
export function toRecord(item: Item): CallerRecord {
  const record: CallerRecord = { calls: Number(item.calls?.N ?? 0) };
  const lastCallAt = item.lastCallAt?.N;
  if (lastCallAt !== undefined) record.lastCallAt = Number(lastCallAt);
  const lastUuid = uuidIn(item.call0?.S);
  if (lastUuid !== undefined) record.lastUuid = lastUuid;
  const manual = manualFactsOf(item);
  const {
    openInvoices: _count,
    ticketAgent: _agent,
    ticketAgentAt: _at,
    tags: _tags,
    attributes: _attributes,
    ...rest
  } = manual;
  Object.assign(record, rest, deriveFacts(manual, contributionsOf(item)));
  return record;
}

/** What was written by hand (the admin API, the CLI, an import): the `manual` source of each fact. */
export function manualFactsOf(item: Item): HandWrittenFacts {
  const facts: Record<string, unknown> = {};
  for (const name of FACT_NAMES) {
    const value = isNumeric(name) ? item[name]?.N : item[name]?.S;
    if (value !== undefined) facts[name] = isNumeric(name) ? Number(value) : value;
  }
  if (item.tags?.SS?.length) facts.tags = [...item.tags.SS].sort();
  const attributes = Object.entries(item.attributes?.M ?? {}).flatMap(([name, value]) =>
    value.S === undefined ? [] : [[name, value.S] as const],
  );
  if (attributes.length > 0) facts.attributes = Object.fromEntries(attributes);
  return facts as HandWrittenFacts;
}

/**
 * In a caller item, what each contact of a source contributes is an attribute
 * `p:<source>:<contact>` holding a map: its sum, not its records (those are in the contact's
 * own item), so a caller with many invoices stays one small item and one write unit a call.
 */
export const CONTRIBUTION_PREFIX = 'p:';

/** The caller item attribute of a contact's contribution. */
export function contributionAttribute(source: string, contact: string): string {
  return `${CONTRIBUTION_PREFIX}${source}:${contact}`;
}

/** A contribution in DynamoDB's form. */
export function contributionValue(contribution: Contribution): AttributeValue {
  const value: Item = { g: { N: String(contribution.generation) } };
  if (contribution.gone) return { M: { ...value, x: { BOOL: true } } };
  if (contribution.openInvoices > 0) value.n = { N: String(contribution.openInvoices) };
  const { ticket } = contribution;
  if (ticket) {
    const held: Item = { id: { S: ticket.id }, at: { N: String(ticket.atMs) } };
    if (ticket.agent !== undefined) held.a = { S: ticket.agent };
    if (ticket.assignee !== undefined) held.as = { S: ticket.assignee };
    if (ticket.state !== undefined) held.s = { S: ticket.state };
    value.t = { M: held };
  }
  const attributes = Object.entries(contribution.attributes);
  if (attributes.length > 0) {
    value.at = {
      M: Object.fromEntries(
        attributes.map(([name, { value: text, version }]) => [
          name,
          { M: { v: { S: text }, n: { N: String(version) } } },
        ]),
      ),
    };
  }
  if (contribution.tags.length > 0) value.tg = { SS: contribution.tags };
  return { M: value };
}

/** Every contribution a caller item holds (those of contacts that left the number included, marked gone). */
export function contributionsOf(item: Item): Contribution[] {
  const contributions: Contribution[] = [];
  for (const [name, value] of Object.entries(item)) {
    if (!name.startsWith(CONTRIBUTION_PREFIX) || !value.M) continue;
    const [source = '', ...contact] = name.slice(CONTRIBUTION_PREFIX.length).split(':');
    contributions.push(contributionFrom(source, contact.join(':'), value.M));
  }
  return contributions;
}

function contributionFrom(source: string, contact: string, value: Item): Contribution {
  const contribution: Contribution = {
    source,
    contact,
    generation: Number(value.g?.N ?? 0),
    openInvoices: Number(value.n?.N ?? 0),
    attributes: {},
    tags: [...(value.tg?.SS ?? [])].sort(),
  };
  if (value.x?.BOOL) contribution.gone = true;
  const ticket = value.t?.M;
  if (ticket?.id?.S !== undefined) {
    contribution.ticket = { id: ticket.id.S, atMs: Number(ticket.at?.N ?? 0) };
    if (ticket.a?.S !== undefined) contribution.ticket.agent = ticket.a.S;
    if (ticket.as?.S !== undefined) contribution.ticket.assignee = ticket.as.S;
    if (ticket.s?.S !== undefined) contribution.ticket.state = ticket.s.S;
  }
  for (const [name, held] of Object.entries(value.at?.M ?? {})) {
    if (held.M?.v?.S !== undefined) {
      contribution.attributes[name] = { value: held.M.v.S, version: Number(held.M.n?.N ?? 0) };
    }
  }
  return contribution;
}

/**
 * The attribute values a write of facts sets (`undefined`: the write removes that attribute),
 * tags and attributes given whole: the one conversion of facts to DynamoDB's form.
 */
export function factAttributes(
  facts: Omit<CallerFacts, 'tags' | 'attributes'>,
  crm?: { tags: string[]; attributes: Record<string, string> },
): Map<string, AttributeValue | undefined> {
  const values = new Map<string, AttributeValue | undefined>();
  for (const name of FACT_NAMES) {
    const value = facts[name];
    if (value === undefined) continue;
    values.set(
      name,
      value === null ? undefined : isNumeric(name) ? { N: String(value) } : { S: String(value) },
    );
  }
  if (crm) {
    values.set('tags', crm.tags.length > 0 ? { SS: crm.tags } : undefined);
    const attributes = Object.entries(crm.attributes).map(([name, value]) => [name, { S: value }] as const);
    values.set('attributes', attributes.length > 0 ? { M: Object.fromEntries(attributes) } : undefined);
  }
  return values;
}

/** A caller item as administration sees it. */
export function toStoredCaller(item: Item, comId: string, key: string): StoredCaller {
  return {
    ...toRecord(item),
    comId,
    callerKey: key,
    expiresAt: Number(item[TTL]?.N ?? 0),
    manual: manualFactsOf(item),
    contributions: contributionsOf(item).filter((contribution) => !contribution.gone),
    ...(item.lastAgentVia?.S ? { lastAgentVia: item.lastAgentVia.S } : {}),
  };
}
