/**
 * `npm run measure`: the deployed function's speed as the platform sees it, with AWS
 * credentials of the account it runs in.
 *
 *   npm run measure -- --url URL --token T --function NAME [--cold 5] [--warm 20]
 *                      [--caller 31152026057] [--com-id ID] [--profile default]
 *
 * Forces each cold start by changing a harmless environment variable (MEASURE_NONCE) and
 * waiting for the update, calls the URL like the platform does, then reads each request's
 * REPORT line (Init Duration, Duration, Max Memory Used) from CloudWatch Logs and prints
 * p50/p90/p99 for cold and warm calls and the margin left under the belplan timeout. The
 * environment is put back as it was at the end. With provisioned concurrency the URL's
 * alias serves warm environments: measure cold starts with it off.
 */
import { randomUUID } from 'node:crypto';
import { CloudWatchLogsClient, FilterLogEventsCommand } from '@aws-sdk/client-cloudwatch-logs';
import {
  GetFunctionConfigurationCommand,
  LambdaClient,
  UpdateFunctionConfigurationCommand,
  waitUntilFunctionUpdatedV2,
} from '@aws-sdk/client-lambda';
import { placeCall } from './call';
import { CliError, program, runTool, wholeNumber } from './cli';
import { type PhaseSummary, parseReportLine, type Report, summarizePhase } from './report-lines';
import type { Summary } from './stats';

interface Measured {
  requestId: string | undefined;
  latencyMs: number;
  status: number | string;
}

interface MeasureFlags {
  url?: string;
  token?: string;
  function?: string;
  cold: number;
  warm: number;
  caller: string;
  comId: string;
  profile: string;
}

async function main(): Promise<void> {
  const values = program({
    script: 'measure',
    usage: '--url URL --token T --function NAME [--cold N] [--warm N]',
    description:
      "The deployed webhook's cold and warm latency, from Lambda's REPORT lines (AWS credentials needed).",
    examples: [
      'npm run measure -- --url https://<id>.lambda-url.eu-west-1.on.aws/ --token <token> --function <WebhookFunctionName>',
    ],
  })
    .option('--url <url>', 'the WebhookUrl stack output')
    .option('--token <token>', 'the webhook token')
    .option('--function <name>', 'the WebhookFunctionName stack output')
    .option('--cold <n>', 'cold calls', wholeNumber('--cold', 0, 50), 5)
    .option('--warm <n>', 'warm calls', wholeNumber('--warm', 0, 1000), 20)
    .option('--caller <number>', 'caller_number to send', '31152026057')
    .option('--com-id <id>', 'com_id to send', 'measure')
    .option('--profile <name>', 'the profile', 'default')
    .parse(process.argv)
    .opts<MeasureFlags>();
  if (!values.url || !values.token || !values.function) {
    throw new CliError(
      '--url, --token and --function are required (the stack outputs WebhookUrl and WebhookFunctionName)',
    );
  }
  const { cold, warm } = values;
  const lambda = new LambdaClient({});
  const logs = new CloudWatchLogsClient({});
  const original = await lambda.send(new GetFunctionConfigurationCommand({ FunctionName: values.function }));
  const logGroup = original.LoggingConfig?.LogGroup ?? `/aws/lambda/${values.function}`;
  const belplanTimeoutMs = Number(original.Environment?.Variables?.BELPLAN_TIMEOUT_MS ?? 2000);
  const url = values.url.split('?')[0] as string;
  const call = async (): Promise<Measured> => {
    const outcome = await placeCall({
      url,
      token: values.token,
      profile: values.profile,
      timeoutMs: belplanTimeoutMs,
      method: 'POST',
      caller: values.caller,
      comId: values.comId,
    });
    return { requestId: outcome.requestId, latencyMs: outcome.latencyMs, status: outcome.status };
  };
  const startedAt = Date.now();
  const coldCalls: Measured[] = [];
  const warmCalls: Measured[] = [];
  try {
    for (let i = 0; i < cold; i++) {
      await setNonce(lambda, values.function, original.Environment?.Variables ?? {}, randomUUID());
      coldCalls.push(await call());
      process.stderr.write(`\rcold ${i + 1}/${cold}`);
    }
    for (let i = 0; i < warm; i++) {
      warmCalls.push(await call());
      process.stderr.write(`\rwarm ${i + 1}/${warm}`);
    }
  } finally {
    if (cold > 0) await setNonce(lambda, values.function, original.Environment?.Variables ?? {}, undefined);
  }
  process.stderr.write('\nreading REPORT lines…\n');
  const ids = [...coldCalls, ...warmCalls].flatMap((c) => (c.requestId ? [c.requestId] : []));
  const reports = await readReports(logs, logGroup, startedAt, new Set(ids));
  const failed = [...coldCalls, ...warmCalls].filter((c) => c.status !== 200).length;

  print('cold', summarizePhase(coldCalls, reports), belplanTimeoutMs);
  print('warm', summarizePhase(warmCalls, reports), belplanTimeoutMs);
  if (failed) console.log(`\n${failed} calls did not answer 200 (timeouts count as no answer)`);
  lambda.destroy();
  logs.destroy();
}

/** Sets (or with undefined removes) MEASURE_NONCE and waits until the function is updated. */
async function setNonce(
  lambda: LambdaClient,
  name: string,
  variables: Record<string, string>,
  nonce: string | undefined,
) {
  const { MEASURE_NONCE: _old, ...rest } = variables;
  await lambda.send(
    new UpdateFunctionConfigurationCommand({
      FunctionName: name,
      Environment: { Variables: nonce ? { ...rest, MEASURE_NONCE: nonce } : rest },
    }),
  );
  await waitUntilFunctionUpdatedV2({ client: lambda, maxWaitTime: 120 }, { FunctionName: name });
}

/** Polls the log group until every request's REPORT line is in (logs arrive with a delay) or a minute passed. */
async function readReports(logs: CloudWatchLogsClient, logGroup: string, sinceMs: number, ids: Set<string>) {
  const reports = new Map<string, Report>();
  const deadline = Date.now() + 60_000;
  while (reports.size < ids.size && Date.now() < deadline) {
    let nextToken: string | undefined;
    do {
      const page = await logs.send(
        new FilterLogEventsCommand({
          logGroupName: logGroup,
          startTime: sinceMs - 60_000,
          filterPattern: '?REPORT ?"platform.report"',
          ...(nextToken ? { nextToken } : {}),
        }),
      );
      for (const event of page.events ?? []) {
        const report = parseReportLine(event.message ?? '');
        if (report && ids.has(report.requestId)) reports.set(report.requestId, report);
      }
      nextToken = page.nextToken;
    } while (nextToken);
    if (reports.size < ids.size) await new Promise((resolve) => setTimeout(resolve, 5000));
  }
  return reports;
}

function print(phase: string, summary: PhaseSummary, belplanTimeoutMs: number): void {
  if (summary.endToEndMs.count === 0) return;
  const row = (name: string, s: Summary, unit = 'ms') =>
    `  ${name.padEnd(26)} p50 ${fmt(s.p50)}  p90 ${fmt(s.p90)}  p99 ${fmt(s.p99)}  (${s.count}) ${unit}`;
  console.log(`\n${phase} (${summary.endToEndMs.count} calls)`);
  console.log(row('end to end (as the caller)', summary.endToEndMs));
  console.log(row('Lambda Duration', summary.durationMs));
  if (summary.initDurationMs.count) console.log(row('Lambda Init Duration', summary.initDurationMs));
  console.log(row('Max Memory Used', summary.maxMemoryUsedMb, 'MB'));
  console.log(
    `  margin under the ${belplanTimeoutMs} ms belplan timeout at p99: ${fmt(belplanTimeoutMs - summary.endToEndMs.p99)} ms` +
      ` (${((summary.endToEndMs.p99 / belplanTimeoutMs) * 100).toFixed(0)} % used)`,
  );
  if (summary.missingReports)
    console.log(`  ${summary.missingReports} REPORT lines not found in the log group`);
}

function fmt(value: number): string {
  return Number.isNaN(value) ? '   -  ' : value.toFixed(1).padStart(6);
}

runTool('measure', main);
