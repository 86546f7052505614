/**
 * The rules for what may be stored about a caller, whichever door it comes through (the
 * admin API, `npm run callers`, an import): caller numbers, CRM facts, agents, times. Pure;
 * throws `ValidationError` naming the field.
 */
import type { AgentStatus } from './agents';
import { ValidationError } from './errors';
import { InvalidNumberError, normalizeCaller } from './numbers';
import { ANSWER_TOKEN } from './profiles';
import { notAhead, timeOf } from './times';

/** CRM facts about a caller; `null` removes a fact. */
export interface CallerFacts {
  openInvoices?: number | null;
  ticketAgent?: string | null;
  lastAgent?: string | null;
  lastAgentAt?: number | null;
  name?: string | null;
}

/** The fields a body of facts may hold (besides `com_id`). */
export const FACT_FIELDS = ['openInvoices', 'ticketAgent', 'lastAgent', 'lastAgentAt', 'name'] as const;

const MAX_INVOICES = 1_000_000;
const MAX_NAME_CHARS = 128;
/** 2001-01-01: an earlier time is a unit error (seconds for milliseconds). */
const EARLIEST_MS = 978_307_200_000;
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
  const known = ['com_id', ...FACT_FIELDS];
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
  return facts;
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
