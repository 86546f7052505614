/**
 * `import --preset hubspot | pipedrive`: a CRM's own contact export read as our columns. Each
 * preset names the headers its export writes — the phone columns (each number becomes a caller
 * with the row's facts), the owner (the account manager, through the agent directory), the
 * labels (tags) and the columns read as attributes. The header names are the vendors' export
 * labels as documented or commonly written; they are not confirmed from a vendor example, so
 * each preset takes the spellings it knows, case aside (docs/caller-data.md).
 */
import { ValidationError } from '../lambda/domain/errors';
import { ImportFileError, readCsv, restored } from './csv';

/** How a preset reads an export's header row. */
export interface ImportPreset {
  /** Headers whose cells are phone numbers (lower case); a header starting with `numberPrefix` too. */
  numbers: string[];
  numberPrefix?: string;
  /** Headers that name the owner, and the alias a cell is known by in the directory. */
  owners: { header: string; alias: (cell: string) => string }[];
  /** Headers whose cells are labels (several, comma- or semicolon-separated): each a tag. */
  labels: string[];
  /** Headers read as attributes: header (lower case) → attribute name. */
  attributes: Record<string, string>;
}

const asWritten = (cell: string) => cell.trim().toLowerCase();

export const IMPORT_PRESETS: Record<string, ImportPreset> = {
  hubspot: {
    numbers: ['phone number', 'mobile phone number', 'phone', 'mobilephone'],
    owners: [
      { header: 'contact owner', alias: asWritten },
      { header: 'hubspot_owner_id', alias: (cell) => `hubspot:${cell.trim()}` },
    ],
    labels: [],
    attributes: {
      'lifecycle stage': 'lifecycleStage',
      lifecyclestage: 'lifecycleStage',
      'preferred language': 'language',
      hs_language: 'language',
    },
  },
  pipedrive: {
    numbers: ['person - phone', 'phone'],
    numberPrefix: 'person - phone - ',
    owners: [
      { header: 'person - owner', alias: asWritten },
      { header: 'owner', alias: asWritten },
    ],
    labels: ['person - labels', 'person - label', 'labels', 'label'],
    attributes: {},
  },
};

/** One row of the export as our fields, with the line it came from. */
export interface PresetRow {
  line: number;
  fields: Record<string, unknown>;
  error?: string;
}

/** What a preset read, and what it could not place. */
export interface PresetRecords {
  rows: PresetRow[];
  ignoredColumns: string[];
  /** Rows whose owner no alias of the directory names (their account manager is left as it was). */
  unknownOwners: number;
}

/**
 * Reads an export by its preset: one row per phone number of each line, the owner resolved
 * through `directory`, the labels as tags.
 * @throws ImportFileError for an export without any phone column the preset knows.
 */
export function presetRecords(
  text: string,
  preset: ImportPreset,
  directory: ReadonlyMap<string, string>,
): PresetRecords {
  const table = readCsv(text);
  const header = table.shift();
  if (!header) throw new ImportFileError('the file is empty');
  const headers = header.cells.map((cell) => cell.trim().toLowerCase());
  const isNumber = (name: string) =>
    preset.numbers.includes(name) ||
    (preset.numberPrefix !== undefined && name.startsWith(preset.numberPrefix));
  const numberColumns = headers.flatMap((name, index) => (isNumber(name) ? [index] : []));
  if (numberColumns.length === 0) {
    throw new ImportFileError(
      `the header row has none of the phone columns of this preset (${preset.numbers.join(', ')})`,
    );
  }
  const owner = preset.owners
    .map((each) => ({ ...each, index: headers.indexOf(each.header) }))
    .find((each) => each.index >= 0);
  const labels = headers.findIndex((name) => preset.labels.includes(name));
  const attributes = headers.flatMap((name, index) =>
    preset.attributes[name] === undefined ? [] : [[index, preset.attributes[name] as string] as const],
  );
  const used = new Set([...numberColumns, owner?.index, labels, ...attributes.map(([index]) => index)]);
  const ignoredColumns = header.cells
    .filter((_, index) => !used.has(index))
    .map((cell) => cell.trim().slice(0, 40));
  const records: PresetRecords = { rows: [], ignoredColumns, unknownOwners: 0 };
  for (const { line, cells } of table) {
    if (cells.every((cell) => cell.trim() === '')) continue;
    const cell = (index: number) => restored(cells[index] ?? '').trim();
    const facts: Record<string, unknown> = Object.create(null);
    const named: Record<string, string | null> = {};
    for (const [index, attribute] of attributes) named[attribute] = cell(index) === '' ? null : cell(index);
    if (owner && cell(owner.index) !== '') {
      const agent = directory.get(owner.alias(cell(owner.index)));
      if (agent === undefined) records.unknownOwners++;
      else named.accountManager = agent;
    }
    if (Object.keys(named).length > 0) facts.attributes = named;
    if (labels >= 0) facts.tags = tagsOf(cell(labels));
    const numbers = numberColumns.flatMap((index) => cell(index).split(/[,;]/)).map((value) => value.trim());
    const given = numbers.filter(Boolean);
    if (given.length === 0) records.rows.push({ line, fields: {}, error: 'has no phone number' });
    for (const number of given) records.rows.push({ line, fields: { ...facts, number } });
  }
  return records;
}

/** Labels as tags: `VIP` → `vip`, `Cold lead` → `cold-lead`; what leaves no tag is dropped. */
function tagsOf(cell: string): string[] {
  const tags = cell
    .split(/[,;]/)
    .map((label) =>
      label
        .trim()
        .toLowerCase()
        .replace(/\s+/g, '-')
        .replace(/[^a-z0-9_.:-]/g, '')
        .replace(/^[^a-z0-9]+/, '')
        .slice(0, 32),
    )
    .filter(Boolean);
  return [...new Set(tags)];
}

/** The preset of a name, or an error naming the known ones. */
export function importPreset(name: string): ImportPreset {
  const preset = IMPORT_PRESETS[name];
  if (!preset) {
    throw new ValidationError(
      '--preset',
      `"${name.slice(0, 24)}" is none; known: ${Object.keys(IMPORT_PRESETS).join(', ')}`,
    );
  }
  return preset;
}
