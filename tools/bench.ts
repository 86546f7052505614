/**
 * `npm run bench [-- --quick]`: the speed of the deployable bundle, each figure beside a
 * reference measured in the same run on the same machine, so ratios hold on a noisy one.
 * Each bench is a file in tools/bench/; this runner starts what they share and writes the
 * report to bench-results/. Cold starts run on Lambda's Node.js major (installed on first
 * use) under its runtime client first, then as plain processes on it and on this Node.js.
 * Asserts nothing.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { PROJECT_ROOT } from '../bundle/options';
import { DEFAULTS } from '../lambda/config';
import { sha256Hex } from '../lambda/http/access';
import { createDynamoClient } from '../lambda/store/client';
import { ensureCallerTable, startDynalite, useLocalCredentials } from '../local/dynamo';
import { lambdaNode } from '../local/lambda-node';
import { startTlsFront } from '../local/tls-front';
import { benchBundle } from './bench/bundle';
import { benchCold, nodeVersion } from './bench/cold';
import { benchConnectors } from './bench/connectors';
import { benchConsole } from './bench/console';
import { BENCH_TABLE, BENCH_TOKEN, type BenchContext, FULL_RUNS, QUICK_RUNS } from './bench/context';
import { benchDeadline } from './bench/deadline';
import { seedFullRecords } from './bench/full-records';
import { benchImport } from './bench/import';
import { benchLoad } from './bench/load';
import { Report } from './bench/report';
import { benchRicCold } from './bench/ric-cold';
import { benchRoster } from './bench/roster';
import { benchWarm, WARM_CALLERS } from './bench/warm';
import { program, runTool } from './cli';

export async function main(argv: string[]): Promise<void> {
  const { quick } = program({
    script: 'bench',
    usage: '[--quick]',
    description:
      'Measure the bundle, cold and warm answers, the deadline and a local load; writes bench-results/.',
    examples: ['npm run bench', 'npm run bench -- --quick'],
  })
    .option('--quick', 'few runs: checks that the bench works, figures are rough')
    .parse(argv, { from: 'user' })
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
  const node24 = await lambdaNode();
  const version24 = await nodeVersion(node24);
  const dynamo = await startDynalite();
  try {
    const setup = createDynamoClient({ region: DEFAULTS.region, endpoint: dynamo.endpoint, maxAttempts: 1 });
    await ensureCallerTable(setup, BENCH_TABLE);
    await seedFullRecords(setup, WARM_CALLERS);
    setup.destroy();
    const env = {
      TABLE_NAME: BENCH_TABLE,
      AWS_REGION: DEFAULTS.region,
      AWS_ENDPOINT_URL_DYNAMODB: dynamo.endpoint,
      WEBHOOK_TOKEN_SHA256: sha256Hex(BENCH_TOKEN),
    };
    // Cold starts talk HTTPS, as in AWS; Lambda's Node.js first, under Lambda's runtime client.
    const front = await startTlsFront(dynamo.port);
    try {
      const coldEnv = {
        ...env,
        AWS_ENDPOINT_URL_DYNAMODB: front.endpoint,
        NODE_EXTRA_CA_CERTS: front.caFile,
      };
      await benchRicCold(context, bundle, coldEnv, node24, version24);
      await benchCold(context, bundle, coldEnv, node24);
      await benchCold(context, bundle, coldEnv);
    } finally {
      await front.close();
    }
    await benchWarm(context, bundle.webhook, env);
  } finally {
    await dynamo.close();
  }
  await benchDeadline(context);
  await benchLoad(context);
  await benchImport(context);
  await benchRoster(context);
  await benchConnectors(context);
  await benchConsole(context);
  context.report.write(context.outDir, {
    date: new Date().toISOString(),
    node: process.version,
    quick: quick ?? false,
    runs: context.runs,
  });
}

if (require.main === module) runTool('bench', main);
