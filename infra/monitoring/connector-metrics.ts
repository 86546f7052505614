/**
 * Metrics read from the admin function's log lines of connector deliveries
 * (`POST /connectors/<source>`): those refused (401/403: a wrong signature, a company not
 * served; and those acknowledged before the company set its secret, applying nothing) and
 * those failed (5xx: the table or the secret store did not answer) or unreadable (400/413), which the source retries
 * for a while and then gives up on (Pipedrive bans, then deletes, a webhook that keeps
 * failing) — so facts go stale quietly. And every delivery by connector and outcome.
 */
import { type Duration, Stack } from 'aws-cdk-lib';
import { type Metric, Stats, Unit } from 'aws-cdk-lib/aws-cloudwatch';
import { FilterPattern, type ILogGroup, MetricFilter } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { logField } from './log-metrics';

export interface ConnectorMetricsProps {
  /** The admin function's log group. */
  logGroup: ILogGroup;
  period: Duration;
}

export class ConnectorMetrics extends Construct {
  /** Deliveries refused 401/403, or acknowledged without a secret to check them with. */
  readonly refused: Metric;
  /** Deliveries answered 5xx (the source retries). */
  readonly failed: Metric;
  /** Deliveries answered 400/413: a body the connector cannot read, which a retry does not mend (and Pipedrive counts towards a ban). */
  readonly unreadable: Metric;
  /** Deliveries by connector and outcome (accepted, duplicate, ignored): pass `dimensionsMap: { Connector, Outcome }`. */
  readonly byOutcome: MetricFilter;

  constructor(scope: Construct, id: string, props: ConnectorMetricsProps) {
    super(scope, id);
    const namespace = `Callvoip/${Stack.of(this).stackName}`;
    const delivery = FilterPattern.all(
      FilterPattern.stringValue(logField('msg'), '=', 'admin'),
      FilterPattern.exists(logField('connector')),
    );
    const count = (filterId: string, metricName: string, pattern: ReturnType<typeof FilterPattern.all>) =>
      new MetricFilter(this, filterId, {
        logGroup: props.logGroup,
        metricNamespace: namespace,
        metricName,
        filterPattern: FilterPattern.all(delivery, pattern),
        metricValue: '1',
        unit: Unit.COUNT,
      }).metric({ statistic: Stats.SUM, period: props.period });
    this.refused = count(
      'RefusedDeliveriesFilter',
      'ConnectorRefusedDeliveries',
      FilterPattern.any(
        FilterPattern.numberValue(logField('status'), '=', 401),
        FilterPattern.numberValue(logField('status'), '=', 403),
        FilterPattern.stringValue(logField('reason'), '=', 'no-secret-yet'),
      ),
    );
    this.failed = count(
      'FailedDeliveriesFilter',
      'ConnectorFailedDeliveries',
      FilterPattern.all(FilterPattern.numberValue(logField('status'), '>=', 500)),
    );
    this.unreadable = count(
      'UnreadableDeliveriesFilter',
      'ConnectorUnreadableDeliveries',
      FilterPattern.any(
        FilterPattern.numberValue(logField('status'), '=', 400),
        FilterPattern.numberValue(logField('status'), '=', 413),
      ),
    );
    this.byOutcome = new MetricFilter(this, 'DeliveriesByOutcomeFilter', {
      logGroup: props.logGroup,
      metricNamespace: namespace,
      metricName: 'ConnectorDeliveries',
      filterPattern: FilterPattern.all(delivery, FilterPattern.exists(logField('outcome'))),
      metricValue: '1',
      dimensions: { Connector: logField('connector'), Outcome: logField('outcome') },
      unit: Unit.COUNT,
    });
  }
}
