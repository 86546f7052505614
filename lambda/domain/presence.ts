/**
 * Who is away by Microsoft 365: an agent's Teams presence and Outlook's automatic replies, as
 * the presence sync reads them, and how they meet the statuses people set by hand. Pure: every
 * time is passed in.
 *
 * The sync writes one layer beside the hand-set statuses of the roster: per agent it holds
 * away, since when it says so and, for automatic replies, the window they are on. The layer
 * expires by itself (`expiresMs`): a sync that stopped strands nobody.
 */
import { excerpt, ValidationError } from './errors';
import { LATEST_MS, timeOf } from './times';

/** Teams states that make an agent away unless configured otherwise; compared without case. */
export const DEFAULT_AWAY_STATES: readonly string[] = [
  'Offline',
  'Away',
  'BeRightBack',
  'OffWork',
  'OutOfOffice',
];

/** The alias prefix that names an agent's Microsoft 365 (Entra) user: `m365:<object id or UPN>`. */
export const M365_ALIAS_PREFIX = 'm365:';

/** What the sync holds of one agent it found away. */
export interface SyncedAway {
  /** Presence says away (its availability or activity is an away state). */
  presence?: { since: number };
  /** Automatic replies on: from (epoch ms) until (epoch ms; none: until turned off). */
  replies?: { fromMs?: number; untilMs?: number };
}

/** The sync's layer of a company's roster. */
export interface PresenceLayer {
  /** When the pass that wrote it ran. */
  atMs: number;
  /** When it no longer counts, written a few intervals ahead. */
  expiresMs: number;
  /** When automatic replies were last read (they are read less often than presence). */
  repliesAtMs: number;
  /** Agents the sync found away, by agent token. */
  away: ReadonlyMap<string, SyncedAway>;
}

/** An agent's presence as Graph reports it. */
export interface GraphPresence {
  availability?: string;
  activity?: string;
  outOfOfficeSettings?: { isOutOfOffice?: boolean };
}

/** Whether a presence is away by the configured states (availability or activity, any case). */
export function presenceIsAway(presence: GraphPresence, awayStates: ReadonlySet<string>): boolean {
  return (
    presence.outOfOfficeSettings?.isOutOfOffice === true ||
    [presence.availability, presence.activity].some(
      (state) => typeof state === 'string' && awayStates.has(state.toLowerCase()),
    )
  );
}

/** The away states of a setting (a list of state names), in lower case. */
export function awayStatesOf(value: unknown, field: string): Set<string> {
  if (!Array.isArray(value) || value.length === 0) {
    throw new ValidationError(field, 'must be a list of Teams states, e.g. ["Offline", "Away"]');
  }
  return new Set(
    value.map((state, index) => {
      if (typeof state !== 'string' || !/^[A-Za-z]{2,40}$/.test(state)) {
        throw new ValidationError(`${field}[${index}]`, `"${excerpt(String(state))}" is no Teams state name`);
      }
      return state.toLowerCase();
    }),
  );
}

/** Graph's dateTimeTimeZone. */
export interface GraphDateTime {
  dateTime?: string;
  timeZone?: string;
}

/** Graph's automaticRepliesSetting. */
export interface GraphAutomaticReplies {
  status?: string;
  scheduledStartDateTime?: GraphDateTime;
  scheduledEndDateTime?: GraphDateTime;
}

/**
 * The window automatic replies make an agent away in, or undefined when they are off (or their
 * window is over at `nowMs`). `alwaysEnabled`: from now, with no end; `scheduled`: its window.
 * The sync asks Graph for UTC; a time given in Amsterdam's zone (by its IANA or Windows name)
 * is read as such, any other zone as UTC.
 */
export function repliesWindow(
  replies: GraphAutomaticReplies,
  nowMs: number,
): SyncedAway['replies'] | undefined {
  const status = replies.status?.toLowerCase();
  if (status === 'alwaysenabled') return {};
  if (status !== 'scheduled') return undefined;
  const fromMs = graphTime(replies.scheduledStartDateTime);
  const untilMs = graphTime(replies.scheduledEndDateTime);
  if (untilMs !== undefined && untilMs <= nowMs) return undefined;
  return { ...(fromMs !== undefined ? { fromMs } : {}), ...(untilMs !== undefined ? { untilMs } : {}) };
}

const AMSTERDAM_ZONES = new Set(['europe/amsterdam', 'w. europe standard time']);

function graphTime(value: GraphDateTime | undefined): number | undefined {
  const text = value?.dateTime?.trim();
  if (!text) return undefined;
  // Graph writes seven fraction digits; the minute is all that matters here.
  const wall = /^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2}(?::\d{2})?)/.exec(text);
  if (!wall) return undefined;
  const local = AMSTERDAM_ZONES.has((value?.timeZone ?? '').toLowerCase());
  try {
    const ms = timeOf(local ? `${wall[1]} ${wall[2]}` : `${wall[1]}T${wall[2]}Z`, 'dateTime');
    return ms <= LATEST_MS ? ms : undefined;
  } catch {
    return undefined;
  }
}

/** How an agent's away comes about, for the roster's readers. */
export type AwaySource = 'manual' | 'presence' | 'replies';

/** Whether what the sync holds of an agent makes them away at `nowMs`, and until when. */
export function syncedAwayAt(
  synced: SyncedAway | undefined,
  nowMs: number,
): { via: AwaySource; untilMs?: number; sinceMs: number } | undefined {
  if (!synced) return undefined;
  const replies = synced.replies;
  if (replies && (replies.fromMs === undefined || replies.fromMs <= nowMs)) {
    if (replies.untilMs === undefined || replies.untilMs > nowMs) {
      return {
        via: 'replies',
        sinceMs: replies.fromMs ?? synced.presence?.since ?? 0,
        ...(replies.untilMs !== undefined ? { untilMs: replies.untilMs } : {}),
      };
    }
  }
  if (synced.presence) return { via: 'presence', sinceMs: synced.presence.since };
  return undefined;
}
