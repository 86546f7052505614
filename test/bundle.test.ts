import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import * as esbuild from 'esbuild';
import { ENTRIES, esbuildOptions } from '../infra/bundling';
import { sha256Hex } from '../lambda/auth';
import { ensureCallerTable, type LocalDynamo, startDynalite } from '../local/dynamo';
import { testApp } from './support/cdk-app';
import { callBody, functionUrlEvent } from './support/events';

const run = promisify(execFile);

/** Measured 215 KiB (a plain SDK bundle is 325 KiB); well above means the credentials alias broke. */
const MAX_BUNDLE_KIB = 240;
const TOKEN = 'bundle-test-webhook-token-5c1e9d';

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

beforeAll(async () => {
  folder = mkdtempSync(path.join(tmpdir(), 'bundle-test-'));
  bundlePath = path.join(folder, 'webhook', 'index.mjs');
  const result = await esbuild.build({ ...esbuildOptions(ENTRIES.webhook, bundlePath), metafile: true });
  bundle = readFileSync(bundlePath, 'utf8');
  inputs = Object.keys(result.metafile.inputs);
});

afterAll(() => rmSync(folder, { recursive: true, force: true }));

describe('the deployable webhook bundle', () => {
  it('is one ESM file that imports Node built-ins and requires nothing', () => {
    expect(bundle).toMatch(/export\s*\{[^}]*\bas handler\b[^}]*\}/);
    expect(bundle).toMatch(/import\s*\{[^}]*\}\s*from\s*"node:/);
    expect(bundle).not.toMatch(/\brequire\(/);
    expect(bundle).not.toContain('Dynamic require of');
  });

  it(`stays under ${MAX_BUNDLE_KIB} KiB, with environment credentials only`, () => {
    const kib = Buffer.byteLength(bundle) / 1024;
    expect(kib).toBeLessThan(MAX_BUNDLE_KIB);
    expect(inputs).toContain('infra/env-credentials.ts');
    expect(inputs.filter((input) => /credential-provider-(node|ini|sso)|nested-clients/.test(input))).toEqual(
      [],
    );
    expect(inputs.some((input) => input.includes('@aws-sdk/client-dynamodb'))).toBe(true);
  });

  describe('imported by a fresh node process', () => {
    let dynamo: LocalDynamo;
    const tableName = 'bundle-test-callers';

    beforeAll(async () => {
      dynamo = await startDynalite();
      const client = new DynamoDBClient({
        region: 'eu-west-1',
        endpoint: dynamo.endpoint,
        credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
      });
      await ensureCallerTable(client, tableName);
      client.destroy();
    });

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

      const { stdout } = await run(
        process.execPath,
        [runner, pathToFileURL(bundlePath).href, JSON.stringify(event)],
        {
          // Nothing from this machine's AWS set-up: credentials from the environment, as in Lambda.
          env: {
            PATH: process.env.PATH,
            TABLE_NAME: tableName,
            AWS_REGION: 'eu-west-1',
            AWS_ENDPOINT_URL_DYNAMODB: dynamo.endpoint,
            AWS_ACCESS_KEY_ID: 'local',
            AWS_SECRET_ACCESS_KEY: 'local',
            WEBHOOK_TOKEN_SHA256: sha256Hex(TOKEN),
          },
          timeout: 20_000,
        },
      );

      const line = stdout.split('\n').find((each) => each.startsWith('RESULT '));
      expect(JSON.parse(line?.slice('RESULT '.length) ?? 'null')).toMatchObject({
        statusCode: 200,
        body: 'default',
        headers: { 'content-type': 'text/plain; charset=utf-8' },
      });
      expect(dynamo.requestCount()).toBeGreaterThan(requestsBefore);
    });
  });

  it("is what the stack's NodejsFunction deploys, byte for byte", () => {
    const { app } = testApp({}, { bundle: true });
    const assembly = app.synth();
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
