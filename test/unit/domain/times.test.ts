import { callTime, timeOf } from '../../../lambda/domain/times';

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
