/**
 * The presence sync's settings, one JSON setting (`PRESENCE`, from the stack's `presence`
 * context): which companies read their agents from which Microsoft 365 tenant with which app,
 * how often, and which Teams states count as away. The app's client secret is not a setting: it
 * is in the connectors' secret store under the source `microsoft365`.
 */
import { excerpt, ValidationError } from '../domain/errors';
import { readJson } from '../domain/json';
import { awayStatesOf, DEFAULT_AWAY_STATES } from '../domain/presence';
import { COMPANY_ID } from '../http/access';

/** The secret store's source name for the app's client secret. */
export const PRESENCE_SECRET_SOURCE = 'microsoft365';

export interface PresenceCompany {
  comId: string;
  tenantId: string;
  appId: string;
}

export interface PresenceSettings {
  companies: PresenceCompany[];
  /** How often a pass runs (the schedule's rate), seconds. */
  intervalSeconds: number;
  /** How often automatic replies are read, seconds (a multiple of passes). */
  repliesEverySeconds: number;
  /** What a pass writes counts for this many intervals, then expires by itself. */
  expiryIntervals: number;
  /** Teams states (lower case) that make an agent away. */
  awayStates: ReadonlySet<string>;
}

export const PRESENCE_DEFAULTS = {
  intervalSeconds: 60,
  repliesEverySeconds: 900,
  expiryIntervals: 5,
} as const;

/** Entra tenant and application ids are GUIDs; a tenant may also be named by its domain. */
const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const TENANT_DOMAIN = /^[a-z0-9][a-z0-9.-]{1,250}\.[a-z]{2,}$/i;
const FIELDS = ['companies', 'intervalSeconds', 'repliesEverySeconds', 'expiryIntervals', 'awayStates'];

/**
 * The settings from `PRESENCE`'s JSON text, or undefined when it is not set.
 * @throws ValidationError naming the field (prefixed `presence.`).
 */
export function parsePresenceSettings(text: string | undefined): PresenceSettings | undefined {
  if (text === undefined || text.trim() === '') return undefined;
  const value = readJson(text);
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new ValidationError(
      'presence',
      'must be an object: {"companies": [{"comId", "tenantId", "appId"}]}',
    );
  }
  const body = value as Record<string, unknown>;
  for (const key of Object.keys(body)) {
    if (!FIELDS.includes(key)) {
      throw new ValidationError('presence', `unknown field ${excerpt(key)}; known: ${FIELDS.join(', ')}`);
    }
  }
  if (!Array.isArray(body.companies) || body.companies.length === 0) {
    throw new ValidationError(
      'presence.companies',
      'must list the companies to sync: [{"comId", "tenantId", "appId"}]',
    );
  }
  const companies = body.companies.map((entry, index) => companyOf(entry, `presence.companies[${index}]`));
  const seen = new Set<string>();
  for (const { comId } of companies) {
    if (seen.has(comId)) throw new ValidationError('presence.companies', `names company ${comId} twice`);
    seen.add(comId);
  }
  const intervalSeconds = whole(
    body.intervalSeconds,
    'presence.intervalSeconds',
    PRESENCE_DEFAULTS.intervalSeconds,
    1,
    3600,
  );
  const repliesEverySeconds = whole(
    body.repliesEverySeconds,
    'presence.repliesEverySeconds',
    PRESENCE_DEFAULTS.repliesEverySeconds,
    intervalSeconds,
    86_400,
  );
  return {
    companies,
    intervalSeconds,
    repliesEverySeconds,
    expiryIntervals: whole(
      body.expiryIntervals,
      'presence.expiryIntervals',
      PRESENCE_DEFAULTS.expiryIntervals,
      2,
      60,
    ),
    awayStates:
      body.awayStates === undefined
        ? new Set(DEFAULT_AWAY_STATES.map((state) => state.toLowerCase()))
        : awayStatesOf(body.awayStates, 'presence.awayStates'),
  };
}

function companyOf(value: unknown, field: string): PresenceCompany {
  if (typeof value !== 'object' || value === null)
    throw new ValidationError(field, 'must be {"comId", "tenantId", "appId"}');
  const { comId, tenantId, appId, ...rest } = value as Record<string, unknown>;
  const unknown = Object.keys(rest)[0];
  if (unknown !== undefined)
    throw new ValidationError(field, `unknown field ${excerpt(unknown)}; known: comId, tenantId, appId`);
  if (typeof comId !== 'string' || !COMPANY_ID.test(comId))
    throw new ValidationError(`${field}.comId`, 'must be a company id');
  if (typeof tenantId !== 'string' || !(GUID.test(tenantId) || TENANT_DOMAIN.test(tenantId))) {
    throw new ValidationError(`${field}.tenantId`, "must be the Entra tenant's id (a GUID) or its domain");
  }
  if (typeof appId !== 'string' || !GUID.test(appId)) {
    throw new ValidationError(
      `${field}.appId`,
      "must be the app registration's application (client) id, a GUID",
    );
  }
  return { comId, tenantId, appId };
}

function whole(value: unknown, field: string, fallback: number, min: number, max: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw new ValidationError(field, `must be a whole number from ${min} to ${max}`);
  }
  return value;
}
