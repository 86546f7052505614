/**
 * The agent directory: the names other systems know an agent by (an email in Zendesk, an owner
 * id in HubSpot), each leading to the agent's token the belplan routes to (`1003`). Pure.
 */
import { excerpt, ValidationError } from './errors';

/** The most aliases one agent keeps. */
export const MAX_ALIASES_PER_AGENT = 10;

/** An email, or `<system>:<id>` such as `hubspot:1234`: no spaces, no control characters. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: refusing them is the point
const ALIAS = /^[^\s\u0000-\u001f\u007f]{1,128}$/u;

/**
 * An alias as the directory keeps it: trimmed and in lower case, so `Anna@Acme.nl` and
 * `anna@acme.nl` are one.
 * @throws ValidationError naming `field`.
 */
export function aliasOf(value: unknown, field: string): string {
  const alias = typeof value === 'string' ? value.trim().toLowerCase() : '';
  if (!ALIAS.test(alias)) {
    throw new ValidationError(
      field,
      `holds "${excerpt(String(value))}": an alias is an email or <system>:<id> (1-128 characters, no spaces)`,
    );
  }
  return alias;
}

/**
 * The aliases a body gives an agent: a list (all of them; `[]` removes every one).
 * @throws ValidationError for what is no list, no alias, or more than the limit.
 */
export function aliasesOf(value: unknown, field = 'aliases'): string[] {
  if (!Array.isArray(value))
    throw new ValidationError(field, 'must be a list of aliases (emails, or <system>:<id>)');
  const aliases = [...new Set(value.map((alias, index) => aliasOf(alias, `${field}[${index}]`)))];
  if (aliases.length > MAX_ALIASES_PER_AGENT) {
    throw new ValidationError(field, `holds ${aliases.length} aliases; at most ${MAX_ALIASES_PER_AGENT}`);
  }
  return aliases;
}

/** An alias that names another agent already. */
export class AliasTakenError extends ValidationError {
  override readonly logReason = 'alias-taken';
  constructor(alias: string, agent: string) {
    super(undefined, `alias ${excerpt(alias)} is agent ${agent}'s: take it from them first`);
  }
}

/** A company's directory: alias → agent token. A Map, so an alias is just a name. */
export type Directory = ReadonlyMap<string, string>;

/** The aliases of one agent in a directory, sorted. */
export function aliasesOfAgent(directory: Directory, agent: string): string[] {
  return [...directory].flatMap(([alias, owner]) => (owner === agent ? [alias] : [])).sort();
}
