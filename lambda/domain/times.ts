/**
 * Times as the platform's reports write them, none documented: ISO 8601 (with or without a
 * zone), epoch seconds or milliseconds, and the panel's `YYYY-MM-DD HH:mm:ss` or Dutch
 * `DD-MM-YYYY HH:mm:ss` in Europe/Amsterdam time. Pure.
 */
import { ValidationError } from '../domain/errors';

/**
 * How far ahead of this server's clock a reported time may be. Clocks kept by NTP differ by
 * far less; a local time sent as UTC is an hour or two ahead and would otherwise block every
 * newer report until that time.
 */
export const MAX_CLOCK_SKEW_MS = 60_000;

/** The platform's time zone: a time written without one is local time there. */
export const PLATFORM_TIME_ZONE = 'Europe/Amsterdam';

/** 2001-01-01, in ms and in s: earlier is not a time of a call (seconds given for milliseconds). */
export const EARLIEST_MS = 978_307_200_000;
const EARLIEST_S = EARLIEST_MS / 1000;

const ISO_WITH_ZONE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})$/i;
const YEAR_FIRST = /^(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ](\d{1,2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?)?$/;
const DAY_FIRST = /^(\d{1,2})[-/.](\d{1,2})[-/.](\d{4})(?:[ T](\d{1,2}):(\d{2})(?::(\d{2}))?)?$/;

/**
 * A call's time in epoch ms.
 * @throws ValidationError naming `field` for a time it cannot read, before 2001, or more than
 *         the clock skew allowed ahead of `nowMs`.
 * @example callTime('2026-11-29 10:15:00', 'call.dated', now) // 09:15 UTC (CET)
 */
export function callTime(value: unknown, field: string, nowMs: number): number {
  return notAhead(timeOf(value, field), field, nowMs);
}

/** A time that is not ahead of `nowMs` by more than the clock skew allowed. */
export function notAhead(ms: number, field: string, nowMs: number): number {
  if (ms > nowMs + MAX_CLOCK_SKEW_MS) {
    const minutes = Math.round((ms - nowMs) / 60_000);
    throw new ValidationError(
      field,
      `is ${minutes} minutes ahead of this server's clock; at most ${MAX_CLOCK_SKEW_MS / 1000} s of clock skew ` +
        'is accepted (was a local time sent as UTC?)',
    );
  }
  return ms;
}

/**
 * A time in any of the forms above, in epoch ms, past or future.
 * @throws ValidationError naming `field` for a time it cannot read or before 2001.
 */
export function timeOf(value: unknown, field: string): number {
  const ms = readTime(value);
  if (ms === undefined || Number.isNaN(ms) || ms < EARLIEST_MS) {
    throw new ValidationError(
      field,
      'must be a time: ISO 8601, epoch seconds or milliseconds, or "YYYY-MM-DD HH:mm:ss" (Europe/Amsterdam)',
    );
  }
  return ms;
}

function readTime(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) ? epoch(value) : undefined;
  if (typeof value !== 'string') return undefined;
  const text = value.trim();
  if (/^\d{9,13}(\.\d+)?$/.test(text)) return epoch(Number(text));
  if (ISO_WITH_ZONE.test(text)) return Date.parse(text);
  const yearFirst = YEAR_FIRST.exec(text);
  if (yearFirst) return platformLocal(yearFirst[1], yearFirst[2], yearFirst[3], yearFirst.slice(4));
  const dayFirst = DAY_FIRST.exec(text);
  if (dayFirst) return platformLocal(dayFirst[3], dayFirst[2], dayFirst[1], dayFirst.slice(4));
  return undefined;
}

/** Seconds or milliseconds since 1970, told apart by size. */
function epoch(value: number): number {
  return value < EARLIEST_S * 1000 && value >= EARLIEST_S ? Math.round(value * 1000) : Math.round(value);
}

/** A wall-clock time in the platform's zone as epoch ms, daylight saving included. */
function platformLocal(
  year?: string,
  month?: string,
  day?: string,
  [hour = '0', minute = '0', second = '0']: (string | undefined)[] = [],
): number | undefined {
  const parts = [year, month, day, hour, minute, second].map((part) => Number(part ?? 0));
  const [y, mo, d, h, mi, s] = parts as [number, number, number, number, number, number];
  if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || s > 59) return undefined;
  const asUtc = Date.UTC(y, mo - 1, d, h, mi, s);
  if (new Date(asUtc).getUTCDate() !== d) return undefined;
  // The zone's offset at the guess, then at the result: right on either side of a DST change.
  const first = asUtc - zoneOffsetMs(asUtc);
  return asUtc - zoneOffsetMs(first);
}

const zoneParts = new Intl.DateTimeFormat('en-US', {
  timeZone: PLATFORM_TIME_ZONE,
  hourCycle: 'h23',
  year: 'numeric',
  month: 'numeric',
  day: 'numeric',
  hour: 'numeric',
  minute: 'numeric',
  second: 'numeric',
});

/** How far the platform's zone is ahead of UTC at an instant. */
function zoneOffsetMs(instantMs: number): number {
  const part = (type: string) =>
    Number(zoneParts.formatToParts(new Date(instantMs)).find((each) => each.type === type)?.value);
  const wall = Date.UTC(
    part('year'),
    part('month') - 1,
    part('day'),
    part('hour'),
    part('minute'),
    part('second'),
  );
  return wall - Math.floor(instantMs / 1000) * 1000;
}

/**
 * A time in epoch milliseconds (a number, or digits as text), from 2001 to at most
 * `MAX_CLOCK_SKEW_MS` ahead of `nowMs`.
 */
export function epochMs(value: unknown, field: string, nowMs: number): number {
  const ms = typeof value === 'string' && /^\d{1,15}$/.test(value) ? Number(value) : value;
  if (typeof ms !== 'number' || !Number.isInteger(ms) || ms < EARLIEST_MS) {
    throw new ValidationError(field, 'must be epoch milliseconds (since 1970, not seconds)');
  }
  return notAhead(ms, field, nowMs);
}

/** A time as answers and exports write it: ISO 8601 in UTC. */
export function isoTime(ms: number | undefined): string | undefined {
  return ms === undefined ? undefined : new Date(ms).toISOString();
}
