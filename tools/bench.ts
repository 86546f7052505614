/**
 * `npm run bench [-- --quick]`: the speed of the deployable bundle, each figure beside a
 * reference measured in the same run on the same machine, so ratios hold on a noisy one.
 * Each bench is a file in tools/bench/; this runner starts what they share and writes the
 * report to bench-results/. Asserts nothing.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { PROJECT_ROOT } from '../bundle/options';
import { sha256Hex } from '../lambda/access';
import { DEFAULTS } from '../lambda/config';
import { createDynamoClient } from '../lambda/store/client';
import { ensureCallerTable, startDynalite, useLocalCredentials } from '../local/dynamo';
import { benchBundle } from './bench/bundle';
import { benchCold } from './bench/cold';
import { BENCH_TABLE, BENCH_TOKEN, type BenchContext, FULL_RUNS, QUICK_RUNS } from './bench/context';
import { benchDeadline } from './bench/deadline';
import { benchLoad } from './bench/load';
import { Report } from './bench/report';
import { benchWarm } from './bench/warm';
import { program, runTool } from './cli';

async function main(): Promise<void> {
  const { quick } = program({
    script: 'bench',
    usage: '[--quick]',
    description:
      'Measure the bundle, cold and warm answers, the deadline and a local load; writes bench-results/.',
    examples: ['npm run bench', 'npm run bench -- --quick'],
  })
    .option('--quick', 'few runs: checks that the bench works, figures are rough')
    .parse(process.argv)
    .opts<{ quick?: boolean }>();
  const context: BenchContext = {
    report: new Report(),
    runs: quick ? QUICK_RUNS : FULL_RUNS,
    outDir: join(PROJECT_ROOT, 'bench-results'),
  };
  mkdirSync(context.outDir, { recursive: true });
  useLocalCredentials();
  console.log(
    `npm run bench${quick ? ' --quick' : ''}: node ${process.version}, runs ${JSON.stringify(context.runs)}`,
  );

  const bundle = await benchBundle(context);
  const dynamo = await startDynalite();
  try {
    const setup = createDynamoClient({ region: DEFAULTS.region, endpoint: dynamo.endpoint, maxAttempts: 1 });
    await ensureCallerTable(setup, BENCH_TABLE);
    setup.destroy();
    const env = {
      TABLE_NAME: BENCH_TABLE,
      AWS_REGION: DEFAULTS.region,
      AWS_ENDPOINT_URL_DYNAMODB: dynamo.endpoint,
      WEBHOOK_TOKEN_SHA256: sha256Hex(BENCH_TOKEN),
    };
    await benchCold(context, bundle, env);
    await benchWarm(context, bundle, env);
  } finally {
    await dynamo.close();
  }
  await benchDeadline(context);
  await benchLoad(context);
  context.report.write(context.outDir, {
    date: new Date().toISOString(),
    node: process.version,
    quick: quick ?? false,
    runs: context.runs,
  });
}

runTool('bench', main);
