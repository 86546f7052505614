/**
 * The first-class facts about a caller, one entry each: what kind of value it holds, how a
 * person or a file names it, and what it means. The record the rules see, the admin API's
 * validation and view, the import's columns, the export and the CLI's flags are all read off
 * this table, so a new fact is one entry here (and whatever condition tests it). Facts a CRM
 * has in any number (language, segment) need no entry: they are attributes.
 */
import { isoTime } from './times';

/** How a fact's value is written, validated and stored. */
export type FactKind = 'count' | 'agent' | 'text' | 'time';

/** One fact of the table. */
export interface FactSpec {
  kind: FactKind;
  /** What it means, for `--help` and the docs. */
  help: string;
  /** Header names (lower case) an import reads it from, besides its own name. */
  columns: readonly string[];
  /** The fact it belongs to: given only with it, removed with it. */
  with?: string;
}

/** The facts. Their names are the admin API's fields, the CSV columns and the CLI's flags. */
export const FACTS = {
  openInvoices: {
    kind: 'count',
    help: 'unpaid invoices (a whole number)',
    columns: ['open_invoices'],
  },
  ticketAgent: {
    kind: 'agent',
    help: 'the agent of an open ticket, e.g. 1003',
    columns: ['ticket_agent'],
  },
  ticketAgentAt: {
    kind: 'time',
    help: "when that ticket was last updated (default: now); a connector's newer open ticket outranks it",
    columns: ['ticket_agent_at'],
    with: 'ticketAgent',
  },
  lastAgent: {
    kind: 'agent',
    help: 'the agent who last spoke to the caller',
    columns: ['last_agent'],
  },
  lastAgentAt: {
    kind: 'time',
    help: 'when the last agent spoke to them (default: now)',
    columns: ['last_agent_at'],
    with: 'lastAgent',
  },
  name: { kind: 'text', help: "the caller's name", columns: ['naam'] },
} as const satisfies Record<string, FactSpec>;

export type FactName = keyof typeof FACTS;

/** The facts' names, in the table's order (the export's columns). */
export const FACT_NAMES = Object.keys(FACTS) as FactName[];

type ValueOfKind<K extends FactKind> = K extends 'count' | 'time' ? number : string;

/** A value of each fact; a fact not held is absent. */
export type FactValues = { -readonly [N in FactName]?: ValueOfKind<(typeof FACTS)[N]['kind']> };

/** Whether a fact is held as a number (a count, epoch milliseconds) rather than text. */
export function isNumeric(name: FactName): boolean {
  const kind: FactKind = FACTS[name].kind;
  return kind === 'count' || kind === 'time';
}

/** What was written by hand (the admin API, the CLI, an import): every fact, tags and attributes. */
export type HandWrittenFacts = FactValues & {
  tags?: string[];
  attributes?: Record<string, string>;
};

/** What we hold about a caller, as it was before the current call. */
export interface CallerRecord extends FactValues {
  /** Calls recorded before this one. */
  calls: number;
  lastCallAt?: number;
  /** The platform's id of the last call recorded. */
  lastUuid?: string;
  /** Labels from the CRM (`vip`, `blocked`), lower case. */
  tags?: string[];
  /** Named values from the CRM (`language: en`, `accountManager: 1007`). */
  attributes?: Record<string, string>;
}

/** A fact as people read it (the admin API's view, the export): a time as ISO 8601 in UTC. */
export function shownFact(record: FactValues, name: FactName): string | number | undefined {
  const value = record[name];
  return FACTS[name].kind === 'time' ? isoTime(value as number | undefined) : value;
}
