/**
 * Agents and whether they can answer: a company's roster as an admin or an HR export keeps
 * it (the platform exposes no presence API). Pure: `nowMs` is passed in.
 */
import { text } from './caller-facts';
import { excerpt, ValidationError } from './errors';
import { type AwaySource, type PresenceLayer, type SyncedAway, syncedAwayAt } from './presence';
import { timeOf } from './times';

/** An agent's name, as people write it. */
const MAX_NAME_CHARS = 128;

/**
 * The most agents a company's roster holds: one item that the webhook reads in one request,
 * well inside DynamoDB's 400 KB item limit (1 000 agents with 128-character names: ~260 KB).
 */
export const MAX_AGENTS = 1000;

/** A new agent would make the roster longer than it may be. */
export class RosterFullError extends ValidationError {
  override readonly logReason = 'roster-full';
  constructor() {
    super(
      undefined,
      `the roster holds ${MAX_AGENTS} agents, the most a company may have: forget agents who left ` +
        '(DELETE /agents/{agent}, or npm run callers -- agent <agent> --forget) before adding another',
    );
  }
}

/** What the roster says of one agent. */
export interface AgentStatus {
  /** False: not available (holiday, left, marked away) until `untilMs`, or for good without it. */
  available: boolean;
  /** When a status of `available: false` ends by itself, epoch ms. */
  untilMs?: number;
  name?: string;
  /** When the status was set by hand (console, API, CLI), epoch ms. */
  setAtMs?: number;
  /** False: nobody set a status; the agent is in the roster for what the presence sync found. */
  handSet?: false;
  /** What the presence sync found, while its layer has not expired. */
  synced?: { expiresMs: number; away: SyncedAway };
}

/** A company's agents by their token (`1003`, `sip:alice`). An agent not in it counts as available. */
export type Roster = ReadonlyMap<string, AgentStatus>;

/** Whether an agent can be routed to now, and if not, until when and who says so. */
export interface Availability {
  available: boolean;
  untilMs?: number;
  /** Who made the agent away: set by hand, Teams presence, or Outlook's automatic replies. */
  via?: AwaySource;
}

/**
 * An agent's availability at `nowMs`. Unknown roster (it could not be read) or an agent it
 * does not hold: available, since a missing roster must not keep callers from their agent.
 * A status set by hand wins over the presence sync until it ends: away by hand is away; back by
 * hand is back, until the sync finds the agent away anew (an away that began after it was set).
 * What the sync found counts only until its layer expires, so a stopped sync strands nobody.
 */
export function availabilityOf(roster: Roster | undefined, agent: string, nowMs: number): Availability {
  const status = roster?.get(agent);
  if (!status) return { available: true };
  const handSet = status.handSet !== false;
  if (handSet && !status.available && (status.untilMs === undefined || status.untilMs > nowMs)) {
    return {
      available: false,
      via: 'manual',
      ...(status.untilMs === undefined ? {} : { untilMs: status.untilMs }),
    };
  }
  const synced =
    status.synced && status.synced.expiresMs > nowMs ? syncedAwayAt(status.synced.away, nowMs) : undefined;
  if (!synced) return { available: true };
  if (handSet && status.available && (status.setAtMs ?? 0) >= synced.sinceMs) return { available: true };
  return {
    available: false,
    via: synced.via,
    ...(synced.untilMs === undefined ? {} : { untilMs: synced.untilMs }),
  };
}

/**
 * The roster with `layer` as the presence sync's layer, in place of the one it held: each
 * hand-set status keeps what was set by hand, and every agent the layer holds away carries it
 * (an agent nobody set a status for joins as `handSet: false`).
 */
export function withPresenceLayer(
  roster: Roster,
  layer: PresenceLayer | undefined,
): Map<string, AgentStatus> {
  const merged = new Map<string, AgentStatus>();
  for (const [agent, { synced: _replaced, ...status }] of roster) {
    if (status.handSet !== false) merged.set(agent, status);
  }
  for (const [agent, away] of layer?.away ?? []) {
    const synced = { expiresMs: layer?.expiresMs ?? 0, away };
    const status = merged.get(agent);
    merged.set(agent, status ? { ...status, synced } : { available: true, handSet: false, synced });
  }
  return merged;
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
      throw new ValidationError(
        undefined,
        `unknown field ${excerpt(key)}; known: ${AGENT_FIELDS.join(', ')}`,
      );
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
