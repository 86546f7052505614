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
