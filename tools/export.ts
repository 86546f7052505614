/**
 * A company's callers as CSV, in the columns the import reads back: export → import writes
 * nothing (every row unchanged). What is exported is what was written by hand (the import's
 * own), not what connectors keep beside it: a first sync brings those back. Tags are one
 * `|`-separated column, each attribute a column `attributes.<name>`. Cells a spreadsheet would
 * run as a formula are neutralised.
 */
import { FACT_NAMES, shownFact } from '../lambda/domain/facts';
import { displayNumber } from '../lambda/domain/numbers';
import { isoTime } from '../lambda/domain/times';
import type { StoredCaller } from '../lambda/store/items';
import { csvLine } from './csv';

/** The columns every export has, in order; attribute columns follow. */
export const EXPORT_COLUMNS = ['number', ...FACT_NAMES, 'calls', 'lastCallAt', 'tags'] as const;

/** What an export writes of a caller. */
export type ExportedCaller = Pick<StoredCaller, 'callerKey' | 'calls' | 'lastCallAt' | 'manual'>;

/** The lines of an export of these callers: the header, then one line each. Times are ISO 8601 in UTC. */
export function exportLines(callers: readonly ExportedCaller[]): string[] {
  const attributes = [
    ...new Set(callers.flatMap((caller) => Object.keys(caller.manual.attributes ?? {}))),
  ].sort();
  const header = csvLine([...EXPORT_COLUMNS, ...attributes.map((name) => `attributes.${name}`)]);
  const rows = callers.map((caller) =>
    csvLine([
      displayNumber(caller.callerKey),
      ...FACT_NAMES.map((name) => shownFact(caller.manual, name)),
      caller.calls,
      isoTime(caller.lastCallAt),
      caller.manual.tags?.join('|'),
      ...attributes.map((name) => caller.manual.attributes?.[name]),
    ]),
  );
  return [header, ...rows];
}
