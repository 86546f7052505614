/**
 * Alarms and the dashboard of the webhook: latency against the budget, errors, throttles,
 * fallback answers, cold starts; optionally e-mailed through an SNS topic.
 *
 * The metric filters read the function's JSON log lines. With `loggingFormat: JSON`, the
 * Node.js runtime writes a single object passed to `console.log`/`console.warn` as the
 * `message` field of its line: `{"timestamp":…,"level":"INFO","requestId":…,"message":{"msg":
 * "webhook","answer":…}}` (aws-lambda-nodejs-runtime-interface-client, `src/LogPatch.js`,
 * `formatJsonMessage`; https://docs.aws.amazon.com/lambda/latest/dg/nodejs-logging.html), hence
 * `$.message.…`. Lambda's own REPORT line becomes `{"type":"platform.report","record":
 * {"metrics":{"durationMs":…,"initDurationMs":…}}}`, `initDurationMs` only after an INIT
 * (https://docs.aws.amazon.com/lambda/latest/dg/telemetry-schema-reference.html).
 */
import { Duration, Stack } from 'aws-cdk-lib';
import {
  Alarm,
  AlarmStatusWidget,
  ComparisonOperator,
  Dashboard,
  GraphWidget,
  type HorizontalAnnotation,
  type IMetric,
  LogQueryVisualizationType,
  LogQueryWidget,
  Stats,
  TreatMissingData,
  Unit,
} from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import { FilterPattern, MetricFilter } from 'aws-cdk-lib/aws-logs';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { EmailSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import { Construct } from 'constructs';
import type { FallbackCause, RequestLog } from '../lambda/answer';
import type { WebhookFunction } from './webhook-function';

export interface MonitoringProps {
  webhook: WebhookFunction;
  admin: WebhookFunction;
  /** What the webhook may spend on one answer: the belplan timeout less the safety margin. */
  budgetMs: number;
  /** Fallback answers in 5 minutes that raise the fallback alarm. */
  fallbackAlarmThreshold: number;
  /** Alarm and recovery notices go here by e-mail; no topic without one. */
  alarmEmail?: string;
}

/** Every fallback cause the webhook logs; a Record so a new cause fails the type check here. */
const CAUSES: Record<FallbackCause, string> = {
  'kill-switch': 'kill switch',
  timeout: 'deadline',
  throttled: 'DynamoDB throttled',
  'server-error': 'DynamoDB 5xx',
  unreachable: 'DynamoDB unreachable',
  'store-error': 'other store error',
};

/** The JSON path of a field of the function's log line; the type keeps the names in step with the code. */
const logField = (name: keyof RequestLog) => `$.message.${name}`;

/** p99 duration above this share of the budget raises the latency alarm. */
const LATENCY_ALARM_SHARE = 0.8;
const PERIOD = Duration.minutes(5);

export class Monitoring extends Construct {
  readonly dashboard: Dashboard;
  readonly alarms: Alarm[];
  readonly topic: Topic | undefined;

  constructor(scope: Construct, id: string, props: MonitoringProps) {
    super(scope, id);
    const { webhook, admin, budgetMs } = props;
    const stackName = Stack.of(this).stackName;
    const namespace = `Callvoip/${stackName}`;
    const webhookLine = FilterPattern.stringValue(logField('msg'), '=', 'webhook');

    // Fallbacks that mean something went wrong: every cause but the kill switch, which ops
    // turn on deliberately, and the defect path that answers the fallback without a cause.
    const fallbacks = new MetricFilter(this, 'FallbackAnswersFilter', {
      logGroup: webhook.logGroup,
      metricNamespace: namespace,
      metricName: 'FallbackAnswers',
      filterPattern: FilterPattern.all(
        webhookLine,
        FilterPattern.any(
          FilterPattern.all(
            FilterPattern.exists(logField('fallbackCause')),
            FilterPattern.stringValue(logField('fallbackCause'), '!=', 'kill-switch'),
          ),
          FilterPattern.stringValue(logField('reason'), '=', 'internal-error'),
        ),
      ),
      metricValue: '1',
      unit: Unit.COUNT,
    }).metric({ statistic: Stats.SUM, period: PERIOD });

    const byCause = new MetricFilter(this, 'FallbacksByCauseFilter', {
      logGroup: webhook.logGroup,
      metricNamespace: namespace,
      metricName: 'Fallbacks',
      filterPattern: FilterPattern.all(webhookLine, FilterPattern.exists(logField('fallbackCause'))),
      metricValue: '1',
      dimensions: { Cause: logField('fallbackCause') },
      unit: Unit.COUNT,
    });

    // One metric for both: its sample count is the number of cold starts, its values the INIT time.
    const initDuration = new MetricFilter(this, 'InitDurationFilter', {
      logGroup: webhook.logGroup,
      metricNamespace: namespace,
      metricName: 'InitDuration',
      filterPattern: FilterPattern.all(
        FilterPattern.stringValue('$.type', '=', 'platform.report'),
        FilterPattern.numberValue('$.record.metrics.initDurationMs', '>', 0),
      ),
      metricValue: '$.record.metrics.initDurationMs',
      unit: Unit.MILLISECONDS,
    });

    const fn = webhook.function;
    const duration = (statistic: string) =>
      fn.metricDuration({ statistic, period: PERIOD, label: `${statistic} duration` });
    const alarm = (alarmId: string, metric: IMetric, threshold: number, description: string) =>
      new Alarm(this, alarmId, {
        metric,
        threshold,
        evaluationPeriods: 1,
        comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        treatMissingData: TreatMissingData.NOT_BREACHING,
        alarmDescription: description,
      });

    const latencyThresholdMs = Math.round(budgetMs * LATENCY_ALARM_SHARE);
    this.alarms = [
      new Alarm(this, 'LatencyP99Alarm', {
        metric: fn.metricDuration({ statistic: Stats.p(99), period: PERIOD }),
        threshold: latencyThresholdMs,
        evaluationPeriods: 3,
        datapointsToAlarm: 2,
        comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
        treatMissingData: TreatMissingData.NOT_BREACHING,
        alarmDescription: `Webhook p99 duration above ${latencyThresholdMs} ms, 80% of its ${budgetMs} ms budget: answers are close to becoming fallbacks. Check DynamoDB latency and throttling; see the dashboard.`,
      }),
      alarm(
        'ErrorsAlarm',
        fn.metricErrors({ statistic: Stats.SUM, period: PERIOD }),
        1,
        'The webhook function failed (unhandled error, timeout or a failed INIT, e.g. bad configuration): the platform got no answer and moved on in the belplan. Read the log group.',
      ),
      alarm(
        'ThrottlesAlarm',
        fn.metricThrottles({ statistic: Stats.SUM, period: PERIOD }),
        1,
        'Webhook requests were refused with 429 because the reserved concurrency was reached (10 requests per second per unit): those calls got no answer. Raise reservedConcurrency if the traffic is real.',
      ),
      alarm(
        'FallbackAnswersAlarm',
        fallbacks,
        props.fallbackAlarmThreshold,
        `At least ${props.fallbackAlarmThreshold} calls in 5 minutes got the fallback answer because the caller store failed or was too slow. See "Fallback answers by cause" on the dashboard.`,
      ),
      alarm(
        'AdminErrorsAlarm',
        admin.function.metricErrors({ statistic: Stats.SUM, period: PERIOD }),
        1,
        'The admin API function failed: a CRM update may not have been stored. Read its log group.',
      ),
    ];

    if (props.alarmEmail) {
      this.topic = new Topic(this, 'AlarmTopic', {
        displayName: `${stackName} alarms`,
        enforceSSL: true,
      });
      this.topic.addSubscription(new EmailSubscription(props.alarmEmail));
      const action = new SnsAction(this.topic);
      for (const each of this.alarms) {
        each.addAlarmAction(action);
        each.addOkAction(action);
      }
    }

    const budgetLines: HorizontalAnnotation[] = [
      { value: budgetMs, label: 'budget', color: '#d62728' },
      { value: latencyThresholdMs, label: 'alarm', color: '#ff7f0e' },
    ];
    this.dashboard = new Dashboard(this, 'Dashboard', {
      dashboardName: stackName,
      defaultInterval: Duration.hours(3),
    });
    this.dashboard.addWidgets(
      new GraphWidget({
        title: 'Webhook latency (Lambda duration, ms)',
        left: [duration(Stats.p(50)), duration(Stats.p(90)), duration(Stats.p(99))],
        leftAnnotations: budgetLines,
        width: 12,
      }),
      new GraphWidget({
        title: 'Requests, errors and throttles',
        left: [fn.metricInvocations({ statistic: Stats.SUM, period: PERIOD })],
        right: [
          fn.metricErrors({ statistic: Stats.SUM, period: PERIOD }),
          fn.metricThrottles({ statistic: Stats.SUM, period: PERIOD }),
        ],
        width: 12,
      }),
    );
    this.dashboard.addWidgets(
      new GraphWidget({
        title: 'Cold starts and INIT duration (ms)',
        left: [initDuration.metric({ statistic: Stats.SAMPLE_COUNT, period: PERIOD, label: 'cold starts' })],
        right: [
          initDuration.metric({ statistic: Stats.p(50), period: PERIOD, label: 'p50 init' }),
          initDuration.metric({ statistic: Stats.MAXIMUM, period: PERIOD, label: 'max init' }),
        ],
        width: 12,
      }),
      new GraphWidget({
        title: 'Fallback answers by cause',
        left: Object.entries(CAUSES).map(([cause, label]) =>
          byCause.metric({ statistic: Stats.SUM, period: PERIOD, label, dimensionsMap: { Cause: cause } }),
        ),
        stacked: true,
        width: 12,
      }),
    );
    this.dashboard.addWidgets(
      new LogQueryWidget({
        title: 'Answers by token',
        logGroupNames: [webhook.logGroup.logGroupName],
        queryLines: [
          'fields message.answer as answer',
          'filter message.msg = "webhook" and message.status = 200',
          'stats count(*) as calls by answer',
          'sort calls desc',
        ],
        view: LogQueryVisualizationType.BAR,
        width: 12,
      }),
      new LogQueryWidget({
        title: 'Answer latency in the function, cold vs warm (ms)',
        logGroupNames: [webhook.logGroup.logGroupName],
        queryLines: [
          'fields message.coldStart as coldStart, message.latencyMs as latencyMs',
          'filter message.msg = "webhook"',
          'stats count(*) as calls, pct(latencyMs, 50) as p50, pct(latencyMs, 99) as p99, max(latencyMs) as max by coldStart',
        ],
        view: LogQueryVisualizationType.TABLE,
        width: 12,
      }),
    );
    this.dashboard.addWidgets(new AlarmStatusWidget({ title: 'Alarms', alarms: this.alarms, width: 24 }));
  }
}
