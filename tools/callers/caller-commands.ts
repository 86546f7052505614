/** `npm run callers -- import | get | put | delete | export`: caller facts by hand and in bulk. */
import { readFileSync } from 'node:fs';
import { type Command, Option } from 'commander';
import { callerKeyOfNumber, factsOf } from '../../lambda/domain/caller-facts';
import { excerpt } from '../../lambda/domain/errors';
import { FACT_NAMES, FACTS, type FactName } from '../../lambda/domain/facts';
import { displayNumber } from '../../lambda/domain/numbers';
import { callerWriteOf } from '../../lambda/store/caller-store';
import type { StoredCaller } from '../../lambda/store/items';
import { CliError } from '../cli';
import { decodeFile, ENCODINGS, type Encoding } from '../csv';
import { exportLines } from '../export';
import { planImport } from '../import';
import { importPreset } from '../import-presets';
import { runImport } from '../import-writer';
import { type CallerTables, withTables } from '../tables';

/** The flags of `put`. */
export type FactFlags = Partial<Record<FactName, string>> & {
  tag?: string[];
  untag?: string[];
  attribute?: string[];
};

/** Adds the caller commands to `cli`. */
export function registerCallerCommands(cli: Command): void {
  withTables(
    cli
      .command('import <file>')
      .description('merge a CRM export (CSV with a header row, or JSON lines)')
      .addOption(
        new Option('--encoding <encoding>', 'how the file is encoded').choices(ENCODINGS).default('auto'),
      )
      .option(
        '--attributes <column>',
        'read a column as an attribute: its name (accountManager), or name=Header (language=Taal); repeat for more',
        collect,
        [],
      )
      .option(
        '--preset <crm>',
        "read a CRM's own contact export: hubspot or pipedrive (phones, owner through the agent directory, labels, lifecycle stage)",
      ),
    importFile,
  );
  withTables(cli.command('get <number>').description('print what is stored about a caller'), getCaller);
  const put = cli
    .command('put <number>')
    .description('set facts of a caller; an empty value removes the fact');
  for (const name of FACT_NAMES) put.option(`--${name} <value>`, FACTS[name].help);
  put
    .option('--tag <tag>', 'add a tag (repeat for more)', collect, [])
    .option('--untag <tag>', 'remove a tag (repeat for more)', collect, [])
    .option('--attribute <name=value>', 'set an attribute; name= removes it (repeat for more)', collect, []);
  withTables(put, putCaller);
  withTables(
    cli.command('delete <number>').description('erase everything stored about a caller'),
    deleteCaller,
  );
  withTables(
    cli.command('export').description('write every caller of the company as CSV to stdout'),
    exportCallers,
  );
}

async function importFile(
  tables: CallerTables,
  file: string,
  flags: { encoding: Encoding; attributes?: string[]; preset?: string },
): Promise<void> {
  const started = performance.now();
  const nowMs = Date.now();
  const { text, encoding } = decodeFile(readFileSync(file), flags.encoding);
  const preset =
    flags.preset === undefined
      ? undefined
      : {
          preset: importPreset(flags.preset),
          directory: await tables.stores.directory.getDirectory(tables.comId),
        };
  const plan = planImport(text, tables.country, nowMs, {
    attributes: flags.attributes ?? [],
    ...(preset ? { preset } : {}),
  });
  if (encoding === 'windows-1252') console.error('read as Windows-1252 (not valid UTF-8)');
  const showProgress = process.stderr.isTTY && plan.rows.length >= 1000;
  const result = await runImport(plan, { bulk: tables.bulk, callers: tables.stores.callers }, tables.comId, {
    nowMs,
    onProgress: (done, total) => {
      if (showProgress) process.stderr.write(`\rimporting ${done}/${total}`);
    },
  });
  if (showProgress) process.stderr.write('\n');
  for (const { line, reason } of result.rejected) console.error(`line ${line}: rejected: ${reason}`);
  for (const { line, firstLine } of result.duplicates) {
    console.error(`line ${line}: duplicate of line ${firstLine}, skipped`);
  }
  for (const { line, reason } of result.failed) console.error(`line ${line}: failed to write: ${reason}`);
  if (result.ignoredColumns.length) console.error(`ignored columns: ${result.ignoredColumns.join(', ')}`);
  if (plan.unknownOwners) {
    console.error(
      `${plan.unknownOwners} rows name an owner no agent has as an alias: their account manager is left as it was (an export that names owners by their name cannot be placed: give each agent the owner's email as an alias and export that, or run sync, which links owners by id)`,
    );
  }
  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  console.log(
    `written ${result.written}, unchanged ${result.unchanged}, rejected ${result.rejected.length}, ` +
      `duplicates ${result.duplicates.length}, failed ${result.failed.length}, ` +
      `not attempted ${result.notAttempted} in ${seconds} s`,
  );
  if (result.failed.length > 0 || result.notAttempted > 0) {
    console.error(
      'not everything was written: run the same import again to finish (written rows are skipped)',
    );
    process.exitCode = 1;
  } else if (result.rejected.length > 0) {
    console.error('rejected rows were not written: correct them and import the file again');
    process.exitCode = 1;
  }
}

async function getCaller(tables: CallerTables, number: string): Promise<void> {
  const caller = await tables.stores.callers.getCaller(tables.comId, keyOf(tables, number), Date.now());
  if (!caller) throw new CliError('unknown caller');
  printCaller(caller);
}

/**
 * The body of facts `put` sets, as the admin API's `PUT /callers/{number}` takes it: an empty
 * value removes a fact.
 * @throws CliError when no flag sets anything; CliError for an --attribute without `=`.
 */
export function putBodyOf(flags: FactFlags): Record<string, unknown> {
  const body: Record<string, unknown> = {};
  for (const name of FACT_NAMES) {
    const value = flags[name];
    if (value !== undefined) body[name] = value === '' ? null : value;
  }
  if (flags.tag?.length || flags.untag?.length)
    body.tags = { add: flags.tag ?? [], remove: flags.untag ?? [] };
  if (flags.attribute?.length) body.attributes = Object.fromEntries(flags.attribute.map(attributeFlag));
  if (Object.keys(body).length === 0) {
    const options = [...FACT_NAMES, 'tag', 'untag', 'attribute'].map((field) => `--${field}`);
    throw new CliError(`put needs at least one of ${options.join(', ')}`);
  }
  return body;
}

async function putCaller(tables: CallerTables, number: string, flags: FactFlags): Promise<void> {
  const body = putBodyOf(flags);
  const nowMs = Date.now();
  const write = callerWriteOf(factsOf(body, nowMs), nowMs);
  const { caller } = await tables.stores.callers.writeCaller(
    tables.comId,
    keyOf(tables, number),
    write,
    nowMs,
  );
  printCaller(caller);
}

async function deleteCaller(tables: CallerTables, number: string): Promise<void> {
  const existed = await tables.stores.callers.deleteCaller(tables.comId, keyOf(tables, number), Date.now());
  console.log(existed ? 'deleted' : 'unknown caller: nothing to delete');
}

async function exportCallers(tables: CallerTables): Promise<void> {
  // The attribute columns are known only once every caller is read.
  const callers: StoredCaller[] = [];
  for await (const caller of tables.bulk.listCallers(tables.comId, Date.now())) callers.push(caller);
  for (const line of exportLines(callers)) console.log(line);
}

/** Repeated options collect into a list. */
function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

/** `language=en` → `['language', 'en']`; `segment=` → `['segment', null]` (removes it). */
function attributeFlag(pair: string): [string, string | null] {
  const at = pair.indexOf('=');
  if (at < 1) throw new CliError(`--attribute takes name=value (name= removes it), got "${excerpt(pair)}"`);
  const value = pair.slice(at + 1);
  return [pair.slice(0, at), value === '' ? null : value];
}

function keyOf(tables: CallerTables, number: string): string {
  return callerKeyOfNumber(number, 'NUMBER', tables.country);
}

function printCaller(caller: StoredCaller): void {
  console.log(JSON.stringify({ ...caller, number: displayNumber(caller.callerKey) }, null, 2));
}
