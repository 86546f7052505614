/**
 * End to end through `npm start`, over real HTTP: a HubSpot owner change makes the
 * account-manager profile answer the new owner's extension on the next call, and the sales
 * queue while that owner is away; a Pipedrive label the deployment names VIP answers
 * `priority`; a made-up webshop declared in CONNECTORS (its own JSON and HMAC header) does the
 * same without a line of code.
 */
import { createHmac } from 'node:crypto';
import type { RunningLocal } from '../../../local/app';
import { DEMO_COMPANY } from '../../../local/demo';
import { hubspotDelivery, propertyChange } from '../../../local/standins/hubspot';
import type { Delivery } from '../../../local/standins/moneybird';
import { personEvent, pipedriveDelivery, pipedrivePerson } from '../../../local/standins/pipedrive';
import { callLocal, startTestLocal } from '../../support/local-app';

const SECRETS = {
  hubspot: 'local-hubspot-client-secret-0123',
  pipedrive: 'local-pipedrive-password-0123',
  webshop: 'local-webshop-secret-0123456789',
};
/** What a company adds in cdk.json (or CONNECTORS for npm start): no code. */
const CONNECTORS = [
  {
    extends: 'pipedrive',
    rules: [
      {
        when: 'data',
        continue: true,
        tags: [{ tag: 'vip', on: 'contains(data.label_ids || `[]`, `12`)' }],
        factsVersion: 'meta.timestamp || data.update_time',
      },
    ],
  },
  {
    name: 'webshop',
    auth: {
      scheme: 'hmac',
      header: 'X-Webshop-Signature',
      algorithm: 'sha256',
      encoding: 'hex',
      prefix: 'sha256=',
      timestampHeader: 'X-Webshop-Timestamp',
      signs: 'timestamp+body',
      separator: '.',
    },
    kind: 'topic',
    rules: [
      {
        when: "starts_with(topic, 'customer.')",
        contact: 'customer.id',
        contactVersion: 'customer.updated_at',
        phones: 'customer.phones',
        tags: [{ tag: 'vip', on: "customer.tier == 'gold'" }],
        attributes: { language: 'customer.locale' },
        factsVersion: 'customer.updated_at',
      },
      { ignore: 'not-a-customer' },
    ],
  },
];

let local: RunningLocal;
beforeAll(async () => {
  local = await startTestLocal(() => undefined, {
    CONNECTORS: JSON.stringify(CONNECTORS),
    CONNECTOR_SECRETS: JSON.stringify({
      [DEMO_COMPANY]: Object.fromEntries(
        Object.entries(SECRETS).map(([source, secret]) => [source, { secrets: [secret] }]),
      ),
    }),
  });
});
afterAll(() => local.stop());

const urlOf = (source: string) => `${local.url}connectors/${source}?com_id=${DEMO_COMPANY}`;
const deliver = async (source: string, delivery: Delivery) => {
  const response = await fetch(urlOf(source), {
    method: 'POST',
    headers: delivery.headers,
    body: delivery.body,
  });
  return { status: response.status, body: (await response.json()) as { outcome: string } };
};
const admin = (path: string, body: object) =>
  fetch(`${local.url}${path}?com_id=${DEMO_COMPANY}`, {
    method: 'PUT',
    headers: { authorization: `Bearer ${local.adminToken}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
const answerOf = async (caller: string, profile: string) => (await callLocal(local, caller, profile)).answer;

it("a HubSpot owner change answers the new owner's extension, and sales while that owner is away", async () => {
  expect((await admin('agents/1006', { aliases: ['hubspot:31337'] })).status).toBe(200);
  expect((await admin('agents/1007', { aliases: ['hubspot:31338'] })).status).toBe(200);
  // HubSpot calls the https URL of the Function URL; npm start's is the same URL over http.
  const signedUrl = urlOf('hubspot').replace(/^http:/, 'https:');
  const hubspot = (events: object[]) =>
    deliver('hubspot', hubspotDelivery(events, SECRETS.hubspot, signedUrl));
  const t0 = Date.now() - 60_000;
  expect(
    await hubspot([
      propertyChange(4242, 'phone', '+31 70 555 0801', t0),
      propertyChange(4242, 'hubspot_owner_id', '31337', t0 + 1),
    ]),
  ).toEqual({ status: 200, body: expect.objectContaining({ outcome: 'accepted' }) });
  expect(await answerOf('0705550801', 'account-manager')).toBe('1006');
  await hubspot([propertyChange(4242, 'hubspot_owner_id', '31338', t0 + 2)]);
  expect(await answerOf('0705550801', 'account-manager')).toBe('1007');
  expect((await admin('agents/1007', { available: false })).status).toBe(200);
  expect(await answerOf('0705550801', 'account-manager')).toBe('sales');
});

it('a Pipedrive person with the label the deployment names VIP answers priority', async () => {
  const person = pipedrivePerson(88, ['070 555 0802'], {
    owner: 1,
    labels: [12],
    updatedAtMs: Date.now() - 5000,
  });
  const sent = await deliver(
    'pipedrive',
    pipedriveDelivery(personEvent('create', person, Date.now() - 4000), `callvoip:${SECRETS.pipedrive}`),
  );
  expect(sent).toEqual({ status: 200, body: expect.objectContaining({ outcome: 'accepted' }) });
  expect(await answerOf('0705550802', 'vip')).toBe('priority');
});

it('a webshop declared in CONNECTORS, with its own JSON and HMAC header, routes by configuration alone', async () => {
  const body = JSON.stringify({
    topic: 'customer.updated',
    customer: {
      id: 'C-17',
      phones: ['+31 70 555 0803'],
      tier: 'gold',
      locale: 'en',
      updated_at: new Date(Date.now() - 3000).toISOString(),
    },
  });
  const timestamp = String(Math.floor(Date.now() / 1000));
  const signature = createHmac('sha256', SECRETS.webshop).update(`${timestamp}.${body}`).digest('hex');
  const headers = {
    'content-type': 'application/json',
    'x-webshop-timestamp': timestamp,
    'x-webshop-signature': `sha256=${signature}`,
  };
  expect(await deliver('webshop', { headers, body })).toEqual({
    status: 200,
    body: expect.objectContaining({ outcome: 'accepted' }),
  });
  expect(await answerOf('0705550803', 'vip')).toBe('priority');
  expect(await answerOf('0705550803', 'language')).toBe('queue-en');
  const forged = await deliver('webshop', {
    headers: { ...headers, 'x-webshop-signature': 'sha256=00' },
    body,
  });
  expect(forged.status).toBe(401);
});
