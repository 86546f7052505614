/**
 * Reading a CRM export into rows to write: CSV with a header row (any encoding and separator
 * `csv.ts` reads) or JSON lines, every Dutch number notation, bad rows rejected with their
 * line and reason, duplicates reported. Pure: writing is `import-writer.ts`.
 */
import { attributeName, type CallerFacts, factsOf } from '../lambda/domain/caller-facts';
import { excerpt, ValidationError } from '../lambda/domain/errors';
import { FACT_NAMES, FACTS, type FactName } from '../lambda/domain/facts';
import { JsonError, readJson } from '../lambda/domain/json';
import { InvalidNumberError, normalizeCaller } from '../lambda/domain/numbers';
import { headerFields, ImportFileError, readCsv, restored } from './csv';
import { type ImportPreset, presetRecords } from './import-presets';

export { ImportFileError };

/** One good row, ready to write. */
export interface ImportRow {
  line: number;
  callerKey: string;
  facts: CallerFacts;
}

/** A row that is not written, and why. */
export interface RejectedRow {
  line: number;
  reason: string;
}

export interface ImportPlan {
  rows: ImportRow[];
  rejected: RejectedRow[];
  duplicates: { line: number; firstLine: number }[];
  /** Columns of the header that mean nothing to us (left alone). */
  ignoredColumns: string[];
  /** A preset's rows whose owner no alias of the directory names. */
  unknownOwners?: number;
}

/** Header names (lower case) → the field they fill: the number, or a fact by its name or another. */
const COLUMNS = new Map<string, string>([
  ...['number', 'phone', 'phonenumber', 'caller_number', 'telefoon', 'telefoonnummer'].map(
    (header) => [header, 'number'] as const,
  ),
  ...FACT_NAMES.flatMap((name) =>
    [name.toLowerCase(), ...FACTS[name].columns].map((header) => [header, name] as const),
  ),
  ['tags', 'tags'],
]);

/** A header `attributes.<name>` is always read as that attribute (our export writes them so). */
const ATTRIBUTE_COLUMN = /^attributes\.(.+)$/i;

/** The columns a file is read from besides those its header names for itself. */
export interface ImportColumns {
  /**
   * Columns to read as attributes: `accountManager` (the column of that name, case aside) or
   * `language=Taal` (the attribute language from the column Taal). Other columns stay ignored.
   */
  attributes?: string[];
  /** A CRM's own export, read by its preset; its owners resolved through `directory`. */
  preset?: { preset: ImportPreset; directory: ReadonlyMap<string, string> };
}

/** A record as read, before validation: field → value (no prototype: a column may be called anything). */
type Fields = Record<string, unknown>;

interface RawRecords {
  rows: { line: number; fields: Fields; error?: string }[];
  ignoredColumns: string[];
}

/**
 * Reads a CSV or JSON lines text into rows. In a CSV an empty cell removes that fact (a
 * closed ticket, paid invoices); a column the file does not have leaves the fact as it is.
 * @throws ImportFileError for a file without a number column or with broken quoting.
 */
export function planImport(
  text: string,
  defaultCountryCode: string,
  nowMs: number,
  options: ImportColumns = {},
): ImportPlan {
  const firstLine = text.split(/\r\n|\r|\n/).find((line) => line.trim() !== '') ?? '';
  const records: RawRecords & { unknownOwners?: number } = options.preset
    ? presetRecords(text, options.preset.preset, options.preset.directory)
    : firstLine.trimStart().startsWith('{')
      ? jsonLines(text)
      : csvRecords(text, options.attributes ?? []);
  const plan: ImportPlan = { rows: [], rejected: [], duplicates: [], ignoredColumns: records.ignoredColumns };
  if (records.unknownOwners !== undefined) plan.unknownOwners = records.unknownOwners;
  const firstLineOf = new Map<string, number>();
  for (const { line, fields, error } of records.rows) {
    try {
      if (error) throw new ValidationError(undefined, error);
      const { number, ...rest } = fields;
      const callerKey = importedCallerKey(number, defaultCountryCode);
      const facts = factsOf(rest, nowMs);
      const seenAt = firstLineOf.get(callerKey);
      if (seenAt !== undefined) {
        plan.duplicates.push({ line, firstLine: seenAt });
        continue;
      }
      firstLineOf.set(callerKey, line);
      plan.rows.push({ line, callerKey, facts });
    } catch (error) {
      if (!(error instanceof ValidationError)) throw error;
      plan.rejected.push({ line, reason: error.columnMessage });
    }
  }
  return plan;
}

/**
 * The caller key of a number column, by the numbers policy of `lambda/domain/numbers.ts` and one rule
 * more for files: digits without `+`, `00` or a leading `0` that do not start with the country
 * code are a number whose leading zero a spreadsheet dropped (`612345678` for `0612345678`),
 * never an international number to store under a wrong key.
 */
export function importedCallerKey(value: unknown, defaultCountryCode: string): string {
  if (typeof value !== 'string' || value.trim() === '')
    throw new ValidationError(undefined, 'number is empty');
  const shown = `number "${excerpt(value.trim())}"`;
  let caller: ReturnType<typeof normalizeCaller>;
  try {
    caller = normalizeCaller(value, defaultCountryCode);
  } catch (error) {
    if (error instanceof InvalidNumberError)
      throw new ValidationError(undefined, `${shown} ${error.message}`);
    throw error;
  }
  if (caller.kind === 'anonymous') {
    const secret = /^\*+$/.test(value.trim());
    throw new ValidationError(
      undefined,
      secret ? `${shown} is a secret number (never stored)` : `${shown} is anonymous`,
    );
  }
  const digits = value.trim();
  if (
    caller.kind === 'public' &&
    /^[1-9][\d\s\-./()]*$/.test(digits) &&
    !caller.key.startsWith(defaultCountryCode)
  ) {
    throw new ValidationError(
      undefined,
      `${shown} has lost its leading zero (did you mean it with a 0 in front?): Excel drops leading zeros, ` +
        'format the column as text; write international numbers with + or 00',
    );
  }
  return caller.key;
}

function jsonLines(text: string): RawRecords {
  const rows: RawRecords['rows'] = [];
  const ignored = new Set<string>();
  text.split(/\r\n|\n/).forEach((raw, index) => {
    if (raw.trim() === '') return;
    const line = index + 1;
    let value: unknown;
    try {
      value = readJson(raw, { uniqueKeys: true });
    } catch (error) {
      if (!(error instanceof JsonError)) throw error;
      rows.push({ line, fields: {}, error: error.message });
      return;
    }
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      rows.push({ line, fields: {}, error: 'a line must be a JSON object' });
      return;
    }
    const fields: Fields = Object.create(null);
    for (const [key, field] of Object.entries(value)) {
      const column = key === 'attributes' ? 'attributes' : COLUMNS.get(key.toLowerCase());
      if (!column) ignored.add(excerpt(key));
      else if (column in fields) {
        rows.push({ line, fields: {}, error: `two keys give the ${column}: keep one of them` });
        return;
      } else fields[column] = jsonField(column, field);
    }
    rows.push({ line, fields });
  });
  return { rows, ignoredColumns: [...ignored] };
}

/** A JSON value as the facts expect it: a number as a number's text, tags also as one text. */
function jsonField(column: string, value: unknown): unknown {
  if (column === 'number' && typeof value === 'number') return String(value);
  if (column === 'tags' && typeof value === 'string') return value.split(/[|\s]+/).filter(Boolean);
  return value;
}

function csvRecords(text: string, attributeNames: string[]): RawRecords {
  const table = readCsv(text);
  const header = table.shift();
  if (!header) throw new ImportFileError('the file is empty');
  const attributeColumns = new Map(
    attributeNames.map((spec) => {
      const [name = '', column = name] = spec.split('=');
      return [column.trim().toLowerCase(), name.trim()] as const;
    }),
  );
  const columns = headerFields(header.cells, (cell) => columnOf(cell, attributeColumns));
  const found = new Set(header.cells.map((cell) => cell.trim().toLowerCase()));
  const missing = [...attributeColumns.keys()].filter((column) => !found.has(column));
  if (missing.length > 0) {
    throw new ImportFileError(
      `--attributes names the column ${missing.join(', ')}, which the header row does not have`,
    );
  }
  if (!columns.includes('number')) {
    throw new ImportFileError(
      'the header row has no number column; expected one of: number, phone, caller_number, telefoon ' +
        '(and openInvoices, ticketAgent, lastAgent, lastAgentAt, name)',
    );
  }
  const ignoredColumns = header.cells
    .filter((_, index) => !columns[index])
    .map((cell) => excerpt(cell.trim()));
  const rows: RawRecords['rows'] = [];
  for (const { line, cells } of table) {
    if (cells.every((cell) => cell.trim() === '')) continue;
    if (cells.length > header.cells.length) {
      rows.push({ line, fields: {}, error: `has ${cells.length} cells, the header ${header.cells.length}` });
      continue;
    }
    const fields: Fields = Object.create(null);
    columns.forEach((column, index) => {
      if (!column) return;
      const value = csvField(column, restored(cells[index] ?? ''));
      const attribute = ATTRIBUTE_COLUMN.exec(column)?.[1];
      if (attribute) fields.attributes = { ...(fields.attributes as object), [attribute]: value };
      else if (value !== undefined) fields[column] = value;
    });
    rows.push({ line, fields });
  }
  return { rows, ignoredColumns };
}

/**
 * The field a header names: a known column, an attribute (`attributes.<name>`, or a column
 * given with --attributes, case aside), or nothing (undefined: the column is ignored).
 */
function columnOf(header: string, attributeColumns: ReadonlyMap<string, string>): string | undefined {
  const attribute = ATTRIBUTE_COLUMN.exec(header)?.[1] ?? attributeColumns.get(header.toLowerCase());
  if (attribute === undefined) return COLUMNS.get(header.toLowerCase());
  try {
    return `attributes.${attributeName(attribute)}`;
  } catch (error) {
    if (error instanceof ValidationError)
      throw new ImportFileError(`column "${excerpt(header)}": ${error.columnMessage}`);
    throw error;
  }
}

/**
 * A CSV cell as the facts expect it: tags as a list; an empty cell removes its fact, except a
 * fact that belongs to another (a last agent's time), which is then left out.
 */
function csvField(column: string, cell: string): unknown {
  if (column === 'number') return cell;
  if (column === 'tags') return cell.split(/[|\s]+/).filter(Boolean);
  if (cell.trim() !== '') return cell;
  const belongs = Object.hasOwn(FACTS, column) && 'with' in FACTS[column as FactName];
  return belongs ? undefined : null;
}
