import { PutItemCommand } from '@aws-sdk/client-dynamodb';
import { callerPartitionKey } from '../../../lambda/store/items';
import { DEMO_COMPANY } from '../../../local/demo';
import { callBody } from '../../../local/events';
import {
  ADMIN_TOKEN,
  NEXT_WEBHOOK_TOKEN,
  useDynalite,
  WEBHOOK_TOKEN,
  webhookUnderTest,
} from '../../support/harness';
import { fixture } from '../../support/paths';

const COMPANY = DEMO_COMPANY;
const OTHER_COMPANY = 'aaaabbbbccccddddeeeeffff00001111';
const DAY_MS = 86_400_000;
const json = { 'content-type': 'application/json' };
const manualExample = fixture('manual-example.txt');

const dynamo = useDynalite();
let webhook: Awaited<ReturnType<typeof webhookUnderTest>>;
beforeEach(async () => {
  webhook = await webhookUnderTest(dynamo().endpoint);
});
afterEach(() => webhook.destroy());

const postCall = (fields: Record<string, string> = {}, query: Record<string, string> = {}) =>
  webhook.call({
    body: callBody(fields),
    headers: json,
    query: { token: WEBHOOK_TOKEN, ...query },
  });

describe('the webhook answers', () => {
  it('a plain-text token that is not cached', async () => {
    const result = await postCall();
    expect(result).toEqual({
      statusCode: 200,
      headers: { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store' },
      body: 'default',
    });
  });

  it("the manual's example as printed", async () => {
    const result = await webhook.call({ body: manualExample, headers: json });
    expect(result).toMatchObject({ statusCode: 200, body: 'default' });
    const stored = await webhook.stores.callers.getCaller(COMPANY, '31152026057', Date.now());
    expect(stored).toMatchObject({ calls: 1, lastUuid: 'b587f4ee-718d-11ed-88ee-b97829e8fee4' });
  });

  it('a form body and a base64 body like a JSON one', async () => {
    const form = new URLSearchParams({
      com_id: COMPANY,
      caller_number: '0612345678',
      uuid: 'form-1',
    }).toString();
    const formResult = await webhook.call({
      body: form,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    const base64Result = await webhook.call({
      body: callBody({ caller_number: '+31612345678' }),
      base64: true,
      headers: json,
    });
    expect([formResult.statusCode, base64Result.statusCode]).toEqual([200, 200]);
    expect(await webhook.stores.callers.getCaller(COMPANY, '31612345678', Date.now())).toMatchObject({
      calls: 2,
    });
  });

  it('finance for a caller with unpaid invoices', async () => {
    await webhook.putFacts(COMPANY, '31152026057', { openInvoices: 2 }, Date.now());
    expect((await postCall({ caller_number: '0152026057' })).body).toBe('finance');
    expect(webhook.logs.at(-1)).toMatchObject({
      answer: 'finance',
      reason: 'rule:unpaid-invoices',
      profile: 'default',
    });
  });

  it("the ticket's agent for a caller with an open ticket", async () => {
    await webhook.putFacts(COMPANY, '31152026057', { ticketAgent: '1003' }, Date.now());
    expect((await postCall({ caller_number: '+31 15 202 6057' })).body).toBe('1003');
  });

  it('the last agent within 30 days, and not after', async () => {
    const now = Date.now();
    await webhook.stores.callers.recordHandled(
      COMPANY,
      '31152026057',
      { agent: '1004', id: 'c1', atMs: now - DAY_MS },
      now,
    );
    expect((await postCall()).body).toBe('1004');
    await webhook.stores.callers.recordHandled(
      COMPANY,
      '31612345678',
      { agent: '1005', id: 'c2', atMs: now - 31 * DAY_MS },
      now,
    );
    expect((await postCall({ caller_number: '0612345678' })).body).toBe('default');
  });

  it('anonymous and secret (*****) callers their own answer, without touching DynamoDB', async () => {
    const before = dynamo().requestCount();
    for (const caller_number of ['', 'anonymous', 'Unknown', '*****']) {
      expect((await postCall({ caller_number })).body).toBe('anonymous');
    }
    expect(dynamo().requestCount()).toBe(before);
  });

  it('a GET from the profile rules for an unknown caller, without touching DynamoDB', async () => {
    const before = dynamo().requestCount();
    const result = await webhook.call({ method: 'GET' });
    expect(result).toMatchObject({ statusCode: 200, body: 'default' });
    expect(dynamo().requestCount()).toBe(before);
  });

  it('internal extensions as their own callers', async () => {
    await webhook.putFacts(COMPANY, 'ext:1003', { ticketAgent: '1009' }, Date.now());
    expect((await postCall({ caller_number: '1003' })).body).toBe('1009');
  });

  it('from the profile named in the URL', async () => {
    const profiles = JSON.stringify({
      default: { rules: [{ name: 'all', answer: 'default' }] },
      repeat: {
        rules: [
          { name: 'again', when: { callsAtLeast: 1, lastCallWithin: '15m' }, answer: 'again' },
          { name: 'first', answer: 'first' },
        ],
      },
    });
    webhook.destroy();
    webhook = await webhookUnderTest(dynamo().endpoint, { env: { PROFILES: profiles } });
    expect((await postCall({}, { profile: 'repeat' })).body).toBe('first');
    expect((await postCall({}, { profile: 'repeat' })).body).toBe('again');
    expect((await postCall({})).body).toBe('default');
  });

  it('the fallback at once, without DynamoDB, when the kill switch is on', async () => {
    webhook.destroy();
    webhook = await webhookUnderTest(dynamo().endpoint, { env: { KILL_SWITCH: 'on' } });
    await webhook.putFacts(COMPANY, '31152026057', { openInvoices: 2 }, Date.now());
    const before = dynamo().requestCount();
    expect((await postCall()).body).toBe('default');
    expect(dynamo().requestCount()).toBe(before);
    expect(webhook.logs.at(-1)).toMatchObject({ fallbackCause: 'kill-switch' });
  });
});

describe('the webhook records', () => {
  it('each call once: count, last call time and uuid', async () => {
    const before = Date.now();
    await postCall({ uuid: 'call-1' });
    await postCall({ uuid: 'call-2' });
    const stored = await webhook.stores.callers.getCaller(COMPANY, '31152026057', Date.now());
    expect(stored).toMatchObject({ calls: 2, lastUuid: 'call-2' });
    expect(stored?.lastCallAt).toBeGreaterThanOrEqual(before);
    expect(stored?.expiresAt).toBeGreaterThan(Date.now() / 1000 + 399 * 86_400);
  });

  it('a call delivered twice as one, and answers both the same', async () => {
    await webhook.putFacts(COMPANY, '31152026057', { ticketAgent: '1003' }, Date.now());
    const first = await postCall({ uuid: 'dup-1' });
    const second = await postCall({ uuid: 'dup-1' });
    expect([first.body, second.body]).toEqual(['1003', '1003']);
    expect(await webhook.stores.callers.getCaller(COMPANY, '31152026057', Date.now())).toMatchObject({
      calls: 1,
    });
  });

  it('50 concurrent calls of one caller as exactly 50', async () => {
    const results = await Promise.all(
      Array.from({ length: 50 }, () => postCall({ caller_number: '0687654321' })),
    );
    expect(results.every((result) => result.statusCode === 200 && result.body === 'default')).toBe(true);
    expect(webhook.logs.filter((entry) => entry.fallbackCause)).toEqual([]);
    expect(await webhook.stores.callers.getCaller(COMPANY, '31687654321', Date.now())).toMatchObject({
      calls: 50,
    });
  });

  it('an expired record as absent, starting it afresh', async () => {
    const expiredAt = Math.floor(Date.now() / 1000) - 60;
    await webhook.client.send(
      new PutItemCommand({
        TableName: webhook.config.tableName,
        Item: {
          pk: { S: callerPartitionKey(COMPANY, '31152026057') },
          calls: { N: '7' },
          openInvoices: { N: '3' },
          expiresAt: { N: String(expiredAt) },
        },
      }),
    );
    expect((await postCall()).body).toBe('default');
    const stored = await webhook.stores.callers.getCaller(COMPANY, '31152026057', Date.now());
    expect(stored).toMatchObject({ calls: 1 });
    expect(stored?.openInvoices).toBeUndefined();
  });

  it('the callers of two companies apart', async () => {
    await webhook.putFacts(COMPANY, '31152026057', { openInvoices: 1 }, Date.now());
    expect((await postCall({ com_id: OTHER_COMPANY })).body).toBe('default');
    expect((await postCall({ com_id: COMPANY })).body).toBe('finance');
    expect(await webhook.stores.callers.getCaller(OTHER_COMPANY, '31152026057', Date.now())).toMatchObject({
      calls: 1,
    });
    expect(await webhook.stores.callers.getCaller(COMPANY, '31152026057', Date.now())).toMatchObject({
      calls: 1,
      openInvoices: 1,
    });
  });

  it('nothing for a call without com_id, deciding as for an unknown caller', async () => {
    const before = dynamo().requestCount();
    const body = JSON.stringify({ caller_number: '31152026057', uuid: 'x' });
    expect(await webhook.call({ body, headers: json })).toMatchObject({ statusCode: 200, body: 'default' });
    expect(dynamo().requestCount()).toBe(before);
    expect(webhook.logs.at(-1)?.reason).toBe('rule:otherwise (no com_id)');
  });
});

describe('the webhook refuses, touching nothing', () => {
  let before: number;
  beforeEach(() => {
    before = dynamo().requestCount();
  });
  afterEach(() => {
    expect(dynamo().requestCount()).toBe(before);
  });

  it.each<[string, Record<string, string>]>([
    ['no token', {}],
    ['an empty token', { token: '' }],
    ['a wrong token', { token: 'guess' }],
    ['the admin token', { token: ADMIN_TOKEN }],
  ])('%s with 401 and a fixed body', async (_name, query) => {
    const result = await webhook.call({ body: callBody(), headers: json, query });
    expect(result).toMatchObject({ statusCode: 401, body: 'unauthorized' });
  });

  it.each<[string, Parameters<typeof webhook.call>[0], number, string]>([
    [
      'an unknown profile',
      {
        body: callBody(),
        headers: json,
        query: { token: WEBHOOK_TOKEN, profile: 'nope' },
      },
      400,
      'unknown profile "nope"; configured: default',
    ],
    [
      'a bad caller number',
      { body: callBody({ caller_number: 'call me' }), headers: json },
      400,
      'field caller_number is not a phone number',
    ],
    ['a bad com_id', { body: callBody({ com_id: 'a#b' }), headers: json }, 400, 'field com_id must be'],
    ['invalid JSON', { body: '{"caller_number": 1', headers: json }, 400, 'invalid JSON at line 1'],
    [
      'a number field',
      { body: '{"caller_number": 31152026057}', headers: json },
      400,
      'field caller_number must be a string',
    ],
    ['a body over 16 KiB', { body: 'x'.repeat(20_000), headers: json }, 413, 'at most 16384'],
    [
      'a base64 body over 16 KiB',
      { body: 'x'.repeat(20_000), headers: json, base64: true },
      413,
      'body is 20000 bytes',
    ],
    ['a PUT', { method: 'PUT', body: callBody(), headers: json }, 405, 'method PUT is not allowed'],
    ['XML', { body: '<call/>', headers: { 'content-type': 'text/xml' } }, 415, 'text/xml is not supported'],
  ])('%s', async (_name, input, status, message) => {
    const result = await webhook.call(input);
    expect(result.statusCode).toBe(status);
    expect(result.body).toContain(message);
    expect(result.body).not.toMatch(/\n\s+at /);
  });

  it('an unknown profile without echoing the line breaks it was sent with', async () => {
    const result = await webhook.call({
      body: callBody(),
      headers: json,
      query: { token: WEBHOOK_TOKEN, profile: 'x\r\nSet-Cookie: y' },
    });
    expect(result.statusCode).toBe(400);
    expect(result.body).toContain('unknown profile "x  Set-Cookie: y"');
    expect(result.body).not.toMatch(/[\r\n]/);
  });

  it('a source outside the allowlist with 403', async () => {
    webhook.destroy();
    webhook = await webhookUnderTest(dynamo().endpoint, {
      env: { ALLOWED_SOURCE_CIDRS: '198.51.100.0/24, 2001:db8::/32' },
    });
    before = dynamo().requestCount();
    expect(
      (await webhook.call({ body: callBody(), headers: json, sourceIp: '203.0.113.7' })).statusCode,
    ).toBe(403);
  });
});

describe('the webhook accepts', () => {
  it('the second token during a rotation', async () => {
    const result = await webhook.call({
      body: callBody(),
      headers: json,
      query: { token: NEXT_WEBHOOK_TOKEN },
    });
    expect(result.statusCode).toBe(200);
  });

  it('sources inside the allowlist', async () => {
    webhook.destroy();
    webhook = await webhookUnderTest(dynamo().endpoint, {
      env: { ALLOWED_SOURCE_CIDRS: '198.51.100.0/24,2001:db8::/32' },
    });
    expect(
      (await webhook.call({ body: callBody(), headers: json, sourceIp: '198.51.100.20' })).statusCode,
    ).toBe(200);
    expect(
      (await webhook.call({ body: callBody(), headers: json, sourceIp: '2001:db8::5' })).statusCode,
    ).toBe(200);
  });
});
