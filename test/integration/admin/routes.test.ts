import { DEMO_COMPANY } from '../../../local/demo';
import { callBody } from '../../../local/events';
import { adminUnderTest, useDynalite, WEBHOOK_TOKEN } from '../../support/harness';

const COMPANY = DEMO_COMPANY;
const json = { 'content-type': 'application/json' };

const dynamo = useDynalite();
let api: Awaited<ReturnType<typeof adminUnderTest>>;
beforeEach(async () => {
  api = await adminUnderTest(dynamo().endpoint);
});
afterEach(() => api.destroy());

const answerFor = async (caller_number: string) =>
  (await api.call({ body: callBody({ caller_number }), headers: json, query: { token: WEBHOOK_TOKEN } }))
    .body;

describe('the admin API', () => {
  it('merges CRM facts, reads them back and routes the webhook on them', async () => {
    const put = await api.admin('PUT', '/callers/06-12345678', {
      body: { openInvoices: 2, name: 'Jansen BV' },
    });
    expect(put.statusCode).toBe(200);
    expect(JSON.parse(put.body ?? '')).toMatchObject({
      comId: COMPANY,
      number: '31612345678',
      openInvoices: 2,
      name: 'Jansen BV',
    });
    expect(await answerFor('+31612345678')).toBe('finance');

    await api.admin('PUT', '/callers/0031612345678', { body: { openInvoices: null, ticketAgent: '1003' } });
    const get = await api.admin('GET', `/callers/${encodeURIComponent('+31 6 12345678')}`);
    expect(JSON.parse(get.body ?? '')).toMatchObject({ ticketAgent: '1003', name: 'Jansen BV', calls: 1 });
    expect(JSON.parse(get.body ?? '').openInvoices).toBeUndefined();
    expect(await answerFor('0612345678')).toBe('1003');
  });

  it('records who handled a call, once per uuid, never replacing a newer report', async () => {
    const now = Date.now();
    const handled = (agent: string, uuid: string, at: number) =>
      api.admin('POST', '/handled', { body: { caller_number: '0152026057', agent, uuid, at } });
    expect(JSON.parse((await handled('1004', 'call-1', now - 60_000)).body ?? '')).toEqual({
      result: 'recorded',
    });
    expect(JSON.parse((await handled('1004', 'call-1', now - 60_000)).body ?? '')).toEqual({
      result: 'duplicate',
    });
    expect(JSON.parse((await handled('1009', 'call-0', now - 3_600_000)).body ?? '')).toEqual({
      result: 'older',
    });
    expect(await answerFor('31152026057')).toBe('1004');
    expect(JSON.parse((await handled('1005', 'call-2', now)).body ?? '')).toEqual({ result: 'recorded' });
    expect(await answerFor('31152026057')).toBe('1005');
  });

  it('takes com_id from the body of POST /handled', async () => {
    const result = await api.admin('POST', '/handled', {
      query: {},
      body: { com_id: 'other-company', caller_number: '1003', agent: '1001', uuid: 'u' },
    });
    expect(result.statusCode).toBe(200);
    expect(await api.stores.callers.getCaller('other-company', 'ext:1003', Date.now())).toMatchObject({
      lastAgent: '1001',
    });
    expect(await api.stores.callers.getCaller(COMPANY, 'ext:1003', Date.now())).toBeUndefined();
  });

  it('erases everything about a caller', async () => {
    await api.admin('PUT', '/callers/0612345678', { body: { ticketAgent: '1003', name: 'Jansen' } });
    await answerFor('0612345678');
    expect((await api.admin('DELETE', '/callers/+31612345678')).statusCode).toBe(204);
    expect((await api.admin('GET', '/callers/0612345678')).statusCode).toBe(404);
    expect(await api.stores.callers.getCaller(COMPANY, '31612345678', Date.now())).toBeUndefined();
    expect(await answerFor('0612345678')).toBe('default');
    expect((await api.admin('DELETE', '/callers/0699999999')).statusCode).toBe(404);
  });

  it('answers 404 for an unknown caller and an unknown route', async () => {
    expect((await api.admin('GET', '/callers/0699999999')).statusCode).toBe(404);
    expect((await api.admin('GET', '/nope')).statusCode).toBe(404);
  });

  describe('refuses, reading and writing nothing,', () => {
    let before: number;
    beforeEach(() => {
      before = dynamo().requestCount();
    });
    afterEach(() => {
      expect(dynamo().requestCount()).toBe(before);
    });

    it.each([
      ['no token', { headers: { authorization: '' } }],
      ['a wrong token', { token: 'guess' }],
      ['the webhook token', { token: WEBHOOK_TOKEN }],
      [
        'a token in the query instead of the header',
        { headers: { authorization: '' }, query: { com_id: COMPANY, token: WEBHOOK_TOKEN } },
      ],
    ])('%s with 401', async (_name, options) => {
      for (const [method, path] of [
        ['GET', '/callers/0612345678'],
        ['PUT', '/callers/0612345678'],
        ['DELETE', '/callers/0612345678'],
        ['POST', '/handled'],
      ] as const) {
        const result = await api.admin(method, path, { ...options, body: { openInvoices: 1 } });
        expect([result.statusCode, result.body]).toEqual([401, '{"error":"unauthorized"}']);
      }
    });

    it.each<[string, string, string, unknown, Record<string, string> | undefined, number, string]>([
      [
        'PUT',
        '/callers/call%20me!',
        'a bad number',
        { openInvoices: 1 },
        undefined,
        400,
        'number in the path is not a phone number',
      ],
      ['PUT', '/callers/anonymous', 'an anonymous number', { openInvoices: 1 }, undefined, 400, 'anonymous'],
      [
        'PUT',
        '/callers/0612345678',
        'a negative invoice count',
        { openInvoices: -1 },
        undefined,
        400,
        'field openInvoices must be a whole number',
      ],
      [
        'PUT',
        '/callers/0612345678',
        'an agent with a space',
        { ticketAgent: 'Jan Smit' },
        undefined,
        400,
        'field ticketAgent must be an agent token',
      ],
      [
        'PUT',
        '/callers/0612345678',
        'an unknown field',
        { unpaid: 1 },
        undefined,
        400,
        'unknown field unpaid',
      ],
      ['PUT', '/callers/0612345678', 'no com_id', { openInvoices: 1 }, {}, 400, 'com_id is required'],
      ['PUT', '/callers/0612345678', 'invalid JSON', '{"openInvoices":', undefined, 400, 'invalid JSON'],
      [
        'POST',
        '/handled',
        'no agent',
        { caller_number: '0612345678', uuid: 'u' },
        undefined,
        400,
        'field agent must be',
      ],
      [
        'POST',
        '/handled',
        'no uuid',
        { caller_number: '0612345678', agent: '1003' },
        undefined,
        400,
        'field uuid must be',
      ],
      [
        'POST',
        '/handled',
        'a time in seconds',
        { caller_number: '0612345678', agent: '1003', uuid: 'u', at: 1669908899 },
        undefined,
        400,
        'field at must be epoch milliseconds',
      ],
      [
        'POST',
        '/handled',
        'no caller',
        { agent: '1003', id: 'u' },
        undefined,
        400,
        'caller_number is required',
      ],
      [
        'PATCH',
        '/callers/0612345678',
        'PATCH',
        {},
        undefined,
        405,
        'method PATCH is not allowed: use GET, PUT, DELETE',
      ],
      ['GET', '/handled', 'GET /handled', undefined, undefined, 405, 'method GET is not allowed: use POST'],
    ])('%s %s with %s', async (method, path, _name, body, query, status, message) => {
      const result = await api.admin(method, path, { body, ...(query ? { query } : {}) });
      expect(result.statusCode).toBe(status);
      expect(JSON.parse(result.body ?? '').error).toContain(message);
    });
  });

  it('logs why it refused a method', async () => {
    await api.admin('PATCH', '/callers/0612345678', { body: {} });
    expect(api.adminLogs.at(-1)).toMatchObject({ status: 405, reason: 'method-not-allowed' });
  });

  it('logs each request with a masked caller', async () => {
    await api.admin('PUT', '/callers/0612345678', { body: { openInvoices: 1 } });
    expect(api.adminLogs.at(-1)).toMatchObject({
      msg: 'admin',
      status: 200,
      reason: 'put',
      caller: '3161234****',
    });
  });
});
