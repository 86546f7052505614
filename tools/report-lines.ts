/**
 * Lambda's REPORT lines, as text (`REPORT RequestId: … Duration: … ms`) or, with the JSON log
 * format, as `platform.report` records, read into numbers for `npm run measure`.
 */
import { type Summary, summarize } from './stats';

/** What Lambda reported about one invocation. */
export interface Report {
  requestId: string;
  durationMs: number;
  billedDurationMs: number;
  memorySizeMb: number;
  maxMemoryUsedMb: number;
  /** Present on cold starts only. */
  initDurationMs?: number;
}

const TEXT_FIELDS: Record<string, keyof Omit<Report, 'requestId'>> = {
  Duration: 'durationMs',
  'Billed Duration': 'billedDurationMs',
  'Memory Size': 'memorySizeMb',
  'Max Memory Used': 'maxMemoryUsedMb',
  'Init Duration': 'initDurationMs',
};

/** Reads one log message; undefined when it is not a REPORT line. */
export function parseReportLine(message: string): Report | undefined {
  const trimmed = message.trim();
  if (trimmed.startsWith('{')) return parseJsonReport(trimmed);
  const requestId = /^REPORT RequestId: ([0-9a-f-]{36})/i.exec(trimmed)?.[1];
  if (!requestId) return undefined;
  const report: Partial<Report> = { requestId };
  for (const [, name, value] of trimmed.matchAll(/\t?([A-Za-z ]+): ([\d.]+) (?:ms|MB)/g)) {
    const key = TEXT_FIELDS[(name ?? '').trim()];
    if (key) report[key] = Number(value);
  }
  return isComplete(report) ? report : undefined;
}

function parseJsonReport(text: string): Report | undefined {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  const record = value as {
    type?: string;
    record?: { requestId?: string; metrics?: Record<string, number> };
  };
  if (record.type !== 'platform.report' || !record.record?.requestId || !record.record.metrics)
    return undefined;
  const m = record.record.metrics;
  const report: Partial<Report> = {
    requestId: record.record.requestId,
    durationMs: m.durationMs,
    billedDurationMs: m.billedDurationMs,
    memorySizeMb: m.memorySizeMB,
    maxMemoryUsedMb: m.maxMemoryUsedMB,
    ...(m.initDurationMs === undefined ? {} : { initDurationMs: m.initDurationMs }),
  };
  return isComplete(report) ? report : undefined;
}

function isComplete(report: Partial<Report>): report is Report {
  return ['durationMs', 'billedDurationMs', 'memorySizeMb', 'maxMemoryUsedMb'].every(
    (key) => typeof report[key as keyof Report] === 'number' && !Number.isNaN(report[key as keyof Report]),
  );
}

/** Per phase (cold or warm): what the caller saw and what Lambda reported. */
export interface PhaseSummary {
  endToEndMs: Summary;
  durationMs: Summary;
  initDurationMs: Summary;
  maxMemoryUsedMb: Summary;
  /** Calls whose REPORT line was not found. */
  missingReports: number;
}

/** Joins the calls (request id → end-to-end latency) with their reports. */
export function summarizePhase(
  calls: { requestId: string | undefined; latencyMs: number }[],
  reports: Map<string, Report>,
): PhaseSummary {
  const matched = calls.map((call) => (call.requestId ? reports.get(call.requestId) : undefined));
  const found = matched.filter((report): report is Report => report !== undefined);
  return {
    endToEndMs: summarize(calls.map((call) => call.latencyMs)),
    durationMs: summarize(found.map((report) => report.durationMs)),
    initDurationMs: summarize(
      found.flatMap((report) => (report.initDurationMs === undefined ? [] : [report.initDurationMs])),
    ),
    maxMemoryUsedMb: summarize(found.map((report) => report.maxMemoryUsedMb)),
    missingReports: calls.length - found.length,
  };
}
