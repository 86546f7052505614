/**
 * An import meets a DynamoDB that fails for a while, or hangs: it retries what passes, gives
 * every request a timeout, and accounts for every row in its summary and exit code.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULTS } from '../../../lambda/config';
import { DEMO_COMPANY } from '../../../local/demo';
import { type FaultyDynamo, startFaultyDynamo } from '../../../local/fault-dynamo';
import { main as callers } from '../../../tools/callers';
import { planImport } from '../../../tools/import';
import { runImport } from '../../../tools/import-writer';
import { toolStores } from '../../../tools/tables';
import { runTool } from '../../support/cli';
import { useDynalite, webhookUnderTest } from '../../support/harness';

const dynamo = useDynalite();
let faulty: FaultyDynamo | undefined;
let folder: string;
beforeAll(async () => {
  folder = mkdtempSync(join(tmpdir(), 'import-faults-'));
});
afterAll(async () => {
  rmSync(folder, { recursive: true, force: true });
});
afterEach(async () => {
  await faulty?.close();
  faulty = undefined;
});

const csvOf = (rows: number) =>
  ['number,name', ...Array.from({ length: rows }, (_, i) => `06${40_000_000 + i},Klant ${i}`)].join('\n');

/** `npm run callers -- import` of `file` into the table `tableName` at `endpoint`. */
const importWithCli = (file: string, tableName: string, endpoint: string, ...extra: string[]) =>
  runTool(callers, 'callers', ['import', file, '--table', tableName, '--com-id', DEMO_COMPANY, ...extra], {
    AWS_ENDPOINT_URL_DYNAMODB: endpoint,
    AWS_REGION: DEFAULTS.region,
    AWS_ACCESS_KEY_ID: 'local',
    AWS_SECRET_ACCESS_KEY: 'local',
  });

it('rides out a 1.5 s burst of 500s in the middle of an import, writing every row', async () => {
  // Prepare: a table on dynalite, reached through a proxy that fails everything for 1.5 s.
  const table = await webhookUnderTest(dynamo().endpoint);
  faulty = await startFaultyDynamo({
    fault: 'server-error',
    window: { afterMs: 300, forMs: 1500 },
    forwardTo: dynamo().endpoint,
  });
  const through = await webhookUnderTest(faulty.endpoint, { createTable: false });
  const tableOptions = { ...through.config, tableName: table.config.tableName };
  const stores = toolStores(through.client, tableOptions);
  const nowMs = Date.now();

  // Act
  const result = await runImport(planImport(csvOf(1200), '31', nowMs), stores, DEMO_COMPANY, { nowMs });

  // Assess
  expect(faulty.faultCount()).toBeGreaterThan(10);
  expect([result.written, result.failed.length, result.notAttempted]).toEqual([1200, 0, 0]);
  let stored = 0;
  for await (const _caller of table.tools.bulk.listCallers(DEMO_COMPANY, nowMs)) {
    stored++;
  }
  expect(stored).toBe(1200);
  table.destroy();
  through.destroy();
}, 120_000);

it('gives up on a hanging DynamoDB with a summary of every row and exit code 1; a re-run finishes', async () => {
  // Prepare
  const table = await webhookUnderTest(dynamo().endpoint);
  faulty = await startFaultyDynamo('hang');
  const file = join(folder, 'crm.csv');
  writeFileSync(file, csvOf(500));

  // Act
  const hung = await importWithCli(file, table.config.tableName, faulty.endpoint, '--timeout', '200');
  const again = await importWithCli(file, table.config.tableName, dynamo().endpoint);

  // Assess
  expect(hung.code).toBe(1);
  const summary =
    /written (\d+), unchanged (\d+), rejected 0, duplicates 0, failed (\d+), not attempted (\d+)/.exec(
      hung.stdout,
    );
  expect(
    summary
      ?.slice(1)
      .map(Number)
      .reduce((sum, count) => sum + count, 0),
  ).toBe(500);
  expect(Number(summary?.[4])).toBeGreaterThan(0);
  expect(hung.stderr).toContain('run the same import again to finish');
  expect(again.code).toBe(0);
  expect(again.stdout).toMatch(
    /^written 500, unchanged 0, rejected 0, duplicates 0, failed 0, not attempted 0 in/m,
  );
  table.destroy();
}, 120_000);

it('writes a row whole or not at all while DynamoDB hangs for a while: name and last agent land together', async () => {
  // Prepare: 300 callers with a name and a last agent; then the same callers with new ones.
  const table = await webhookUnderTest(dynamo().endpoint);
  const nowMs = Date.now();
  const file = (name: string, agent: string, at: number) =>
    [
      'number,name,lastAgent,lastAgentAt',
      ...Array.from({ length: 300 }, (_, i) => `06${50_000_000 + i},${name} ${i},${agent},${at}`),
    ].join('\n');
  await runImport(
    planImport(file('Oud', '1001', nowMs - 7_200_000), '31', nowMs),
    table.tools,
    DEMO_COMPANY,
    { nowMs },
  );
  faulty = await startFaultyDynamo({
    fault: 'hang',
    operations: ['UpdateItem'],
    window: { afterMs: 150, forMs: 1500 },
    forwardTo: dynamo().endpoint,
  });
  const through = await webhookUnderTest(faulty.endpoint, { createTable: false });
  const stores = toolStores(
    through.client,
    { ...through.config, tableName: table.config.tableName },
    {
      attempts: 2,
      attemptTimeoutMs: 300,
      firstDelayMs: 50,
    },
  );

  // Act
  const result = await runImport(
    planImport(file('Nieuw', '1002', nowMs - 60_000), '31', nowMs),
    stores,
    DEMO_COMPANY,
    {
      nowMs,
    },
  );

  // Assess: some rows failed, and every row holds either all of its old facts or all of its new.
  expect(result.failed.length + result.notAttempted).toBeGreaterThan(0);
  const halves: string[] = [];
  for await (const caller of table.tools.bulk.listCallers(DEMO_COMPANY, nowMs)) {
    const fresh = [caller.name?.startsWith('Nieuw'), caller.lastAgent === '1002'];
    if (fresh[0] !== fresh[1]) halves.push(`${caller.callerKey}: ${caller.name} / ${caller.lastAgent}`);
  }
  expect(halves).toEqual([]);
  table.destroy();
  through.destroy();
}, 120_000);

it('gives every CLI request a deadline: get and agents end with a clear error and exit 2 on a hung table', async () => {
  faulty = await startFaultyDynamo('hang');
  const run = (...args: string[]) =>
    runTool(
      callers,
      'callers',
      [...args, '--table', 'callers', '--com-id', DEMO_COMPANY, '--timeout', '200'],
      {
        AWS_ENDPOINT_URL_DYNAMODB: faulty?.endpoint,
        AWS_REGION: DEFAULTS.region,
        AWS_ACCESS_KEY_ID: 'local',
        AWS_SECRET_ACCESS_KEY: 'local',
      },
    );

  for (const args of [['get', '0612345678'], ['agents']]) {
    const outcome = await run(...args);
    expect([args[0], outcome.code, outcome.stderr.trim()]).toEqual([
      args[0],
      2,
      'npm run callers: DynamoDB did not answer: the request was tried 5 times, each attempt given up after 200 ms (--timeout)',
    ]);
  }
}, 60_000);
