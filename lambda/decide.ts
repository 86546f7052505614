/**
 * The routing decision: a caller, what we knew about them before this call, and a
 * profile's rules give one answer token and the reason for it. Pure: `now` is passed in.
 */
import type { CallerKind } from './numbers';
import { ANSWER_TOKEN, type Profile, placeholders, type Rule } from './profiles';

/** What we hold about a caller, as it was before the current call. */
export interface CallerRecord {
  /** Calls recorded before this one. */
  calls: number;
  lastCallAt?: number;
  lastUuid?: string;
  openInvoices?: number;
  ticketAgent?: string;
  lastAgent?: string;
  lastAgentAt?: number;
  name?: string;
}

/** The answer and why: `rule:<name>`, `anonymous`, or a fallback reason set by the caller of decide. */
export interface Decision {
  answer: string;
  reason: string;
}

/** Who is calling, as far as decide needs to know. `kind` is undefined for a GET, which names no caller. */
export interface DecideInput {
  kind: CallerKind | undefined;
  record: CallerRecord | undefined;
  nowMs: number;
}

/**
 * Applies the profile's rules in order; the first that holds gives the answer. A rule
 * whose answer inserts a field the record lacks (or holds a value that is not a token)
 * does not hold. Anonymous callers get the profile's anonymous answer.
 *
 * @example decide(profile, { kind: 'public', record: { calls: 3, openInvoices: 2 }, nowMs })
 *          // → { answer: 'finance', reason: 'rule:unpaid-invoices' }
 */
export function decide(profile: Profile, input: DecideInput): Decision {
  if (input.kind === 'anonymous') return { answer: profile.anonymous, reason: 'anonymous' };
  for (const rule of profile.rules) {
    if (!holds(rule, input)) continue;
    const answer = fill(rule.answer, input.record);
    if (answer !== undefined) return { answer, reason: `rule:${rule.name}` };
  }
  // Unreachable for validated profiles, whose last rule has no conditions and no placeholders.
  return { answer: profile.fallback, reason: 'no-rule' };
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
  return true;
}

function within(atMs: number | undefined, windowMs: number, nowMs: number): boolean {
  return atMs !== undefined && atMs > 0 && nowMs - atMs <= windowMs;
}

function fill(answer: string, record: CallerRecord | undefined): string | undefined {
  let filled = answer;
  for (const field of placeholders(answer)) {
    const value = record?.[field];
    if (typeof value !== 'string' || value === '') return undefined;
    filled = filled.replace(`{${field}}`, value);
  }
  return ANSWER_TOKEN.test(filled) ? filled : undefined;
}
