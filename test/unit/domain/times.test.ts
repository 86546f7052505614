import { ValidationError } from '../../../lambda/domain/errors';
import { callTime, reportTime, timeOf } from '../../../lambda/domain/times';

const nowMs = Date.UTC(2026, 10, 29, 12);

describe('callTime reads the notations of the platform’s reports', () => {
  it.each<[string, unknown, number]>([
    ['ISO 8601 in UTC', '2026-11-28T09:15:00Z', Date.UTC(2026, 10, 28, 9, 15)],
    ['ISO 8601 with an offset', '2026-11-28T10:15:00+01:00', Date.UTC(2026, 10, 28, 9, 15)],
    ['ISO 8601 with milliseconds', '2026-11-28T09:15:00.250Z', Date.UTC(2026, 10, 28, 9, 15, 0, 250)],
    ['epoch seconds as text', '1795857300', Date.UTC(2026, 10, 28, 9, 15)],
    ['epoch seconds as a number', 1795857300, Date.UTC(2026, 10, 28, 9, 15)],
    ['epoch milliseconds', '1795857300000', Date.UTC(2026, 10, 28, 9, 15)],
    ['Amsterdam winter time', '2026-11-28 10:15:00', Date.UTC(2026, 10, 28, 9, 15)],
    ['Amsterdam summer time', '2026-07-01 10:15:00', Date.UTC(2026, 6, 1, 8, 15)],
    ['Amsterdam time without seconds', '2026-11-28 10:15', Date.UTC(2026, 10, 28, 9, 15)],
    ['ISO 8601 without a zone (Amsterdam)', '2026-11-28T10:15:00', Date.UTC(2026, 10, 28, 9, 15)],
    ['a Dutch date first', '28-11-2026 10:15:00', Date.UTC(2026, 10, 28, 9, 15)],
    ['a Dutch date with slashes', '28/11/2026 10:15', Date.UTC(2026, 10, 28, 9, 15)],
    ['the last hour of summer time', '2026-10-25 01:30:00', Date.UTC(2026, 9, 24, 23, 30)],
  ])('%s', (_name, value, ms) => {
    expect(callTime(value, 'dated', nowMs)).toBe(ms);
  });

  it.each<[string, unknown, string]>([
    ['words', 'gisteren', 'field dated must be a time'],
    ['a day that does not exist', '2026-02-30 10:00', 'field dated must be a time'],
    ['an hour that does not exist', '2026-11-28 25:00', 'field dated must be a time'],
    ['a time before 2001', '1999-12-31T23:59:59Z', 'field dated must be a time'],
    ['an object', { at: 1 }, 'field dated must be a time'],
    ['an hour ahead of the clock', '2026-11-29T13:00:00Z', 'field dated is 60 minutes ahead of this server'],
  ])('refuses %s, naming the field', (_name, value, message) => {
    expect(() => callTime(value, 'dated', nowMs)).toThrow(message);
  });

  it('lets timeOf read a future time, for an absence that ends', () => {
    expect(timeOf('2026-12-24', 'until')).toBe(Date.UTC(2026, 11, 23, 23));
  });
});

describe('one time reader for every door, the same on every machine', () => {
  it.each<[string, unknown, string]>([
    ['a date both of whose parts could be the month', '1/2/2026', 'is ambiguous'],
    ['a month by name', 'March 7', 'field at must be a time'],
    ['a word and a number', 'Foo 12', 'field at must be a time'],
    ['a day that does not exist, with a zone', '2026-09-31T10:00:00Z', 'field at must be a time'],
    ['an offset no zone has', '2026-11-28T10:15:00+23:59', 'field at must be a time'],
    ['a time after 2100', 1e20, 'field at is after 2100'],
    ['a time past what a date can hold', 8.7e15, 'field at is after 2100'],
    ['a number that is no time', Number.NaN, 'field at must be a time'],
  ])('refuses %s, naming the forms it takes', (_name, value, message) => {
    expect(() => timeOf(value, 'at')).toThrow(message);
    expect(() => timeOf(value, 'at')).toThrow(ValidationError);
  });

  it('names the forms it reads when it cannot read a time', () => {
    expect(() => timeOf('1/2/2026', 'at')).toThrow('YYYY-MM-DD HH:mm');
  });

  it.each(['UTC', 'Europe/Amsterdam', 'America/New_York', 'Asia/Tokyo'])(
    'reads a time without a zone as Amsterdam time when this machine runs in %s',
    (zone) => {
      const saved = process.env.TZ;
      process.env.TZ = zone;
      try {
        expect([timeOf('2026-11-20 10:00', 'at'), timeOf('20-11-2026 10:00', 'at')]).toEqual([
          Date.UTC(2026, 10, 20, 9),
          Date.UTC(2026, 10, 20, 9),
        ]);
      } finally {
        process.env.TZ = saved;
      }
    },
  );

  it('reads a wall time of the hour that occurs twice as its earliest reading, and says how late it could be', () => {
    const first = reportTime('2026-10-25 02:50', 'dated', nowMs);
    const second = reportTime('2026-10-25 02:10', 'dated', nowMs);
    const plain = reportTime('2026-10-25 03:10', 'dated', nowMs);

    expect(first).toEqual({ atMs: Date.UTC(2026, 9, 25, 0, 50), latestMs: Date.UTC(2026, 9, 25, 1, 50) });
    expect(second).toEqual({ atMs: Date.UTC(2026, 9, 25, 0, 10), latestMs: Date.UTC(2026, 9, 25, 1, 10) });
    expect(plain).toEqual({ atMs: Date.UTC(2026, 9, 25, 2, 10), latestMs: Date.UTC(2026, 9, 25, 2, 10) });
    // 02:10 twenty minutes after 02:50 (CEST, then CET) can be the newer report.
    expect(second.latestMs).toBeGreaterThan(first.atMs);
  });
});
