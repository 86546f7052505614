/** `npm run callers -- learn-cdr FILE`: who answered each caller, from the platform's CDR report. */
import { readFileSync } from 'node:fs';
import { type Command, Option } from 'commander';
import { CliError } from '../cli';
import { decodeFile, ENCODINGS, type Encoding } from '../csv';
import { CDR_FIELDS, type CdrField, learnCdr, planCdr } from '../learn-cdr';
import { type CallerTables, withTables } from '../tables';

interface LearnFlags {
  encoding: Encoding;
  map?: Partial<Record<CdrField, string>>;
}

/** Adds `learn-cdr` to `cli`. */
export function registerLearnCommands(cli: Command): void {
  withTables(
    cli
      .command('learn-cdr <file>')
      .description("learn who answered each caller from a CDR report downloaded from the platform's panel")
      .addOption(
        new Option('--encoding <encoding>', 'how the file is encoded').choices(ENCODINGS).default('auto'),
      )
      .option(
        '--map <columns>',
        'headers for fields not found, e.g. from="Nummer A",to=Naar,time=Begin',
        columnMap,
      ),
    learnFromCdr,
  );
}

/** `from=Van,to=Naar` → `{ from: 'Van', to: 'Naar' }`; quotes around a header are optional. */
function columnMap(value: string): Partial<Record<CdrField, string>> {
  const map: Partial<Record<CdrField, string>> = {};
  for (const pair of value.split(/,(?=\s*\w+=)/)) {
    const [field, header] = [
      pair.slice(0, pair.indexOf('=')).trim(),
      pair.slice(pair.indexOf('=') + 1).trim(),
    ];
    if (!(CDR_FIELDS as readonly string[]).includes(field) || header === '') {
      throw new CliError(`--map takes field=header pairs; fields: ${CDR_FIELDS.join(', ')}; got "${pair}"`);
    }
    map[field as CdrField] = header.replace(/^"(.*)"$/, '$1');
  }
  return map;
}

async function learnFromCdr(tables: CallerTables, file: string, flags: LearnFlags): Promise<void> {
  const nowMs = Date.now();
  const { text } = decodeFile(readFileSync(file), flags.encoding);
  const plan = planCdr(text, tables.country, nowMs, flags.map);
  const columns = Object.entries(plan.columns).map(([field, header]) => `${field} ← "${header}"`);
  console.error(`columns: ${columns.join(', ')}`);
  const showProgress = process.stderr.isTTY && plan.reports.length >= 1000;
  const result = await learnCdr(plan, tables.stores.callers, tables.comId, {
    nowMs,
    onProgress: (done, total) => {
      if (showProgress && (done % 250 === 0 || done === total))
        process.stderr.write(`\rlearning ${done}/${total}`);
    },
  });
  if (showProgress) process.stderr.write('\n');
  for (const { line, reason } of result.bad) console.error(`line ${line}: bad row: ${reason}`);
  for (const { line, reason } of result.failed) console.error(`line ${line}: failed to write: ${reason}`);
  const { skipped, outcomes } = result;
  console.log(
    `learned ${outcomes.recorded}, known already ${outcomes.duplicate}, older than stored ${outcomes.older}, ` +
      `earlier call of the same caller ${result.earlier}, not answered ${skipped['not answered']}, ` +
      `not an agent ${skipped['not an agent']}, secret number ${skipped['secret number']}, ` +
      `anonymous ${skipped.anonymous}, bad rows ${result.bad.length}, failed ${result.failed.length}`,
  );
  if (result.failed.length > 0) process.exitCode = 1;
}
