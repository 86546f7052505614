import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import * as esbuild from 'esbuild';
import { ENTRIES, esbuildOptions } from '../../../bundle/options';
import { DEFAULTS } from '../../../lambda/config';
import { sha256Hex } from '../../../lambda/http/access';
import { ensureCallerTable, type LocalDynamo, startDynalite } from '../../../local/dynamo';
import { callBody, functionUrlEvent } from '../../../local/events';
import { closedPortEndpoint, type FaultyDynamo, startFaultyDynamo } from '../../../local/fault-dynamo';
import { LAMBDA_NODE_MAJOR, lambdaNode } from '../../../local/lambda-node';
import { testApp } from '../../support/cdk-app';

const run = promisify(execFile);

/** The bench's goal for the webhook bundle: without the SDK, our code and the signer. */
const MAX_BUNDLE_KIB = 60;
const TOKEN = 'bundle-test-webhook-token-5c1e9d';
/** The folders (and the one file) of ours the webhook bundle may hold code from. */
const WEBHOOK_ROOMS = ['lambda/config.ts', 'lambda/domain', 'lambda/http', 'lambda/store', 'lambda/webhook'];

/** Imports the bundle in a fresh process, as Lambda's runtime does, and prints one invocation's result. */
const RUNNER = `
const [bundle, event] = process.argv.slice(2);
const { handler } = await import(bundle);
const result = await handler(JSON.parse(event), { awsRequestId: 'bundle-test' });
process.stdout.write('\\nRESULT ' + JSON.stringify(result) + '\\n');
`;

let folder: string;
let bundlePath: string;
let bundle: string;
let inputs: string[];
/** The inputs that put bytes into the bundle (esbuild's tree shaking dropped the rest). */
let contributing: string[];
/** The admin bundle's inputs: it keeps the SDK, with the stubs. */
let adminInputs: string[];

beforeAll(async () => {
  folder = mkdtempSync(path.join(tmpdir(), 'bundle-test-'));
  bundlePath = path.join(folder, 'webhook', 'index.mjs');
  const result = await esbuild.build({ ...esbuildOptions(ENTRIES.webhook, bundlePath), metafile: true });
  bundle = readFileSync(bundlePath, 'utf8');
  inputs = Object.keys(result.metafile.inputs);
  contributing = Object.values(result.metafile.outputs).flatMap((output) =>
    Object.entries(output.inputs).flatMap(([input, { bytesInOutput }]) => (bytesInOutput > 0 ? [input] : [])),
  );
  const admin = await esbuild.build({
    ...esbuildOptions(ENTRIES.admin, path.join(folder, 'admin', 'index.mjs')),
    metafile: true,
  });
  adminInputs = Object.keys(admin.metafile.inputs);
});

afterAll(() => rmSync(folder, { recursive: true, force: true }));

describe('the deployable webhook bundle', () => {
  it('is one ESM file that imports Node built-ins, its only CommonJS code the signer that requires them', () => {
    expect(bundle).toMatch(/export\s*\{[^}]*\bas handler\b[^}]*\}/);
    expect(bundle).toMatch(/import\s*\{[^}]*\}\s*from\s*"node:/);
    expect(bundle.startsWith("import { createRequire as __createRequire } from 'node:module';")).toBe(true);
    const packages = [
      ...new Set(inputs.flatMap((input) => /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(input)?.[1] ?? [])),
    ];
    expect(packages).toEqual(['aws4']);
  });

  it('holds no code of the AWS SDK: no @aws-sdk, no @smithy', () => {
    expect(inputs.filter((input) => /node_modules\/@(aws-sdk|smithy)\//.test(input))).toEqual([]);
    expect(bundle).not.toMatch(/from\s*"node:zlib"/);
  });

  it('leaves the admin bundle the SDK, its unused modules replaced with the stubs in bundle/stubs', () => {
    for (const stub of [
      'event-streams',
      'checksum',
      'endpoint-discovery',
      'lambda-invoke-store',
      'env-credentials',
    ]) {
      expect(adminInputs).toContain(`bundle/stubs/${stub}.ts`);
    }
    const replaced =
      /submodules\/(event-streams|checksum)\/|middleware-endpoint-discovery|endpoint-cache|mnemonist|lambda-invoke-store|credential-provider-(node|ini|sso)|nested-clients/;
    expect(adminInputs.filter((input) => input.includes('node_modules') && replaced.test(input))).toEqual([]);
  });

  it('holds code of the rooms the webhook runs in only: nothing of the admin API, the connectors, the tools', () => {
    const ours = contributing.filter((input) => !input.includes('node_modules'));
    // A room is a folder under lambda/ (or a file beside them): its first two path segments.
    const roomOf = (input: string) => input.split('/').slice(0, 2).join('/');
    const rooms = [...new Set(ours.map(roomOf))].sort();
    expect(rooms).toEqual(
      expect.arrayContaining([
        'lambda/config.ts',
        'lambda/domain',
        'lambda/http',
        'lambda/store',
        'lambda/webhook',
      ]),
    );
    expect(rooms.filter((room) => !WEBHOOK_ROOMS.includes(room as string))).toEqual([]);
    // The store's admin half (every write but the call's own) stays out too.
    expect(ours.filter((input) => /^lambda\/store\/caller-store/.test(input))).toEqual([]);
    // The operations it can send: the call's UpdateItem, and the GetItem and PutItem of its rare cases.
    const operations = [
      'UpdateItem',
      'GetItem',
      'PutItem',
      'DeleteItem',
      'Scan',
      'Query',
      'BatchGetItem',
      'BatchWriteItem',
    ];
    expect(operations.filter((operation) => bundle.includes(`"${operation}"`))).toEqual([
      'UpdateItem',
      'GetItem',
      'PutItem',
    ]);
  });

  it(`stays under ${MAX_BUNDLE_KIB} KiB`, () => {
    expect(Buffer.byteLength(bundle) / 1024).toBeLessThan(MAX_BUNDLE_KIB);
  });

  /** The Node.js binaries the bundle is run on: this one, and Lambda's major from the npm registry. */
  const NODES: [string, () => Promise<string>][] = [
    ['this Node.js', async () => process.execPath],
    [`Node.js ${LAMBDA_NODE_MAJOR} (Lambda's)`, lambdaNode],
  ];

  describe.each(NODES)('imported by a fresh process of %s', (_name, nodeBinary) => {
    let node: string;
    let dynamo: LocalDynamo;
    const tableName = 'bundle-test-callers';

    beforeAll(async () => {
      node = await nodeBinary();
      dynamo = await startDynalite();
      const client = new DynamoDBClient({
        region: DEFAULTS.region,
        endpoint: dynamo.endpoint,
        credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
      });
      await ensureCallerTable(client, tableName);
      client.destroy();
    }, 300_000);

    afterAll(() => dynamo.close());

    it("answers a Function URL event with 200 'default', recording the call in DynamoDB", async () => {
      const runner = path.join(folder, 'runner.mjs');
      writeFileSync(runner, RUNNER);
      const event = functionUrlEvent({
        query: { token: TOKEN, profile: 'default' },
        headers: { 'content-type': 'application/json' },
        body: callBody(),
      });
      const requestsBefore = dynamo.requestCount();

      const { stdout } = await run(node, [runner, pathToFileURL(bundlePath).href, JSON.stringify(event)], {
        // Nothing from this machine's AWS set-up: credentials from the environment, as in Lambda.
        env: {
          PATH: process.env.PATH,
          TABLE_NAME: tableName,
          AWS_REGION: DEFAULTS.region,
          AWS_ENDPOINT_URL_DYNAMODB: dynamo.endpoint,
          AWS_ACCESS_KEY_ID: 'local',
          AWS_SECRET_ACCESS_KEY: 'local',
          WEBHOOK_TOKEN_SHA256: sha256Hex(TOKEN),
        },
        timeout: 20_000,
      });

      const line = stdout.split('\n').find((each) => each.startsWith('RESULT '));
      expect(JSON.parse(line?.slice('RESULT '.length) ?? 'null')).toMatchObject({
        statusCode: 200,
        body: 'default',
        headers: { 'content-type': 'text/plain; charset=utf-8' },
      });
      expect(dynamo.requestCount()).toBeGreaterThan(requestsBefore);
    });
  });

  /**
   * The fault paths through the bundled SDK (retry strategy, error deserialization, the
   * client's response collector), which the stubs and client settings must leave working.
   */
  describe.each(NODES)('imported by a fresh process of %s, when DynamoDB fails', (_name, nodeBinary) => {
    let node: string;
    let fake: FaultyDynamo | undefined;
    beforeAll(async () => {
      node = await nodeBinary();
    }, 300_000);
    afterEach(async () => {
      await fake?.close();
      fake = undefined;
    });

    /** Runs the bundle on one webhook against `endpoint`; its result and the fallback cause it logged. */
    async function answerAgainst(endpoint: string, env: Record<string, string>) {
      const runner = path.join(folder, 'runner.mjs');
      writeFileSync(runner, RUNNER);
      const event = functionUrlEvent({
        query: { token: TOKEN },
        headers: { 'content-type': 'application/json' },
        body: callBody(),
      });
      const { stdout, stderr } = await run(
        node,
        [runner, pathToFileURL(bundlePath).href, JSON.stringify(event)],
        {
          env: {
            PATH: process.env.PATH,
            TABLE_NAME: 'bundle-test-callers',
            AWS_REGION: DEFAULTS.region,
            AWS_ENDPOINT_URL_DYNAMODB: endpoint,
            AWS_ACCESS_KEY_ID: 'local',
            AWS_SECRET_ACCESS_KEY: 'local',
            WEBHOOK_TOKEN_SHA256: sha256Hex(TOKEN),
            ...env,
          },
          timeout: 20_000,
        },
      );
      const line = stdout.split('\n').find((each) => each.startsWith('RESULT '));
      return {
        result: JSON.parse(line?.slice('RESULT '.length) ?? 'null') as unknown,
        // A fallback is logged as a warning (console.warn), on stderr.
        cause: /fallbackCause: '([\w-]+)'/.exec(stderr)?.[1],
      };
    }

    it('answers the fallback when connections are refused', async () => {
      const { result, cause } = await answerAgainst(await closedPortEndpoint(), {});
      expect(result).toMatchObject({ statusCode: 200, body: 'default' });
      expect(cause).toBe('unreachable');
    });

    it('answers the fallback when throttled, after retrying', async () => {
      fake = await startFaultyDynamo('throttle');
      const { result, cause } = await answerAgainst(fake.endpoint, {
        DYNAMODB_MAX_ATTEMPTS: '2',
        BELPLAN_TIMEOUT_MS: '10000',
      });
      expect(result).toMatchObject({ statusCode: 200, body: 'default' });
      expect(cause).toBe('throttled');
      expect(fake.requestCount('UpdateItem')).toBe(2);
    });

    it('answers the fallback on server errors, after retrying', async () => {
      fake = await startFaultyDynamo('server-error');
      const { result, cause } = await answerAgainst(fake.endpoint, {
        DYNAMODB_MAX_ATTEMPTS: '2',
        BELPLAN_TIMEOUT_MS: '10000',
      });
      expect(result).toMatchObject({ statusCode: 200, body: 'default' });
      expect(cause).toBe('server-error');
      expect(fake.requestCount('UpdateItem')).toBe(2);
    });

    it('answers the fallback in time when DynamoDB hangs', async () => {
      fake = await startFaultyDynamo('hang');
      const { result, cause } = await answerAgainst(fake.endpoint, {
        BELPLAN_TIMEOUT_MS: '1000',
        SAFETY_MARGIN_MS: '700',
      });
      expect(result).toMatchObject({ statusCode: 200, body: 'default' });
      expect(cause).toBe('timeout');
    });
  });

  it("is what the stack's NodejsFunction deploys, byte for byte", () => {
    // CDK announces each asset it bundles on stderr; the test's output stays quiet.
    const announce = jest.spyOn(process.stderr, 'write').mockImplementation(() => true);
    const { app } = testApp({}, { bundle: true });
    const assembly = app.synth();
    announce.mockRestore();
    const manifest = JSON.parse(
      readFileSync(path.join(assembly.directory, `${assembly.stacks[0]?.stackName}.assets.json`), 'utf8'),
    ) as { files: Record<string, { displayName: string; source: { path: string } }> };
    const assets = Object.values(manifest.files);
    const webhook = assets.find((asset) => asset.displayName === 'Webhook/Function/Code');
    expect(webhook).toBeDefined();
    const deployed = readFileSync(path.join(assembly.directory, webhook?.source.path ?? '', 'index.mjs'));
    expect(deployed.equals(readFileSync(bundlePath))).toBe(true);
    expect(assets.map((asset) => asset.displayName)).toContain('Admin/Function/Code');
  });
});
