/**
 * The answer of `GET /callers/{number}/route`: how the webhook would route a caller now, and
 * where each fact came from. Types only, so the console (type-checked with the DOM library) and
 * the CLI's `explain` read the very shape the route writes.
 */

/** A caller as the admin API shows it: its facts, times as ISO text. */
export type CallerView = Record<string, unknown> & { tags?: string[]; attributes?: Record<string, string> };

export interface Explanation {
  number: string;
  profile: string;
  answer: string;
  rule?: string;
  reason: string;
  /** Every rule that held but was passed over, and why. */
  skipped: { rule: string; because: string }[];
  known: boolean;
  facts?: CallerView;
  sources?: Sources;
  /** The agents the profile's answers could insert for this caller, and whether each is available. */
  agents: { agent: string; available: boolean; until?: string }[];
}

/** Where the facts came from: by hand (`manual`) or a connector's contact. */
export interface Sources {
  openInvoices: {
    source: string;
    contact?: string;
    count: number;
    invoices?: { id: string; state?: string; updatedAt?: string }[];
  }[];
  /** The ticket that gives the ticket agent, or the hand-written one; why none when it gives no agent. */
  ticketAgent: {
    source: string;
    contact?: string;
    ticket?: string;
    state?: string;
    updatedAt?: string;
    agent: string | null;
    why?: string;
  } | null;
  attributes: { source: string; contact?: string; values: Record<string, string> }[];
  tags: { source: string; contact?: string; tags: string[] }[];
  /** Owners a connector named that no alias of the directory places (or did place). */
  owners: {
    source: string;
    contact: string;
    attribute: string;
    owner: string;
    agent: string | null;
    why?: string;
  }[];
}
