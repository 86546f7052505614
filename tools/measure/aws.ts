/**
 * The deployed webhook as a measure target. Its Function URL serves the `live` alias, a
 * published version that no configuration change touches, so a cold start is forced one of
 * two ways:
 * - by default on `$LATEST`: a harmless environment variable (MEASURE_NONCE) changed, then
 *   one Invoke with `Qualifier: '$LATEST'` and a Function URL event. Production is untouched;
 *   the call skips the URL's front door, so "end to end" is the Invoke's round trip.
 * - with `--redeploy` through the URL: the same change, a version published and the alias
 *   moved to it before each cold call, the alias moved back and the versions deleted after.
 *   The front door is measured, at the cost of redeploying production while it runs.
 */
import { randomUUID } from 'node:crypto';
import { CloudWatchLogsClient, FilterLogEventsCommand } from '@aws-sdk/client-cloudwatch-logs';
import {
  DeleteFunctionCommand,
  GetAliasCommand,
  GetFunctionConfigurationCommand,
  InvokeCommand,
  LambdaClient,
  PublishVersionCommand,
  UpdateAliasCommand,
  UpdateFunctionConfigurationCommand,
  waitUntilFunctionUpdatedV2,
} from '@aws-sdk/client-lambda';
import { DEFAULTS } from '../../lambda/config';
import { callBody, functionUrlEvent } from '../../local/events';
import { placeCall } from '../call';
import { CliError } from '../cli';
import { parseReportLine, type Report } from '../report-lines';
import type { MeasuredCall, MeasureTarget } from './target';

export interface AwsTargetOptions {
  functionName: string;
  token: string;
  /** The webhook URL, needed with `redeploy`. */
  url: string | undefined;
  redeploy: boolean;
  caller: string;
  comId: string;
  profile: string;
  /** How long to wait for REPORT lines to reach CloudWatch Logs. */
  logsWaitMs: number;
}

const ALIAS = 'live';
const POLL_MS = 2000;

/** Reads the function and returns a target for it. */
export async function awsTarget(options: AwsTargetOptions): Promise<MeasureTarget> {
  const lambda = new LambdaClient({});
  const logs = new CloudWatchLogsClient({});
  const original = await lambda.send(
    new GetFunctionConfigurationCommand({ FunctionName: options.functionName }),
  );
  const variables = original.Environment?.Variables ?? {};
  const logGroup = original.LoggingConfig?.LogGroup ?? `/aws/lambda/${options.functionName}`;
  const aliasVersion = options.redeploy
    ? (await lambda.send(new GetAliasCommand({ FunctionName: options.functionName, Name: ALIAS })))
        .FunctionVersion
    : undefined;
  const published: string[] = [];
  const startedAtMs = Date.now();
  const belplanTimeoutMs = Number(variables.BELPLAN_TIMEOUT_MS ?? DEFAULTS.belplanTimeoutMs);

  const setNonce = async (nonce: string | undefined) => {
    const { MEASURE_NONCE: _previous, ...rest } = variables;
    await lambda.send(
      new UpdateFunctionConfigurationCommand({
        FunctionName: options.functionName,
        Environment: { Variables: nonce ? { ...rest, MEASURE_NONCE: nonce } : rest },
      }),
    );
    await waitUntilFunctionUpdatedV2(
      { client: lambda, maxWaitTime: 120 },
      { FunctionName: options.functionName },
    );
  };

  return {
    description: options.redeploy
      ? `the Function URL, each cold start a new version behind the ${ALIAS} alias (production redeployed meanwhile)`
      : '$LATEST by Invoke with a Function URL event (production untouched; the URL front door not included)',
    belplanTimeoutMs,
    async forceCold() {
      await setNonce(randomUUID());
      if (!options.redeploy) return;
      const version = await lambda.send(new PublishVersionCommand({ FunctionName: options.functionName }));
      published.push(version.Version as string);
      await lambda.send(
        new UpdateAliasCommand({
          FunctionName: options.functionName,
          Name: ALIAS,
          FunctionVersion: version.Version,
        }),
      );
    },
    call: () => (options.redeploy ? callUrl(options, belplanTimeoutMs) : invokeLatest(lambda, options)),
    reports: (calls) => readReports(logs, logGroup, startedAtMs, calls, options.logsWaitMs),
    async restore() {
      try {
        if (aliasVersion) {
          await lambda.send(
            new UpdateAliasCommand({
              FunctionName: options.functionName,
              Name: ALIAS,
              FunctionVersion: aliasVersion,
            }),
          );
        }
        for (const version of published) {
          await lambda.send(
            new DeleteFunctionCommand({ FunctionName: options.functionName, Qualifier: version }),
          );
        }
        await setNonce(undefined);
      } finally {
        lambda.destroy();
        logs.destroy();
      }
    },
  };
}

/** One Invoke of `$LATEST` with the event a Function URL would give. */
async function invokeLatest(lambda: LambdaClient, options: AwsTargetOptions): Promise<MeasuredCall> {
  const event = functionUrlEvent({
    body: callBody({ com_id: options.comId, caller_number: options.caller }),
    headers: { 'content-type': 'application/json' },
    query: { token: options.token, profile: options.profile },
  });
  const started = performance.now();
  const result = await lambda.send(
    new InvokeCommand({
      FunctionName: options.functionName,
      Qualifier: '$LATEST',
      Payload: Buffer.from(JSON.stringify(event)),
    }),
  );
  const latencyMs = performance.now() - started;
  const payload = JSON.parse(Buffer.from(result.Payload ?? new Uint8Array()).toString() || '{}') as {
    statusCode?: number;
    body?: string;
  };
  return {
    requestId: result.$metadata.requestId,
    latencyMs,
    status: result.FunctionError
      ? `function error: ${result.FunctionError}`
      : (payload.statusCode ?? 'no status'),
    answer: payload.body ?? '',
  };
}

/** One call through the Function URL, as the platform places it. */
async function callUrl(options: AwsTargetOptions, timeoutMs: number): Promise<MeasuredCall> {
  if (!options.url)
    throw new CliError('--redeploy measures through the Function URL: give --url (the WebhookUrl output)');
  const outcome = await placeCall({
    url: options.url.split('?')[0] as string,
    token: options.token,
    profile: options.profile,
    timeoutMs,
    method: 'POST',
    caller: options.caller,
    comId: options.comId,
  });
  return {
    requestId: outcome.requestId,
    latencyMs: outcome.latencyMs,
    status: outcome.status,
    answer: outcome.answer,
  };
}

/** Polls the log group until every call's REPORT line is in (logs arrive with a delay) or the wait is over. */
async function readReports(
  logs: CloudWatchLogsClient,
  logGroup: string,
  sinceMs: number,
  calls: MeasuredCall[],
  waitMs: number,
): Promise<Map<string, Report>> {
  const ids = new Set(calls.flatMap((call) => (call.requestId ? [call.requestId] : [])));
  const reports = new Map<string, Report>();
  const deadline = Date.now() + waitMs;
  while (reports.size < ids.size) {
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
    if (reports.size >= ids.size || Date.now() + POLL_MS > deadline) break;
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
  return reports;
}
