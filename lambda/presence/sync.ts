/**
 * One pass of the presence sync for one company: the agents with a Microsoft 365 alias
 * (`m365:<object id>`) in the directory, their Teams presence (and, when due, their automatic
 * replies) from Graph, written as the roster's presence layer in one request — or, when
 * anything failed, nothing written at all (the layer in place stands until it expires).
 *
 * What it reports is counts and agent tokens only: never a name, an email or an object id.
 */
import { availabilityOf, type Roster, withPresenceLayer } from '../domain/availability';
import {
  type GraphAutomaticReplies,
  type GraphPresence,
  M365_ALIAS_PREFIX,
  type PresenceLayer,
  presenceIsAway,
  repliesWindow,
  type SyncedAway,
} from '../domain/presence';
import type { DirectoryStore } from '../store/directory-store';
import type { RosterStore } from '../store/roster-store';
import type { GraphClient, PassDeadline } from './graph';
import type { PresenceCompany, PresenceSettings } from './settings';

/** A change the pass makes (or, dry, would make) to whether an agent can be routed to. */
export interface AvailabilityChange {
  agent: string;
  /** `available`, or away with who says so (`presence`, `replies`, `manual`). */
  from: string;
  to: string;
}

export interface PassResult {
  comId: string;
  /** `written`; `unchanged` (nothing new, the layer still fresh); `dry-run`. */
  outcome: 'written' | 'unchanged' | 'dry-run';
  /** Agents with a Microsoft 365 alias, and those Graph knew. */
  agents: number;
  found: number;
  /** Agents the layer holds away. */
  away: number;
  /** Whether automatic replies were read in this pass. */
  repliesRead: boolean;
  changes: AvailabilityChange[];
}

export interface PassDeps {
  roster: RosterStore;
  directory: DirectoryStore;
  graph: GraphClient;
  settings: PresenceSettings;
  nowMs: number;
  deadline: PassDeadline;
  /** Only say what would change. */
  dryRun?: boolean;
}

/** An Entra object id, as the alias holds it. */
const OBJECT_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export async function presencePass(company: PresenceCompany, deps: PassDeps): Promise<PassResult> {
  const { comId } = company;
  const { settings, nowMs } = deps;
  const [directory, held] = await Promise.all([
    deps.directory.getDirectory(comId),
    deps.roster.getRosterAndLayer(comId),
  ]);
  const idsOf = new Map<string, string[]>();
  for (const [alias, agent] of directory) {
    const id = alias.slice(M365_ALIAS_PREFIX.length);
    if (!alias.startsWith(M365_ALIAS_PREFIX) || !OBJECT_ID.test(id)) continue;
    idsOf.set(agent, [...(idsOf.get(agent) ?? []), id]);
  }
  const ids = [...new Set([...idsOf.values()].flat())];
  const previous = held.layer;
  const presences: Map<string, GraphPresence> =
    ids.length > 0 ? await deps.graph.presences(ids, deps.deadline) : new Map();
  const intervalMs = settings.intervalSeconds * 1000;
  // Due a little early, so a pass that runs a few seconds late does not skip a reading.
  const repliesDue =
    !previous || nowMs - previous.repliesAtMs >= settings.repliesEverySeconds * 1000 - intervalMs / 2;
  const replies: Map<string, GraphAutomaticReplies> | undefined =
    repliesDue && ids.length > 0 ? await deps.graph.automaticReplies(ids, deps.deadline) : undefined;

  const away = new Map<string, SyncedAway>();
  for (const [agent, agentIds] of idsOf) {
    const before = previous?.away.get(agent);
    const synced: SyncedAway = {};
    if (
      agentIds.some(
        (id) => presences.has(id) && presenceIsAway(presences.get(id) as GraphPresence, settings.awayStates),
      )
    ) {
      synced.presence = { since: before?.presence?.since ?? nowMs };
    }
    const window = replies
      ? agentIds.map((id) => replies.get(id)).find((setting) => setting && repliesWindow(setting, nowMs))
      : undefined;
    const kept = replies
      ? window
        ? repliesWindow(window, nowMs)
        : undefined
      : stillOn(before?.replies, nowMs);
    if (kept) synced.replies = kept;
    if (synced.presence || synced.replies) away.set(agent, synced);
  }
  const layer: PresenceLayer = {
    atMs: nowMs,
    expiresMs: nowMs + settings.expiryIntervals * intervalMs,
    repliesAtMs: replies ? nowMs : (previous?.repliesAtMs ?? 0),
    away,
  };
  const changes = changesOf(held.roster, layer, [...idsOf.keys(), ...(previous?.away.keys() ?? [])], nowMs);
  // Unchanged and still fresh for more than half its life: no write (one every few passes keeps it alive).
  const fresh =
    previous !== undefined && previous.expiresMs - nowMs > (settings.expiryIntervals * intervalMs) / 2;
  const same = previous !== undefined && sameAway(previous.away, away) && !replies;
  const result = {
    comId,
    agents: idsOf.size,
    found: [...idsOf.values()].filter((agentIds) => agentIds.some((id) => presences.has(id))).length,
    away: away.size,
    repliesRead: replies !== undefined,
    changes,
  };
  if (deps.dryRun) return { ...result, outcome: 'dry-run' };
  if (same && fresh) return { ...result, outcome: 'unchanged' };
  await deps.roster.putPresenceLayer(comId, layer);
  return { ...result, outcome: 'written' };
}

function stillOn(replies: SyncedAway['replies'], nowMs: number): SyncedAway['replies'] {
  return replies && (replies.untilMs === undefined || replies.untilMs > nowMs) ? replies : undefined;
}

function sameAway(a: ReadonlyMap<string, SyncedAway>, b: ReadonlyMap<string, SyncedAway>): boolean {
  if (a.size !== b.size) return false;
  for (const [agent, synced] of a) {
    if (JSON.stringify(synced) !== JSON.stringify(b.get(agent))) return false;
  }
  return true;
}

/** What the new layer changes about each agent's availability now, hand-set statuses included. */
function changesOf(
  roster: Roster,
  layer: PresenceLayer,
  agents: string[],
  nowMs: number,
): AvailabilityChange[] {
  const after = withPresenceLayer(roster, layer);
  const changes: AvailabilityChange[] = [];
  for (const agent of [...new Set(agents)].sort()) {
    const from = described(availabilityOf(roster, agent, nowMs));
    const to = described(availabilityOf(after, agent, nowMs));
    if (from !== to) changes.push({ agent, from, to });
  }
  return changes;
}

function described(availability: ReturnType<typeof availabilityOf>): string {
  if (availability.available) return 'available';
  const until =
    availability.untilMs === undefined ? '' : ` until ${new Date(availability.untilMs).toISOString()}`;
  return `away (${availability.via ?? 'manual'})${until}`;
}
