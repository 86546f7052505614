/**
 * The rules for what may be stored about a caller, whichever door it comes through (the
 * admin API, `npm run callers`, an import): caller numbers, CRM facts, agents, times. Pure;
 * throws `ValidationError` naming the field.
 */
import { ValidationError } from './errors';
import { InvalidNumberError, normalizeCaller } from './numbers';
import { ANSWER_TOKEN } from './profiles';

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
/**
 * How far ahead of this server's clock a reported time may be. Clocks kept by NTP differ by
 * far less; a local time sent as UTC is an hour or two ahead and would otherwise block every
 * newer report until that time.
 */
export const MAX_CLOCK_SKEW_MS = 60_000;
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

/** A time that is not ahead of `nowMs` by more than the clock skew allowed. */
export function notAhead(ms: number, field: string, nowMs: number): number {
  if (ms > nowMs + MAX_CLOCK_SKEW_MS) {
    const minutes = Math.round((ms - nowMs) / 60_000);
    throw new ValidationError(
      field,
      `is ${minutes} minutes ahead of this server's clock; at most ${MAX_CLOCK_SKEW_MS / 1000} s of clock skew ` +
        'is accepted (was a local time sent as UTC?)',
    );
  }
  return ms;
}
