import { performance } from 'node:perf_hooks';
import { deadlineOf, withinDeadline } from '../../../lambda/webhook/deadline';

const belplan = { belplanTimeoutMs: 2000, safetyMarginMs: 500 };

describe('deadlineOf', () => {
  it.each<[string, { invokedAtMs: number; initMs: number; queuedMs: number | undefined }, number]>([
    [
      'a warm call with no receive time: the whole budget from the invocation',
      { invokedAtMs: 1000, initMs: 0, queuedMs: undefined },
      2500,
    ],
    ['a warm call queued 30 ms at the URL', { invokedAtMs: 1000, initMs: 0, queuedMs: 30 }, 2470],
    ['a cold start whose INIT took 200 ms', { invokedAtMs: 1000, initMs: 200, queuedMs: 5 }, 2300],
    ['a cold start queued longer than its INIT', { invokedAtMs: 1000, initMs: 100, queuedMs: 150 }, 2350],
    ['a receive time in the future (clock skew)', { invokedAtMs: 1000, initMs: 0, queuedMs: -40 }, 2500],
    ['a receive time beyond the budget (clock skew)', { invokedAtMs: 1000, initMs: 0, queuedMs: 1600 }, 2500],
  ])('%s', (_name, timing, atMs) => {
    // Act
    const deadline = deadlineOf({ ...belplan, ...timing });

    // Assess
    expect(deadline).toEqual({ atMs, budgetMs: 1500 });
  });
});

describe('withinDeadline', () => {
  const inMs = (ms: number) => ({ atMs: performance.now() + ms, budgetMs: ms });

  it('gives the value of work that ends in time', async () => {
    const result = await withinDeadline(inMs(1000), async () => 'done');
    expect(result).toEqual({ ok: true, value: 'done' });
  });

  it('gives the error of work that fails in time', async () => {
    const failure = new Error('throttled');
    const result = await withinDeadline(inMs(1000), async () => Promise.reject(failure));
    expect(result).toEqual({ ok: false, timedOut: false, error: failure });
  });

  it('times out work that outlives the deadline, and aborts its signal', async () => {
    // Prepare
    let signal: AbortSignal | undefined;
    const hang = (given: AbortSignal) => {
      signal = given;
      return new Promise<never>(() => undefined);
    };

    // Act
    const result = await withinDeadline(inMs(20), hang);

    // Assess
    expect(result).toEqual({ ok: false, timedOut: true });
    expect(signal?.aborted).toBe(true);
  });

  it('counts an error after the abort as the deadline, whatever its name', async () => {
    const result = await withinDeadline(
      inMs(20),
      (signal) =>
        new Promise((_resolve, reject) =>
          signal.addEventListener('abort', () => reject(new Error('socket hang up'))),
        ),
    );
    expect(result).toEqual({ ok: false, timedOut: true });
  });

  it('does not start work when the deadline has passed', async () => {
    const work = jest.fn(async () => 'late');
    const result = await withinDeadline(inMs(-1), work);
    expect([result, work.mock.calls.length]).toEqual([{ ok: false, timedOut: true }, 0]);
  });
});
