import {
  ContentionError,
  DeadlineError,
  tableRequests,
  withRetries,
  worstCaseMs,
} from '../../../lambda/store/requests';

const POLICY = { attempts: 3, attemptTimeoutMs: 200, firstDelayMs: 1 };
const throttled = () => Object.assign(new Error('slow down'), { name: 'ThrottlingException' });

describe('withRetries', () => {
  it('tries a transient failure again, up to the attempts, and gives back the last failure', async () => {
    let tries = 0;
    const attempt = async () => {
      tries++;
      throw throttled();
    };

    await expect(withRetries(POLICY, undefined, attempt)).rejects.toMatchObject({
      name: 'ThrottlingException',
    });
    expect(tries).toBe(3);
  });

  it('answers with the first success after transient failures', async () => {
    let tries = 0;
    const result = await withRetries(POLICY, undefined, async () => {
      if (++tries < 3) throw throttled();
      return 'done';
    });

    expect([result, tries]).toEqual(['done', 3]);
  });

  it('fails at once on what a retry cannot help: a refused condition, a missing table', async () => {
    let tries = 0;
    const refused = Object.assign(new Error('no'), { name: 'ConditionalCheckFailedException' });

    await expect(
      withRetries(POLICY, undefined, async () => {
        tries++;
        throw refused;
      }),
    ).rejects.toBe(refused);
    expect(tries).toBe(1);
  });

  it('aborts an attempt after its timeout and tries again', async () => {
    let tries = 0;
    const hangs = (signal: AbortSignal) =>
      new Promise<never>((_, reject) => {
        tries++;
        signal.addEventListener('abort', () =>
          reject(Object.assign(new Error('aborted'), { name: 'AbortError' })),
        );
      });

    await expect(withRetries(POLICY, undefined, hangs)).rejects.toMatchObject({ name: 'AbortError' });
    expect(tries).toBe(3);
  });

  it('stops at the caller’s deadline, whatever attempts are left', async () => {
    const deadline = AbortSignal.timeout(50);
    const policy = { attempts: 100, attemptTimeoutMs: 10_000, firstDelayMs: 20 };

    await expect(
      withRetries(policy, deadline, async () => {
        throw throttled();
      }),
    ).rejects.toBeInstanceOf(DeadlineError);
  });

  it('states the longest a request can take', () => {
    expect(worstCaseMs({ attempts: 1, attemptTimeoutMs: 5000, firstDelayMs: 250 })).toBe(5000);
    expect(worstCaseMs({ attempts: 2, attemptTimeoutMs: 5000, firstDelayMs: 250 })).toBe(10_375);
  });
});

describe('the back-off after others’ writes', () => {
  it('waits longer each time and gives up with a ContentionError at the deadline', async () => {
    const backOff = tableRequests(POLICY, AbortSignal.timeout(100)).backOff();
    let waits = 0;
    const tryForever = async () => {
      for (;;) {
        await backOff.wait();
        waits++;
      }
    };

    await expect(tryForever()).rejects.toBeInstanceOf(ContentionError);
    expect(waits).toBeGreaterThan(2);
  });
});
