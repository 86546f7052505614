/**
 * The routing decision: a caller, what we knew about them before this call, the company's
 * agents and a profile's rules give one answer token and the reason for it. Pure: `now` is
 * passed in.
 */
import { availabilityOf, type Roster } from './availability';
import type { CallerKind } from './numbers';
import { ANSWER_TOKEN, type Profile, placeholders, type Rule } from './profiles';

/** What we hold about a caller, as it was before the current call. */
export interface CallerRecord {
  /** Calls recorded before this one. */
  calls: number;
  lastCallAt?: number;
  /** The platform's id of the last call recorded. */
  lastUuid?: string;
  openInvoices?: number;
  ticketAgent?: string;
  lastAgent?: string;
  lastAgentAt?: number;
  name?: string;
  /** Labels from the CRM (`vip`, `blocked`), lower case. */
  tags?: string[];
  /** Named values from the CRM (`language: en`, `accountManager: 1007`). */
  attributes?: Record<string, string>;
}

/** A rule that held but was passed over, and why (an unavailable agent). */
export interface SkippedRule {
  rule: string;
  because: string;
}

/** The answer and why: `rule:<name>`, `anonymous`, or a fallback reason set by the caller of decide. */
export interface Decision {
  answer: string;
  reason: string;
  /** The rule that gave the answer; undefined for the anonymous and no-rule answers. */
  rule?: string;
  /**
   * The answer as the log shows it, when that differs: an answer that inserted a CRM
   * attribute is logged as its template (`{attributes.accountManager}`), keeping the value out.
   */
  logged?: string;
  /** Rules before the one that fired that held but were passed over. */
  skipped?: SkippedRule[];
}

/** Who is calling, as far as decide needs to know. `kind` is undefined for a GET, which names no caller. */
export interface DecideInput {
  kind: CallerKind | undefined;
  record: CallerRecord | undefined;
  nowMs: number;
  /** The company's agents; undefined: not known, every agent counts as available. */
  roster?: Roster | undefined;
}

/**
 * Applies the profile's rules in order; the first that holds gives the answer. A rule whose
 * answer inserts a value the record lacks (or one that is not a token) does not hold, nor
 * does a rule with `agentAvailable` whose agent the roster marks away: the reason says so.
 * Anonymous callers get the profile's anonymous answer.
 *
 * @example decide(profile, { kind: 'public', record: { calls: 3, openInvoices: 2 }, nowMs })
 *          // → { answer: 'finance', reason: 'rule:unpaid-invoices' }
 */
export function decide(profile: Profile, input: DecideInput): Decision {
  if (input.kind === 'anonymous') return { answer: profile.anonymous, reason: 'anonymous' };
  const skipped: SkippedRule[] = [];
  for (const rule of profile.rules) {
    if (!holds(rule, input)) continue;
    const answer = fill(rule.answer, input.record);
    if (answer === undefined) continue;
    const away = rule.when.agentAvailable ? unavailableAgent(rule, input) : undefined;
    if (away) {
      skipped.push({ rule: rule.name, because: away });
      continue;
    }
    const logged = placeholders(rule.answer).some(isAttribute) ? { logged: rule.answer } : {};
    return withSkipped({ answer, reason: `rule:${rule.name}`, rule: rule.name, ...logged }, skipped);
  }
  // Unreachable for validated profiles, whose last rule has no conditions and no placeholders.
  return withSkipped({ answer: profile.fallback, reason: 'no-rule' }, skipped);
}

/**
 * Whether deciding for this caller may depend on the roster: the first rule that holds and can
 * answer asks for an available agent. Most callers (unknown, owing money, no agent of their own)
 * are decided without it, so the roster is read only for those who need it.
 */
export function needsRoster(profile: Profile, input: Omit<DecideInput, 'roster'>): boolean {
  if (input.kind === 'anonymous') return false;
  const answering = profile.rules.find(
    (rule) => holds(rule, input) && fill(rule.answer, input.record) !== undefined,
  );
  return answering?.when.agentAvailable === true;
}

function withSkipped(decision: Decision, skipped: SkippedRule[]): Decision {
  if (skipped.length === 0) return decision;
  const notes = skipped.map((skip) => `${skip.rule} skipped: ${skip.because}`).join('; ');
  return { ...decision, reason: `${decision.reason} (${notes})`, skipped };
}

function holds({ when }: Rule, { kind, record, nowMs }: DecideInput): boolean {
  if (when.kind && (kind === undefined || !when.kind.includes(kind as 'public' | 'internal'))) return false;
  if (when.known !== undefined && when.known !== (record !== undefined)) return false;
  if (when.openInvoicesAtLeast !== undefined && (record?.openInvoices ?? 0) < when.openInvoicesAtLeast)
    return false;
  if (when.hasTicketAgent !== undefined && when.hasTicketAgent !== Boolean(record?.ticketAgent)) return false;
  if (when.callsAtLeast !== undefined && (record?.calls ?? 0) < when.callsAtLeast) return false;
  const lastAgentAt = record?.lastAgent ? record.lastAgentAt : undefined;
  if (when.lastAgentWithinMs !== undefined && !within(lastAgentAt, when.lastAgentWithinMs, nowMs))
    return false;
  if (when.lastCallWithinMs !== undefined && !within(record?.lastCallAt, when.lastCallWithinMs, nowMs))
    return false;
  const tags = record?.tags ?? [];
  if (when.hasTag && !when.hasTag.some((tag) => tags.includes(tag))) return false;
  if (when.lacksTag?.some((tag) => tags.includes(tag))) return false;
  for (const [name, wanted] of Object.entries(when.attribute ?? {})) {
    const value = record?.attributes?.[name];
    if (value === undefined || (wanted !== '*' && !wanted.includes(value))) return false;
  }
  return true;
}

function within(atMs: number | undefined, windowMs: number, nowMs: number): boolean {
  return atMs !== undefined && atMs > 0 && nowMs - atMs <= windowMs;
}

function isAttribute(field: string): boolean {
  return field.startsWith('attributes.');
}

/** The value an answer's placeholder (`lastAgent`, `attributes.accountManager`) stands for. */
export function insertedValue(record: CallerRecord | undefined, field: string): string | undefined {
  const attribute = /^attributes\.(.+)$/.exec(field)?.[1];
  if (attribute !== undefined) return record?.attributes?.[attribute];
  const value = record?.[field as 'ticketAgent' | 'lastAgent'];
  return typeof value === 'string' ? value : undefined;
}

function fill(answer: string, record: CallerRecord | undefined): string | undefined {
  let filled = answer;
  for (const field of placeholders(answer)) {
    const value = insertedValue(record, field);
    if (value === undefined || value === '') return undefined;
    filled = filled.replace(`{${field}}`, value);
  }
  return ANSWER_TOKEN.test(filled) ? filled : undefined;
}

/** Why the agent a rule would insert cannot answer now, or undefined when they can. */
function unavailableAgent(rule: Rule, { record, roster, nowMs }: DecideInput): string | undefined {
  const field = placeholders(rule.answer)[0] as string;
  const agent = insertedValue(record, field) as string;
  const availability = availabilityOf(roster, agent, nowMs);
  if (availability.available) return undefined;
  const until =
    availability.untilMs === undefined ? '' : ` until ${new Date(availability.untilMs).toISOString()}`;
  // An agent from an attribute is CRM data: the reason, which is logged, names the attribute only.
  if (isAttribute(field)) return `the agent in ${field} unavailable${until}`;
  return `${field === 'lastAgent' ? 'last agent' : 'ticket agent'} ${agent} unavailable${until}`;
}
