/**
 * `npm run callers -- secret SOURCE`: a connector's secret set from a file or standard input
 * (never a flag), locally in `npm start`'s data folder and in a deployment's Secrets Manager
 * secret; a rotation keeps the previous secret valid until it is dropped; nothing printed
 * holds a secret.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULTS } from '../../../lambda/config';
import { parseSecretDocument } from '../../../lambda/connectors/secrets';
import { DEMO_COMPANY } from '../../../local/demo';
import { localSecretsFile } from '../../../local/secrets';
import { startSecretsManager } from '../../../local/standins/secrets-manager';
import { writeState } from '../../../local/state';
import { main as callers } from '../../../tools/callers';
import { runTool } from '../../support/cli';
import { useDynalite } from '../../support/harness';

const dynamo = useDynalite();
let folder: string;
beforeEach(() => {
  folder = mkdtempSync(join(tmpdir(), 'secret-'));
});
afterEach(() => rmSync(folder, { recursive: true, force: true }));

const secretFile = (value: string) => {
  const file = join(folder, `secret-${value.length}`);
  writeFileSync(file, `${value}\n`);
  return file;
};

it('sets, rotates and ends a rotation in the local data folder, printing no secret', async () => {
  const env = { LOCAL_DATA_DIR: folder };
  writeState(folder, {
    url: 'http://127.0.0.1:1/',
    endpoint: dynamo().endpoint,
    tableName: 'callvoip-callers',
    comId: DEMO_COMPANY,
    webhookToken: 'w',
    adminToken: 'a',
    ingestToken: 'i',
  });
  const set = (...args: string[]) => runTool(callers, 'callers', ['secret', 'moneybird', ...args], env);
  const first = await set('--from-file', secretFile('first-secret-0001'));
  const second = await set('--from-file', secretFile('second-secret-00002'));
  const held = () =>
    parseSecretDocument(readFileSync(localSecretsFile(folder), 'utf8'))[DEMO_COMPANY]?.moneybird;
  expect(held()?.secrets).toEqual(['second-secret-00002', 'first-secret-0001']);
  const dropped = await set('--drop-previous');
  expect(held()?.secrets).toEqual(['second-secret-00002']);
  expect([first, second, dropped].map((run) => [run.code, run.stdout])).toEqual([
    [0, `moneybird: 1 secret of company ${DEMO_COMPANY} valid\n`],
    [
      0,
      `moneybird: 2 secrets of company ${DEMO_COMPANY} valid (the new one and the previous; end the rotation with --drop-previous)\n`,
    ],
    [0, `moneybird: 1 secret of company ${DEMO_COMPANY} valid\n`],
  ]);
  const unknown = await runTool(
    callers,
    'callers',
    ['secret', 'exact', '--from-file', secretFile('x-secret-000')],
    env,
  );
  const short = await set('--from-file', secretFile('short'));
  expect([unknown.code, unknown.stderr, short.code, short.stderr]).toEqual([
    2,
    expect.stringContaining('no connector is named "exact"'),
    2,
    expect.stringContaining('secrets must be a list of at most 2 texts of 8-512 printable characters'),
  ]);
  expect(short.stderr).not.toContain('short\n');
});

it("writes a deployment's Secrets Manager secret, keeping the other companies' and sources'", async () => {
  const secrets = await startSecretsManager(
    'arn:aws:secretsmanager:eu-west-1:123456789012:secret:connector-secrets',
    JSON.stringify({ other: { zendesk: { secrets: ['zendesk-secret-01'] } } }),
  );
  const run = await runTool(
    callers,
    'callers',
    [
      'secret',
      'zendesk',
      '--from-file',
      secretFile('deployed-secret-01'),
      '--table',
      'callers',
      '--com-id',
      'acme',
      '--secret-id',
      secrets.secretId,
    ],
    {
      AWS_ENDPOINT_URL_DYNAMODB: dynamo().endpoint,
      AWS_ENDPOINT_URL_SECRETS_MANAGER: secrets.endpoint,
      AWS_REGION: DEFAULTS.region,
      AWS_ACCESS_KEY_ID: 'local',
      AWS_SECRET_ACCESS_KEY: 'local',
    },
  );
  expect([run.code, run.stdout]).toEqual([0, 'zendesk: 1 secret of company acme valid\n']);
  expect(JSON.parse(secrets.value() ?? '{}')).toEqual({
    other: { zendesk: { secrets: ['zendesk-secret-01'] } },
    acme: { zendesk: { secrets: ['deployed-secret-01'] } },
  });
  const missing = await runTool(
    callers,
    'callers',
    [
      'secret',
      'zendesk',
      '--from-file',
      secretFile('deployed-secret-01'),
      '--table',
      'callers',
      '--com-id',
      'acme',
    ],
    {
      AWS_REGION: DEFAULTS.region,
    },
  );
  expect([missing.code, missing.stderr]).toEqual([
    2,
    expect.stringContaining('--secret-id is required with --table'),
  ]);
  await secrets.close();
});
