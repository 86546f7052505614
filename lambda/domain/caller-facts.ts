/**
 * The rules for what may be stored about a caller, whichever door it comes through (the
 * admin API, `npm run callers`, an import): caller numbers, CRM facts, agents, times. Pure;
 * throws `ValidationError` naming the field.
 */
import { excerpt, ValidationError } from './errors';
import { FACT_NAMES, FACTS, type FactKind, type FactName, type FactValues } from './facts';
import { InvalidNumberError, normalizeCaller } from './numbers';
import { notAhead, timeOf } from './times';
import { ANSWER_TOKEN, ATTRIBUTE_NAME, TAG } from './tokens';

/** CRM facts about a caller; `null` removes a fact. */
export type CallerFacts = { [N in FactName]?: FactValues[N] | null } & {
  /** The caller's tags: all of them, or some added and some removed. */
  tags?: TagChange;
  /** Attributes to set; a `null` value removes one, `null` for all removes every one. Others stay. */
  attributes?: Record<string, string | null> | null;
};

/** How a write changes a caller's tags. */
export type TagChange = { set: string[] } | { add: string[]; remove: string[] };

/** The limits that keep a caller's item small and the webhook's one request fast. */
export const CRM_DATA_LIMITS = { tags: 20, tagChars: 32, attributes: 20, attributeValueChars: 64 } as const;

/** The fields a body of facts may hold. */
const BODY_FIELDS = ['com_id', ...FACT_NAMES, 'tags', 'attributes'];
const MAX_COUNT = 1_000_000;
const MAX_TEXT_CHARS = 128;
// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what it finds
const CONTROL_CHARACTER = /[\u0000-\u001f\u007f]/;
const AGENT_TOKEN_RULE = 'an agent token such as an extension (1-64 of A-Z, a-z, 0-9 and _ . : + @ -)';

/** How a value of each kind is read from a body, a CSV cell or a flag, with the field's name for errors. */
const READERS: Record<FactKind, (value: unknown, field: string, nowMs: number) => number | string> = {
  count(value, field) {
    const count = typeof value === 'string' && /^\d{1,7}$/.test(value.trim()) ? Number(value) : value;
    if (typeof count !== 'number' || !Number.isInteger(count) || count < 0 || count > MAX_COUNT) {
      throw new ValidationError(field, 'must be a whole number from 0, or null to remove it');
    }
    return count;
  },
  agent: (value, field) => {
    if (typeof value !== 'string' || !ANSWER_TOKEN.test(value)) {
      throw new ValidationError(field, `must be ${AGENT_TOKEN_RULE}, or null to remove it`);
    }
    return value;
  },
  text: (value, field) => text(value, field, MAX_TEXT_CHARS),
  time: (value, field, nowMs) => notAhead(timeOf(value, field), field, nowMs),
};

/**
 * The caller key a number is stored under.
 * @throws ValidationError naming `field` for an empty, anonymous or invalid number.
 */
export function callerKeyOfNumber(value: unknown, field: string, defaultCountryCode: string): string {
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
 * Validates a body of CRM facts (`PUT /callers/{number}`, a CLI `put`, an import row). A
 * count or a time may be given as text too (a CSV cell, a flag). A last agent's time is left
 * out unless given: `withAgentTime` decides it at write time.
 */
export function factsOf(body: Record<string, unknown>, nowMs: number): CallerFacts {
  for (const key of Object.keys(body)) {
    if (!BODY_FIELDS.includes(key)) {
      throw new ValidationError(undefined, `unknown field ${excerpt(key)}; known: ${BODY_FIELDS.join(', ')}`);
    }
  }
  const facts: Record<string, unknown> = {};
  for (const name of FACT_NAMES) {
    const value = body[name];
    if (value === undefined) continue;
    const spec: { kind: FactKind; with?: string } = FACTS[name];
    if (spec.with !== undefined && typeof facts[spec.with] !== 'string') {
      throw new ValidationError(name, `needs ${spec.with}`);
    }
    facts[name] = value === null && spec.with === undefined ? null : READERS[spec.kind](value, name, nowMs);
  }
  const crm: Pick<CallerFacts, 'tags' | 'attributes'> = {};
  if (body.tags !== undefined) crm.tags = tagChange(body.tags);
  if (body.attributes !== undefined) crm.attributes = attributeChanges(body.attributes);
  return { ...(facts as CallerFacts), ...crm };
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
      `holds ${excerpt(String(JSON.stringify(bad)))}: a tag is 1-${CRM_DATA_LIMITS.tagChars} of a-z, 0-9, _ . : - (starting with a letter or digit)`,
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
      `attributes.${excerpt(name)}`,
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

/**
 * A fact given without the time that belongs to it (a last agent, a ticket agent) took place
 * now; removing the fact removes its time.
 */
export function withFactTimes(facts: CallerFacts, nowMs: number): CallerFacts {
  const timed: Record<string, unknown> = { ...facts };
  for (const name of FACT_NAMES) {
    const owner: string | undefined = (FACTS[name] as { with?: string }).with;
    if (owner === undefined || timed[owner] === undefined || timed[name] !== undefined) continue;
    timed[name] = timed[owner] === null ? null : nowMs;
  }
  return timed as CallerFacts;
}

/** An agent as answers insert it: an extension or another short token. */
export function agentToken(value: unknown, field: string): string {
  if (typeof value !== 'string' || !ANSWER_TOKEN.test(value)) {
    throw new ValidationError(field, `must be ${AGENT_TOKEN_RULE}`);
  }
  return value;
}

/** A string of 1 to `maxChars` characters, not only spaces, without control characters. */
export function text(value: unknown, field: string, maxChars: number): string {
  if (
    typeof value !== 'string' ||
    value.trim() === '' ||
    value.length > maxChars ||
    CONTROL_CHARACTER.test(value)
  ) {
    throw new ValidationError(field, `must be a string of 1 to ${maxChars} characters, not blank`);
  }
  return value;
}
