/**
 * The bench's rows and its report: a table on the terminal, bench-results/bench.json and
 * bench-results/bench.md. Each figure may sit beside a reference measured in the same run.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Summary } from '../stats';

/** One line of the report. */
export interface Row {
  metric: string;
  unit: string;
  value: Summary;
  reference?: { name: string; value: Summary };
  /** value.p50 / reference.p50. */
  ratio?: number;
  goal: string;
  met: boolean | undefined;
}

/** A goal and whether this run met it. */
export interface Goal {
  goal: string;
  met: boolean | undefined;
}

/** The rows of one run, in the order the benches add them. */
export class Report {
  readonly rows: Row[] = [];

  /** A figure beside its reference measured in the same run; the ratio is of the medians. */
  compared(
    metric: string,
    unit: string,
    value: Summary,
    reference: { name: string; value: Summary },
    goal: Goal = { goal: '—', met: undefined },
  ): void {
    this.rows.push({ metric, unit, value, reference, ratio: value.p50 / reference.value.p50, ...goal });
  }

  /** A figure with a goal of its own, or (none given) a part of another figure. */
  measured(metric: string, unit: string, value: Summary, goal: Goal = { goal: '—', met: undefined }): void {
    this.rows.push({ metric, unit, value, ...goal });
  }

  /** Prints the table and writes bench.json and bench.md into `outDir`. */
  write(outDir: string, context: Record<string, unknown>): void {
    const header = ['metric', 'unit', 'p50', 'p99', 'reference', 'ref p50', 'ratio', 'goal', 'met'];
    const table = this.rows.map((row) => [
      row.metric,
      row.unit,
      fixed(row.value.p50),
      fixed(row.value.p99),
      row.reference?.name ?? '',
      fixed(row.reference?.value.p50),
      row.ratio === undefined ? '' : row.ratio.toFixed(2),
      row.goal,
      row.met === undefined ? '' : row.met ? 'yes' : 'NO',
    ]);
    const widths = header.map((title, column) =>
      Math.max(title.length, ...table.map((cells) => (cells[column] as string).length)),
    );
    const line = (cells: string[]) =>
      cells.map((cell, column) => cell.padEnd(widths[column] as number)).join('  ');
    console.log(`\n${line(header)}\n${widths.map((width) => '-'.repeat(width)).join('  ')}`);
    for (const cells of table) console.log(line(cells));
    const markdown = [
      `| ${header.join(' | ')} |`,
      `|${header.map(() => '---').join('|')}|`,
      ...table.map((cells) => `| ${cells.join(' | ')} |`),
    ].join('\n');
    writeFileSync(
      join(outDir, 'bench.json'),
      `${JSON.stringify({ ...context, rows: this.rows }, null, 2)}\n`,
    );
    const heading = Object.entries(context)
      .map(([key, value]) => `${key}: ${typeof value === 'object' ? JSON.stringify(value) : value}`)
      .join(', ');
    writeFileSync(join(outDir, 'bench.md'), `${heading}\n\n${markdown}\n`);
    console.log('\nwritten: bench-results/bench.json, bench-results/bench.md');
  }
}

/** One value as a summary, for figures measured once (sizes). */
export function single(value: number): Summary {
  return { count: 1, p50: value, p90: value, p99: value, max: value };
}

function fixed(value: number | undefined): string {
  return value === undefined || Number.isNaN(value) ? '' : value.toFixed(1);
}
