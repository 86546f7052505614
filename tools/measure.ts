/**
 * `npm run measure`: the webhook's cold and warm latency as Lambda reports it. Against the
 * deployed function (AWS credentials needed; see tools/measure/aws.ts for how cold starts
 * are forced and what each way costs), or with `--local` under Lambda's runtime interface
 * client on this machine. A call is cold only when its REPORT line says so.
 */
import { awsSetupProblem, CliError, program, runTool, wholeNumber } from './cli';
import { awsTarget } from './measure/aws';
import { localTarget } from './measure/local';
import { describeMeasurement, measure } from './measure/run';
import type { MeasureTarget } from './measure/target';

interface MeasureFlags {
  function?: string;
  url?: string;
  token?: string;
  redeploy?: boolean;
  local?: boolean;
  context: Record<string, string>;
  cold: number;
  warm: number;
  caller: string;
  comId: string;
  profile: string;
  logsWait: number;
}

export async function main(argv: string[]): Promise<void> {
  const flags = readFlags(argv);
  const target = await targetOf(flags);
  const measurement = await measure(target, flags);
  if (flags.cold > 0 && measurement.provenCold.length === 0) {
    throw new CliError(
      `none of the ${flags.cold} cold calls was proven cold: no REPORT line with an Init Duration came back ` +
        `(${measurement.unreported.length} had no REPORT line within --logs-wait ${flags.logsWait} s)`,
      1,
    );
  }
  console.log(describeMeasurement(measurement, target));
  if (measurement.failed > 0) process.exitCode = 1;
}

function readFlags(argv: string[]): MeasureFlags {
  return program({
    script: 'measure',
    usage: '--function NAME --token T [--url URL --redeploy] [--cold N] [--warm N] | --local [-c key=value]…',
    description: "Cold and warm latency of the webhook, from Lambda's REPORT lines.",
    examples: [
      'npm run measure -- --function <WebhookFunctionName> --token <webhook token>',
      'npm run measure -- --function <WebhookFunctionName> --token <token> --url <WebhookUrl> --redeploy',
      'npm run measure -- --local --cold 10',
      'npm run measure -- --local -c belplanTimeoutMs=3000 -c profilesFile=docs/cookbook-profiles.json',
    ],
  })
    .option('--function <name>', 'the stack output WebhookFunctionName')
    .option('--token <token>', 'the webhook token')
    .option('--url <url>', 'the stack output WebhookUrl (with --redeploy)')
    .option(
      '--redeploy',
      'force cold starts by publishing versions behind the live alias (touches production)',
    )
    .option(
      '--local',
      'measure the bundle under the runtime interface client here, against an embedded DynamoDB',
    )
    .option(
      '-c, --context <key=value>',
      'with --local: a deployment setting over cdk.json, as `cdk deploy -c` takes it (repeatable)',
      contextPair,
      {},
    )
    .option('--cold <n>', 'cold calls', wholeNumber('--cold', 0, 50), 5)
    .option('--warm <n>', 'warm calls', wholeNumber('--warm', 0, 1000), 20)
    .option('--caller <number>', 'caller_number to send', '31152026057')
    .option('--com-id <id>', 'com_id to send', 'measure')
    .option('--profile <name>', 'the profile', 'default')
    .option(
      '--logs-wait <seconds>',
      'how long to wait for REPORT lines',
      wholeNumber('--logs-wait', 1, 600),
      60,
    )
    .parse(argv, { from: 'user' })
    .opts<MeasureFlags>();
}

async function targetOf(flags: MeasureFlags): Promise<MeasureTarget> {
  if (flags.local) {
    return localTarget({
      context: flags.context,
      caller: flags.caller,
      comId: flags.comId,
      profile: flags.profile,
    });
  }
  if (!flags.function || !flags.token) {
    throw new CliError(
      '--function and --token are required (the stack outputs WebhookFunctionName; your webhook token)',
    );
  }
  try {
    return await awsTarget({
      functionName: flags.function,
      token: flags.token,
      url: flags.url,
      redeploy: flags.redeploy ?? false,
      caller: flags.caller,
      comId: flags.comId,
      profile: flags.profile,
      logsWaitMs: flags.logsWait * 1000,
    });
  } catch (error) {
    if ((error as Error).name === 'ResourceNotFoundException') {
      throw new CliError(
        `no function "${flags.function}": give --function the stack output WebhookFunctionName`,
      );
    }
    throw awsSetupProblem(error) ?? error;
  }
}

/** Collects `-c key=value` into one object, as the CDK CLI does. */
function contextPair(pair: string, previous: Record<string, string>): Record<string, string> {
  const at = pair.indexOf('=');
  if (at < 1) throw new CliError(`-c takes key=value, got "${pair}"`);
  return { ...previous, [pair.slice(0, at)]: pair.slice(at + 1) };
}

if (require.main === module) runTool('measure', main);
