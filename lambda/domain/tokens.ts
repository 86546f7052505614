/**
 * The short texts the product stores and answers: answer tokens, tags, attribute names, and
 * the answer templates that insert a caller's facts (`{lastAgent}`, `{attributes.<name>}`). Pure.
 */
import type { CallerRecord } from './facts';

/** Answers are what a Voorwaarde-app compares: short, printable ASCII without spaces. */
export const ANSWER_TOKEN = /^[A-Za-z0-9_.:+@-]{1,64}$/;
/** A tag: a short label, compared without case (stored in lower case). */
export const TAG = /^[a-z0-9][a-z0-9_.:-]{0,31}$/;
/** An attribute's name. */
export const ATTRIBUTE_NAME = /^[a-zA-Z][a-zA-Z0-9_]{0,31}$/;

/** The caller fields an answer may insert besides `{attributes.<name>}`. */
export const TEMPLATE_FIELDS = ['ticketAgent', 'lastAgent'] as const;
const PLACEHOLDER = /\{([^{}]*)\}/g;

/** The placeholders of an answer template: `ticketAgent`, `lastAgent` or `attributes.<name>`. */
export function placeholders(answer: string): string[] {
  return [...answer.matchAll(PLACEHOLDER)].map((match) => match[1] as string);
}

/** Whether a placeholder inserts a CRM attribute (whose value never reaches a log line). */
export function isAttribute(field: string): boolean {
  return field.startsWith('attributes.');
}

/**
 * Whether an inserted value must stay out of the log line: an attribute (CRM data), or a value
 * that holds a phone number (an agent written as `+31687654321`).
 */
export function isPrivateInsert(field: string, value: string | undefined): boolean {
  return isAttribute(field) || /\d{7,}/.test(value ?? '');
}

/** Whether a placeholder is one an answer may insert. */
export function isKnownPlaceholder(field: string): boolean {
  const attribute = /^attributes\.(.+)$/.exec(field)?.[1];
  return attribute ? ATTRIBUTE_NAME.test(attribute) : (TEMPLATE_FIELDS as readonly string[]).includes(field);
}

/** The answer template with every placeholder replaced by a letter: what must be a token. */
export function literalOf(answer: string): string {
  return answer.replace(PLACEHOLDER, 'x');
}

/** The value an answer's placeholder (`lastAgent`, `attributes.accountManager`) stands for. */
export function insertedValue(record: CallerRecord | undefined, field: string): string | undefined {
  const attribute = /^attributes\.(.+)$/.exec(field)?.[1];
  if (attribute !== undefined) {
    return record?.attributes && Object.hasOwn(record.attributes, attribute)
      ? record.attributes[attribute]
      : undefined;
  }
  const value = record?.[field as (typeof TEMPLATE_FIELDS)[number]];
  return typeof value === 'string' ? value : undefined;
}

/** The answer with the record's values inserted, or undefined when one is missing or the result is no token. */
export function fillAnswer(answer: string, record: CallerRecord | undefined): string | undefined {
  let filled = answer;
  for (const field of placeholders(answer)) {
    const value = insertedValue(record, field);
    if (value === undefined || value === '') return undefined;
    filled = filled.replace(`{${field}}`, value);
  }
  return ANSWER_TOKEN.test(filled) ? filled : undefined;
}
