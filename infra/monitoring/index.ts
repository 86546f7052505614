/**
 * Monitoring of a deployment: metrics from the webhook's log lines, alarms (optionally
 * e-mailed) and a dashboard. Each part is its own construct in this folder.
 */
import { Duration, Stack } from 'aws-cdk-lib';
import type { Alarm, Dashboard } from 'aws-cdk-lib/aws-cloudwatch';
import type { Topic } from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import type { UrlFunction } from '../url-function';
import { Alarms } from './alarms';
import { ConnectorMetrics } from './connector-metrics';
import { WebhookDashboard } from './dashboard';
import { LogMetrics } from './log-metrics';

export interface MonitoringProps {
  webhook: UrlFunction;
  admin: UrlFunction;
  /** What the webhook may spend on one answer: the belplan timeout less the safety margin. */
  budgetMs: number;
  /** Fallback answers in 5 minutes that raise the fallback alarm. */
  fallbackAlarmThreshold: number;
  /** Webhook requests refused 401/403 in 5 minutes that raise the refusal alarm. */
  refusalAlarmThreshold: number;
  /** Alarm and recovery notices go here by e-mail; no topic without one. */
  alarmEmail?: string;
  /** Alarms of other parts of the stack (the presence sync's) to notify and show. */
  more?: Alarm[];
}

const PERIOD = Duration.minutes(5);

export class Monitoring extends Construct {
  readonly dashboard: Dashboard;
  readonly alarms: Alarm[];
  readonly topic: Topic | undefined;

  constructor(scope: Construct, id: string, props: MonitoringProps) {
    super(scope, id);
    const stackName = Stack.of(this).stackName;
    const metrics = new LogMetrics(this, 'LogMetrics', { logGroup: props.webhook.logGroup, period: PERIOD });
    const connectors = new ConnectorMetrics(this, 'ConnectorMetrics', {
      logGroup: props.admin.logGroup,
      period: PERIOD,
    });
    const alarms = new Alarms(this, 'Alarms', {
      webhook: props.webhook.function,
      admin: props.admin.function,
      fallbacks: metrics.fallbacks,
      budgetMs: props.budgetMs,
      fallbackAlarmThreshold: props.fallbackAlarmThreshold,
      refusals: metrics.refusals,
      refusalAlarmThreshold: props.refusalAlarmThreshold,
      connectors,
      period: PERIOD,
      alarmEmail: props.alarmEmail,
      stackName,
      ...(props.more ? { more: props.more } : {}),
    });
    this.alarms = alarms.all;
    this.topic = alarms.topic;
    this.dashboard = new WebhookDashboard(this, 'Dashboard', {
      dashboardName: stackName,
      webhook: props.webhook.function,
      logGroup: props.webhook.logGroup,
      metrics,
      connectors,
      budgetMs: props.budgetMs,
      latencyThresholdMs: alarms.latencyThresholdMs,
      alarms: alarms.all,
      period: PERIOD,
    }).dashboard;
  }
}
