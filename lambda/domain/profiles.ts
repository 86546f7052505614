/**
 * Profiles: ordered routing rules, chosen per belplan by `?profile=`. This module holds
 * their types, the shipped default and the validation that runs once at start-up.
 */
import { type Conditions, parseConditions } from './conditions';
import { excerpt, ProfileConfigError, ValidationError } from './errors';
import { ANSWER_TOKEN, isKnownPlaceholder, literalOf, placeholders, TEMPLATE_FIELDS } from './tokens';

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

/**
 * The shipped profiles, in the configuration format (durations as text).
 * `default` implements the manual's three examples in order: unpaid invoices go to Finance,
 * an open ticket to its agent, a recent caller to the colleague who spoke to them; the
 * last two only while that agent can answer.
 */
export const SHIPPED_PROFILES = {
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

const PROFILE_NAME = /^[a-z0-9][a-z0-9_-]{0,31}$/;

/** A request names a profile the deployment does not have. */
export class UnknownProfileError extends ValidationError {
  override readonly logReason = 'unknown-profile';
}

/**
 * The profile a request names (`?profile=`; none: `default`).
 * @throws UnknownProfileError listing the profiles there are.
 */
export function profileNamed(profiles: Profiles, name: string | undefined): Profile {
  const profile = profiles.get(name || 'default');
  if (profile) return profile;
  const known = [...profiles.keys()].join(', ');
  throw new UnknownProfileError(undefined, `unknown profile "${excerpt(name ?? '')}"; configured: ${known}`);
}

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
      throw new ProfileConfigError(`profile name "${excerpt(name)}" must be 1-32 of a-z, 0-9, "-" or "_"`);
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
  const answer = template(value.answer, ruleWhere);
  return { name: value.name, when: parseConditions(value.when ?? {}, answer, ruleWhere), answer };
}

function template(value: unknown, where: string): string {
  if (typeof value !== 'string') throw new ProfileConfigError(`${where}: answer must be a string`);
  const unknown = placeholders(value).find((field) => !isKnownPlaceholder(field));
  if (unknown !== undefined) {
    const fields = [...TEMPLATE_FIELDS.map((f) => `{${f}}`), '{attributes.<name>}'].join(', ');
    throw new ProfileConfigError(
      `${where}: answer inserts unknown field "{${excerpt(unknown)}}"; known: ${fields}`,
    );
  }
  if (!ANSWER_TOKEN.test(literalOf(value))) {
    throw new ProfileConfigError(
      `${where}: answer "${excerpt(value)}" must be 1-64 of A-Z, a-z, 0-9 and _ . : + @ - (a token the Voorwaarde-app compares)`,
    );
  }
  return value;
}

function literalToken(value: unknown, where: string): string {
  if (typeof value !== 'string' || !ANSWER_TOKEN.test(value)) {
    throw new ProfileConfigError(`${where} must be 1-64 of A-Z, a-z, 0-9 and _ . : + @ -`);
  }
  return value;
}

function allowOnly(value: Record<string, unknown>, keys: string[], where: string, what = 'key'): void {
  for (const key of Object.keys(value)) {
    if (!keys.includes(key)) {
      throw new ProfileConfigError(`${where}: unknown ${what} "${excerpt(key)}"; known: ${keys.join(', ')}`);
    }
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
