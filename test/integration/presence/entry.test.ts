/**
 * The presence sync's deployed bundle, imported by a fresh process of Lambda's Node.js as its
 * schedule runs it: the client secret read from Secrets Manager (a stand-in), Graph and the
 * token endpoint a stand-in, the roster written on dynalite; and a pass that fails returns
 * normally (the schedule retries nothing), its line saying so.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import * as esbuild from 'esbuild';
import { ENTRIES, esbuildOptions } from '../../../bundle/options';
import { DEFAULTS } from '../../../lambda/config';
import { availabilityOf } from '../../../lambda/domain/availability';
import { DEMO_COMPANY } from '../../../local/demo';
import { lambdaNode } from '../../../local/lambda-node';
import { type GraphStandIn, startGraph } from '../../../local/standins/graph';
import { type SecretsManagerStandIn, startSecretsManager } from '../../../local/standins/secrets-manager';
import { PRESENCE_CONTEXT, stackFilters } from '../../support/cdk-app';
import { matchesFilter } from '../../support/filter-pattern';
import { adminUnderTest, useDynalite } from '../../support/harness';

const run = promisify(execFile);
const TENANT = '72f988bf-86f1-41af-91ab-2d7cd011db47';
const APP = '11111111-2222-4333-8444-555555555555';
const SECRET = 'client~secret.for-the-presence-sync';
const ANNA = 'fa8bf3dc-eca7-46b7-bad1-db199b62afc3';
/** Lambda's JSON log format: each console call one line, its first argument as `message`. */
const RUNNER = `
for (const [method, level] of [['log', 'INFO'], ['info', 'INFO'], ['warn', 'WARN'], ['error', 'ERROR']]) {
  console[method] = (message) => process.stdout.write(JSON.stringify({ level, message }) + '\\n');
}
const [bundle] = process.argv.slice(2);
const { handler } = await import(bundle);
const result = await handler({ 'detail-type': 'Scheduled Event', source: 'aws.events' }, { getRemainingTimeInMillis: () => 20000 });
process.stdout.write('\\nRESULT ' + JSON.stringify(result) + '\\n');
`;

const dynamo = useDynalite();
let folder: string;
let bundle: string;
let node: string;
let graph: GraphStandIn;
let secrets: SecretsManagerStandIn;

beforeAll(async () => {
  folder = mkdtempSync(path.join(tmpdir(), 'presence-bundle-'));
  bundle = path.join(folder, 'presence', 'index.mjs');
  await esbuild.build(esbuildOptions(ENTRIES.presence, bundle));
  writeFileSync(path.join(folder, 'runner.mjs'), RUNNER);
  node = await lambdaNode();
}, 300_000);
afterAll(() => rmSync(folder, { recursive: true, force: true }));

beforeEach(async () => {
  graph = await startGraph({ tenantId: TENANT, clientId: APP, clientSecret: SECRET });
  secrets = await startSecretsManager(
    'presence-test-secret',
    JSON.stringify({ [DEMO_COMPANY]: { microsoft365: { secrets: [SECRET] } } }),
  );
});
afterEach(async () => {
  await graph.close();
  await secrets.close();
});

async function scheduledRun(tableName: string) {
  const { stdout } = await run(node, [path.join(folder, 'runner.mjs'), pathToFileURL(bundle).href], {
    env: {
      PATH: process.env.PATH,
      TABLE_NAME: tableName,
      AWS_REGION: DEFAULTS.region,
      AWS_ENDPOINT_URL_DYNAMODB: dynamo().endpoint,
      AWS_ENDPOINT_URL_SECRETS_MANAGER: secrets.endpoint,
      AWS_ACCESS_KEY_ID: 'local',
      AWS_SECRET_ACCESS_KEY: 'local',
      CONNECTOR_SECRETS_ID: 'presence-test-secret',
      PRESENCE: JSON.stringify({ companies: [{ comId: DEMO_COMPANY, tenantId: TENANT, appId: APP }] }),
      PRESENCE_LOGIN_URL: graph.url,
      PRESENCE_GRAPH_URL: graph.url,
    },
    timeout: 30_000,
  });
  const lines = stdout.split('\n').filter((line) => line.startsWith('{'));
  const result = stdout.split('\n').find((line) => line.startsWith('RESULT '));
  return { result: JSON.parse(result?.slice('RESULT '.length) ?? 'null'), lines };
}

it('runs a pass on its schedule event: Offline in Teams makes the agent away in the roster', async () => {
  const api = await adminUnderTest(dynamo().endpoint);
  try {
    await api.stores.directory.setAliases(DEMO_COMPANY, '1005', [`m365:${ANNA}`]);
    graph.users.set(ANNA, { presence: { availability: 'Offline' } });
    const { result, lines } = await scheduledRun(api.config.tableName);
    expect(result).toEqual({ passes: 1, failed: 0 });
    expect(lines.map((line) => JSON.parse(line).message)).toEqual([
      expect.objectContaining({ fn: 'presence', outcome: 'written', agents: 1, away: 1 }),
    ]);
    // The stack's failed-pass filter counts exactly the failed lines the function writes.
    const failedPasses = stackFilters({ presence: PRESENCE_CONTEXT }).get('PresenceFailedPasses');
    expect(matchesFilter(failedPasses?.pattern ?? '', lines[0] ?? '')).toBe(false);
    expect(secrets.reads()).toBe(1);
    const roster = await api.stores.roster.getRoster(DEMO_COMPANY);
    expect(availabilityOf(roster, '1005', Date.now())).toEqual({ available: false, via: 'presence' });

    graph.throttle(10, 60);
    const failed = await scheduledRun(api.config.tableName);
    expect(failed.result).toEqual({ passes: 1, failed: 1 });
    expect(failed.lines.map((line) => JSON.parse(line).message)).toEqual([
      expect.objectContaining({ outcome: 'failed' }),
    ]);
    expect(matchesFilter(failedPasses?.pattern ?? '', failed.lines[0] ?? '')).toBe(true);
  } finally {
    api.destroy();
  }
});
