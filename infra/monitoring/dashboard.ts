/**
 * The webhook's dashboard: latency against the budget, requests and failures, cold starts,
 * fallbacks by cause, answers by rule, refused requests beside throttles, answers by token,
 * connector deliveries by source and outcome, those refused or failed, cold versus warm latency
 * in the function, alarms.
 */
import { Duration } from 'aws-cdk-lib';
import {
  type Alarm,
  AlarmStatusWidget,
  Dashboard,
  GraphWidget,
  LogQueryVisualizationType,
  LogQueryWidget,
  MathExpression,
  Stats,
} from 'aws-cdk-lib/aws-cloudwatch';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import type { ILogGroup } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import type { ConnectorMetrics } from './connector-metrics';
import { CAUSES, type LogMetrics } from './log-metrics';

export interface WebhookDashboardProps {
  dashboardName: string;
  webhook: IFunction;
  logGroup: ILogGroup;
  metrics: LogMetrics;
  connectors: ConnectorMetrics;
  budgetMs: number;
  latencyThresholdMs: number;
  alarms: Alarm[];
  period: Duration;
}

const HALF = 12;
const FULL = 24;

export class WebhookDashboard extends Construct {
  readonly dashboard: Dashboard;

  constructor(scope: Construct, id: string, props: WebhookDashboardProps) {
    super(scope, id);
    this.dashboard = new Dashboard(this, 'Dashboard', {
      dashboardName: props.dashboardName,
      defaultInterval: Duration.hours(3),
    });
    this.dashboard.addWidgets(...this.functionWidgets(props));
    this.dashboard.addWidgets(...this.logMetricWidgets(props));
    this.dashboard.addWidgets(...this.trafficWidgets(props));
    this.dashboard.addWidgets(...this.connectorWidgets(props));
    this.dashboard.addWidgets(...this.logQueryWidgets(props));
    this.dashboard.addWidgets(new AlarmStatusWidget({ title: 'Alarms', alarms: props.alarms, width: FULL }));
  }

  private functionWidgets({ webhook, period, budgetMs, latencyThresholdMs }: WebhookDashboardProps) {
    const duration = (statistic: string) =>
      webhook.metricDuration({ statistic, period, label: `${statistic} duration` });
    return [
      new GraphWidget({
        title: 'Webhook latency (Lambda duration, ms)',
        left: [duration(Stats.p(50)), duration(Stats.p(90)), duration(Stats.p(99))],
        leftAnnotations: [
          { value: budgetMs, label: 'budget', color: '#d62728' },
          { value: latencyThresholdMs, label: 'alarm', color: '#ff7f0e' },
        ],
        width: HALF,
      }),
      new GraphWidget({
        title: 'Requests, errors and throttles',
        left: [webhook.metricInvocations({ statistic: Stats.SUM, period })],
        right: [
          webhook.metricErrors({ statistic: Stats.SUM, period }),
          webhook.metricThrottles({ statistic: Stats.SUM, period }),
        ],
        width: HALF,
      }),
    ];
  }

  private logMetricWidgets({ metrics, period }: WebhookDashboardProps) {
    const init = (statistic: string, label: string) =>
      metrics.initDuration.metric({ statistic, period, label });
    return [
      new GraphWidget({
        title: 'Cold starts and INIT duration (ms)',
        left: [init(Stats.SAMPLE_COUNT, 'cold starts')],
        right: [init(Stats.p(50), 'p50 init'), init(Stats.MAXIMUM, 'max init')],
        width: HALF,
      }),
      new GraphWidget({
        title: 'Fallback answers by cause',
        left: Object.entries(CAUSES).map(([cause, label]) =>
          metrics.fallbacksByCause.metric({
            statistic: Stats.SUM,
            period,
            label,
            dimensionsMap: { Cause: cause },
          }),
        ),
        stacked: true,
        width: HALF,
      }),
    ];
  }

  private trafficWidgets({ webhook, metrics, period }: WebhookDashboardProps) {
    const { namespace, metricName } = metrics.answersByRule.metric();
    return [
      new GraphWidget({
        title: 'Answers by rule',
        // One line per rule that answered: the rule names live in the profiles, not here.
        left: [
          new MathExpression({
            expression: `SEARCH('{${namespace},Rule} MetricName="${metricName}"', 'Sum', ${period.toSeconds()})`,
            label: '',
            period,
          }),
        ],
        stacked: true,
        width: HALF,
      }),
      new GraphWidget({
        title: 'Refused requests (401/403) and throttles (429)',
        left: [metrics.refusals.with({ label: 'refused 401/403' })],
        right: [webhook.metricThrottles({ statistic: Stats.SUM, period, label: 'throttled 429' })],
        width: HALF,
      }),
    ];
  }

  private connectorWidgets({ connectors, period }: WebhookDashboardProps) {
    const { namespace, metricName } = connectors.byOutcome.metric();
    return [
      new GraphWidget({
        title: 'Connector deliveries by source and outcome',
        left: [
          new MathExpression({
            expression: `SEARCH('{${namespace},Connector,Outcome} MetricName="${metricName}"', 'Sum', ${period.toSeconds()})`,
            label: '',
            period,
          }),
        ],
        stacked: true,
        width: HALF,
      }),
      new GraphWidget({
        title: 'Connector deliveries refused (401/403) and failed (5xx)',
        left: [connectors.refused.with({ label: 'refused' }), connectors.failed.with({ label: 'failed' })],
        width: HALF,
      }),
    ];
  }

  private logQueryWidgets({ logGroup }: WebhookDashboardProps) {
    const logGroupNames = [logGroup.logGroupName];
    return [
      new LogQueryWidget({
        title: 'Answers by token',
        logGroupNames,
        queryLines: [
          'fields message.answer as answer',
          'filter message.msg = "webhook" and message.status = 200',
          'stats count(*) as calls by answer',
          'sort calls desc',
        ],
        view: LogQueryVisualizationType.BAR,
        width: HALF,
      }),
      new LogQueryWidget({
        title: 'Answer latency in the function, cold vs warm (ms)',
        logGroupNames,
        queryLines: [
          'fields message.coldStart as coldStart, message.latencyMs as latencyMs',
          'filter message.msg = "webhook"',
          'stats count(*) as calls, pct(latencyMs, 50) as p50, pct(latencyMs, 99) as p99, max(latencyMs) as max by coldStart',
        ],
        view: LogQueryVisualizationType.TABLE,
        width: HALF,
      }),
    ];
  }
}
