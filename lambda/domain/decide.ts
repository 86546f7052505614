/**
 * The routing decision: a caller, what we knew about them before this call, the company's
 * agents and a profile's rules give one answer token and the reason for it. Pure: `now` is
 * passed in. What each condition means is `conditions.ts`'s table.
 */
import type { Roster } from './availability';
import { agentSkipped, type CallerState, callerConditionsHold, needsRosterFor } from './conditions';
import type { Profile, Rule } from './profiles';
import { fillAnswer, insertedValue, isPrivateInsert, placeholders } from './tokens';

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
   * attribute or a phone number is logged as its template (`{attributes.accountManager}`),
   * keeping the value out.
   */
  logged?: string;
  /** Rules before the one that fired that held but were passed over. */
  skipped?: SkippedRule[];
}

/** Who is calling and what we knew of them, and the company's agents. */
export interface DecideInput extends CallerState {
  /** The company's agents; undefined: not known, every agent counts as available. */
  roster?: Roster | undefined;
}

/**
 * Applies the profile's rules in order; the first that holds gives the answer. A rule whose
 * answer inserts a value the record lacks (or one that is not a token) does not hold, nor
 * does a rule whose agent condition passes the inserted agent over: the reason says so.
 * Anonymous callers get the profile's anonymous answer.
 *
 * @example decide(profile, { kind: 'public', record: { calls: 3, openInvoices: 2 }, nowMs })
 *          // → { answer: 'finance', reason: 'rule:unpaid-invoices' }
 */
export function decide(profile: Profile, input: DecideInput): Decision {
  if (input.kind === 'anonymous') return { answer: profile.anonymous, reason: 'anonymous' };
  const skipped: SkippedRule[] = [];
  for (const rule of profile.rules) {
    const answer = answerOf(rule, input);
    if (answer === undefined) continue;
    const because = skipReason(rule, input);
    if (because) {
      skipped.push({ rule: rule.name, because });
      continue;
    }
    const fields = placeholders(rule.answer);
    const hidden = fields.some((field) => isPrivateInsert(field, insertedValue(input.record, field)));
    const logged = hidden ? { logged: rule.answer } : {};
    return withSkipped({ answer, reason: `rule:${rule.name}`, rule: rule.name, ...logged }, skipped);
  }
  // Unreachable for validated profiles, whose last rule has no conditions and no placeholders.
  return withSkipped({ answer: profile.fallback, reason: 'no-rule' }, skipped);
}

/**
 * Whether deciding for this caller may depend on the roster: the first rule that holds and can
 * answer has a condition on its agent. Most callers (unknown, owing money, no agent of their
 * own) are decided without it, so the roster is read only for those who need it.
 */
export function needsRoster(profile: Profile, input: CallerState): boolean {
  if (input.kind === 'anonymous') return false;
  const answering = profile.rules.find((rule) => answerOf(rule, input) !== undefined);
  return Object.keys(answering?.when ?? {}).some((key) => needsRosterFor(key as never));
}

/** The rule's answer for this caller when its caller conditions hold and its placeholders fill. */
function answerOf(rule: Rule, input: CallerState): string | undefined {
  return callerConditionsHold(rule.when, input) ? fillAnswer(rule.answer, input.record) : undefined;
}

/** Why the rule's agent conditions pass its agent over (checked once its answer is known). */
function skipReason(rule: Rule, input: DecideInput): string | undefined {
  const field = placeholders(rule.answer)[0];
  const agent = field === undefined ? undefined : insertedValue(input.record, field);
  if (field === undefined || agent === undefined) return undefined;
  return agentSkipped(rule.when, { field, agent }, input.roster, input.nowMs);
}

function withSkipped(decision: Decision, skipped: SkippedRule[]): Decision {
  if (skipped.length === 0) return decision;
  const notes = skipped.map((skip) => `${skip.rule} skipped: ${skip.because}`).join('; ');
  return { ...decision, reason: `${decision.reason} (${notes})`, skipped };
}
