import { performance } from 'node:perf_hooks';
import type { Roster } from '../../../lambda/domain/availability';
import type { RosterReader } from '../../../lambda/store/roster-reader';
import type { Deadline } from '../../../lambda/webhook/deadline';
import { RosterCache } from '../../../lambda/webhook/roster-cache';

const MAX_AGE_MS = 60_000;
const away = (name: string): Roster => new Map([[name, { available: false }]]);

/** A reader that counts its reads and answers with what the test sets. */
function reader() {
  const state = { reads: 0, roster: away('1005'), fail: undefined as Error | undefined, hang: false };
  const read: RosterReader = {
    loadRoster: (_comId, signal) => {
      state.reads++;
      if (state.hang)
        return new Promise((_, reject) => signal.addEventListener('abort', () => reject(signal.reason)));
      return state.fail ? Promise.reject(state.fail) : Promise.resolve(state.roster);
    },
  };
  return { state, read };
}

const deadlineIn = (ms: number): Deadline => ({ atMs: performance.now() + ms, budgetMs: ms });
const settle = () => new Promise((resolve) => setImmediate(resolve));

describe('RosterCache', () => {
  it('reads a company’s roster once and answers from it while it is younger than half its age', async () => {
    const { state, read } = reader();
    let now = 1_000_000;
    const cache = new RosterCache(read, MAX_AGE_MS, () => now);

    const first = await cache.lookup('acme', deadlineIn(1000));
    now += MAX_AGE_MS / 2 - 1;
    const second = await cache.lookup('acme', deadlineIn(1000));

    expect([first.roster?.get('1005'), second.roster?.get('1005'), state.reads]).toEqual([
      { available: false },
      { available: false },
      1,
    ]);
  });

  it('past half its age answers from the cached roster and refreshes it beside the call, once', async () => {
    const { state, read } = reader();
    let now = 1_000_000;
    const cache = new RosterCache(read, MAX_AGE_MS, () => now);
    await cache.lookup('acme', deadlineIn(1000));
    state.roster = away('1003');
    now += MAX_AGE_MS / 2;

    const during = await Promise.all([
      cache.lookup('acme', deadlineIn(1000)),
      cache.lookup('acme', deadlineIn(1000)),
    ]);
    await settle();
    const after = await cache.lookup('acme', deadlineIn(1000));

    expect(during.map((lookup) => lookup.roster?.has('1005'))).toEqual([true, true]);
    expect([state.reads, after.roster?.has('1003')]).toEqual([2, true]);
  });

  it('keeps the cached roster when a refresh fails', async () => {
    const { state, read } = reader();
    let now = 1_000_000;
    const cache = new RosterCache(read, MAX_AGE_MS, () => now);
    await cache.lookup('acme', deadlineIn(1000));
    state.fail = Object.assign(new Error('throttled'), { name: 'ThrottlingException' });
    now += MAX_AGE_MS / 2;

    await cache.lookup('acme', deadlineIn(1000));
    await settle();
    const after = await cache.lookup('acme', deadlineIn(1000));

    expect([after.roster?.has('1005'), after.failure]).toEqual([true, undefined]);
  });

  it('reads again after its age, and says why the roster is unknown when that read fails', async () => {
    const { state, read } = reader();
    let now = 1_000_000;
    const cache = new RosterCache(read, MAX_AGE_MS, () => now);
    await cache.lookup('acme', deadlineIn(1000));
    now += MAX_AGE_MS;
    state.fail = Object.assign(new Error('throttled'), { name: 'ThrottlingException' });

    const expired = await cache.lookup('acme', deadlineIn(1000));

    expect([expired.roster, expired.failure, state.reads]).toEqual([undefined, 'throttled', 2]);
  });

  it('gives up a read at the call’s deadline: the roster is then unknown, the call not held up', async () => {
    const { state, read } = reader();
    state.hang = true;
    const cache = new RosterCache(read, MAX_AGE_MS);

    const started = performance.now();
    const lookup = await cache.lookup('acme', deadlineIn(50));

    expect([lookup.roster, lookup.failure]).toEqual([undefined, 'timeout']);
    // A wide margin: the read hangs for ever, the deadline is 50 ms.
    expect(performance.now() - started).toBeLessThan(5000);
  });

  it('with an age of 0 reads the roster for every call', async () => {
    const { state, read } = reader();
    const cache = new RosterCache(read, 0);

    await cache.lookup('acme', deadlineIn(1000));
    await cache.lookup('acme', deadlineIn(1000));

    expect(state.reads).toBe(2);
  });

  it('keeps each company’s roster apart', async () => {
    const { state, read } = reader();
    const cache = new RosterCache(read, MAX_AGE_MS);
    await cache.lookup('acme', deadlineIn(1000));
    state.roster = away('2001');

    const other = await cache.lookup('globex', deadlineIn(1000));
    const first = await cache.lookup('acme', deadlineIn(1000));

    expect([other.roster?.has('2001'), first.roster?.has('1005'), state.reads]).toEqual([true, true, 2]);
  });
});
