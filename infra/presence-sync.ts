/**
 * The presence sync from Microsoft 365 (when the `presence` setting is given): a function run
 * by an EventBridge schedule every interval, with a role that reads the directory and the
 * roster and writes only rosters (DynamoDB's leading-key condition), reads the connectors'
 * secret (the app's client secret is in it), and writes its own log group. One pass at a time
 * (reserved concurrency 1), no retry of a failed run (the next run is the retry), and an alarm
 * when runs keep failing.
 */
import { Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import {
  Alarm,
  ComparisonOperator,
  MathExpression,
  Stats,
  TreatMissingData,
} from 'aws-cdk-lib/aws-cloudwatch';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { Rule, Schedule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction } from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import type { ApplicationLogLevel } from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import { FilterPattern, LogGroup, MetricFilter, type RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { ISecret } from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import { ENTRIES } from '../bundle/options';
import type { PresenceLogLine } from '../lambda/presence/run';
import type { PresenceSettings } from '../lambda/presence/settings';
import { logField } from './monitoring/log-metrics';
import { grantTableKey, projectFunctionProps } from './url-function';

/** Failed runs in a row that raise the alarm. */
export const PRESENCE_ALARM_RUNS = 3;

export interface PresenceSyncProps {
  settings: PresenceSettings;
  environment: Record<string, string>;
  table: ITable;
  secret: ISecret;
  logRetention: RetentionDays;
  logLevel: ApplicationLogLevel;
}

export class PresenceSync extends Construct {
  readonly function: NodejsFunction;
  readonly rule: Rule;
  readonly alarm: Alarm;
  readonly logGroup: LogGroup;

  constructor(scope: Construct, id: string, props: PresenceSyncProps) {
    super(scope, id);
    const interval = Duration.seconds(props.settings.intervalSeconds);
    this.logGroup = new LogGroup(this, 'Logs', {
      retention: props.logRetention,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    const role = new iam.Role(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: 'Presence sync from Microsoft 365 (execution role)',
    });
    this.logGroup.grantWrite(role);
    this.function = new NodejsFunction(this, 'Function', {
      ...projectFunctionProps(
        {
          entry: ENTRIES.presence,
          description:
            'Presence sync: Teams presence and automatic replies from Microsoft 365 into the roster',
          environment: {
            ...props.environment,
            TABLE_NAME: props.table.tableName,
            CONNECTOR_SECRETS_ID: props.secret.secretArn,
          },
          memoryMb: 256,
          reservedConcurrency: 1,
          logLevel: props.logLevel,
        },
        role,
        this.logGroup,
      ),
      // A run ends well before the next one starts.
      timeout: Duration.seconds(Math.min(900, Math.max(30, props.settings.intervalSeconds - 10))),
    });
    // Only the directory and the roster items, by DynamoDB's leading-key condition.
    const leadingKeys = (suffixes: string[]) => ({
      'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': suffixes.map((suffix) => `*#${suffix}`) },
    });
    role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        actions: ['dynamodb:GetItem'],
        resources: [props.table.tableArn],
        conditions: leadingKeys(['agents', 'directory']),
      }),
    );
    role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        actions: ['dynamodb:UpdateItem'],
        resources: [props.table.tableArn],
        conditions: leadingKeys(['agents']),
      }),
    );
    grantTableKey(role, props.table);
    props.secret.grantRead(role);

    this.rule = new Rule(this, 'Schedule', {
      description: 'Runs the presence sync',
      schedule: Schedule.rate(interval),
    });
    this.rule.addTarget(
      new LambdaFunction(this.function, {
        retryAttempts: 0,
        maxEventAge: Duration.seconds(Math.max(60, props.settings.intervalSeconds)),
      }),
    );

    const failedRuns = new MetricFilter(this, 'FailedPassesFilter', {
      logGroup: this.logGroup,
      filterPattern: FilterPattern.any(
        FilterPattern.stringValue(logField<PresenceLogLine>('outcome'), '=', 'failed'),
        FilterPattern.stringValue(logField<PresenceLogLine>('outcome'), '=', 'refused'),
      ),
      metricNamespace: `Callvoip/${Stack.of(this).stackName}`,
      metricName: 'PresenceFailedPasses',
      metricValue: '1',
    }).metric({ statistic: Stats.SUM, period: interval });
    this.alarm = new Alarm(this, 'FailingAlarm', {
      metric: new MathExpression({
        expression: 'FILL(failed, 0) + FILL(errors, 0)',
        usingMetrics: {
          failed: failedRuns,
          errors: this.function.metricErrors({ statistic: Stats.SUM, period: interval }),
        },
        period: interval,
        label: 'presence passes failed',
      }),
      threshold: 1,
      evaluationPeriods: PRESENCE_ALARM_RUNS,
      datapointsToAlarm: PRESENCE_ALARM_RUNS,
      comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: TreatMissingData.NOT_BREACHING,
      alarmDescription: `The presence sync failed ${PRESENCE_ALARM_RUNS} runs in a row (Graph or the token endpoint slow, failing or throttling; "refused": the tenant, app or client secret is wrong, as the log line says). The roster keeps what the last good run wrote until it expires (${props.settings.expiryIntervals} intervals), then agents count as available unless set by hand. See docs/presence.md.`,
    });
  }
}
