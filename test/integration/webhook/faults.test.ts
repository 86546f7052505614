import { performance } from 'node:perf_hooks';
import { type LocalDynamo, startDynalite } from '../../../local/dynamo';
import { callBody } from '../../../local/events';
import {
  closedPortEndpoint,
  type Fault,
  type FaultyDynamo,
  startFaultyDynamo,
} from '../../../local/fault-dynamo';
import { webhookUnderTest } from '../../support/harness';

const json = { 'content-type': 'application/json' };
// A 300 ms budget: belplan timeout 1000 ms less a 700 ms margin.
const tightBudget = { BELPLAN_TIMEOUT_MS: '1000', SAFETY_MARGIN_MS: '700' };
// Far below the fake's 10 s hang and the SDK's multi-second throttling back-off, far above 300 ms.
const WIDE_BOUND_MS = 5000;

describe('when DynamoDB misbehaves the webhook answers the fallback', () => {
  let fake: FaultyDynamo | undefined;
  afterEach(async () => {
    await fake?.close();
    fake = undefined;
  });

  it.each<[Fault, Record<string, string>, string[]]>([
    ['hang', {}, ['timeout']],
    ['throttle', {}, ['timeout', 'throttled']],
    ['server-error', {}, ['server-error', 'timeout']],
    ['throttle', { DYNAMODB_MAX_ATTEMPTS: '1', BELPLAN_TIMEOUT_MS: '10000' }, ['throttled']],
    ['server-error', { DYNAMODB_MAX_ATTEMPTS: '1', BELPLAN_TIMEOUT_MS: '10000' }, ['server-error']],
    // The SDK renames a reset connection TimeoutError; it is still a broken connection, not slowness.
    ['reset', {}, ['connection-reset']],
  ])('%s (%j), well before the belplan gives up', async (fault, env, causes) => {
    fake = await startFaultyDynamo(fault);
    const webhook = await webhookUnderTest(fake.endpoint, {
      env: { ...tightBudget, ...env },
      createTable: false,
    });
    const started = performance.now();
    const result = await webhook.call({ body: callBody(), headers: json });
    const elapsedMs = performance.now() - started;
    webhook.destroy();

    expect(result).toMatchObject({ statusCode: 200, body: 'default' });
    expect(elapsedMs).toBeLessThan(WIDE_BOUND_MS);
    expect(fake.requestCount()).toBeGreaterThan(0);
    expect(causes).toContain(webhook.logs[0]?.fallbackCause);
    expect(webhook.logs[0]?.reason).toBe(`fallback:${webhook.logs[0]?.fallbackCause}`);
  });

  it('refused connections', async () => {
    const webhook = await webhookUnderTest(await closedPortEndpoint(), {
      env: tightBudget,
      createTable: false,
    });
    const started = performance.now();
    const result = await webhook.call({ body: callBody(), headers: json });
    webhook.destroy();
    expect(result).toMatchObject({ statusCode: 200, body: 'default' });
    expect(performance.now() - started).toBeLessThan(WIDE_BOUND_MS);
    expect(webhook.logs[0]?.fallbackCause).toBe('unreachable');
  });

  it("a missing table, answering the profile's own fallback token", async () => {
    const dynamo: LocalDynamo = await startDynalite();
    const profiles = JSON.stringify({
      default: { fallback: 'queue', rules: [{ name: 'all', answer: 'default' }] },
    });
    const webhook = await webhookUnderTest(dynamo.endpoint, {
      env: { PROFILES: profiles },
      createTable: false,
    });
    const result = await webhook.call({ body: callBody(), headers: json });
    webhook.destroy();
    await dynamo.close();
    expect(result).toMatchObject({ statusCode: 200, body: 'queue' });
    expect(webhook.logs[0]).toMatchObject({
      fallbackCause: 'store-error',
      errorName: 'ResourceNotFoundException',
    });
  });
});

describe('the deadline', () => {
  it('counts the time the process spent starting on a cold start', async () => {
    // This test process has been up longer than the 300 ms budget, as if INIT had taken that long.
    const fake = await startFaultyDynamo('hang');
    const webhook = await webhookUnderTest(fake.endpoint, {
      env: tightBudget,
      createTable: false,
      deps: { coldStartFromProcessStart: true },
    });
    const result = await webhook.call({ body: callBody(), headers: json });
    const requestsOfTheColdCall = fake.requestCount();
    const warm = await webhook.call({ body: callBody(), headers: json });
    webhook.destroy();
    await fake.close();

    expect(result).toMatchObject({ statusCode: 200, body: 'default' });
    expect(webhook.logs[0]).toMatchObject({ coldStart: true, fallbackCause: 'timeout' });
    expect(webhook.logs[0]?.initMs).toBeGreaterThan(300);
    // The cold call never reached DynamoDB; the warm one had its full budget and did.
    expect(warm.statusCode).toBe(200);
    expect(webhook.logs[1]).toMatchObject({ coldStart: false, fallbackCause: 'timeout' });
    expect(requestsOfTheColdCall).toBe(0);
    expect(fake.requestCount()).toBeGreaterThanOrEqual(1);
  });
});

describe('an environment initialized ahead of its first call', () => {
  it('has its full budget, as the platform did not wait for its INIT', async () => {
    const dynamo = await startDynalite();
    const webhook = await webhookUnderTest(dynamo.endpoint, {
      env: tightBudget,
      deps: { coldStartFromProcessStart: true },
    });
    await new Promise((resolve) => setTimeout(resolve, 400));
    const result = await webhook.call({ body: callBody(), headers: json });
    webhook.destroy();
    await dynamo.close();
    expect(result).toMatchObject({ statusCode: 200, body: 'default' });
    expect(webhook.logs[0]).toMatchObject({ coldStart: true, reason: 'rule:otherwise' });
    expect(webhook.logs[0]?.initMs).toBeUndefined();
  });
});
