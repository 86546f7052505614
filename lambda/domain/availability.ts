/**
 * Agents and whether they can answer: a company's roster as an admin or an HR export keeps
 * it (the platform exposes no presence API). Pure: `nowMs` is passed in.
 */

/** What the roster says of one agent. */
export interface AgentStatus {
  /** False: not available (holiday, left, marked away) until `untilMs`, or for good without it. */
  available: boolean;
  /** When a status of `available: false` ends by itself, epoch ms. */
  untilMs?: number;
  name?: string;
}

/** A company's agents by their token (`1003`, `sip:alice`). An agent not in it counts as available. */
export type Roster = ReadonlyMap<string, AgentStatus>;

/** Whether an agent can be routed to now, and if not, until when. */
export interface Availability {
  available: boolean;
  untilMs?: number;
}

/**
 * An agent's availability at `nowMs`. Unknown roster (it could not be read) or an agent it
 * does not hold: available, since a missing roster must not keep callers from their agent.
 */
export function availabilityOf(roster: Roster | undefined, agent: string, nowMs: number): Availability {
  const status = roster?.get(agent);
  if (!status || status.available) return { available: true };
  if (status.untilMs !== undefined && status.untilMs <= nowMs) return { available: true };
  return status.untilMs === undefined ? { available: false } : { available: false, untilMs: status.untilMs };
}
