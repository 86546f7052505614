/**
 * Facts as the entities they come from: an invoice or a ticket a system holds, an attribute or
 * a tag a CRM keeps of a contact, each with that system's own version. A contact's records are
 * summed up into what it contributes to each caller it has a number of, and a caller's routing
 * facts are derived from those contributions beside what was written by hand (the `manual`
 * source): `openInvoices` counts the unpaid invoices, `ticketAgent` is the agent of the most
 * recently updated open ticket. Pure.
 *
 * The version rule, for every record: an event is applied only when its version is newer than
 * the one held, so an older event and a re-delivery change nothing; a deletion is kept as a
 * record too, so an older "open" event cannot bring a deleted invoice back, while a newer event
 * (a reopened ticket) does.
 */
import { CRM_DATA_LIMITS } from './caller-facts';
import type { HandWrittenFacts } from './facts';

/** The source name of what was written by hand (the admin API, the CLI, an import). */
export const MANUAL_SOURCE = 'manual';

/** What a record is of. */
export type RecordKind = 'invoice' | 'ticket' | 'attribute' | 'tag';

/** One record as a contact item holds it. */
export interface FactRecord {
  kind: RecordKind;
  /** The entity's id in the system (an invoice id), or for attributes and tags their name. */
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
  /** Tickets: who it is assigned to, as the source names them (an email), for explain and to resolve again. */
  assignee?: string;
  /** Tickets: the agent token the directory maps its assignee to. */
  agent?: string;
  /** Attributes: the value. */
  value?: string;
  /** When we stored this version, epoch ms: closed records are forgotten `CLOSED_RECORD_DAYS` later. */
  storedAtMs: number;
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

/**
 * Whether `incoming` replaces `held` (nothing held: it does). A newer version does; the same
 * version does only for a ticket or an owner whose name now leads to another agent (an alias
 * added since), so a sync or a re-delivery after a directory change routes by the directory as it is.
 */
export function replaces(incoming: FactRecord, held: FactRecord | undefined): boolean {
  if (held === undefined) return true;
  const [mine, theirs] = [storedVersion(incoming), storedVersion(held)];
  if (mine !== theirs) return mine > theirs;
  const placed = incoming.kind === 'ticket' || incoming.assignee !== undefined;
  return placed && !incoming.deleted && incoming.agent !== held.agent;
}

/**
 * How long a closed, paid or deleted record is kept after it was stored: long enough that an
 * older event still in a source's retries (days at most) finds it and changes nothing.
 */
export const CLOSED_RECORD_DAYS = 30;

/**
 * The most records a contact keeps. Beyond it, closed records go first, then the open ones
 * updated longest ago: a contact at the bound still counts at least `MAX_RECORDS_PER_CONTACT`
 * open invoices, more than any rule may ask for (`MAX_INVOICE_THRESHOLD`).
 */
export const MAX_RECORDS_PER_CONTACT = 500;

/** The largest `openInvoicesAtLeast` a rule may ask for: well below what a contact can hold. */
export const MAX_INVOICE_THRESHOLD = 100;

/** The records a contact keeps: closed ones past their time forgotten, the rest within the bound. */
export function keptRecords(records: readonly FactRecord[], nowMs: number): FactRecord[] {
  const horizon = nowMs - CLOSED_RECORD_DAYS * 86_400_000;
  const live = records.filter((record) => isOpen(record) || record.storedAtMs >= horizon);
  if (live.length <= MAX_RECORDS_PER_CONTACT) return live;
  const byWorth = [...live].sort(
    (a, b) => Number(isOpen(b)) - Number(isOpen(a)) || (b.atMs ?? b.storedAtMs) - (a.atMs ?? a.storedAtMs),
  );
  return byWorth.slice(0, MAX_RECORDS_PER_CONTACT);
}

/** Whether a record counts towards a fact: an unpaid invoice, an open ticket, a set attribute or tag. */
function isOpen(record: FactRecord): boolean {
  if (record.deleted) return false;
  return record.kind === 'attribute' || record.kind === 'tag' || record.open === true;
}

/** An attribute as a contact sets it, with its version, so two sources setting one name are ordered. */
export interface SourcedValue {
  value: string;
  version: number;
}

/** What one contact of one source gives each caller it has a number of. */
export interface Contribution {
  source: string;
  contact: string;
  /** The contact's generation it was summed up at: a caller keeps the newest. */
  generation: number;
  /** The contact no longer has this number: it gives nothing, and an older summary cannot return. */
  gone?: boolean;
  openInvoices: number;
  /** The most recently updated open ticket. */
  ticket?: { id: string; atMs: number; agent?: string; assignee?: string; state?: string };
  attributes: Record<string, SourcedValue>;
  tags: string[];
}

/** What a contact's records contribute, summed up. */
export function contributionOf(
  source: string,
  contact: string,
  generation: number,
  records: readonly FactRecord[],
): Contribution {
  const contribution: Contribution = {
    source,
    contact,
    generation,
    openInvoices: 0,
    attributes: {},
    tags: [],
  };
  for (const record of records) {
    if (!isOpen(record)) continue;
    if (record.kind === 'invoice') contribution.openInvoices++;
    else if (record.kind === 'ticket') {
      const atMs = record.atMs ?? record.version;
      if (contribution.ticket && contribution.ticket.atMs >= atMs) continue;
      contribution.ticket = { id: record.key, atMs };
      for (const field of ['agent', 'assignee', 'state'] as const) {
        if (record[field] !== undefined) contribution.ticket[field] = record[field];
      }
    } else if (record.kind === 'attribute' && record.value !== undefined) {
      contribution.attributes[record.key] = { value: record.value, version: record.version };
    } else if (record.kind === 'tag') contribution.tags.push(record.key);
  }
  // Within a caller's limits: beyond them, the first by name are kept, whatever order the events came in.
  contribution.tags = contribution.tags.sort().slice(0, CRM_DATA_LIMITS.tags);
  const kept = Object.keys(contribution.attributes).sort().slice(0, CRM_DATA_LIMITS.attributes);
  contribution.attributes = Object.fromEntries(
    kept.map((name) => [name, contribution.attributes[name] as SourcedValue]),
  );
  return contribution;
}

/** How many of a contact's tags and attributes lie beyond a caller's limits (20 of each), so are not placed. */
export function beyondLimits(records: readonly FactRecord[]): number {
  const live = records.filter(isOpen);
  const tags = live.filter((record) => record.kind === 'tag').length;
  const attributes = live.filter(
    (record) => record.kind === 'attribute' && record.value !== undefined,
  ).length;
  return Math.max(0, tags - CRM_DATA_LIMITS.tags) + Math.max(0, attributes - CRM_DATA_LIMITS.attributes);
}

/** The facts the rules route on, derived from what was written by hand and the contributions. */
export interface DerivedFacts {
  openInvoices?: number;
  ticketAgent?: string;
  tags?: string[];
  attributes?: Record<string, string>;
}

/**
 * Derives the routing facts. Invoice counts add up; the ticket agent is that of the most
 * recently updated open ticket of any source (its assignee no agent: none), or the hand-written
 * one when it is as recent; a source's attribute outranks a hand-written one of the same name,
 * and of two sources the newer version wins; tags of every source are kept together. Within a
 * caller's limits (20 tags, 20 attributes) the hand-written ones come first, then the sources'
 * by name. Facts nobody holds are left out.
 */
export function deriveFacts(manual: HandWrittenFacts, contributions: readonly Contribution[]): DerivedFacts {
  const derived: DerivedFacts = {};
  const given = contributions.filter((contribution) => !contribution.gone);
  const unpaid = given.reduce((sum, contribution) => sum + contribution.openInvoices, 0);
  if (manual.openInvoices !== undefined || unpaid > 0)
    derived.openInvoices = (manual.openInvoices ?? 0) + unpaid;
  const latest = given.reduce<Contribution['ticket']>((newest, { ticket }) => {
    if (ticket === undefined) return newest;
    return newest === undefined || ticket.atMs > newest.atMs ? ticket : newest;
  }, undefined);
  const manualIsNewer =
    manual.ticketAgent !== undefined && (latest === undefined || (manual.ticketAgentAt ?? 0) >= latest.atMs);
  const ticketAgent = manualIsNewer ? manual.ticketAgent : latest?.agent;
  if (ticketAgent !== undefined) derived.ticketAgent = ticketAgent;
  const attributes: Record<string, string> = { ...manual.attributes };
  const versions = new Map<string, number>();
  for (const contribution of given) {
    for (const [name, { value, version }] of Object.entries(contribution.attributes)) {
      if ((versions.get(name) ?? -Infinity) >= version) continue;
      versions.set(name, version);
      attributes[name] = value;
    }
  }
  // Within the limits: the hand-written names first, then the sources' by name.
  const sourced = [...versions.keys()].filter((name) => manual.attributes?.[name] === undefined).sort();
  const room = CRM_DATA_LIMITS.attributes - Object.keys(manual.attributes ?? {}).length;
  for (const name of sourced.slice(Math.max(0, room))) delete attributes[name];
  if (Object.keys(attributes).length > 0) derived.attributes = attributes;
  const own = new Set(manual.tags ?? []);
  const others = [...new Set(given.flatMap((contribution) => contribution.tags))]
    .filter((tag) => !own.has(tag))
    .sort();
  const tags = [...own, ...others.slice(0, Math.max(0, CRM_DATA_LIMITS.tags - own.size))].sort();
  if (tags.length > 0) derived.tags = tags;
  return derived;
}
