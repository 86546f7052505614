/**
 * The rules for what may be stored about a caller, whichever door it comes through (the
 * admin API, `npm run callers`, an import): caller numbers, CRM facts, agents, times. Pure;
 * throws `ValidationError` naming the field.
 */

import { ValidationError } from '../domain/errors';
import type { AgentStatus } from './availability';
import { InvalidNumberError, normalizeCaller } from './numbers';
import { ANSWER_TOKEN, ATTRIBUTE_NAME, TAG } from './profiles';
import { notAhead, timeOf } from './times';

/** CRM facts about a caller; `null` removes a fact. */
export interface CallerFacts {
  openInvoices?: number | null;
  ticketAgent?: string | null;
  lastAgent?: string | null;
  lastAgentAt?: number | null;
  name?: string | null;
  /** The caller's tags: all of them, or some added and some removed. */
  tags?: TagChange;
  /** Attributes to set; a `null` value removes one, `null` for all removes every one. Others stay. */
  attributes?: Record<string, string | null> | null;
}

/** How a write changes a caller's tags. */
export type TagChange = { set: string[] } | { add: string[]; remove: string[] };

/** The fields a body of facts may hold (besides `com_id`). */
export const FACT_FIELDS = ['openInvoices', 'ticketAgent', 'lastAgent', 'lastAgentAt', 'name'] as const;

/** The limits that keep a caller's item small and the webhook's one request fast. */
export const CRM_DATA_LIMITS = { tags: 20, tagChars: 32, attributes: 20, attributeValueChars: 64 } as const;

const MAX_INVOICES = 1_000_000;
const MAX_NAME_CHARS = 128;
/** 2001-01-01: an earlier time is a unit error (seconds for milliseconds). */
const EARLIEST_MS = 978_307_200_000;
// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what it finds
const CONTROL_CHARACTER = /[\u0000-\u001f]/;
const AGENT_TOKEN_RULE = 'an agent token such as an extension (1-64 of A-Z, a-z, 0-9 and _ . : + @ -)';

/**
 * The caller key a number is stored under.
 * @throws ValidationError naming `field` for an empty, anonymous or invalid number.
 */
export function storableCallerKey(value: unknown, field: string, defaultCountryCode: string): string {
  if (typeof value !== 'string' || value.trim() === '') throw new ValidationError(field, 'is required');
  try {
    const caller = normalizeCaller(value, defaultCountryCode);
    if (caller.kind === 'anonymous') {
      throw new ValidationError(field, 'is anonymous: nothing can be stored for it');
    }
    return caller.key;
  } catch (error) {
    if (error instanceof InvalidNumberError) throw new ValidationError(field, error.message);
    throw error;
  }
}

/**
 * Validates a body of CRM facts (`PUT /callers/{number}`, a CLI `put`, an import row).
 * A last agent's time is left out unless given: `withAgentTime` decides it at write time.
 */
export function factsOf(body: Record<string, unknown>, nowMs: number): CallerFacts {
  const known = ['com_id', ...FACT_FIELDS, 'tags', 'attributes'];
  for (const key of Object.keys(body)) {
    if (!known.includes(key))
      throw new ValidationError(undefined, `unknown field ${key}; known: ${known.join(', ')}`);
  }
  const facts: CallerFacts = {};
  if (body.openInvoices !== undefined) {
    const value = body.openInvoices;
    if (
      value !== null &&
      (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value > MAX_INVOICES)
    ) {
      throw new ValidationError('openInvoices', 'must be a whole number from 0, or null to remove it');
    }
    facts.openInvoices = value;
  }
  if (body.ticketAgent !== undefined) facts.ticketAgent = removableAgent(body.ticketAgent, 'ticketAgent');
  if (body.lastAgent !== undefined) facts.lastAgent = removableAgent(body.lastAgent, 'lastAgent');
  if (body.lastAgentAt !== undefined) {
    if (typeof facts.lastAgent !== 'string') throw new ValidationError('lastAgentAt', 'needs lastAgent');
    facts.lastAgentAt = epochMs(body.lastAgentAt, 'lastAgentAt', nowMs);
  }
  if (body.name !== undefined)
    facts.name = body.name === null ? null : text(body.name, 'name', MAX_NAME_CHARS);
  if (body.tags !== undefined) facts.tags = tagChange(body.tags);
  if (body.attributes !== undefined) facts.attributes = attributeChanges(body.attributes);
  return facts;
}

/**
 * Tags as a body gives them: a list (all of them; `[]` or `null` removes every one), or
 * `{ "add": [...], "remove": [...] }`. Tags are compared without case and kept in lower case.
 */
export function tagChange(value: unknown): TagChange {
  if (value === null) return { set: [] };
  if (Array.isArray(value)) return { set: tagList(value, 'tags') };
  if (typeof value === 'object') {
    const { add = [], remove = [], ...rest } = value as Record<string, unknown>;
    if (Object.keys(rest).length > 0 || !Array.isArray(add) || !Array.isArray(remove)) {
      throw new ValidationError('tags', 'must be a list of tags, or { "add": [...], "remove": [...] }');
    }
    return { add: tagList(add, 'tags.add'), remove: tagList(remove, 'tags.remove') };
  }
  throw new ValidationError('tags', 'must be a list of tags, or { "add": [...], "remove": [...] }');
}

function tagList(values: unknown[], field: string): string[] {
  const tags = values.map((tag) => (typeof tag === 'string' ? tag.trim().toLowerCase() : tag));
  const bad = tags.find((tag) => typeof tag !== 'string' || !TAG.test(tag));
  if (bad !== undefined) {
    throw new ValidationError(
      field,
      `holds ${JSON.stringify(bad).slice(0, 40)}: a tag is 1-${CRM_DATA_LIMITS.tagChars} of a-z, 0-9, _ . : - (starting with a letter or digit)`,
    );
  }
  const unique = [...new Set(tags as string[])];
  if (unique.length > CRM_DATA_LIMITS.tags) {
    throw new ValidationError(field, `holds ${unique.length} tags; at most ${CRM_DATA_LIMITS.tags}`);
  }
  return unique;
}

/** Attributes as a body gives them: name → value (1-64 characters) or `null` to remove; `null`: remove all. */
export function attributeChanges(value: unknown): Record<string, string | null> | null {
  if (value === null) return null;
  if (typeof value !== 'object' || Array.isArray(value)) {
    throw new ValidationError('attributes', 'must be an object of name → value (or null to remove one)');
  }
  const entries = Object.entries(value as Record<string, unknown>);
  // Removals do not count: an export names every attribute of the company in every row.
  const setting = entries.filter(([, attribute]) => attribute !== null).length;
  if (setting > CRM_DATA_LIMITS.attributes) {
    throw new ValidationError(
      'attributes',
      `sets ${setting} attributes; at most ${CRM_DATA_LIMITS.attributes}`,
    );
  }
  const changes: Record<string, string | null> = {};
  for (const [name, attribute] of entries) changes[attributeName(name)] = attributeValue(attribute, name);
  return changes;
}

/** An attribute's name: a letter, then up to 31 letters, digits or `_`. */
export function attributeName(name: string): string {
  if (!ATTRIBUTE_NAME.test(name)) {
    throw new ValidationError(
      `attributes.${name.slice(0, 40)}`,
      'is no attribute name: a letter, then up to 31 letters, digits or _',
    );
  }
  return name;
}

function attributeValue(value: unknown, name: string): string | null {
  if (value === null) return null;
  const max = CRM_DATA_LIMITS.attributeValueChars;
  if (
    typeof value !== 'string' ||
    value.trim() === '' ||
    value.length > max ||
    CONTROL_CHARACTER.test(value)
  ) {
    throw new ValidationError(
      `attributes.${name}`,
      `must be a text of 1 to ${max} characters, or null to remove it`,
    );
  }
  return value;
}

/**
 * A caller's tags and attributes after a change, within the limits.
 * @throws ValidationError when the result would hold more tags or attributes than allowed.
 */
export function applyCrmData(
  current: { tags?: string[]; attributes?: Record<string, string> },
  facts: Pick<CallerFacts, 'tags' | 'attributes'>,
): { tags: string[]; attributes: Record<string, string> } {
  let tags = current.tags ?? [];
  if (facts.tags && 'set' in facts.tags) tags = facts.tags.set;
  else if (facts.tags) {
    const { add, remove } = facts.tags;
    tags = [...new Set([...tags, ...add])].filter((tag) => !remove.includes(tag));
  }
  const attributes: Record<string, string> = facts.attributes === null ? {} : { ...current.attributes };
  for (const [name, value] of Object.entries(facts.attributes ?? {})) {
    if (value === null) delete attributes[name];
    else attributes[name] = value;
  }
  if (tags.length > CRM_DATA_LIMITS.tags) {
    throw new ValidationError('tags', `would be ${tags.length} tags; at most ${CRM_DATA_LIMITS.tags}`);
  }
  const count = Object.keys(attributes).length;
  if (count > CRM_DATA_LIMITS.attributes) {
    throw new ValidationError(
      'attributes',
      `would be ${count} attributes; at most ${CRM_DATA_LIMITS.attributes}`,
    );
  }
  return { tags: [...tags].sort(), attributes };
}

/** A last agent without a time was handled now; removing the agent removes its time. */
export function withAgentTime(facts: CallerFacts, nowMs: number): CallerFacts {
  if (facts.lastAgent === undefined || facts.lastAgentAt !== undefined) return facts;
  return { ...facts, lastAgentAt: facts.lastAgent === null ? null : nowMs };
}

/** An agent as answers insert it: an extension or another short token. */
export function agentToken(value: unknown, field: string): string {
  if (typeof value !== 'string' || !ANSWER_TOKEN.test(value)) {
    throw new ValidationError(field, `must be ${AGENT_TOKEN_RULE}`);
  }
  return value;
}

function removableAgent(value: unknown, field: string): string | null {
  if (value === null) return null;
  if (typeof value !== 'string' || !ANSWER_TOKEN.test(value)) {
    throw new ValidationError(field, `must be ${AGENT_TOKEN_RULE}, or null to remove it`);
  }
  return value;
}

/** A string of 1 to `maxChars` characters, not only spaces. */
export function text(value: unknown, field: string, maxChars: number): string {
  if (typeof value !== 'string' || value.trim() === '' || value.length > maxChars) {
    throw new ValidationError(field, `must be a string of 1 to ${maxChars} characters, not blank`);
  }
  return value;
}

/**
 * A time in epoch milliseconds (a number, or digits as text), from 2001 to at most
 * `MAX_CLOCK_SKEW_MS` ahead of `nowMs`.
 */
export function epochMs(value: unknown, field: string, nowMs: number): number {
  const ms = typeof value === 'string' && /^\d{1,15}$/.test(value) ? Number(value) : value;
  if (typeof ms !== 'number' || !Number.isInteger(ms) || ms < EARLIEST_MS) {
    throw new ValidationError(field, 'must be epoch milliseconds (since 1970, not seconds)');
  }
  return notAhead(ms, field, nowMs);
}

/** The fields of an agent's status in the roster. */
const AGENT_FIELDS = ['com_id', 'available', 'until', 'name'];

/**
 * Validates a roster entry (`PUT /agents/{agent}`, `npm run callers -- agent`): `available`
 * (required), `until` (ISO 8601 or epoch ms; only with `available: false`: the absence ends
 * by itself), `name`.
 */
export function agentStatusOf(body: Record<string, unknown>): AgentStatus {
  for (const key of Object.keys(body)) {
    if (!AGENT_FIELDS.includes(key)) {
      throw new ValidationError(undefined, `unknown field ${key}; known: ${AGENT_FIELDS.join(', ')}`);
    }
  }
  if (typeof body.available !== 'boolean') throw new ValidationError('available', 'must be true or false');
  const status: AgentStatus = { available: body.available };
  if (body.until !== undefined && body.until !== null) {
    if (body.available)
      throw new ValidationError('until', 'goes only with available: false (an absence that ends)');
    status.untilMs = timeOf(body.until, 'until');
  }
  if (body.name !== undefined && body.name !== null) status.name = text(body.name, 'name', MAX_NAME_CHARS);
  return status;
}
