/**
 * The deployable bundles under Lambda's own runtime interface client on Lambda's Node.js major,
 * against a local Runtime API: the contract between our code and the platform (the handler's
 * export, INIT errors, the deadline header, the JSON log lines the stack's metric filters read).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import type { LambdaFunctionURLEvent } from 'aws-lambda';
import * as esbuild from 'esbuild';
import { ENTRIES, esbuildOptions } from '../../../bundle/options';
import { createAdminHandler } from '../../../lambda/admin/routes';
import { DEFAULTS } from '../../../lambda/config';
import { sha256Hex } from '../../../lambda/http/access';
import type { FunctionUrlHandler } from '../../../lambda/http/adapter';
import { DEMO_COMPANY } from '../../../local/demo';
import { ensureCallerTable, type LocalDynamo, startDynalite } from '../../../local/dynamo';
import { callBody, type EventInput, functionUrlEvent } from '../../../local/events';
import { type FaultyDynamo, startFaultyDynamo } from '../../../local/fault-dynamo';
import { lambdaNode } from '../../../local/lambda-node';
import { lambdaRuntimeClient, type RicProcess, startUnderRic } from '../../../local/ric';
import {
  invoiceEvent,
  moneybirdContact,
  moneybirdDelivery,
  moneybirdInvoice,
} from '../../../local/standins/moneybird';
import { type SecretsManagerStandIn, startSecretsManager } from '../../../local/standins/secrets-manager';
import { type StackFilter, stackFilters } from '../../support/cdk-app';
import { matchesFilter, metricDatum } from '../../support/filter-pattern';
import {
  ADMIN_TOKEN,
  CONNECTOR_SECRETS,
  INGEST_TOKEN,
  NEXT_WEBHOOK_TOKEN,
  WEBHOOK_TOKEN,
  webhookUnderTest,
} from '../../support/harness';
import { whereRuntimeClientRuns } from '../../support/runtime-client';

/** The first install of the runtime interface client builds a native addon: minutes. */
const INSTALL_TIMEOUT_MS = 600_000;
const SECRETS = [WEBHOOK_TOKEN, NEXT_WEBHOOK_TOKEN, ADMIN_TOKEN, INGEST_TOKEN];

/** A line of Lambda's JSON log format. */
interface LambdaLogLine {
  timestamp: string;
  level: string;
  requestId: string;
  message: unknown;
}

whereRuntimeClientRuns('the runtime-client contract tests')(
  "the bundles under Lambda's runtime interface client",
  () => {
    let folder: string;
    let dynamo: LocalDynamo;
    /** The stack's metric filters by metric name, as synthesized. */
    let filters: Map<string, StackFilter>;

    beforeAll(async () => {
      folder = mkdtempSync(path.join(tmpdir(), 'ric-test-'));
      await Promise.all([
        esbuild.build(esbuildOptions(ENTRIES.webhook, path.join(folder, 'webhook', 'index.mjs'))),
        esbuild.build(esbuildOptions(ENTRIES.admin, path.join(folder, 'admin', 'index.mjs'))),
        lambdaRuntimeClient(),
        lambdaNode(),
      ]);
      dynamo = await startDynalite();
      filters = stackFilters();
    }, INSTALL_TIMEOUT_MS);

    afterAll(async () => {
      await dynamo?.close();
      rmSync(folder, { recursive: true, force: true });
    });

    function stackFilter(metricName: string): StackFilter {
      const filter = filters.get(metricName);
      if (!filter) throw new Error(`the stack has no metric filter for ${metricName}`);
      return filter;
    }

    /** The function's own configuration, as `testConfig` builds it for the in-process handlers. */
    function functionEnv(tableName: string, endpoint: string, extra: Record<string, string> = {}) {
      return {
        TABLE_NAME: tableName,
        AWS_REGION: DEFAULTS.region,
        AWS_ENDPOINT_URL_DYNAMODB: endpoint,
        WEBHOOK_TOKEN_SHA256: `${sha256Hex(WEBHOOK_TOKEN)},${sha256Hex(NEXT_WEBHOOK_TOKEN)}`,
        ADMIN_TOKEN_SHA256: sha256Hex(ADMIN_TOKEN),
        INGEST_TOKEN_SHA256: sha256Hex(INGEST_TOKEN),
        ...extra,
      };
    }

    /** A webhook call as the platform sends it, with `input` on top. */
    function webhookEvent(input: EventInput = {}): LambdaFunctionURLEvent {
      return functionUrlEvent({
        query: { token: WEBHOOK_TOKEN, profile: 'default' },
        headers: { 'content-type': 'application/json' },
        body: callBody(),
        ...input,
      });
    }

    function isLambdaLine(line: unknown): line is LambdaLogLine {
      return typeof line === 'object' && line !== null && 'requestId' in line && 'message' in line;
    }

    /** The line the function logged for one invocation (it may arrive after the answer). */
    async function lineOf(ric: RicProcess, requestId: string): Promise<LambdaLogLine> {
      return (await ric.waitForLogLine(
        (line) => isLambdaLine(line) && line.requestId === requestId,
      )) as LambdaLogLine;
    }

    describe('the webhook bundle under the runtime interface client', () => {
      let ric: RicProcess;
      let inProcess: Awaited<ReturnType<typeof webhookUnderTest>>;
      let coldRequestId: string;

      beforeAll(async () => {
        inProcess = await webhookUnderTest(dynamo.endpoint);
        // Its own table, so both handlers see the same state for the same request.
        const tableName = `${inProcess.config.tableName}-ric`;
        await ensureCallerTable(inProcess.client, tableName);
        ric = await startUnderRic({
          bundleDir: path.join(folder, 'webhook'),
          env: functionEnv(tableName, dynamo.endpoint),
        });
        // Queued before INIT ends, as an on-demand cold start's invocation is.
        coldRequestId = (await ric.invoke(webhookEvent())).requestId;
      });

      afterAll(async () => {
        await ric?.stop();
        inProcess?.destroy();
      });

      it.each([
        ['a call to the default profile', webhookEvent],
        ['a call with a wrong token', () => webhookEvent({ query: { token: 'not-the-token-0123456789' } })],
        ['a call whose body is not JSON', () => webhookEvent({ body: '{"caller_number": "3115' })],
        [
          'a call of an unknown profile',
          () => webhookEvent({ query: { token: WEBHOOK_TOKEN, profile: 'nope' } }),
        ],
      ])('answers %s as the in-process handler does', async (_name, event) => {
        const request = event();

        const [underRic, expected] = await Promise.all([ric.invoke(request), inProcess.handler(request)]);

        expect(underRic.error).toBeUndefined();
        expect(underRic.result).toEqual(JSON.parse(JSON.stringify(expected)));
      });

      it('logs its first invocation as a cold start with the time INIT took', async () => {
        const line = await lineOf(ric, coldRequestId);

        expect(line.message).toMatchObject({ msg: 'webhook', coldStart: true, initMs: expect.any(Number) });
        expect((line.message as { initMs: number }).initMs).toBeGreaterThan(0);
      });

      it('writes an answer line that no fallback or INIT filter of the stack counts', async () => {
        const { requestId, result } = await ric.invoke(webhookEvent());

        const line = await lineOf(ric, requestId);

        expect(result).toMatchObject({ statusCode: 200, body: 'default' });
        expect(line.message).toMatchObject({ msg: 'webhook', status: 200, coldStart: false });
        const counting = ['FallbackAnswers', 'Fallbacks', 'InitDuration', 'RefusedRequests'].filter(
          (metric) => matchesFilter(stackFilter(metric).pattern, line),
        );
        expect(counting).toEqual([]);
        const answers = stackFilter('Answers');
        expect(matchesFilter(answers.pattern, line)).toBe(true);
        expect(metricDatum(answers.transformation, line)).toEqual({
          value: 1,
          dimensions: { Rule: 'otherwise' },
        });
      });

      it('writes a refusal line that the refused-requests filter counts and the answers filter does not', async () => {
        const { requestId, result } = await ric.invoke(
          webhookEvent({ query: { token: 'wrong-0123456789abcdef' } }),
        );

        const line = await lineOf(ric, requestId);

        expect(result).toMatchObject({ statusCode: 401 });
        expect(matchesFilter(stackFilter('RefusedRequests').pattern, line)).toBe(true);
        expect(matchesFilter(stackFilter('Answers').pattern, line)).toBe(false);
      });

      it("writes every line in Lambda's JSON log format, each counted by exactly the stack's filters for its kind", async () => {
        await lineOf(
          ric,
          (await ric.invoke(webhookEvent({ query: { token: 'wrong-0123456789abcdef' } }))).requestId,
        );

        const lines = ric.logLines();
        const counting = (line: unknown) =>
          [...filters].flatMap(([metric, { pattern }]) => (matchesFilter(pattern, line) ? [metric] : []));

        expect(lines.length).toBeGreaterThanOrEqual(2);
        for (const line of lines) {
          expect(line).toEqual(
            expect.objectContaining({
              timestamp: expect.any(String),
              level: expect.any(String),
              message: expect.anything(),
            }),
          );
          const entry = (line as LambdaLogLine).message as { status: number; rule?: string };
          const expected = entry.status === 401 ? ['RefusedRequests'] : entry.rule ? ['Answers'] : [];
          expect(counting(line)).toEqual(expected);
        }
      });
    });

    describe('the admin bundle under the runtime interface client', () => {
      let ric: RicProcess;
      let handler: FunctionUrlHandler;
      let destroy: () => void;

      let secrets: SecretsManagerStandIn;

      beforeAll(async () => {
        const webhook = await webhookUnderTest(dynamo.endpoint);
        destroy = webhook.destroy;
        handler = createAdminHandler({ config: webhook.config, stores: webhook.stores, log: () => {} });
        const tableName = `${webhook.config.tableName}-ric`;
        await ensureCallerTable(webhook.client, tableName);
        secrets = await startSecretsManager(
          'arn:aws:secretsmanager:eu-west-1:123456789012:secret:connectors',
          JSON.stringify({ [DEMO_COMPANY]: { moneybird: { secrets: [CONNECTOR_SECRETS.moneybird] } } }),
        );
        ric = await startUnderRic({
          bundleDir: path.join(folder, 'admin'),
          env: functionEnv(tableName, dynamo.endpoint, {
            CONNECTOR_SECRETS_ID: secrets.secretId,
            AWS_ENDPOINT_URL_SECRETS_MANAGER: secrets.endpoint,
          }),
          functionName: 'admin',
        });
      });

      afterAll(async () => {
        await ric?.stop();
        await secrets?.close();
        destroy?.();
      });

      it('applies a Moneybird delivery checked with the secret it reads from Secrets Manager once', async () => {
        const contact = moneybirdContact('42', ['020 1234567'], Date.now() - 10_000);
        const post = (state: string, atMs: number) => {
          const delivery = moneybirdDelivery(invoiceEvent(moneybirdInvoice('9001', contact, state, atMs)), [
            CONNECTOR_SECRETS.moneybird,
          ]);
          return ric.invoke(
            functionUrlEvent({
              method: 'POST',
              path: '/connectors/moneybird',
              query: { com_id: DEMO_COMPANY },
              headers: delivery.headers,
              body: delivery.body,
            }),
          );
        };
        const bodyOf = (invocation: Awaited<ReturnType<typeof post>>) =>
          JSON.parse(String((invocation.result as { body?: string } | undefined)?.body));
        const answerNow = async () =>
          bodyOf(await ric.invoke(adminEvent('GET', '/callers/0201234567/route'))).answer;
        const first = await post('late', Date.now() - 5000);
        expect(bodyOf(first).outcome).toBe('accepted');
        expect(await answerNow()).toBe('finance');
        expect(bodyOf(await post('paid', Date.now() - 4000)).outcome).toBe('accepted');
        expect(await answerNow()).toBe('default');
        expect(secrets.reads()).toBe(1);
      });

      const adminEvent = (method: string, routePath: string, token = ADMIN_TOKEN) =>
        functionUrlEvent({
          method,
          path: routePath,
          query: { com_id: DEMO_COMPANY },
          headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        });

      it.each([
        ['the agent roster', () => adminEvent('GET', '/agents')],
        ['an unknown caller', () => adminEvent('GET', '/callers/31152026057')],
        ['an unknown route', () => adminEvent('GET', '/nowhere')],
        ['a request with the webhook token', () => adminEvent('GET', '/agents', WEBHOOK_TOKEN)],
      ])('answers %s as the in-process handler does', async (_name, event) => {
        const request = event();

        const [underRic, expected] = await Promise.all([ric.invoke(request), handler(request)]);

        expect(underRic.error).toBeUndefined();
        expect(underRic.result).toEqual(JSON.parse(JSON.stringify(expected)));
      });
    });

    describe('a webhook bundle with a bad configuration', () => {
      let ric: RicProcess;

      afterAll(() => ric?.stop());

      it('reports the INIT failure to /init/error, naming the key to fix and no secret', async () => {
        ric = await startUnderRic({
          bundleDir: path.join(folder, 'webhook'),
          env: functionEnv('callers-bad-config', dynamo.endpoint, { BELPLAN_TIMEOUT_MS: '12000' }),
        });

        const error = await ric.runtimeApi.initError();
        await ric.exited();

        expect(error).toMatchObject({ errorType: 'ConfigError' });
        expect(error?.errorMessage).toMatch(/BELPLAN_TIMEOUT_MS must be a whole number from 1000 to 10000/);
        const reported = `${JSON.stringify(error)}\n${ric.output()}`;
        for (const secret of [...SECRETS, ...SECRETS.map(sha256Hex)]) expect(reported).not.toContain(secret);
      });
    });

    describe('the webhook bundle under the runtime interface client, when DynamoDB hangs', () => {
      let fake: FaultyDynamo;
      let ric: RicProcess;

      beforeAll(async () => {
        fake = await startFaultyDynamo('hang');
        ric = await startUnderRic({
          bundleDir: path.join(folder, 'webhook'),
          env: functionEnv('callers-hang', fake.endpoint, {
            BELPLAN_TIMEOUT_MS: '1000',
            SAFETY_MARGIN_MS: '700',
          }),
        });
        // A refused request warms the environment up without DynamoDB: the calls below get the
        // whole 300 ms budget rather than what INIT left of it.
        await ric.invoke(webhookEvent({ query: { token: 'wrong-0123456789abcdef' } }));
      });

      afterAll(async () => {
        await ric?.stop();
        await fake?.close();
      });

      it('answers the fallback before the deadline the runtime was given, while DynamoDB still hangs', async () => {
        const hungBefore = fake.faultCount();

        const invocation = await ric.invoke(webhookEvent(), { timeoutMs: 3000 });
        const answeredAtEpochMs = Date.now();

        expect(invocation.result).toMatchObject({ statusCode: 200, body: 'default' });
        expect(answeredAtEpochMs).toBeLessThan(invocation.deadlineEpochMs);
        expect(fake.faultCount()).toBeGreaterThan(hungBefore);
      });

      it("writes a fallback line that the stack's fallback filters count, by cause", async () => {
        const { requestId } = await ric.invoke(webhookEvent());

        const line = await lineOf(ric, requestId);

        const fallbacks = stackFilter('Fallbacks');
        expect(matchesFilter(stackFilter('FallbackAnswers').pattern, line)).toBe(true);
        expect(matchesFilter(fallbacks.pattern, line)).toBe(true);
        expect(metricDatum(fallbacks.transformation, line)).toEqual({
          value: 1,
          dimensions: { Cause: 'timeout' },
        });
      });
    });
  },
);
