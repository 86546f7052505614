/**
 * What a profile rule can test, one entry per condition: how its configured value is
 * validated (the error names profile, rule and key), whether it holds for a caller, and —
 * for a condition on the agent the answer inserts — why that agent cannot take the call.
 * A new condition is one entry here and its rows in test/unit/domain/conditions.test.ts;
 * profiles and `decide` read the table and need no change.
 */

import { availabilityOf, type Roster } from './availability';
import { excerpt, ProfileConfigError } from './errors';
import type { CallerRecord } from './facts';
import type { CallerKind } from './numbers';
import { MAX_INVOICE_THRESHOLD } from './records';
import { ATTRIBUTE_NAME, isAttribute, placeholders, TAG } from './tokens';

/** What a condition is tested on: who calls, and what we knew of them before this call. */
export interface CallerState {
  /** Undefined for a GET, which names no caller. */
  kind: CallerKind | undefined;
  record: CallerRecord | undefined;
  nowMs: number;
}

/** The agent a rule's answer inserts: the placeholder and its value for this caller. */
export interface InsertedAgent {
  field: string;
  agent: string;
}

/** A condition on the caller and their record. */
interface CallerCondition<T> {
  /** Validates the configured value; `where` names the profile, the rule and the key. */
  parse(value: unknown, where: string): T;
  holds(value: T, caller: CallerState): boolean;
}

/** A condition on the agent the answer inserts, decided with the company's roster. */
interface AgentCondition<T> {
  parse(value: unknown, where: string): T;
  /** Refuses a rule whose answer this condition cannot work on; `where` names profile and rule. */
  checkAnswer(answer: string, where: string): void;
  /** Why the agent cannot take the call now (the reason the rule is skipped), or undefined. */
  skips(value: T, inserted: InsertedAgent, roster: Roster | undefined, nowMs: number): string | undefined;
}

type ConditionSpec<T> = CallerCondition<T> | AgentCondition<T>;

/** An entry of the table, typed by what its `parse` returns. */
const onCaller = <T>(spec: CallerCondition<T>) => spec;
const onAgent = <T>(spec: AgentCondition<T>) => spec;

/** The conditions, by the key a rule's `when` names them with. */
export const CONDITIONS = {
  kind: onCaller({
    parse: (value: unknown, where: string): Exclude<CallerKind, 'anonymous'>[] => {
      const kinds = Array.isArray(value) ? value : [value];
      if (kinds.length === 0 || !kinds.every((kind) => kind === 'public' || kind === 'internal')) {
        throw new ProfileConfigError(`${where} must be "public", "internal" or a list of them`);
      }
      return kinds;
    },
    holds: (kinds, { kind }) => kind !== undefined && kind !== 'anonymous' && kinds.includes(kind),
  }),
  known: onCaller({
    parse: bool,
    holds: (known, { record }) => known === (record !== undefined),
  }),
  openInvoicesAtLeast: onCaller({
    // A contact holds more open invoices than this (records.ts), so a bound never changes an answer.
    parse: (value, where) => atMost(count(value, where), MAX_INVOICE_THRESHOLD, where),
    holds: (least, { record }) => (record?.openInvoices ?? 0) >= least,
  }),
  hasTicketAgent: onCaller({
    parse: bool,
    holds: (has, { record }) => has === Boolean(record?.ticketAgent),
  }),
  lastAgentWithin: onCaller({
    parse: duration,
    holds: (windowMs, { record, nowMs }) =>
      within(record?.lastAgent ? record.lastAgentAt : undefined, windowMs, nowMs),
  }),
  callsAtLeast: onCaller({
    parse: count,
    holds: (least, { record }) => (record?.calls ?? 0) >= least,
  }),
  lastCallWithin: onCaller({
    parse: duration,
    holds: (windowMs, { record, nowMs }) => within(record?.lastCallAt, windowMs, nowMs),
  }),
  hasTag: onCaller({
    parse: tags,
    holds: (wanted, { record }) => wanted.some((tag) => record?.tags?.includes(tag) ?? false),
  }),
  lacksTag: onCaller({
    parse: tags,
    holds: (unwanted, { record }) => !unwanted.some((tag) => record?.tags?.includes(tag) ?? false),
  }),
  attribute: onCaller({
    parse: attributeTests,
    holds: (tests, { record }) =>
      [...tests].every(([name, wanted]) => {
        const attributes = record?.attributes;
        const value = attributes && Object.hasOwn(attributes, name) ? attributes[name] : undefined;
        return value !== undefined && (wanted === '*' || wanted.includes(value));
      }),
  }),
  agentAvailable: onAgent({
    parse: (value: unknown, where: string): true => {
      if (value !== true) {
        throw new ProfileConfigError(`${where} must be true (leave it out to route regardless)`);
      }
      return true;
    },
    checkAnswer(answer: string, where: string): void {
      if (placeholders(answer).length !== 1) {
        throw new ProfileConfigError(
          `${where}: agentAvailable needs an answer that inserts one agent, such as "{lastAgent}"`,
        );
      }
    },
    skips(_value: true, { field, agent }: InsertedAgent, roster: Roster | undefined, nowMs: number) {
      const availability = availabilityOf(roster, agent, nowMs);
      if (availability.available) return undefined;
      const by =
        availability.via === 'presence'
          ? ' in Teams'
          : availability.via === 'replies'
            ? ' by automatic replies'
            : '';
      const until =
        (availability.untilMs === undefined ? '' : ` until ${new Date(availability.untilMs).toISOString()}`) +
        by;
      // An agent from an attribute is CRM data: the reason, which is logged, names the attribute only.
      if (isAttribute(field)) return `the agent in ${field} unavailable${until}`;
      return `${field === 'lastAgent' ? 'last agent' : 'ticket agent'} ${agent} unavailable${until}`;
    },
  }),
};

export type ConditionKey = keyof typeof CONDITIONS;

/** A rule's conditions, validated: every condition given must hold. None: the rule always fires. */
export type Conditions = {
  -readonly [K in ConditionKey]?: ReturnType<(typeof CONDITIONS)[K]['parse']>;
};

/** The condition keys, as an error lists them. */
export const CONDITION_KEYS = Object.keys(CONDITIONS) as ConditionKey[];

/** Whether `key` names a condition (a key such as `constructor` names none). */
export function isConditionKey(key: string): key is ConditionKey {
  return Object.hasOwn(CONDITIONS, key);
}

/** Whether a condition is on the inserted agent, decided with the roster. */
export function needsRosterFor(key: ConditionKey): boolean {
  return 'skips' in CONDITIONS[key];
}

/** Whether every condition on the caller holds (the agent conditions are `agentSkipped`'s). */
export function callerConditionsHold(when: Conditions, caller: CallerState): boolean {
  return entriesOf(when).every(([key, value]) => {
    const spec = CONDITIONS[key] as ConditionSpec<unknown>;
    return !('holds' in spec) || spec.holds(value, caller);
  });
}

/** Why a rule's agent conditions pass the inserted agent over, or undefined when none does. */
export function agentSkipped(
  when: Conditions,
  inserted: InsertedAgent,
  roster: Roster | undefined,
  nowMs: number,
): string | undefined {
  for (const [key, value] of entriesOf(when)) {
    const spec = CONDITIONS[key] as ConditionSpec<unknown>;
    const because = 'skips' in spec ? spec.skips(value, inserted, roster, nowMs) : undefined;
    if (because) return because;
  }
  return undefined;
}

/**
 * Validates a rule's `when` and the answer its agent conditions work on.
 * @throws ProfileConfigError naming `where` (profile and rule) and the key.
 */
export function parseConditions(value: unknown, answer: string, where: string): Conditions {
  if (!isObject(value)) throw new ProfileConfigError(`${where}: when must be an object`);
  const conditions: Record<string, unknown> = {};
  for (const [key, configured] of Object.entries(value)) {
    if (!isConditionKey(key)) {
      throw new ProfileConfigError(
        `${where}: when: unknown condition "${excerpt(key)}"; known: ${CONDITION_KEYS.join(', ')}`,
      );
    }
    const spec = CONDITIONS[key] as ConditionSpec<unknown>;
    conditions[key] = spec.parse(configured, `${where}: ${key}`);
    if ('checkAnswer' in spec) spec.checkAnswer(answer, where);
  }
  return conditions as Conditions;
}

function entriesOf(when: Conditions): [ConditionKey, unknown][] {
  return Object.entries(when) as [ConditionKey, unknown][];
}

function within(atMs: number | undefined, windowMs: number, nowMs: number): boolean {
  return atMs !== undefined && atMs > 0 && nowMs - atMs <= windowMs;
}

const DURATION = /^(\d{1,5})(m|h|d)$/;
const DURATION_MS = { m: 60_000, h: 3_600_000, d: 86_400_000 } as const;

function duration(value: unknown, where: string): number {
  const match = typeof value === 'string' ? DURATION.exec(value) : null;
  if (!match?.[1] || !match[2]) {
    throw new ProfileConfigError(
      `${where} must be a duration such as "15m", "48h" or "30d", got ${excerpt(String(JSON.stringify(value)))}`,
    );
  }
  return Number(match[1]) * DURATION_MS[match[2] as keyof typeof DURATION_MS];
}

function count(value: unknown, where: string): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) {
    throw new ProfileConfigError(
      `${where} must be a whole number of at least 1, got ${excerpt(String(JSON.stringify(value)))}`,
    );
  }
  return value;
}

function atMost(value: number, max: number, where: string): number {
  if (value > max) throw new ProfileConfigError(`${where} must be at most ${max}, got ${value}`);
  return value;
}

function bool(value: unknown, where: string): boolean {
  if (typeof value !== 'boolean') throw new ProfileConfigError(`${where} must be true or false`);
  return value;
}

function tags(value: unknown, where: string): string[] {
  const list = Array.isArray(value) ? value : [value];
  if (list.length === 0 || !list.every((tag) => typeof tag === 'string' && TAG.test(tag.toLowerCase()))) {
    throw new ProfileConfigError(`${where} must be a tag or a list of tags (1-32 of a-z, 0-9, _ . : -)`);
  }
  return list.map((tag) => (tag as string).toLowerCase());
}

/** Attribute name → the values it must hold, or `'*'` for any value. A Map: a name is just a name. */
function attributeTests(value: unknown, where: string): ReadonlyMap<string, readonly string[] | '*'> {
  if (!isObject(value) || Object.keys(value).length === 0) {
    throw new ProfileConfigError(
      `${where} must be an object of attribute name → value, list of values or "*"`,
    );
  }
  const tests = new Map<string, readonly string[] | '*'>();
  for (const [name, wanted] of Object.entries(value)) {
    if (!ATTRIBUTE_NAME.test(name)) {
      throw new ProfileConfigError(
        `${where}: "${excerpt(name)}" is not an attribute name (a letter, then letters, digits or _)`,
      );
    }
    const values = Array.isArray(wanted) ? wanted : [wanted];
    if (wanted === '*') tests.set(name, '*');
    else if (values.length > 0 && values.every((each) => typeof each === 'string' && each !== '')) {
      tests.set(name, values as string[]);
    } else {
      throw new ProfileConfigError(
        `${where}: ${name} must be a value, a list of values, or "*" for any value`,
      );
    }
  }
  return tests;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
