/**
 * End to end through `npm start`: a Moneybird invoice turning late sends the caller's next call
 * to finance and its paid event sends them on; a Zendesk ticket assigned to an alias of 1003
 * answers 1003 and, solved, the next rule. Signed with the secrets `npm start` minted in its
 * data folder, over real HTTP.
 */
import { readFileSync } from 'node:fs';
import type { RunningLocal } from '../../../local/app';
import { DEMO_COMPANY } from '../../../local/demo';
import { localSecretsFile } from '../../../local/secrets';
import {
  type Delivery,
  invoiceEvent,
  moneybirdContact,
  moneybirdDelivery,
  moneybirdInvoice,
} from '../../../local/standins/moneybird';
import { triggerBody, zendeskDelivery } from '../../../local/standins/zendesk';
import { callLocal, startTestLocal } from '../../support/local-app';

let local: RunningLocal;
beforeAll(async () => {
  local = await startTestLocal();
});
afterAll(() => local.stop());

const secretOf = (source: string): string =>
  JSON.parse(readFileSync(localSecretsFile(local.dataDir), 'utf8'))[DEMO_COMPANY][source].secrets[0];
const deliver = async (source: string, delivery: Delivery) => {
  const response = await fetch(`${local.url}connectors/${source}?com_id=${DEMO_COMPANY}`, {
    method: 'POST',
    headers: delivery.headers,
    body: delivery.body,
  });
  return { status: response.status, body: (await response.json()) as { outcome: string } };
};
const answerOf = async (caller: string) => (await callLocal(local, caller)).answer;

it('a late Moneybird invoice answers finance, and its payment the next rule', async () => {
  const t0 = Date.now() - 60_000;
  const contact = moneybirdContact('4711', ['+31 (0)70-123 45 67'], t0);
  const send = (state: string, at: number) =>
    deliver(
      'moneybird',
      moneybirdDelivery(invoiceEvent(moneybirdInvoice('8001', contact, state, at)), [secretOf('moneybird')]),
    );
  expect(await answerOf('0701234567')).toBe('default');
  expect(await send('late', t0 + 1000)).toEqual({
    status: 200,
    body: expect.objectContaining({ outcome: 'accepted' }),
  });
  expect(await answerOf('0701234567')).toBe('finance');
  await send('paid', t0 + 2000);
  expect(await answerOf('0701234567')).toBe('default');
});

it('a Zendesk ticket assigned to an alias of 1003 answers 1003, and solved the next rule', async () => {
  const agent = await fetch(`${local.url}agents/1003?com_id=${DEMO_COMPANY}`, {
    method: 'PUT',
    headers: { authorization: `Bearer ${local.adminToken}`, 'content-type': 'application/json' },
    body: JSON.stringify({ aliases: ['anna@acme.nl'] }),
  });
  expect(agent.status).toBe(200);
  const ticket = {
    id: 77,
    status: 'open' as const,
    requesterId: 1,
    requesterPhone: '070 7654321',
    requesterEmail: 'klant@example.nl',
    assigneeId: 2,
    assigneeEmail: 'anna@acme.nl',
    updatedAtMs: Date.now() - 30_000,
  };
  const send = (status: 'open' | 'solved', at: number) =>
    deliver(
      'zendesk',
      zendeskDelivery(triggerBody({ ...ticket, status, updatedAtMs: at }), secretOf('zendesk'), at),
    );
  expect((await send('open', Date.now() - 20_000)).status).toBe(200);
  expect(await answerOf('0707654321')).toBe('1003');
  await send('solved', Date.now() - 10_000);
  expect(await answerOf('0707654321')).toBe('default');
});
