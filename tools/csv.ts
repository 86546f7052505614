/**
 * CSV files as CRMs and spreadsheets write them, and as our export writes them: the text's
 * encoding (UTF-8 with or without BOM, else Windows-1252 as Dutch Excel saves), the
 * separator (`,`, `;` or tab), quoted cells with their line numbers (csv-parse), and cells
 * that a spreadsheet would run as a formula neutralised on the way out and restored on the way in.
 */
import { CsvError, parse } from 'csv-parse/sync';
import { excerpt } from '../lambda/domain/errors';

/** The encodings a file may be read as; `auto`: UTF-8 when the bytes are valid UTF-8, else Windows-1252. */
export type Encoding = 'auto' | 'utf-8' | 'windows-1252';
export const ENCODINGS: readonly Encoding[] = ['auto', 'utf-8', 'windows-1252'];

/** A file that cannot be read at all (not a bad row: those are rejected one by one). */
export class ImportFileError extends Error {
  override name = 'ImportFileError';
}

/**
 * The text of a file and the encoding it was read as. UTF-16 (Excel's "Unicode text") is
 * read by its byte-order mark; a UTF-8 BOM on bytes that are not UTF-8 is a contradiction
 * the file cannot be read through, and is said as such.
 * @throws ImportFileError for a file that is not in the encoding it says or was given.
 */
export function decodeFile(
  bytes: Uint8Array,
  encoding: Encoding = 'auto',
): { text: string; encoding: Encoding | 'utf-16' } {
  const utf16 = utf16Of(bytes);
  if (utf16) return { text: new TextDecoder(utf16).decode(bytes.subarray(2)), encoding: 'utf-16' };
  const bom = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf;
  const utf8 = bom ? bytes.subarray(3) : bytes;
  if (encoding !== 'windows-1252') {
    try {
      return { text: new TextDecoder('utf-8', { fatal: true }).decode(utf8), encoding: 'utf-8' };
    } catch {
      if (encoding === 'utf-8')
        throw new ImportFileError('the file is not valid UTF-8 (try --encoding windows-1252)');
      if (bom) {
        throw new ImportFileError(
          'the file starts with a UTF-8 byte-order mark but is not UTF-8 (Windows-1252 text behind it?): ' +
            'save it again as "CSV UTF-8", or pass --encoding windows-1252',
        );
      }
    }
  }
  return { text: decodeWindows1252(bom ? utf8 : bytes), encoding: 'windows-1252' };
}

/** The UTF-16 encoding a byte-order mark names, if the file starts with one. */
function utf16Of(bytes: Uint8Array): 'utf-16le' | 'utf-16be' | undefined {
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return 'utf-16le';
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return 'utf-16be';
  return undefined;
}

/** Windows-1252's characters at 0x80-0x9F (`€`, curly quotes, dashes…); elsewhere it is Latin-1. */
const WINDOWS_1252_HIGH =
  '\u20ac\u0081\u201a\u0192\u201e\u2026\u2020\u2021\u02c6\u2030\u0160\u2039\u0152\u008d\u017d\u008f' +
  '\u0090\u2018\u2019\u201c\u201d\u2022\u2013\u2014\u02dc\u2122\u0161\u203a\u0153\u009d\u017e\u0178';

/**
 * Decodes Windows-1252 by its own table: Node's TextDecoder under that label (Node 20 and 22)
 * decodes 0x80-0x9F as Latin-1 control characters, which loses `€` and curly quotes.
 */
function decodeWindows1252(bytes: Uint8Array): string {
  let text = '';
  for (const byte of bytes) {
    text += byte >= 0x80 && byte < 0xa0 ? WINDOWS_1252_HIGH[byte - 0x80] : String.fromCharCode(byte);
  }
  return text;
}

/** One record of a CSV file and the line it starts on. */
export interface CsvRecord {
  line: number;
  cells: string[];
}

/**
 * The records of a CSV text, the separator taken from the header row (the most frequent of
 * `;`, tab and `,` outside quotes). Blank lines are skipped.
 * @throws ImportFileError with the line of a quote that is never closed or a stray quote.
 */
export function readCsv(text: string): CsvRecord[] {
  const delimiter = separatorOf(text);
  let lastLine = 0;
  try {
    const records = parse(text, {
      delimiter,
      relax_column_count: true,
      skip_empty_lines: true,
      // Spaces around a separator go; spaces inside quotes stay.
      trim: true,
      info: true,
      on_record: (record, context) => {
        lastLine = context.lines;
        return record;
      },
    }) as unknown as { record: string[]; info: { lines: number } }[];
    return records.map(({ record, info }) => ({ line: info.lines - newlinesIn(record), cells: record }));
  } catch (error) {
    if (!(error instanceof CsvError)) throw error;
    const line = firstLineAfter(text, lastLine);
    if (error.code === 'CSV_QUOTE_NOT_CLOSED') {
      throw new ImportFileError(
        `line ${line}: a quoted cell starts here and is never closed, so the rest of the file would be one cell; ` +
          'nothing was imported: close the quote (or remove it) and run the import again',
      );
    }
    throw new ImportFileError(
      `line ${line}: ${error.message.replace(/ at line \d+.*$/s, '')}; nothing was imported`,
    );
  }
}

function separatorOf(text: string): string {
  const header = text.slice(0, text.search(/\r|\n|$/)).replace(/"[^"]*"/g, '');
  const candidates = [';', '\t', ','];
  const counts = candidates.map((candidate) => header.split(candidate).length);
  return candidates[counts.indexOf(Math.max(...counts))] as string;
}

function newlinesIn(cells: string[]): number {
  return cells.reduce((sum, cell) => sum + (cell.match(/\r\n|\r|\n/g)?.length ?? 0), 0);
}

/** The first non-blank line after line `line`. */
function firstLineAfter(text: string, line: number): number {
  const lines = text.split(/\r\n|\r|\n/);
  let next = line + 1;
  while (next <= lines.length && (lines[next - 1] ?? '').trim() === '') next++;
  return next;
}

/**
 * A spreadsheet runs a cell that starts with one of these as a formula. A plain international
 * number (`+31612345678`) is left as it is: it does nothing as a formula but show the number.
 */
const FORMULA_START = /^'*[=+\-@\t\r]/;
const PLAIN_NUMBER = /^\+\d+$/;

/** A cell as written: a would-be formula prefixed with `'`, so a spreadsheet shows it as text. */
export function neutralized(cell: string): string {
  return FORMULA_START.test(cell) && !PLAIN_NUMBER.test(cell) ? `'${cell}` : cell;
}

/** A cell as read: the `'` that `neutralized` added is taken off again; `'t Hart` stays. */
export function restored(cell: string): string {
  return /^'+[=+\-@\t\r]/.test(cell) ? cell.slice(1) : cell;
}

/** One CSV line: cells neutralized, and quoted when they hold a quote, separator, line end or edge space. */
export function csvLine(cells: readonly (string | number | undefined)[]): string {
  return cells
    .map((value) => {
      const cell = neutralized(value === undefined ? '' : String(value));
      return /[",;\t\r\n]|^\s|\s$/.test(cell) ? `"${cell.replace(/"/g, '""')}"` : cell;
    })
    .join(',');
}

/**
 * The field each header cell names (undefined: a column of no interest), refusing a header
 * row that names one field twice: which of the two columns to read is not ours to guess.
 * @throws ImportFileError naming the field and both columns.
 */
export function headerFields<F extends string>(
  cells: readonly string[],
  fieldOf: (header: string) => F | undefined,
): (F | undefined)[] {
  const fields = cells.map((cell) => fieldOf(cell.trim()));
  const firstColumn = new Map<F, number>();
  fields.forEach((field, column) => {
    if (field === undefined) return;
    const first = firstColumn.get(field);
    if (first !== undefined) {
      throw new ImportFileError(
        `the header row names ${field} twice, in columns "${excerpt(cells[first]?.trim() ?? '')}" and ` +
          `"${excerpt(cells[column]?.trim() ?? '')}": keep one of them (or name the one to read)`,
      );
    }
    firstColumn.set(field, column);
  });
  return fields;
}
