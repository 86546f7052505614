/**
 * One company per token: a deployment serves the companies it lists, each token opens only
 * the companies it names, and a request for any other is refused before anything is read.
 */
import { sha256Hex } from '../../../lambda/http/access';
import { callBody } from '../../../local/events';
import { adminUnderTest, useDynalite, WEBHOOK_TOKEN } from '../../support/harness';

const ACME = 'acme';
const GLOBEX = 'globex';
const ACME_WEBHOOK = 'acme-webhook-token-0123456789';
const GLOBEX_WEBHOOK = 'globex-webhook-token-0123456789';
const ACME_ADMIN = 'acme-admin-token-0123456789';
const json = { 'content-type': 'application/json' };

const dynamo = useDynalite();
let api: Awaited<ReturnType<typeof adminUnderTest>>;
afterEach(() => api.destroy());

const callAs = (token: string, comId: string) =>
  api.call({
    body: callBody({ com_id: comId, caller_number: '0612345678' }),
    headers: json,
    query: { token },
  });

describe('a deployment that lists its companies (COMPANY_IDS)', () => {
  beforeEach(async () => {
    api = await adminUnderTest(dynamo().endpoint, { COMPANY_IDS: ACME });
  });

  it('answers calls of its companies', async () => {
    await api.putFacts(ACME, '31612345678', { openInvoices: 1 }, Date.now());
    expect((await callAs(WEBHOOK_TOKEN, ACME)).body).toBe('finance');
  });

  it('refuses a call of another company with 403, reading and writing nothing', async () => {
    const before = dynamo().requestCount();
    const answer = await callAs(WEBHOOK_TOKEN, GLOBEX);
    expect([answer.statusCode, answer.body]).toEqual([403, `this token does not open com_id ${GLOBEX}`]);
    expect(dynamo().requestCount()).toBe(before);
    expect(api.logs.at(-1)?.reason).toBe('company-not-allowed');
  });

  it('refuses admin requests for another company with 403, reading and writing nothing', async () => {
    const before = dynamo().requestCount();
    const query = { com_id: GLOBEX };
    const answers = await Promise.all([
      api.admin('GET', '/callers/0612345678', { query }),
      api.admin('PUT', '/callers/0612345678', { query, body: { openInvoices: 1 } }),
      api.admin('DELETE', '/callers/0612345678', { query }),
      api.admin('POST', '/handled', {
        query,
        body: { caller_number: '0612345678', agent: '1003', uuid: 'u' },
      }),
    ]);
    expect(answers.map((answer) => answer.statusCode)).toEqual([403, 403, 403, 403]);
    expect(dynamo().requestCount()).toBe(before);
  });
});

describe('tokens that name their companies', () => {
  beforeEach(async () => {
    api = await adminUnderTest(dynamo().endpoint, {
      WEBHOOK_TOKEN_SHA256: `${sha256Hex(ACME_WEBHOOK)}:${ACME},${sha256Hex(GLOBEX_WEBHOOK)}:${GLOBEX}`,
      ADMIN_TOKEN_SHA256: `${sha256Hex(ACME_ADMIN)}:${ACME}`,
    });
  });

  it('open their own company', async () => {
    await api.putFacts(GLOBEX, '31612345678', { ticketAgent: '2001' }, Date.now());
    expect((await callAs(ACME_WEBHOOK, ACME)).statusCode).toBe(200);
    expect((await callAs(GLOBEX_WEBHOOK, GLOBEX)).body).toBe('2001');
  });

  it("never another's: its facts are not read and its count not raised", async () => {
    // Prepare
    await api.putFacts(GLOBEX, '31612345678', { openInvoices: 4 }, Date.now());
    const before = dynamo().requestCount();

    // Act
    const answer = await callAs(ACME_WEBHOOK, GLOBEX);

    // Assess
    expect(answer.statusCode).toBe(403);
    expect(dynamo().requestCount()).toBe(before);
    expect((await api.stores.callers.getCaller(GLOBEX, '31612345678', Date.now()))?.calls).toBe(0);
  });

  it('for the admin API too', async () => {
    const asAcme = (comId: string) =>
      api.admin('GET', '/callers/0612345678', { token: ACME_ADMIN, query: { com_id: comId } });
    expect((await asAcme(ACME)).statusCode).toBe(404);
    expect((await asAcme(GLOBEX)).statusCode).toBe(403);
  });
});
