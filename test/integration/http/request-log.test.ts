import { format } from 'node:util';
import { credentialsFromEnvironment, DEFAULTS, parseConfig } from '../../../lambda/config';
import { sha256Hex } from '../../../lambda/http/access';
import { createDynamoClient } from '../../../lambda/store/client';
import { webhookDynamo, webhookStores } from '../../../lambda/store/webhook-stores';
import { createWebhookHandler } from '../../../lambda/webhook/handler';
import { DEMO_COMPANY } from '../../../local/demo';
import { ensureCallerTable } from '../../../local/dynamo';
import { callBody, functionUrlEvent } from '../../../local/events';
import { closedPortEndpoint } from '../../../local/fault-dynamo';
import { ADMIN_TOKEN, useDynalite, WEBHOOK_TOKEN, webhookUnderTest } from '../../support/harness';

const json = { 'content-type': 'application/json' };
const WRONG_TOKEN = 'wrong-token-that-someone-guessed-42';
const NUMBERS = [
  { raw: '31152026057', secret: ['31152026057', '152026057'] },
  { raw: '+31 6 12345678', secret: ['31612345678', '612345678', '6 12345678'] },
  { raw: '0687654321', secret: ['31687654321', '687654321'] },
];

const dynamo = useDynalite();

/** Runs requests through handlers that log with the real console sink, and returns all console output. */
async function captureLogs(endpoint: string): Promise<string> {
  const lines: string[] = [];
  const spies = (['log', 'info', 'warn', 'error', 'debug'] as const).map((level) =>
    jest.spyOn(console, level).mockImplementation((...args: unknown[]) => {
      lines.push(format(...args), JSON.stringify(args));
    }),
  );
  const config = parseConfig({
    TABLE_NAME: 'callers-logs',
    AWS_ENDPOINT_URL_DYNAMODB: endpoint,
    WEBHOOK_TOKEN_SHA256: sha256Hex(WEBHOOK_TOKEN),
    ADMIN_TOKEN_SHA256: sha256Hex(ADMIN_TOKEN),
    BELPLAN_TIMEOUT_MS: '1000',
    SAFETY_MARGIN_MS: '700',
  });
  const client = createDynamoClient({ region: DEFAULTS.region, endpoint, maxAttempts: 1 });
  await ensureCallerTable(client, config.tableName).catch(() => undefined);
  const dynamo = webhookDynamo(config, credentialsFromEnvironment());
  const handler = createWebhookHandler({
    config,
    ...webhookStores(dynamo, { tableName: config.tableName, retentionDays: 1 }),
  });
  try {
    for (const token of [WEBHOOK_TOKEN, WRONG_TOKEN, ADMIN_TOKEN]) {
      for (const { raw } of NUMBERS) {
        const query = { token, profile: 'default' };
        await handler(
          functionUrlEvent({
            body: callBody({ caller_number: raw }),
            headers: { 'content-type': 'application/json' },
            query,
          }),
        );
        await handler(functionUrlEvent({ body: callBody({ caller_number: raw, com_id: 'x#y' }), query }));
        await handler(functionUrlEvent({ body: `{"caller_number": "${raw}"`, query }));
        await handler(functionUrlEvent({ method: 'GET', query: { ...query, caller: raw } }));
      }
    }
  } finally {
    client.destroy();
    dynamo.destroy();
    for (const spy of spies) spy.mockRestore();
  }
  return lines.join('\n');
}

describe('the log', () => {
  it.each([
    ['with DynamoDB up', async () => dynamo().endpoint],
    ['with DynamoDB unreachable', closedPortEndpoint],
  ])('holds no token and no unmasked number %s', async (_name, endpoint) => {
    const output = await captureLogs(await endpoint());
    expect(output).toContain('3115202****');
    for (const token of [WEBHOOK_TOKEN, WRONG_TOKEN, ADMIN_TOKEN]) expect(output).not.toContain(token);
    expect(output).not.toContain('token=');
    for (const { secret } of NUMBERS) for (const digits of secret) expect(output).not.toContain(digits);
  });
});

describe('an answer that inserted a phone number', () => {
  it('is logged as its template: the agent written as a number stays out of the line', async () => {
    const webhook = await webhookUnderTest(dynamo().endpoint);
    await webhook.putFacts(DEMO_COMPANY, '31612345678', { ticketAgent: '+31687654321' });

    const result = await webhook.call({ body: callBody({ caller_number: '0612345678' }), headers: json });

    expect(result.body).toBe('+31687654321');
    expect(webhook.logs.at(-1)).toMatchObject({ answer: '{ticketAgent}', rule: 'open-ticket' });
    expect(JSON.stringify(webhook.logs)).not.toContain('687654321');
    webhook.destroy();
  });
});
