/**
 * A company's callers as CSV, in the columns the import reads back: export → import writes
 * nothing (every row unchanged). Tags are one `|`-separated column, each attribute a column
 * `attributes.<name>`. Cells a spreadsheet would run as a formula are neutralised.
 */
import { FACT_NAMES, shownFact } from '../lambda/domain/facts';
import { displayNumber } from '../lambda/domain/numbers';
import { isoTime } from '../lambda/domain/times';
import type { StoredCaller } from '../lambda/store/items';
import { csvLine } from './csv';

/** The columns every export has, in order; attribute columns follow. */
export const EXPORT_COLUMNS = ['number', ...FACT_NAMES, 'calls', 'lastCallAt', 'tags'] as const;

/** The lines of an export of these callers: the header, then one line each. Times are ISO 8601 in UTC. */
export function exportLines(callers: readonly StoredCaller[]): string[] {
  const attributes = [...new Set(callers.flatMap((caller) => Object.keys(caller.attributes ?? {})))].sort();
  const header = csvLine([...EXPORT_COLUMNS, ...attributes.map((name) => `attributes.${name}`)]);
  const rows = callers.map((caller) =>
    csvLine([
      displayNumber(caller.callerKey),
      ...FACT_NAMES.map((name) => shownFact(caller, name)),
      caller.calls,
      isoTime(caller.lastCallAt),
      caller.tags?.join('|'),
      ...attributes.map((name) => caller.attributes?.[name]),
    ]),
  );
  return [header, ...rows];
}
