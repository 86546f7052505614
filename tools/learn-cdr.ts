/**
 * Learning who answered from the platform's CDR report (Company Panel → CDR, downloaded as
 * CSV): for each caller, the latest answered inbound call and the colleague who answered it,
 * recorded like a handled report (never replacing a newer one, once however often the file
 * is read). Column names of the download are not documented: headers are mapped in Dutch and
 * English, or given with --map.
 */

import { excerpt, ValidationError } from '../lambda/domain/errors';
import {
  callReportId,
  colleagueOf,
  type HandledOutcome,
  type HandledReport,
  laterOf,
} from '../lambda/domain/handled-calls';
import { InvalidNumberError, normalizeCaller } from '../lambda/domain/numbers';
import { reportTime } from '../lambda/domain/times';
import type { CallerStore } from '../lambda/store/caller-store';
import { type CsvRecord, headerFields, ImportFileError, readCsv, restored } from './csv';

/** The columns a CDR row is read from. */
export const CDR_FIELDS = ['time', 'date', 'from', 'to', 'via', 'duration', 'waiting', 'status'] as const;
export type CdrField = (typeof CDR_FIELDS)[number];

/** Header names (lower case) each field is recognised by, Dutch and English. */
const HEADERS: Record<CdrField, string[]> = {
  time: ['tijdstip', 'tijd', 'time', 'datum/tijd', 'datetime', 'start', 'starttijd', 'begintijd'],
  date: ['datum', 'date'],
  from: ['van', 'from', 'beller', 'caller', 'nummer beller'],
  to: ['naar', 'to', 'aangenomen door', 'answered by', 'bestemming', 'destination'],
  via: ['via', 'gekozen nummer', 'dialled', 'dialed'],
  duration: ['duur', 'gespreksduur', 'duration', 'talk time', 'billsec'],
  waiting: ['wachttijd', 'wait', 'waiting', 'wait time'],
  status: ['status', 'resultaat', 'result', 'disposition'],
};

const ANSWERED = /^(answered|beantwoord|aangenomen|gesprek|connected|completed|ok)$/i;
const NOT_ANSWERED =
  /^(missed|gemist|no answer|niet beantwoord|voicemail|busy|bezet|failed|mislukt|cancel(l)?ed|afgebroken)$/i;

/** Why a row taught us nothing. */
export type SkipReason = 'not answered' | 'not an agent' | 'secret number' | 'anonymous';

/** What the file holds: one report per caller (their latest answered call), and every other row's fate. */
export interface CdrPlan {
  /** Which header each field was read from. */
  columns: Partial<Record<CdrField, string>>;
  reports: { line: number; callerKey: string; report: HandledReport }[];
  skipped: Record<SkipReason, number>;
  /** Answered calls of a caller with a later one in the file. */
  earlier: number;
  bad: { line: number; reason: string }[];
}

/** The outcome of learning, per reason. */
export interface CdrResult extends CdrPlan {
  outcomes: Record<HandledOutcome, number>;
  failed: { line: number; reason: string }[];
}

/**
 * Reads a CDR export. `map` names headers for fields the defaults do not find
 * (`{ from: 'Nummer A' }`).
 * @throws ImportFileError when the time, from or to column cannot be found.
 */
export function planCdr(
  text: string,
  defaultCountryCode: string,
  nowMs: number,
  map: Partial<Record<CdrField, string>> = {},
): CdrPlan {
  const [header, ...rows] = readCsv(text);
  if (!header) throw new ImportFileError('the file is empty');
  const index = columnIndexes(header.cells, map);
  const plan: CdrPlan = {
    columns: Object.fromEntries(
      Object.entries(index).map(([field, column]) => [field, header.cells[column]?.trim()]),
    ),
    reports: [],
    skipped: { 'not answered': 0, 'not an agent': 0, 'secret number': 0, anonymous: 0 },
    earlier: 0,
    bad: [],
  };
  const latest = new Map<string, { line: number; callerKey: string; report: HandledReport }>();
  for (const row of rows) {
    try {
      const learned = readRow(row, index, defaultCountryCode, nowMs);
      if (typeof learned === 'string') {
        plan.skipped[learned]++;
        continue;
      }
      const seen = latest.get(learned.callerKey);
      if (seen && seen.report.atMs >= learned.report.atMs) {
        plan.earlier++;
        continue;
      }
      if (seen) plan.earlier++;
      latest.set(learned.callerKey, learned);
    } catch (error) {
      if (!(error instanceof ValidationError)) throw error;
      plan.bad.push({ line: row.line, reason: error.columnMessage });
    }
  }
  plan.reports = [...latest.values()].sort((a, b) => a.line - b.line);
  return plan;
}

function columnIndexes(
  cells: string[],
  map: Partial<Record<CdrField, string>>,
): Partial<Record<CdrField, number>> {
  const wanted = (field: CdrField) => (map[field] ? [map[field].trim().toLowerCase()] : HEADERS[field]);
  const fields = headerFields(cells, (cell) =>
    CDR_FIELDS.find((field) => wanted(field).includes(cell.toLowerCase())),
  );
  const index: Partial<Record<CdrField, number>> = {};
  for (const field of CDR_FIELDS) {
    const column = fields.indexOf(field);
    if (column >= 0) index[field] = column;
    else if (map[field])
      throw new ImportFileError(`--map ${field}=${map[field]}: the header has no such column`);
  }
  const missing: string[] = (['from', 'to'] as const).filter((field) => index[field] === undefined);
  if (index.time === undefined && index.date === undefined) missing.unshift('time');
  if (missing.length > 0) {
    throw new ImportFileError(
      `the header names no ${missing.join(', ')} column (found: ${cells.map((cell) => excerpt(cell)).join(', ')}); ` +
        'name them with --map, e.g. --map from="Nummer A",to="Nummer B",time="Begin"',
    );
  }
  return index;
}

/** One row: the report it teaches, or why it teaches nothing. */
function readRow(
  row: CsvRecord,
  index: Partial<Record<CdrField, number>>,
  defaultCountryCode: string,
  nowMs: number,
): { line: number; callerKey: string; report: HandledReport } | SkipReason {
  const cell = (field: CdrField) =>
    index[field] === undefined ? '' : restored(row.cells[index[field]] ?? '').trim();
  const from = cell('from');
  if (/^\*+$/.test(from)) return 'secret number';
  if (!answered(cell('duration'), cell('status'))) return 'not answered';
  const agent = colleagueOf(cell('to'), defaultCountryCode);
  if (!agent) return 'not an agent';
  let caller: ReturnType<typeof normalizeCaller>;
  try {
    caller = normalizeCaller(from, defaultCountryCode);
  } catch (error) {
    if (error instanceof InvalidNumberError) {
      throw new ValidationError('from', `"${excerpt(from)}" ${error.message}`);
    }
    throw error;
  }
  if (caller.kind === 'anonymous') return 'anonymous';
  const when =
    index.date !== undefined && index.time !== undefined
      ? `${cell('date')} ${cell('time')}`
      : cell('time') || cell('date');
  const { atMs, latestMs } = reportTime(when, 'time', nowMs);
  return {
    line: row.line,
    callerKey: caller.key,
    report: { agent, id: callReportId(caller.key, agent, atMs), atMs, ...laterOf(atMs, latestMs) },
  };
}

/** Whether a call was answered: an answered status, or else a talk time above zero. */
function answered(duration: string, status: string): boolean {
  if (status && NOT_ANSWERED.test(status)) return false;
  if (status && ANSWERED.test(status)) return true;
  return seconds(duration) > 0;
}

/** A duration as `83`, `83s`, `1:23` or `0:01:23`, in seconds; 0 when unreadable. */
function seconds(duration: string): number {
  const parts = duration.replace(/s$/i, '').split(':').map(Number);
  if (parts.length === 0 || parts.some((part) => !Number.isFinite(part))) return 0;
  return parts.reduce((sum, part) => sum * 60 + part, 0);
}

/** How the reports of a plan are written: many at a time (each retried by the store on a transient failure). */
export interface LearnOptions {
  nowMs: number;
  concurrency?: number;
  onProgress?: (done: number, total: number) => void;
}

const DEFAULT_CONCURRENCY = 32;

/** Records the plan's reports; the result counts each outcome (recorded, duplicate, older) and each failure. */
export async function learnCdr(
  plan: CdrPlan,
  store: CallerStore,
  comId: string,
  options: LearnOptions,
): Promise<CdrResult> {
  const result: CdrResult = { ...plan, outcomes: { recorded: 0, duplicate: 0, older: 0 }, failed: [] };
  let next = 0;
  let done = 0;
  const work = async () => {
    while (next < plan.reports.length) {
      const { line, callerKey, report } = plan.reports[next++] as CdrPlan['reports'][number];
      try {
        const outcome = await store.recordHandled(comId, callerKey, { ...report, via: 'cdr' }, options.nowMs);
        result.outcomes[outcome]++;
      } catch (error) {
        result.failed.push({ line, reason: error instanceof Error ? error.name : String(error) });
      }
      options.onProgress?.(++done, plan.reports.length);
    }
  };
  const workers = Math.min(options.concurrency ?? DEFAULT_CONCURRENCY, plan.reports.length);
  await Promise.all(Array.from({ length: workers }, work));
  result.failed.sort((a, b) => a.line - b.line);
  return result;
}
