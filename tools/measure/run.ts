/**
 * A measurement: cold calls (each after a forced cold start), then warm calls, then their
 * REPORT lines. A call counts as cold only when its REPORT line carries `Init Duration`, the
 * proof that its environment started for it; a call whose line lacks it is warm, whatever
 * was asked for.
 */
import { type PhaseSummary, type Report, summarizePhase } from '../report-lines';
import type { Summary } from '../stats';
import type { MeasuredCall, MeasureTarget } from './target';

/** How many calls of each kind. */
export interface Counts {
  cold: number;
  warm: number;
}

/** The calls of a measurement, sorted by what their REPORT lines prove. */
export interface Measurement {
  requestedCold: number;
  provenCold: MeasuredCall[];
  warm: MeasuredCall[];
  /** Calls whose REPORT line was not found. */
  unreported: MeasuredCall[];
  reports: Map<string, Report>;
  failed: number;
}

/** Runs the calls on `target` and reads their REPORT lines; the target is restored whatever happens. */
export async function measure(target: MeasureTarget, counts: Counts): Promise<Measurement> {
  const calls: MeasuredCall[] = [];
  try {
    for (let index = 0; index < counts.cold; index++) {
      await target.forceCold();
      calls.push(await target.call());
      process.stderr.write(`\rcold ${index + 1}/${counts.cold}`);
    }
    for (let index = 0; index < counts.warm; index++) {
      calls.push(await target.call());
      process.stderr.write(`\rwarm ${index + 1}/${counts.warm}`);
    }
  } finally {
    process.stderr.write('\nputting the function back and reading REPORT lines…\n');
    await target.restore();
  }
  const reports = await target.reports(calls);
  const reportOf = (call: MeasuredCall) => (call.requestId ? reports.get(call.requestId) : undefined);
  return {
    requestedCold: counts.cold,
    provenCold: calls.filter((call) => reportOf(call)?.initDurationMs !== undefined),
    warm: calls.filter(
      (call) => reportOf(call) !== undefined && reportOf(call)?.initDurationMs === undefined,
    ),
    unreported: calls.filter((call) => reportOf(call) === undefined),
    reports,
    failed: calls.filter((call) => call.status !== 200).length,
  };
}

/** The table `npm run measure` prints. */
export function describeMeasurement(measurement: Measurement, target: MeasureTarget): string {
  const { provenCold, requestedCold, reports } = measurement;
  const lines = [
    `measured: ${target.description}`,
    `${provenCold.length} of ${requestedCold} cold calls proven cold by an Init Duration in their REPORT line`,
    ...phase('cold', summarizePhase(provenCold, reports), target.belplanTimeoutMs),
    ...phase('warm', summarizePhase(measurement.warm, reports), target.belplanTimeoutMs),
  ];
  if (measurement.unreported.length > 0) {
    lines.push(`\n${measurement.unreported.length} calls without a REPORT line found (not counted above)`);
  }
  if (measurement.failed > 0)
    lines.push(`\n${measurement.failed} calls did not answer 200 (a timeout is no answer)`);
  return lines.join('\n');
}

function phase(name: string, summary: PhaseSummary, belplanTimeoutMs: number): string[] {
  if (summary.endToEndMs.count === 0) return [];
  const row = (label: string, values: Summary, unit = 'ms') =>
    `  ${label.padEnd(26)} p50 ${fixed(values.p50)}  p90 ${fixed(values.p90)}  p99 ${fixed(values.p99)}  (${values.count}) ${unit}`;
  const used = (summary.endToEndMs.p99 / belplanTimeoutMs) * 100;
  return [
    `\n${name} (${summary.endToEndMs.count} calls)`,
    row('end to end (as the caller)', summary.endToEndMs),
    row('Lambda Duration', summary.durationMs),
    ...(summary.initDurationMs.count ? [row('Lambda Init Duration', summary.initDurationMs)] : []),
    row('Max Memory Used', summary.maxMemoryUsedMb, 'MB'),
    `  margin under the ${belplanTimeoutMs} ms belplan timeout at p99: ` +
      `${fixed(belplanTimeoutMs - summary.endToEndMs.p99)} ms (${used.toFixed(0)} % used)`,
  ];
}

function fixed(value: number): string {
  return Number.isNaN(value) ? '   -  ' : value.toFixed(1).padStart(6);
}
