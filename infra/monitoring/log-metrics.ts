/**
 * Metrics read from the webhook's JSON log lines. With `loggingFormat: JSON`, the Node.js
 * runtime writes a single object passed to `console.log`/`console.warn` as the `message`
 * field of its line: `{"timestamp":…,"level":"INFO","requestId":…,"message":{"msg":"webhook",
 * "answer":…}}` (https://docs.aws.amazon.com/lambda/latest/dg/nodejs-logging.html), hence
 * `$.message.…`. Lambda's own REPORT line becomes `{"type":"platform.report","record":
 * {"metrics":{"durationMs":…,"initDurationMs":…}}}`, `initDurationMs` only after an INIT
 * (https://docs.aws.amazon.com/lambda/latest/dg/telemetry-schema-reference.html).
 */
import { type Duration, Stack } from 'aws-cdk-lib';
import { type Metric, Stats, Unit } from 'aws-cdk-lib/aws-cloudwatch';
import { FilterPattern, type ILogGroup, MetricFilter } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import type { FallbackCause, RequestLog } from '../../lambda/http/request-log';

/** Every fallback cause the webhook logs; a Record so a new cause fails the type check here. */
export const CAUSES: Record<FallbackCause, string> = {
  'kill-switch': 'kill switch',
  timeout: 'deadline',
  throttled: 'DynamoDB throttled',
  'server-error': 'DynamoDB 5xx',
  unreachable: 'DynamoDB unreachable',
  'connection-reset': 'connection reset',
  'store-error': 'other store error',
};

/** The JSON path of a field of the function's log line; the type keeps the names in step with the code. */
export const logField = <Line extends object = RequestLog>(name: Extract<keyof Line, string>) =>
  `$.message.${name}`;

export interface LogMetricsProps {
  logGroup: ILogGroup;
  period: Duration;
}

/** The metric filters on the webhook's log group and the metrics they give. */
export class LogMetrics extends Construct {
  /** Fallback answers that mean something went wrong (every cause but the kill switch). */
  readonly fallbacks: Metric;
  /** Fallback answers by cause: pass `dimensionsMap: { Cause }`. */
  readonly fallbacksByCause: MetricFilter;
  /** INIT durations: the sample count is the number of cold starts. */
  readonly initDuration: MetricFilter;
  /** Answers decided by a profile rule, by rule: pass `dimensionsMap: { Rule }`. */
  readonly answersByRule: MetricFilter;
  /** Webhook requests refused 401 or 403: a wrong token on the platform, or a flood. */
  readonly refusals: Metric;

  constructor(scope: Construct, id: string, props: LogMetricsProps) {
    super(scope, id);
    const namespace = `Callvoip/${Stack.of(this).stackName}`;
    const filter = (
      filterId: string,
      options: Omit<ConstructorParameters<typeof MetricFilter>[2], 'logGroup' | 'metricNamespace'>,
    ) =>
      new MetricFilter(this, filterId, { logGroup: props.logGroup, metricNamespace: namespace, ...options });
    const webhookLine = FilterPattern.stringValue(logField('msg'), '=', 'webhook');

    // The defect path answers the fallback without a cause and counts too.
    this.fallbacks = filter('FallbackAnswersFilter', {
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
    }).metric({ statistic: Stats.SUM, period: props.period });

    this.fallbacksByCause = filter('FallbacksByCauseFilter', {
      metricName: 'Fallbacks',
      filterPattern: FilterPattern.all(webhookLine, FilterPattern.exists(logField('fallbackCause'))),
      metricValue: '1',
      dimensions: { Cause: logField('fallbackCause') },
      unit: Unit.COUNT,
    });

    // By rule, not by answer: rule names are few and fixed, answers may insert CRM values.
    this.answersByRule = filter('AnswersByRuleFilter', {
      metricName: 'Answers',
      filterPattern: FilterPattern.all(webhookLine, FilterPattern.exists(logField('rule'))),
      metricValue: '1',
      dimensions: { Rule: logField('rule') },
      unit: Unit.COUNT,
    });

    this.refusals = filter('RefusedRequestsFilter', {
      metricName: 'RefusedRequests',
      filterPattern: FilterPattern.all(
        webhookLine,
        FilterPattern.any(
          FilterPattern.numberValue(logField('status'), '=', 401),
          FilterPattern.numberValue(logField('status'), '=', 403),
        ),
      ),
      metricValue: '1',
      unit: Unit.COUNT,
    }).metric({ statistic: Stats.SUM, period: props.period });

    this.initDuration = filter('InitDurationFilter', {
      metricName: 'InitDuration',
      filterPattern: FilterPattern.all(
        FilterPattern.stringValue('$.type', '=', 'platform.report'),
        FilterPattern.numberValue('$.record.metrics.initDurationMs', '>', 0),
      ),
      metricValue: '$.record.metrics.initDurationMs',
      unit: Unit.MILLISECONDS,
    });
  }
}
