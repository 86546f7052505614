/**
 * A company's callers as CSV, in the columns the import reads back: export → import writes
 * nothing (every row unchanged). Cells a spreadsheet would run as a formula are neutralised.
 */
import { displayNumber } from '../lambda/numbers';
import type { StoredCaller } from '../lambda/store/items';
import { csvLine } from './csv';

/** The header row; the import maps each of these names. */
export const EXPORT_HEADER = 'number,openInvoices,ticketAgent,lastAgent,lastAgentAt,name,calls,lastCallAt';

/** One caller as a CSV line. Times are ISO 8601 in UTC. */
export function exportLine(caller: StoredCaller): string {
  const iso = (ms: number | undefined) => (ms === undefined ? undefined : new Date(ms).toISOString());
  return csvLine([
    displayNumber(caller.callerKey),
    caller.openInvoices,
    caller.ticketAgent,
    caller.lastAgent,
    iso(caller.lastAgentAt),
    caller.name,
    caller.calls,
    iso(caller.lastCallAt),
  ]);
}
