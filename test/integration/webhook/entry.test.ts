import type { FunctionUrlHandler } from '../../../lambda/http/adapter';
import { callBody, functionUrlEvent } from '../../../local/events';
import { testConfig, useDynalite, WEBHOOK_TOKEN, webhookUnderTest } from '../../support/harness';

const dynamo = useDynalite();

// A bad configuration at INIT: local/ric.test.ts, under the runtime client as in Lambda.
describe('the Lambda entry', () => {
  it('reads its configuration from the environment and answers with its module-scope client', async () => {
    const prepared = await webhookUnderTest(dynamo().endpoint);
    const tableName = prepared.config.tableName;
    prepared.destroy();
    const saved = { ...process.env };
    Object.assign(process.env, {
      TABLE_NAME: tableName,
      AWS_ENDPOINT_URL_DYNAMODB: dynamo().endpoint,
      WEBHOOK_TOKEN_SHA256: testConfig(dynamo().endpoint)
        .webhookTokens.map((grant) => grant.digest.toString('hex'))
        .join(','),
    });
    let handler: FunctionUrlHandler | undefined;
    jest.isolateModules(() => {
      handler = (require('../../../lambda/webhook/entry') as { handler: FunctionUrlHandler }).handler;
    });
    process.env = saved;
    const entries: { coldStart: boolean }[] = [];
    const capture = (entry: unknown) => void entries.push(entry as { coldStart: boolean });
    const spies = [
      jest.spyOn(console, 'log').mockImplementation(capture),
      jest.spyOn(console, 'warn').mockImplementation(capture),
    ];
    const event = functionUrlEvent({
      body: callBody(),
      headers: { 'content-type': 'application/json' },
      query: { token: WEBHOOK_TOKEN },
    });
    const first = await handler?.(event);
    const second = await handler?.(event);
    for (const spy of spies) spy.mockRestore();
    expect([first?.statusCode, first?.body, second?.body]).toEqual([200, 'default', 'default']);
    expect(entries.map((entry) => entry.coldStart)).toEqual([true, false]);
  });
});
