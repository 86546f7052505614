/**
 * Importing a CRM export: CSV with a header row or JSON lines, every Dutch number notation,
 * bad rows rejected with their line and reason, duplicates reported, good rows merged into
 * the caller table. Safe to run again: a merge sets the same facts.
 */
import { type CallerFacts, factsOf, withAgentTime } from '../lambda/caller-facts';
import { ValidationError } from '../lambda/errors';
import { InvalidNumberError, normalizeCaller } from '../lambda/numbers';
import type { CallerAdminStore } from '../lambda/store/admin-store';
import type { StoredCaller } from '../lambda/store/items';
import type { BulkCallerStore } from './bulk-store';

/** The stores an import writes through: batches for new callers, single merges for known ones. */
export interface ImportStores {
  bulk: BulkCallerStore;
  admin: CallerAdminStore;
}

/** One good row, ready to write. */
export interface ImportRow {
  line: number;
  callerKey: string;
  facts: CallerFacts;
}

export interface ImportPlan {
  rows: ImportRow[];
  rejected: { line: number; reason: string }[];
  duplicates: { line: number; firstLine: number }[];
  /** Columns of the header that mean nothing to us (left alone). */
  ignoredColumns: string[];
}

export interface ImportResult extends ImportPlan {
  /** Rows written: new callers and callers whose facts changed. */
  imported: number;
  /** Rows whose facts were already stored as they are. */
  unchanged: number;
  failed: { line: number; reason: string }[];
}

/** A file that cannot be imported at all (not a bad row: those are rejected one by one). */
export class ImportFileError extends Error {
  override name = 'ImportFileError';
}

const COLUMNS: Record<string, string> = {
  number: 'number',
  phone: 'number',
  phonenumber: 'number',
  caller_number: 'number',
  telefoon: 'number',
  telefoonnummer: 'number',
  openinvoices: 'openInvoices',
  open_invoices: 'openInvoices',
  ticketagent: 'ticketAgent',
  ticket_agent: 'ticketAgent',
  lastagent: 'lastAgent',
  last_agent: 'lastAgent',
  lastagentat: 'lastAgentAt',
  last_agent_at: 'lastAgentAt',
  name: 'name',
  naam: 'name',
};

/**
 * Reads a CSV (`,`, `;` or tab separated, with a header row) or JSON lines file into rows.
 * In a CSV an empty cell removes that fact (a closed ticket, paid invoices); a column the
 * file does not have leaves the fact as it is.
 */
export function planImport(text: string, defaultCountryCode: string, nowMs: number): ImportPlan {
  const body = text.replace(/^\uFEFF/, '');
  const firstLine = body.split('\n').find((line) => line.trim() !== '') ?? '';
  const records = firstLine.trimStart().startsWith('{') ? jsonLines(body) : csvRecords(body);
  const plan: ImportPlan = { rows: [], rejected: [], duplicates: [], ignoredColumns: records.ignoredColumns };
  const firstLineOf = new Map<string, number>();
  for (const { line, fields, error } of records.rows) {
    try {
      if (error) throw new ValidationError(undefined, error);
      const { number, ...rest } = fields;
      if (typeof number !== 'string' || number.trim() === '')
        throw new ValidationError(undefined, 'number is empty');
      const caller = normalizeCaller(number, defaultCountryCode);
      if (caller.kind === 'anonymous')
        throw new ValidationError(undefined, `number "${number}" is anonymous`);
      // A CRM's number column holds numbers; a bare word is a data error, not a SIP account.
      if (caller.key.startsWith('sip:') && !/^sips?:/i.test(number.trim())) {
        throw new InvalidNumberError('is not a phone number or extension (write SIP accounts as sip:user)');
      }
      const facts = factsOf(rest, nowMs);
      const seenAt = firstLineOf.get(caller.key);
      if (seenAt !== undefined) {
        plan.duplicates.push({ line, firstLine: seenAt });
        continue;
      }
      firstLineOf.set(caller.key, line);
      plan.rows.push({ line, callerKey: caller.key, facts });
    } catch (error) {
      if (error instanceof InvalidNumberError) {
        plan.rejected.push({
          line,
          reason: `number "${String(fields.number).slice(0, 40)}" ${error.message}`,
        });
      } else if (error instanceof ValidationError) {
        plan.rejected.push({ line, reason: error.columnMessage });
      } else {
        throw error;
      }
    }
  }
  return plan;
}

/**
 * Writes the plan's rows. Looks each hundred up at once; callers we do not hold yet go in
 * with BatchWriteItem (25 a request, unprocessed items retried), callers whose facts
 * changed are merged one by one (`concurrency` at a time, so their call history stays),
 * and rows that change nothing are not written at all: running the same file again is cheap.
 *
 * A caller's first call landing between the look-up and the batch write of that same
 * caller is overwritten by the import; the cost is one call of history, never a fact.
 */
export async function runImport(
  plan: ImportPlan,
  stores: ImportStores,
  comId: string,
  options: { nowMs: number; concurrency?: number; onProgress?: (done: number, total: number) => void },
): Promise<ImportResult> {
  const concurrency = options.concurrency ?? 16;
  const result: ImportResult = { ...plan, imported: 0, unchanged: 0, failed: [] };
  let done = 0;
  const progress = (count: number) => {
    done += count;
    options.onProgress?.(done, plan.rows.length);
  };
  for (let start = 0; start < plan.rows.length; start += LOOKUP_BATCH) {
    const chunk = plan.rows.slice(start, start + LOOKUP_BATCH);
    const existing = await stores.bulk.loadCallers(
      comId,
      chunk.map((row) => row.callerKey),
      options.nowMs,
    );
    const fresh: ImportRow[] = [];
    const changed: ImportRow[] = [];
    let unchanged = 0;
    for (const row of chunk) {
      const current = existing.get(row.callerKey);
      const facts = current
        ? changedFacts(row.facts, current, options.nowMs)
        : withAgentTime(row.facts, options.nowMs);
      if (!current) fresh.push({ ...row, facts });
      else if (Object.keys(facts).length > 0) changed.push({ ...row, facts });
      else unchanged++;
    }
    result.unchanged += unchanged;
    progress(unchanged);
    const writes: Promise<void>[] = [];
    for (let i = 0; i < fresh.length; i += WRITE_BATCH) {
      const batch = fresh.slice(i, i + WRITE_BATCH);
      writes.push(
        stores.bulk.putNewCallers(comId, batch, options.nowMs).then(
          (unwritten) => {
            for (const row of batch) {
              if (unwritten.includes(row.callerKey))
                result.failed.push({ line: row.line, reason: 'not written after retries' });
              else result.imported++;
            }
            progress(batch.length);
          },
          (error: unknown) => {
            for (const row of batch) result.failed.push({ line: row.line, reason: errorName(error) });
            progress(batch.length);
          },
        ),
      );
    }
    let next = 0;
    const merge = async () => {
      while (next < changed.length) {
        const row = changed[next++] as ImportRow;
        try {
          await stores.admin.mergeFacts(comId, row.callerKey, row.facts, options.nowMs);
          result.imported++;
        } catch (error) {
          result.failed.push({ line: row.line, reason: errorName(error) });
        }
        progress(1);
      }
    };
    writes.push(...Array.from({ length: Math.min(concurrency, changed.length) }, merge));
    await Promise.all(writes);
  }
  result.failed.sort((a, b) => a.line - b.line);
  return result;
}

const LOOKUP_BATCH = 100;
const WRITE_BATCH = 25;

/**
 * The facts of a row that differ from what is stored. A last agent is compared with its time
 * only when the file gives one; a changed agent without one was handled "now".
 */
function changedFacts(facts: CallerFacts, current: StoredCaller, nowMs: number): CallerFacts {
  const changed: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(facts)) {
    if ((value ?? undefined) !== current[name as keyof StoredCaller]) changed[name] = value;
  }
  if (!('lastAgent' in changed) && !('lastAgentAt' in changed)) return changed as CallerFacts;
  const { lastAgentAt } = facts;
  return withAgentTime(
    { ...changed, lastAgent: facts.lastAgent, ...(lastAgentAt === undefined ? {} : { lastAgentAt }) },
    nowMs,
  );
}

function errorName(error: unknown): string {
  return error instanceof Error ? error.name : String(error);
}

interface RawRecords {
  rows: { line: number; fields: Record<string, unknown>; error?: string }[];
  ignoredColumns: string[];
}

function jsonLines(text: string): RawRecords {
  const rows: RawRecords['rows'] = [];
  const ignored = new Set<string>();
  text.split('\n').forEach((raw, index) => {
    if (raw.trim() === '') return;
    const line = index + 1;
    let value: unknown;
    try {
      value = JSON.parse(raw);
    } catch (error) {
      rows.push({ line, fields: {}, error: `invalid JSON: ${(error as Error).message}` });
      return;
    }
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      rows.push({ line, fields: {}, error: 'a line must be a JSON object' });
      return;
    }
    const fields: Record<string, unknown> = {};
    for (const [key, field] of Object.entries(value)) {
      const column = COLUMNS[key.toLowerCase()];
      if (!column) ignored.add(key);
      else
        fields[column] =
          column === 'openInvoices' && typeof field === 'string' && field !== '' ? Number(field) : field;
    }
    rows.push({ line, fields });
  });
  return { rows, ignoredColumns: [...ignored] };
}

function csvRecords(text: string): RawRecords {
  const table = parseCsv(text);
  const header = table.shift();
  if (!header) throw new ImportFileError('the file is empty');
  const columns = header.cells.map((cell) => COLUMNS[cell.trim().toLowerCase()]);
  if (!columns.includes('number')) {
    throw new ImportFileError(
      `the header row has no number column; expected one of: number, phone, caller_number (and openInvoices, ticketAgent, lastAgent, name)`,
    );
  }
  const ignoredColumns = header.cells.filter((_, index) => !columns[index]).map((cell) => cell.trim());
  const rows: RawRecords['rows'] = [];
  for (const { line, cells } of table) {
    if (cells.every((cell) => cell.trim() === '')) continue;
    if (cells.length > header.cells.length) {
      rows.push({ line, fields: {}, error: `has ${cells.length} cells, the header ${header.cells.length}` });
      continue;
    }
    const fields: Record<string, unknown> = {};
    columns.forEach((column, index) => {
      if (!column) return;
      const cell = (cells[index] ?? '').trim();
      if (column === 'number') fields.number = cell;
      else if (cell === '') fields[column] = null;
      else if (column === 'openInvoices') fields[column] = /^\d+$/.test(cell) ? Number(cell) : cell;
      else if (column === 'lastAgentAt')
        fields[column] = /^\d+$/.test(cell) ? cell : Date.parse(cell) || cell;
      else fields[column] = cell;
    });
    if (fields.lastAgentAt === null) delete fields.lastAgentAt;
    rows.push({ line, fields });
  }
  return { rows, ignoredColumns };
}

/** RFC 4180 CSV with the delimiter taken from the header row; quoted cells may hold delimiters, quotes and newlines. */
export function parseCsv(text: string): { line: number; cells: string[] }[] {
  const headerLine = text.slice(0, text.indexOf('\n') === -1 ? text.length : text.indexOf('\n'));
  const delimiter = [';', '\t', ','].reduce((best, candidate) =>
    headerLine.split(candidate).length > headerLine.split(best).length ? candidate : best,
  );
  const records: { line: number; cells: string[] }[] = [];
  let cells: string[] = [];
  let cell = '';
  let quoted = false;
  let line = 1;
  let recordLine = 1;
  for (let i = 0; i < text.length; i++) {
    const char = text[i];
    if (quoted) {
      if (char === '"' && text[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (char === '"') {
        quoted = false;
      } else {
        if (char === '\n') line++;
        cell += char;
      }
    } else if (char === '"' && cell.trim() === '') {
      quoted = true;
      cell = '';
    } else if (char === delimiter) {
      cells.push(cell);
      cell = '';
    } else if (char === '\n' || char === '\r') {
      if (char === '\r' && text[i + 1] === '\n') i++;
      cells.push(cell);
      records.push({ line: recordLine, cells });
      cells = [];
      cell = '';
      line++;
      recordLine = line;
    } else {
      cell += char;
    }
  }
  if (cell !== '' || cells.length > 0) {
    cells.push(cell);
    records.push({ line: recordLine, cells });
  }
  return records;
}
