/**
 * The stack's metric filters read the lines Lambda writes: the INIT duration filter on the
 * platform's report lines.
 */
import { type StackFilter, stackFilters } from '../support/cdk-app';
import { matchesFilter, metricDatum } from '../support/filter-pattern';

let filters: Map<string, StackFilter>;
beforeAll(() => {
  filters = stackFilters();
});

function stackFilter(metricName: string): StackFilter {
  const filter = filters.get(metricName);
  if (!filter) throw new Error(`the stack has no metric filter for ${metricName}`);
  return filter;
}

describe("the stack's INIT duration filter on Lambda's report lines", () => {
  /** A `platform.report` line as Lambda writes it in the JSON log format. */
  const reportLine = (metrics: Record<string, number>) =>
    JSON.stringify({
      time: '2026-11-29T10:00:00.000Z',
      type: 'platform.report',
      record: { requestId: 'c0ffee00-0000-4000-8000-000000000000', metrics, status: 'success' },
    });
  const warmMetrics = { durationMs: 12.3, billedDurationMs: 13, memorySizeMB: 1024, maxMemoryUsedMB: 80 };

  it('counts the INIT duration of a report line after an INIT', () => {
    const line = reportLine({ ...warmMetrics, initDurationMs: 150.2 });

    const { pattern, transformation } = stackFilter('InitDuration');

    expect(matchesFilter(pattern, line)).toBe(true);
    expect(metricDatum(transformation, line)).toEqual({ value: 150.2, dimensions: {} });
  });

  it('counts nothing for a report line of a warm invocation', () => {
    const line = reportLine(warmMetrics);

    const matched = matchesFilter(stackFilter('InitDuration').pattern, line);

    expect(matched).toBe(false);
  });
});

describe("the stack's connector filters on the admin function's lines", () => {
  const adminLine = (message: Record<string, unknown>) =>
    JSON.stringify({
      timestamp: '2026-12-01T10:00:00.000Z',
      level: 'INFO',
      requestId: 'r',
      message: { msg: 'admin', coldStart: false, latencyMs: 9, ...message },
    });
  const counts = (metricName: string, line: string) => matchesFilter(stackFilter(metricName).pattern, line);

  it.each([
    [
      'a delivery with a wrong signature',
      { status: 401, reason: 'bad-signature', connector: 'moneybird' },
      [true, false],
    ],
    [
      'a delivery for a company not served',
      { status: 403, reason: 'forbidden', connector: 'zendesk' },
      [true, false],
    ],
    [
      'a delivery before the company set its secret',
      { status: 200, reason: 'no-secret-yet', outcome: 'ignored', connector: 'zendesk' },
      [true, false],
    ],
    [
      'a delivery the table could not take',
      { status: 503, reason: 'store-error', connector: 'moneybird' },
      [false, true],
    ],
    [
      'an accepted delivery',
      { status: 200, reason: 'accepted', outcome: 'accepted', connector: 'moneybird' },
      [false, false],
    ],
    ['an admin request refused, no delivery', { status: 401, reason: 'unauthorized' }, [false, false]],
    [
      'a delivery the connector cannot read (Pipedrive counts it towards a ban)',
      { status: 400, reason: 'invalid-request', connector: 'pipedrive' },
      [false, false, true],
    ],
    [
      'a delivery too large',
      { status: 413, reason: 'too-large', connector: 'hubspot' },
      [false, false, true],
    ],
    ['an admin request unreadable, no delivery', { status: 400, reason: 'invalid-request' }, [false, false]],
  ])('%s', (_case, message, [refused, failed, unreadable = false]) => {
    const line = adminLine(message);
    expect([
      counts('ConnectorRefusedDeliveries', line),
      counts('ConnectorFailedDeliveries', line),
      counts('ConnectorUnreadableDeliveries', line),
    ]).toEqual([refused, failed, unreadable]);
  });

  it('counts every delivery by connector and outcome', () => {
    const line = adminLine({ status: 200, reason: 'duplicate', outcome: 'duplicate', connector: 'zendesk' });
    const { pattern, transformation } = stackFilter('ConnectorDeliveries');
    expect(matchesFilter(pattern, line)).toBe(true);
    expect(metricDatum(transformation, line)).toEqual({
      value: 1,
      dimensions: { Connector: 'zendesk', Outcome: 'duplicate' },
    });
  });
});
