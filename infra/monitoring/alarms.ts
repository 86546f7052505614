/**
 * The alarms of a deployment: webhook latency against its budget, failed invocations of both
 * functions, throttles, fallback answers, refused requests; optionally e-mailed through an SNS topic.
 */
import type { Duration } from 'aws-cdk-lib';
import {
  Alarm,
  ComparisonOperator,
  type IMetric,
  MathExpression,
  type Metric,
  Stats,
  TreatMissingData,
} from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { EmailSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import { Construct } from 'constructs';
import type { ConnectorMetrics } from './connector-metrics';

/**
 * Connector deliveries refused, failed or unreadable in 5 minutes that raise their alarm. Two:
 * one failed Pipedrive event is tried 4 times within 3 minutes (after 3, 30 and 150 s), so any
 * 5-minute window holds 2 of them — the alarm fires on the first failed event, long before the
 * 10 that ban the webhook, let alone the 3 days that delete it.
 */
export const CONNECTOR_ALARM_THRESHOLD = 2;

/** p99 duration above this share of the budget raises the latency alarm. */
export const LATENCY_ALARM_SHARE = 0.8;

export interface AlarmsProps {
  webhook: IFunction;
  admin: IFunction;
  /** Fallback answers that mean something went wrong (`LogMetrics.fallbacks`). */
  fallbacks: Metric;
  /** What the webhook may spend on one answer: the belplan timeout less the safety margin. */
  budgetMs: number;
  /** Fallback answers in one period that raise the fallback alarm. */
  fallbackAlarmThreshold: number;
  /** Webhook requests refused 401/403 (`LogMetrics.refusals`). */
  refusals: Metric;
  /** Refusals in one period that raise the refusal alarm. */
  refusalAlarmThreshold: number;
  /** Connector deliveries refused and failed. */
  connectors: ConnectorMetrics;
  period: Duration;
  /** Alarm and recovery notices go here by e-mail; no topic without one. */
  alarmEmail: string | undefined;
  /** Names the topic in its e-mails. */
  stackName: string;
  /** Alarms made elsewhere (the presence sync's) that notify and show here too. */
  more?: Alarm[];
}

export class Alarms extends Construct {
  readonly all: Alarm[];
  readonly topic: Topic | undefined;
  /** The latency alarm's threshold, drawn on the dashboard. */
  readonly latencyThresholdMs: number;

  constructor(scope: Construct, id: string, props: AlarmsProps) {
    super(scope, id);
    const { webhook, admin, period, budgetMs } = props;
    this.latencyThresholdMs = Math.round(budgetMs * LATENCY_ALARM_SHARE);
    this.all = [
      new Alarm(this, 'LatencyP99Alarm', {
        metric: webhook.metricDuration({ statistic: Stats.p(99), period }),
        threshold: this.latencyThresholdMs,
        evaluationPeriods: 3,
        datapointsToAlarm: 2,
        comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
        treatMissingData: TreatMissingData.NOT_BREACHING,
        alarmDescription: `Webhook p99 duration above ${this.latencyThresholdMs} ms, ${LATENCY_ALARM_SHARE * 100}% of its ${budgetMs} ms budget: answers are close to becoming fallbacks. Check DynamoDB latency and throttling; see the dashboard.`,
      }),
      this.atLeast(
        'ErrorsAlarm',
        webhook.metricErrors({ statistic: Stats.SUM, period }),
        1,
        'The webhook function failed (unhandled error, timeout or a failed INIT, e.g. bad configuration): the platform got no answer and moved on in the belplan. Read the log group.',
      ),
      this.atLeast(
        'ThrottlesAlarm',
        webhook.metricThrottles({ statistic: Stats.SUM, period }),
        1,
        'Webhook requests were refused with 429 because the reserved concurrency was reached (10 requests per second per unit): those calls got no answer. Raise reservedConcurrency if the traffic is real; see docs/security.md if it is a flood.',
      ),
      this.atLeast(
        'FallbackAnswersAlarm',
        props.fallbacks,
        props.fallbackAlarmThreshold,
        `At least ${props.fallbackAlarmThreshold} calls in 5 minutes got the fallback answer because the caller store failed or was too slow. See "Fallback answers by cause" on the dashboard.`,
      ),
      this.atLeast(
        'RefusedRequestsAlarm',
        props.refusals,
        props.refusalAlarmThreshold,
        `At least ${props.refusalAlarmThreshold} webhook requests in 5 minutes were refused (401 wrong or missing token, 403 source not allowed). Steady refusals: the token in the belplan's Webhook app does not match, and every call takes its default branch. A burst: someone is flooding the URL and using up its concurrency; see docs/security.md.`,
      ),
      this.atLeast(
        'ConnectorDeliveriesAlarm',
        new MathExpression({
          expression: 'FILL(refused, 0) + FILL(failed, 0) + FILL(unreadable, 0)',
          usingMetrics: {
            refused: props.connectors.refused,
            failed: props.connectors.failed,
            unreadable: props.connectors.unreadable,
          },
          period,
          label: 'connector deliveries refused, failed or unreadable',
        }),
        CONNECTOR_ALARM_THRESHOLD,
        `At least ${CONNECTOR_ALARM_THRESHOLD} connector deliveries (Moneybird, Zendesk, HubSpot, Pipedrive, …) in 5 minutes were refused (401: the secret set with npm run callers -- secret does not match the source's; 403: no secret for the company), failed (5xx: the table or Secrets Manager did not answer) or could not be read (400/413: a declaration that does not fit what the source sends). The source retries for a while and then stops (Pipedrive bans a webhook after 10 failed first attempts for 30 minutes, losing its events, and deletes it after 3 days without success): invoices, tickets and owners go stale. See "Connector deliveries" on the dashboard and docs/connectors.md.`,
      ),
      this.atLeast(
        'AdminErrorsAlarm',
        admin.metricErrors({ statistic: Stats.SUM, period }),
        1,
        'The admin API function failed: a CRM update may not have been stored. Read its log group.',
      ),
      ...(props.more ?? []),
    ];
    this.topic = props.alarmEmail ? this.notify(props.alarmEmail, props.stackName) : undefined;
  }

  private atLeast(alarmId: string, metric: IMetric, threshold: number, description: string): Alarm {
    return new Alarm(this, alarmId, {
      metric,
      threshold,
      evaluationPeriods: 1,
      comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: TreatMissingData.NOT_BREACHING,
      alarmDescription: description,
    });
  }

  private notify(email: string, stackName: string): Topic {
    const topic = new Topic(this, 'AlarmTopic', { displayName: `${stackName} alarms`, enforceSSL: true });
    topic.addSubscription(new EmailSubscription(email));
    const action = new SnsAction(topic);
    for (const alarm of this.all) {
      alarm.addAlarmAction(action);
      alarm.addOkAction(action);
    }
    return topic;
  }
}
