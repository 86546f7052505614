import { FilterPattern } from 'aws-cdk-lib/aws-logs';
import { matchesFilter, metricDatum } from '../../support/filter-pattern';

/** A Lambda JSON log line of the function, `message` being the object it logged. */
const line = (message: Record<string, unknown>) => ({
  timestamp: '2026-11-29T10:00:00.000Z',
  level: 'INFO',
  requestId: 'r-1',
  message,
});

describe('matchesFilter', () => {
  it.each([
    ['a quoted string equal to the field', '{ $.message.msg = "webhook" }', line({ msg: 'webhook' })],
    ['an unquoted word equal to the field', '{ $.message.msg = webhook }', line({ msg: 'webhook' })],
    ['a trailing wildcard', '{ $.message.reason = "fallback:*" }', line({ reason: 'fallback:timeout' })],
    ['a wildcard in the middle', '{ $.message.reason = "fall*out" }', line({ reason: 'fallback:timeout' })],
    ['"*" on an empty string', '{ $.message.fallbackCause = "*" }', line({ fallbackCause: '' })],
    [
      '!= on another string',
      '{ $.message.fallbackCause != "kill-switch" }',
      line({ fallbackCause: 'timeout' }),
    ],
    ['a number equal to the field', '{ $.message.status = 401 }', line({ status: 401 })],
    ['!= on another number', '{ $.message.status != 401 }', line({ status: 200 })],
    [
      '> on a larger number',
      '{ $.record.metrics.initDurationMs > 0 }',
      { record: { metrics: { initDurationMs: 150.2 } } },
    ],
    ['>= on an equal number', '{ $.latencyMs >= 12.5 }', { latencyMs: 12.5 }],
    ['<= on a smaller number', '{ $.latencyMs <= 1e3 }', { latencyMs: 999 }],
    ['< on a negative bound', '{ $.delta < -1 }', { delta: -2 }],
    ['an array element', '{ $.records[1].id = 7 }', { records: [{ id: 6 }, { id: 7 }] }],
    ['IS TRUE on true', '{ $.message.coldStart IS TRUE }', line({ coldStart: true })],
    ['IS FALSE on false', '{ $.message.coldStart IS FALSE }', line({ coldStart: false })],
    ['IS NULL on null', '{ $.message.answer IS NULL }', line({ answer: null })],
    ['NOT EXISTS on a missing field', '{ $.message.fallbackCause NOT EXISTS }', line({ msg: 'webhook' })],
    ['&& when both hold', '{ ($.a = "x") && ($.b = 1) }', { a: 'x', b: 1 }],
    ['|| when one holds', '{ ($.a = "y") || ($.b = 1) }', { a: 'x', b: 1 }],
    ['nested groups', '{ ($.a = "x") && ((($.b = "*") && ($.b != "k")) || ($.c = 2)) }', { a: 'x', c: 2 }],
    ['the line as JSON text', '{ $.message.msg = "webhook" }', JSON.stringify(line({ msg: 'webhook' }))],
  ])('matches %s', (_name, pattern, logLine) => {
    expect(matchesFilter(pattern, logLine)).toBe(true);
  });

  it.each([
    ['another string', '{ $.message.msg = "webhook" }', line({ msg: 'admin' })],
    ['a string only partly equal', '{ $.message.msg = "web" }', line({ msg: 'webhook' })],
    [
      'a wildcard anchored at the start',
      '{ $.message.reason = "fallback:*" }',
      line({ reason: 'x fallback:timeout' }),
    ],
    ['"*" on a missing field', '{ $.message.fallbackCause = "*" }', line({ msg: 'webhook' })],
    ['"*" on a number', '{ $.message.status = "*" }', line({ status: 200 })],
    ['!= on a missing field', '{ $.message.fallbackCause != "kill-switch" }', line({ msg: 'webhook' })],
    [
      '!= on the same string',
      '{ $.message.fallbackCause != "kill-switch" }',
      line({ fallbackCause: 'kill-switch' }),
    ],
    ['a number as a string field', '{ $.message.status = 401 }', line({ status: '401' })],
    ['a quoted number on a number field', '{ $.message.status = "401" }', line({ status: 401 })],
    ['> on zero', '{ $.record.metrics.initDurationMs > 0 }', { record: { metrics: { initDurationMs: 0 } } }],
    [
      '> on a missing number',
      '{ $.record.metrics.initDurationMs > 0 }',
      { record: { metrics: { durationMs: 3 } } },
    ],
    ['a path through a scalar', '{ $.message.msg.length = 7 }', line({ msg: 'webhook' })],
    ['an index past the array', '{ $.records[2].id = 7 }', { records: [{ id: 6 }, { id: 7 }] }],
    ['IS TRUE on a truthy string', '{ $.message.coldStart IS TRUE }', line({ coldStart: 'true' })],
    ['IS NULL on a missing field', '{ $.message.answer IS NULL }', line({})],
    ['NOT EXISTS on a null field', '{ $.message.answer NOT EXISTS }', line({ answer: null })],
    ['&& when one fails', '{ ($.a = "x") && ($.b = 2) }', { a: 'x', b: 1 }],
    ['|| when none holds', '{ ($.a = "y") || ($.b = 2) }', { a: 'x', b: 1 }],
    ['text that is not JSON', '{ $.message.msg = "webhook" }', 'START RequestId: r-1 Version: $LATEST'],
    ['a JSON line that is not an object', '{ $.msg = "webhook" }', '["webhook"]'],
  ])('does not match %s', (_name, pattern, logLine) => {
    expect(matchesFilter(pattern, logLine)).toBe(false);
  });

  it.each([
    ['exists', FilterPattern.exists('$.a'), { a: 'x' }, true],
    ['notExists', FilterPattern.notExists('$.a'), { b: 'x' }, true],
    ['isNull', FilterPattern.isNull('$.a'), { a: null }, true],
    ['booleanValue', FilterPattern.booleanValue('$.a', false), { a: false }, true],
    ['numberValue', FilterPattern.numberValue('$.a', '>=', 1.5), { a: 1 }, false],
    [
      'all and any',
      FilterPattern.all(
        FilterPattern.stringValue('$.a', '=', 'x'),
        FilterPattern.any(FilterPattern.exists('$.b'), FilterPattern.numberValue('$.c', '!=', 2)),
      ),
      { a: 'x', c: 3 },
      true,
    ],
  ])("reads CDK's rendering of FilterPattern.%s", (_name, pattern, logLine, expected) => {
    expect(matchesFilter(pattern.logPatternString, logLine)).toBe(expected);
  });

  it.each([
    ['a text (term) pattern', 'ERROR MainThread', /not a JSON filter pattern/],
    ['a pattern without its closing brace', '{ $.a = "x"', /expected "\}"/],
    ['&& and || mixed without parentheses', '{ $.a = 1 && $.b = 2 || $.c = 3 }', /need parentheses/],
    ['> on a string', '{ $.a > "x" }', /compares numbers only/],
    ['a comparison without a value', '{ $.a = }', /expected a value after =/],
    ['a selector without $', '{ a = "x" }', /expected a \$\. selector/],
    ['a selector of a quoted key', '{ $.a["x"] = 1 }', /unsupported selector/],
    ['IS with an unknown word', '{ $.a IS EMPTY }', /TRUE, FALSE or NULL/],
  ])('refuses %s', (_name, pattern, message) => {
    expect(() => matchesFilter(pattern, { a: 'x' })).toThrow(message);
  });
});

describe('metricDatum', () => {
  const byCause = {
    MetricName: 'Fallbacks',
    MetricValue: '1',
    Dimensions: [{ Key: 'Cause', Value: '$.message.fallbackCause' }],
  };

  it('publishes the literal value with each dimension read from the line', () => {
    expect(metricDatum(byCause, line({ fallbackCause: 'timeout' }))).toEqual({
      value: 1,
      dimensions: { Cause: 'timeout' },
    });
  });

  it('publishes a value read from the line', () => {
    const initDuration = { MetricName: 'InitDuration', MetricValue: '$.record.metrics.initDurationMs' };

    expect(metricDatum(initDuration, { record: { metrics: { initDurationMs: 150.2 } } })).toEqual({
      value: 150.2,
      dimensions: {},
    });
  });

  it('publishes nothing when a dimension is missing from the line', () => {
    expect(metricDatum(byCause, line({ msg: 'webhook' }))).toBeUndefined();
  });

  it('publishes nothing when the value read is not a number', () => {
    const latency = { MetricName: 'Latency', MetricValue: '$.message.latencyMs' };

    expect(metricDatum(latency, line({ latencyMs: 'fast' }))).toBeUndefined();
  });
});
