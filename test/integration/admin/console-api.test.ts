import { createHmac } from 'node:crypto';
/**
 * What the console reads besides callers and agents: `GET /setup` (the belplan's URL, timeout
 * and branches, from the deployed profiles) and `GET /activity` (each source's last delivery and
 * its last 24 hours, counted as deliveries arrive, older hours dropped).
 */
import { DEMO_COMPANY } from '../../../local/demo';
import {
  invoiceEvent,
  moneybirdContact,
  moneybirdDelivery,
  moneybirdInvoice,
} from '../../../local/standins/moneybird';
import { adminUnderTest, CONNECTOR_SECRETS, useDynalite } from '../../support/harness';

const dynamo = useDynalite();
const HOUR = 3_600_000;

it("GET /setup gives each profile's answers as branches, the timeout and how soon an agent change reaches calls", async () => {
  const api = await adminUnderTest(dynamo().endpoint, {
    BELPLAN_TIMEOUT_MS: '3000',
    AGENT_CACHE_SECONDS: '30',
    WEBHOOK_URL: 'https://abc.lambda-url.eu-west-1.on.aws/',
  });
  const setup = JSON.parse((await api.admin('GET', '/setup')).body ?? '{}');
  expect(setup).toMatchObject({
    webhookUrl: 'https://abc.lambda-url.eu-west-1.on.aws/',
    belplanTimeoutMs: 3000,
    agentCacheSeconds: 30,
  });
  expect(setup.profiles.find((profile: { name: string }) => profile.name === 'default')).toEqual({
    name: 'default',
    answers: [
      { answer: 'finance', rule: 'unpaid-invoices', kind: 'literal' },
      { answer: '{ticketAgent}', rule: 'open-ticket', kind: 'agent' },
      { answer: '{lastAgent}', rule: 'recent-agent', kind: 'agent' },
      { answer: 'default', rule: 'otherwise', kind: 'literal' },
    ],
    fallback: 'default',
    anonymous: 'anonymous',
  });
  expect((await api.admin('GET', '/setup', { token: 'wrong' })).statusCode).toBe(401);
  api.destroy();
});

it("GET /activity counts each source's deliveries of the last 24 hours by outcome, and drops older hours", async () => {
  let now = Date.now() - 30 * HOUR;
  const api = await adminUnderTest(dynamo().endpoint, {}, { now: () => now });
  const contact = moneybirdContact('a1', ['0201234567'], now - 5000);
  const deliver = (delivery: { headers: Record<string, string>; body: string }) =>
    api.admin('POST', '/connectors/moneybird', {
      query: { com_id: DEMO_COMPANY },
      headers: delivery.headers,
      body: delivery.body,
    });
  const signed = (state: string, atMs: number) =>
    moneybirdDelivery(
      invoiceEvent(moneybirdInvoice('1', contact, state, atMs)),
      [CONNECTOR_SECRETS.moneybird],
      atMs,
    );
  // A day and more ago: counted then, dropped now.
  await deliver(signed('late', now - 1000));
  now += 29 * HOUR;
  await deliver(signed('late', now - 3000));
  await deliver(signed('late', now - 3000));
  await deliver(signed('paid', now - 2000));
  const t = String(Math.floor(now / 1000));
  const broken = '{"broken';
  const v1 = createHmac('sha256', CONNECTOR_SECRETS.moneybird).update(`${t}.${broken}`).digest('hex');
  await deliver({
    headers: { 'content-type': 'application/json', 'moneybird-signature': `t=${t},v1=${v1}` },
    body: broken,
  });
  await deliver(moneybirdDelivery({}, ['wrong-secret-0000'], now));
  const { sources } = JSON.parse((await api.admin('GET', '/activity')).body ?? '{}');
  expect(sources).toEqual([
    {
      source: 'moneybird',
      lastAtMs: now,
      lastOutcome: 'refused',
      counts: { accepted: 2, duplicate: 1, ignored: 0, refused: 1, unreadable: 1, failed: 0 },
    },
  ]);
  const item = await api.stores.activity.recent(DEMO_COMPANY, now);
  expect(item).toEqual(sources);
  api.destroy();
});
