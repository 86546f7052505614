/**
 * Facts as the entities they come from: an invoice or a ticket a system holds, an attribute or
 * a tag a CRM keeps of a contact, each with that system's own version. A caller's routing facts
 * are derived from them — `openInvoices` counts the unpaid invoices, `ticketAgent` is the agent
 * of the most recently updated open ticket — beside what was written by hand (the `manual`
 * source). Pure.
 *
 * The version rule, for every record: an event is applied only when its version is newer than
 * the one held, so an older event and a re-delivery change nothing; a deletion is kept as a
 * record too, so an older "open" event cannot bring a deleted invoice back, while a newer event
 * (a reopened ticket) does.
 */
import type { HandWrittenFacts } from './facts';

/** What a record is of. */
export type RecordKind = 'invoice' | 'ticket' | 'attribute' | 'tag';

/** One record as a caller item holds it. */
export interface FactRecord {
  kind: RecordKind;
  /** The system it comes from: a connector's name. */
  source: string;
  /** The entity's id in that system (an invoice id), or for attributes and tags the contact's and the name. */
  key: string;
  /** The source's own version: an integer that grows, or the update time in ms. */
  version: number;
  /** Deleted in the source (or an attribute removed, a tag taken off): held to outrank older events. */
  deleted?: boolean;
  /** Invoices and tickets: whether it counts (unpaid; not solved). */
  open?: boolean;
  /** The source's own word for its state (`late`, `pending`), for explain. */
  state?: string;
  /** When the source last changed it, epoch ms. */
  atMs?: number;
  /** Tickets: the agent token its assignee maps to through the directory. */
  agent?: string;
  /** Tickets: an assignee no alias of the directory names (so no agent). */
  unresolved?: boolean;
  /** Attributes: the value. */
  value?: string;
}

/**
 * A deletion at version v outranks an update at the same version (a delete and an update of one
 * version, in either order, leave it deleted): its version is stored half a step above.
 */
export const DELETION_STEP = 0.5;

/** The version a record is stored with. */
export function storedVersion(record: Pick<FactRecord, 'version' | 'deleted'>): number {
  return record.deleted ? record.version + DELETION_STEP : record.version;
}

/** Whether `incoming` replaces `held` by the version rule (nothing held: it does). */
export function isNewer(
  incoming: Pick<FactRecord, 'version' | 'deleted'>,
  held: Pick<FactRecord, 'version' | 'deleted'> | undefined,
): boolean {
  return held === undefined || storedVersion(incoming) > storedVersion(held);
}

/** The facts the rules route on, derived from a caller's records and what was written by hand. */
export interface DerivedFacts {
  openInvoices?: number;
  ticketAgent?: string;
  tags?: string[];
  attributes?: Record<string, string>;
}

/** The source name of what was written by hand. */
export const MANUAL_SOURCE = 'manual';

/**
 * Derives the routing facts. Invoice counts of all sources add up; the ticket agent is that of
 * the most recently updated open ticket of any source (its agent unknown: none); a source's
 * attribute outranks a hand-written one of the same name, and of two sources the newer version
 * wins; tags of every source are kept together. Undefined facts are left out.
 */
export function deriveFacts(manual: HandWrittenFacts, records: readonly FactRecord[]): DerivedFacts {
  const derived: DerivedFacts = {};
  const unpaid = records.filter(
    (record) => record.kind === 'invoice' && record.open && !record.deleted,
  ).length;
  if (manual.openInvoices !== undefined || unpaid > 0)
    derived.openInvoices = (manual.openInvoices ?? 0) + unpaid;
  const tickets = records.filter((record) => record.kind === 'ticket' && record.open && !record.deleted);
  const latest = tickets.reduce<FactRecord | undefined>(
    (newest, ticket) => (newest === undefined || (ticket.atMs ?? 0) > (newest.atMs ?? 0) ? ticket : newest),
    undefined,
  );
  const manualTicketNewer =
    manual.ticketAgent !== undefined &&
    (latest === undefined || (manual.ticketAgentAt ?? 0) >= (latest.atMs ?? 0));
  const ticketAgent = manualTicketNewer ? manual.ticketAgent : latest?.agent;
  if (ticketAgent !== undefined) derived.ticketAgent = ticketAgent;
  const attributes = attributesOf(manual.attributes ?? {}, records);
  if (Object.keys(attributes).length > 0) derived.attributes = attributes;
  const tags = [...new Set([...(manual.tags ?? []), ...tagsOf(records)])].sort();
  if (tags.length > 0) derived.tags = tags;
  return derived;
}

function attributesOf(
  manual: Record<string, string>,
  records: readonly FactRecord[],
): Record<string, string> {
  const attributes: Record<string, string> = { ...manual };
  const newest = new Map<string, FactRecord>();
  for (const record of records) {
    if (record.kind !== 'attribute') continue;
    const name = attributeNameOf(record);
    const held = newest.get(name);
    if (!held || record.version > held.version) newest.set(name, record);
  }
  for (const [name, record] of newest) {
    if (record.deleted || record.value === undefined) delete attributes[name];
    else attributes[name] = record.value;
  }
  return attributes;
}

function tagsOf(records: readonly FactRecord[]): string[] {
  return records.filter((record) => record.kind === 'tag' && !record.deleted).map(tagNameOf);
}

/** The contact and the name of an attribute's or a tag's key: `<contact>/<name>`. */
export function contactKey(contact: string, name: string): string {
  return `${contact}/${name}`;
}

/** The attribute a record sets. */
export function attributeNameOf(record: Pick<FactRecord, 'key'>): string {
  return record.key.slice(record.key.lastIndexOf('/') + 1);
}

/** The tag a record sets. */
export function tagNameOf(record: Pick<FactRecord, 'key'>): string {
  return record.key.slice(record.key.lastIndexOf('/') + 1);
}
