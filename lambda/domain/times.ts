/**
 * Times as the platform's reports write them, none documented: ISO 8601 (with or without a
 * zone), epoch seconds or milliseconds, and the panel's `YYYY-MM-DD HH:mm:ss` or Dutch
 * `DD-MM-YYYY HH:mm:ss` in Europe/Amsterdam time. Pure.
 */
import { excerpt, ValidationError } from './errors';

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
/** 2100-01-01: later is a unit error or nonsense, and is never stored (every Date can read it back). */
export const LATEST_MS = 4_102_444_800_000;
const HOUR_MS = 3_600_000;
/** The widest offset any time zone has. */
const MAX_OFFSET_MINUTES = 14 * 60;

const ISO_WITH_ZONE =
  /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(\.\d{1,9})?)?(?:(Z)|([+-])(\d{2}):?(\d{2}))$/i;
const YEAR_FIRST = /^(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ](\d{1,2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?)?$/;
const DAY_FIRST = /^(\d{1,2})([-/.])(\d{1,2})\2(\d{4})(?:[ T](\d{1,2}):(\d{2})(?::(\d{2}))?)?$/;
const FORMS =
  'ISO 8601 (2026-11-28T10:15:00Z), epoch seconds or milliseconds, or "YYYY-MM-DD HH:mm:ss" or ' +
  '"DD-MM-YYYY HH:mm:ss" in Europe/Amsterdam time';

/** A time as read: its instant, and — for a wall time of the hour that occurs twice — the latest it can mean. */
export interface ReadTime {
  atMs: number;
  /** Equal to `atMs` unless the text names a wall time the clocks showed twice (autumn). */
  latestMs: number;
}

/**
 * A call's time in epoch ms.
 * @throws ValidationError naming `field` for a time it cannot read, before 2001, after 2100,
 *         or more than the clock skew allowed ahead of `nowMs`.
 * @example callTime('2026-11-29 10:15:00', 'call.dated', now) // 09:15 UTC (CET)
 */
export function callTime(value: unknown, field: string, nowMs: number): number {
  return reportTime(value, field, nowMs).atMs;
}

/**
 * A reported time (who answered, when), with the latest instant it can mean: a report whose
 * latest reading is newer than a held one may replace it, so that of two reports in the hour
 * that occurs twice the newer never loses. The earliest reading is the one stored.
 * @throws ValidationError as `callTime` does.
 */
export function reportTime(value: unknown, field: string, nowMs: number): ReadTime {
  const read = readTime(value, field);
  notAhead(read.atMs, field, nowMs);
  return read;
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
 * A time in any of the forms above, in epoch ms (its earliest reading), past or future.
 * @throws ValidationError naming `field` for a time it cannot read, before 2001 or after 2100.
 */
export function timeOf(value: unknown, field: string): number {
  return readTime(value, field).atMs;
}

function readTime(value: unknown, field: string): ReadTime {
  const read = parseTime(value, field);
  if (read === undefined || !Number.isFinite(read.atMs) || read.atMs < EARLIEST_MS) {
    throw new ValidationError(field, `must be a time: ${FORMS}`);
  }
  if (read.latestMs > LATEST_MS)
    throw new ValidationError(field, 'is after 2100: not a time this product keeps');
  return read;
}

function parseTime(value: unknown, field: string): ReadTime | undefined {
  if (typeof value === 'number') return Number.isFinite(value) ? exact(epoch(value)) : undefined;
  if (typeof value !== 'string') return undefined;
  const text = value.trim();
  if (/^\d{9,13}(\.\d+)?$/.test(text)) return exact(epoch(Number(text)));
  const zoned = ISO_WITH_ZONE.exec(text);
  if (zoned) return zonedTime(zoned);
  const yearFirst = YEAR_FIRST.exec(text);
  if (yearFirst) return platformLocal(yearFirst[1], yearFirst[2], yearFirst[3], yearFirst.slice(4));
  const dayFirst = DAY_FIRST.exec(text);
  if (!dayFirst) return undefined;
  const [, day = '', separator, month = '', year] = dayFirst;
  // 1/2/2026 is 1 February in the Netherlands and 2 January in the United States.
  if (separator === '/' && Number(day) <= 12 && Number(month) <= 12 && day !== month) {
    throw new ValidationError(
      field,
      `"${excerpt(text)}" is ambiguous (day or month first?): write it as YYYY-MM-DD or DD-MM-YYYY; ${FORMS}`,
    );
  }
  return platformLocal(year, month, day, dayFirst.slice(5));
}

function exact(ms: number): ReadTime {
  return { atMs: ms, latestMs: ms };
}

/** Seconds or milliseconds since 1970, told apart by size. */
function epoch(value: number): number {
  return value < EARLIEST_S * 1000 && value >= EARLIEST_S ? Math.round(value * 1000) : Math.round(value);
}

/** ISO 8601 with a zone, each part checked: no 31 September, no offset that no zone has. */
function zonedTime(match: RegExpExecArray): ReadTime | undefined {
  const [, y, mo, d, h, mi, s = '0', fraction = '', utc, sign, offsetH = '0', offsetM = '0'] = match;
  const wall = wallClockMs(y, mo, d, [h, mi, s]);
  if (wall === undefined) return undefined;
  const offsetMinutes = utc ? 0 : Number(offsetH) * 60 + Number(offsetM);
  if (Number(offsetM) > 59 || offsetMinutes > MAX_OFFSET_MINUTES) return undefined;
  const millis = fraction ? Math.floor(Number(`0${fraction}`) * 1000) : 0;
  return exact(wall - (sign === '-' ? -1 : 1) * offsetMinutes * 60_000 + millis);
}

/** A calendar date and time as if in UTC, or undefined when it does not exist. */
function wallClockMs(
  year?: string,
  month?: string,
  day?: string,
  [hour = '0', minute = '0', second = '0']: (string | undefined)[] = [],
): number | undefined {
  const parts = [year, month, day, hour, minute, second].map((part) => Number(part ?? 0));
  const [y, mo, d, h, mi, s] = parts as [number, number, number, number, number, number];
  if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || s > 59) return undefined;
  const asUtc = Date.UTC(y, mo - 1, d, h, mi, s);
  return new Date(asUtc).getUTCDate() === d ? asUtc : undefined;
}

/**
 * A wall-clock time in the platform's zone, daylight saving included. A time of the hour the
 * clocks show twice has two readings (earliest and latest); a time in the hour they skip is
 * read with the offset before the change.
 */
function platformLocal(
  year?: string,
  month?: string,
  day?: string,
  time: (string | undefined)[] = [],
): ReadTime | undefined {
  const asUtc = wallClockMs(year, month, day, time);
  if (asUtc === undefined) return undefined;
  const offsets = new Set([zoneOffsetMs(asUtc - 14 * HOUR_MS), zoneOffsetMs(asUtc + 14 * HOUR_MS)]);
  const readings = [...offsets]
    .map((offset) => asUtc - offset)
    .filter((at) => asUtc - zoneOffsetMs(at) === at);
  if (readings.length === 0) return exact(asUtc - zoneOffsetMs(asUtc - 14 * HOUR_MS));
  return { atMs: Math.min(...readings), latestMs: Math.max(...readings) };
}

/**
 * The platform zone's wall clock, made on first use: a formatter with a time zone loads the
 * zone data (~25 ms), which the webhook, reading no wall times, must not pay at its cold start.
 */
let zoneParts: Intl.DateTimeFormat | undefined;

function zone(): Intl.DateTimeFormat {
  zoneParts ??= new Intl.DateTimeFormat('en-US', {
    timeZone: PLATFORM_TIME_ZONE,
    hourCycle: 'h23',
    year: 'numeric',
    month: 'numeric',
    day: 'numeric',
    hour: 'numeric',
    minute: 'numeric',
    second: 'numeric',
  });
  return zoneParts;
}

/** How far the platform's zone is ahead of UTC at an instant. */
function zoneOffsetMs(instantMs: number): number {
  const part = (type: string) =>
    Number(
      zone()
        .formatToParts(new Date(instantMs))
        .find((each) => each.type === type)?.value,
    );
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
