/**
 * Profiles: ordered routing rules, chosen per belplan by `?profile=`. This module holds
 * their types, the shipped default and the validation that runs once at start-up.
 */
import type { CallerKind } from './numbers';

/** What a rule tests; every condition given must hold. No conditions: the rule always fires. */
export interface Conditions {
  /** The caller's kind (anonymous callers never reach the rules). */
  kind?: Exclude<CallerKind, 'anonymous'>[];
  /** Whether we hold any record of the caller. */
  known?: boolean;
  /** At least this many unpaid invoices, as a CRM reported them. */
  openInvoicesAtLeast?: number;
  /** Whether the caller has an open ticket with an agent. */
  hasTicketAgent?: boolean;
  /** An agent handled the caller within this many milliseconds. */
  lastAgentWithinMs?: number;
  /** At least this many earlier calls (this call not counted). */
  callsAtLeast?: number;
  /** The previous call was within this many milliseconds. */
  lastCallWithinMs?: number;
  /** The agent the answer inserts can answer now (the roster does not mark them away). */
  agentAvailable?: true;
  /** The caller carries at least one of these tags. */
  hasTag?: string[];
  /** The caller carries none of these tags. */
  lacksTag?: string[];
  /** Each named attribute holds one of the values, or (`'*'`) any value. */
  attribute?: Record<string, string[] | '*'>;
}

/** One routing rule, validated. */
export interface Rule {
  name: string;
  when: Conditions;
  /** A token, possibly with placeholders such as `{ticketAgent}` or `{attributes.accountManager}`. */
  answer: string;
}

/** One profile, validated. */
export interface Profile {
  /** Answer for anonymous callers; they are never looked up. */
  anonymous: string;
  /** Answer when the store fails or the deadline is near. */
  fallback: string;
  rules: Rule[];
}

export type Profiles = ReadonlyMap<string, Profile>;

/** A profile configuration that cannot be used; the message names the profile and rule. */
export class ProfileConfigError extends Error {
  override name = 'ProfileConfigError';
}

/**
 * The shipped profiles, in the configuration format (durations as text).
 * `default` implements the manual's three examples in order: unpaid invoices go to Finance,
 * an open ticket to its agent, a recent caller to the colleague who spoke to them; the
 * last two only while that agent can answer.
 */
export const DEFAULT_PROFILES_JSON = {
  default: {
    anonymous: 'anonymous',
    fallback: 'default',
    rules: [
      { name: 'unpaid-invoices', when: { openInvoicesAtLeast: 1 }, answer: 'finance' },
      { name: 'open-ticket', when: { hasTicketAgent: true, agentAvailable: true }, answer: '{ticketAgent}' },
      { name: 'recent-agent', when: { lastAgentWithin: '30d', agentAvailable: true }, answer: '{lastAgent}' },
      { name: 'otherwise', answer: 'default' },
    ],
  },
};

/** Answers are what a Voorwaarde-app compares: short, printable ASCII without spaces. */
export const ANSWER_TOKEN = /^[A-Za-z0-9_.:+@-]{1,64}$/;
/** A tag: a short label, compared without case (stored in lower case). */
export const TAG = /^[a-z0-9][a-z0-9_.:-]{0,31}$/;
/** An attribute's name. */
export const ATTRIBUTE_NAME = /^[a-zA-Z][a-zA-Z0-9_]{0,31}$/;

/** The caller fields an answer may insert besides `{attributes.<name>}`. */
export const TEMPLATE_FIELDS = ['ticketAgent', 'lastAgent'] as const;
const PLACEHOLDER = /\{([^{}]*)\}/g;
const PROFILE_NAME = /^[a-z0-9][a-z0-9_-]{0,31}$/;
const DURATION = /^(\d{1,5})(m|h|d)$/;
const DURATION_MS = { m: 60_000, h: 3_600_000, d: 86_400_000 } as const;
const CONDITION_KEYS = [
  'kind',
  'known',
  'openInvoicesAtLeast',
  'hasTicketAgent',
  'lastAgentWithin',
  'callsAtLeast',
  'lastCallWithin',
  'agentAvailable',
  'hasTag',
  'lacksTag',
  'attribute',
];

/**
 * Validates profiles given as parsed JSON and returns them ready for `decide`.
 * @throws ProfileConfigError naming the profile, the rule and what is wrong with it.
 */
export function parseProfiles(input: unknown): Profiles {
  if (!isObject(input))
    throw new ProfileConfigError('profiles must be a JSON object of profile name → profile');
  const profiles = new Map<string, Profile>();
  for (const [name, value] of Object.entries(input)) {
    if (!PROFILE_NAME.test(name)) {
      throw new ProfileConfigError(`profile name "${name}" must be 1-32 of a-z, 0-9, "-" or "_"`);
    }
    profiles.set(name, parseProfile(name, value));
  }
  if (!profiles.has('default')) throw new ProfileConfigError('a profile named "default" is required');
  return profiles;
}

function parseProfile(name: string, value: unknown): Profile {
  const where = `profile "${name}"`;
  if (!isObject(value)) throw new ProfileConfigError(`${where} must be an object`);
  allowOnly(value, ['anonymous', 'fallback', 'rules'], where);
  const anonymous = literalToken(value.anonymous ?? 'anonymous', `${where}: anonymous`);
  const fallback = literalToken(value.fallback ?? 'default', `${where}: fallback`);
  if (!Array.isArray(value.rules) || value.rules.length === 0) {
    throw new ProfileConfigError(`${where}: rules must be a non-empty array`);
  }
  const rules = value.rules.map((rule, index) => parseRule(rule, `${where}, rule ${index + 1}`));
  const last = rules[rules.length - 1];
  if (last && Object.keys(last.when).length > 0) {
    throw new ProfileConfigError(
      `${where}: the last rule ("${last.name}") must have no conditions, so every caller gets an answer`,
    );
  }
  if (last && placeholders(last.answer).length > 0) {
    throw new ProfileConfigError(`${where}: the last rule ("${last.name}") must answer a plain token`);
  }
  const names = new Set<string>();
  for (const rule of rules) {
    if (names.has(rule.name)) throw new ProfileConfigError(`${where}: two rules are named "${rule.name}"`);
    names.add(rule.name);
  }
  return { anonymous, fallback, rules };
}

function parseRule(value: unknown, where: string): Rule {
  if (!isObject(value)) throw new ProfileConfigError(`${where} must be an object`);
  if (typeof value.name !== 'string' || !PROFILE_NAME.test(value.name)) {
    throw new ProfileConfigError(`${where}: name must be 1-32 of a-z, 0-9, "-" or "_"`);
  }
  const ruleWhere = `${where} ("${value.name}")`;
  allowOnly(value, ['name', 'when', 'answer'], ruleWhere);
  const rule = {
    name: value.name,
    when: parseConditions(value.when ?? {}, ruleWhere),
    answer: template(value.answer, ruleWhere),
  };
  if (rule.when.agentAvailable && placeholders(rule.answer).length !== 1) {
    throw new ProfileConfigError(
      `${ruleWhere}: agentAvailable needs an answer that inserts one agent, such as "{lastAgent}"`,
    );
  }
  return rule;
}

function parseConditions(value: unknown, where: string): Conditions {
  if (!isObject(value)) throw new ProfileConfigError(`${where}: when must be an object`);
  allowOnly(value, CONDITION_KEYS, `${where}: when`, 'condition');
  const conditions: Conditions = {};
  if (value.kind !== undefined) {
    const kinds = Array.isArray(value.kind) ? value.kind : [value.kind];
    if (kinds.length === 0 || !kinds.every((kind) => kind === 'public' || kind === 'internal')) {
      throw new ProfileConfigError(`${where}: kind must be "public", "internal" or a list of them`);
    }
    conditions.kind = kinds;
  }
  if (value.known !== undefined) conditions.known = bool(value.known, `${where}: known`);
  if (value.hasTicketAgent !== undefined) {
    conditions.hasTicketAgent = bool(value.hasTicketAgent, `${where}: hasTicketAgent`);
  }
  if (value.openInvoicesAtLeast !== undefined) {
    conditions.openInvoicesAtLeast = count(value.openInvoicesAtLeast, `${where}: openInvoicesAtLeast`);
  }
  if (value.callsAtLeast !== undefined)
    conditions.callsAtLeast = count(value.callsAtLeast, `${where}: callsAtLeast`);
  if (value.lastAgentWithin !== undefined) {
    conditions.lastAgentWithinMs = duration(value.lastAgentWithin, `${where}: lastAgentWithin`);
  }
  if (value.lastCallWithin !== undefined) {
    conditions.lastCallWithinMs = duration(value.lastCallWithin, `${where}: lastCallWithin`);
  }
  if (value.agentAvailable !== undefined) {
    if (value.agentAvailable !== true) {
      throw new ProfileConfigError(
        `${where}: agentAvailable must be true (leave it out to route regardless)`,
      );
    }
    conditions.agentAvailable = true;
  }
  if (value.hasTag !== undefined) conditions.hasTag = tags(value.hasTag, `${where}: hasTag`);
  if (value.lacksTag !== undefined) conditions.lacksTag = tags(value.lacksTag, `${where}: lacksTag`);
  if (value.attribute !== undefined)
    conditions.attribute = attributeTests(value.attribute, `${where}: attribute`);
  return conditions;
}

/** The placeholders of an answer template: `ticketAgent`, `lastAgent` or `attributes.<name>`. */
export function placeholders(answer: string): string[] {
  return [...answer.matchAll(PLACEHOLDER)].map((match) => match[1] as string);
}

function template(value: unknown, where: string): string {
  if (typeof value !== 'string') throw new ProfileConfigError(`${where}: answer must be a string`);
  for (const field of placeholders(value)) {
    const attribute = /^attributes\.(.+)$/.exec(field)?.[1];
    const known = attribute
      ? ATTRIBUTE_NAME.test(attribute)
      : (TEMPLATE_FIELDS as readonly string[]).includes(field);
    if (!known) {
      const fields = [...TEMPLATE_FIELDS.map((f) => `{${f}}`), '{attributes.<name>}'].join(', ');
      throw new ProfileConfigError(`${where}: answer inserts unknown field "{${field}}"; known: ${fields}`);
    }
  }
  const literal = value.replace(PLACEHOLDER, 'x');
  if (!ANSWER_TOKEN.test(literal)) {
    throw new ProfileConfigError(
      `${where}: answer "${value}" must be 1-64 of A-Z, a-z, 0-9 and _ . : + @ - (a token the Voorwaarde-app compares)`,
    );
  }
  return value;
}

function tags(value: unknown, where: string): string[] {
  const list = Array.isArray(value) ? value : [value];
  if (list.length === 0 || !list.every((tag) => typeof tag === 'string' && TAG.test(tag.toLowerCase()))) {
    throw new ProfileConfigError(`${where} must be a tag or a list of tags (1-32 of a-z, 0-9, _ . : -)`);
  }
  return list.map((tag) => (tag as string).toLowerCase());
}

function attributeTests(value: unknown, where: string): Record<string, string[] | '*'> {
  if (!isObject(value) || Object.keys(value).length === 0) {
    throw new ProfileConfigError(
      `${where} must be an object of attribute name → value, list of values or "*"`,
    );
  }
  const tests: Record<string, string[] | '*'> = {};
  for (const [name, wanted] of Object.entries(value)) {
    if (!ATTRIBUTE_NAME.test(name)) {
      throw new ProfileConfigError(
        `${where}: "${name}" is not an attribute name (a letter, then letters, digits or _)`,
      );
    }
    const values = Array.isArray(wanted) ? wanted : [wanted];
    if (wanted === '*') tests[name] = '*';
    else if (values.length > 0 && values.every((each) => typeof each === 'string' && each !== '')) {
      tests[name] = values as string[];
    } else {
      throw new ProfileConfigError(
        `${where}: ${name} must be a value, a list of values, or "*" for any value`,
      );
    }
  }
  return tests;
}

function literalToken(value: unknown, where: string): string {
  if (typeof value !== 'string' || !ANSWER_TOKEN.test(value)) {
    throw new ProfileConfigError(`${where} must be 1-64 of A-Z, a-z, 0-9 and _ . : + @ -`);
  }
  return value;
}

function duration(value: unknown, where: string): number {
  const match = typeof value === 'string' ? DURATION.exec(value) : null;
  if (!match?.[1] || !match[2]) {
    throw new ProfileConfigError(
      `${where} must be a duration such as "15m", "48h" or "30d", got ${JSON.stringify(value)}`,
    );
  }
  return Number(match[1]) * DURATION_MS[match[2] as keyof typeof DURATION_MS];
}

function count(value: unknown, where: string): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) {
    throw new ProfileConfigError(
      `${where} must be a whole number of at least 1, got ${JSON.stringify(value)}`,
    );
  }
  return value;
}

function bool(value: unknown, where: string): boolean {
  if (typeof value !== 'boolean') throw new ProfileConfigError(`${where} must be true or false`);
  return value;
}

function allowOnly(value: Record<string, unknown>, keys: string[], where: string, what = 'key'): void {
  for (const key of Object.keys(value)) {
    if (!keys.includes(key)) {
      throw new ProfileConfigError(`${where}: unknown ${what} "${key}"; known: ${keys.join(', ')}`);
    }
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
