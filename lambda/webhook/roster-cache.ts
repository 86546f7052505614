/**
 * The webhook's view of each company's roster, kept in the execution environment so a warm
 * call stays one DynamoDB request. A roster is used for at most AGENT_CACHE_SECONDS after it
 * was read; past half that age it is refreshed beside a call that still uses it, and past all
 * of it (or never read) it is read after the call's own request, within the call's deadline.
 * A read that fails or is late never fails the call: the roster is then unknown, and every
 * agent counts as available.
 */
import type { Roster } from '../domain/availability';
import { classifyStoreError, type StoreFailure } from '../store/errors';
import type { RosterReader } from '../store/roster-reader';
import { type Deadline, withinDeadline } from './deadline';

/** The roster a call decides with. */
export interface RosterLookup {
  /** Undefined: unknown (not read in time, or the read failed). */
  roster: Roster | undefined;
  /** Why it is unknown. */
  failure?: StoreFailure;
}

/** A refresh that no call waits for still ends: a frozen environment must not keep it forever. */
const REFRESH_TIMEOUT_MS = 2000;

export class RosterCache {
  private readonly entries = new Map<string, { roster: Roster; readAtMs: number }>();
  private readonly refreshing = new Set<string>();

  /**
   * @param maxAgeMs the oldest roster a call may use; 0: read it for every call.
   * @param now wall clock in epoch ms.
   */
  constructor(
    private readonly reader: RosterReader,
    private readonly maxAgeMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** The company's roster by the deadline. Never rejects. */
  async lookup(comId: string, deadline: Deadline): Promise<RosterLookup> {
    const entry = this.entries.get(comId);
    const ageMs = entry ? this.now() - entry.readAtMs : Number.POSITIVE_INFINITY;
    if (entry && ageMs < this.maxAgeMs) {
      if (ageMs >= this.maxAgeMs / 2) this.refresh(comId);
      return { roster: entry.roster };
    }
    const result = await withinDeadline(deadline, (signal) => this.read(comId, signal));
    if (result.ok) return { roster: result.value };
    return { roster: undefined, failure: result.timedOut ? 'timeout' : classifyStoreError(result.error) };
  }

  private async read(comId: string, signal: AbortSignal): Promise<Roster> {
    const roster = await this.reader.loadRoster(comId, signal);
    this.entries.set(comId, { roster, readAtMs: this.now() });
    return roster;
  }

  /** Reads the roster again without anyone waiting; a failure leaves the cached one in place. */
  private refresh(comId: string): void {
    if (this.refreshing.has(comId)) return;
    this.refreshing.add(comId);
    this.read(comId, AbortSignal.timeout(REFRESH_TIMEOUT_MS))
      .catch(() => undefined)
      .finally(() => this.refreshing.delete(comId));
  }
}
