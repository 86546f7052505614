/**
 * `npm run callers`: caller data in bulk, against the table of `npm start` or, with
 * `--table` and AWS credentials, the deployed one.
 *
 *   npm run callers -- import FILE            CSV with a header row, or JSON lines
 *   npm run callers -- get NUMBER
 *   npm run callers -- put NUMBER [--openInvoices N] [--ticketAgent A] [--lastAgent A] [--name TEXT]
 *                                              (an empty value removes the fact)
 *   npm run callers -- delete NUMBER
 *   npm run callers -- export > callers.csv
 *
 * Options: --table NAME (the stack's TableName output), --com-id ID (required with --table),
 * --country 31 (for national numbers).
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { factsOf, withAgentTime } from '../lambda/admin-api';
import { displayNumber, normalizeCaller } from '../lambda/numbers';
import { BadRequestError } from '../lambda/parse';
import { CallerStore, createDynamoClient } from '../lambda/store';
import { COMPANY_ID } from '../lambda/table';
import { readState } from '../local/app';
import { ImportFileError, planImport, runImport } from './import';

const USAGE =
  'usage: npm run callers -- import FILE | get NUMBER | put NUMBER --field value | delete NUMBER | export';
const RETENTION_DAYS = 400;

async function main(): Promise<void> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      table: { type: 'string' },
      'com-id': { type: 'string' },
      country: { type: 'string', default: '31' },
      retention: { type: 'string', default: String(RETENTION_DAYS) },
      openInvoices: { type: 'string' },
      ticketAgent: { type: 'string' },
      lastAgent: { type: 'string' },
      name: { type: 'string' },
    },
  });
  const [command, argument] = positionals;
  const local = values.table ? undefined : readState();
  if (!values.table && !local)
    throw new Error('no --table given and no `npm start` state found: start it first or pass --table');
  const comId = values['com-id'] ?? local?.comId;
  if (!comId || !COMPANY_ID.test(comId))
    throw new Error('--com-id is required with --table (the com_id the platform sends)');
  const tableName = values.table ?? (local?.tableName as string);
  const endpoint = values.table ? process.env.AWS_ENDPOINT_URL_DYNAMODB : local?.endpoint;
  if (local) {
    process.env.AWS_ACCESS_KEY_ID ??= 'local';
    process.env.AWS_SECRET_ACCESS_KEY ??= 'local';
  }
  const client = createDynamoClient({
    region: process.env.AWS_REGION ?? 'eu-west-1',
    endpoint,
    maxAttempts: 5,
  });
  const store = new CallerStore(client, { tableName, retentionDays: Number(values.retention) });
  const country = values.country;
  const keyOf = (number: string | undefined) => {
    if (!number) throw new Error(`a NUMBER is required\n${USAGE}`);
    const caller = normalizeCaller(number, country);
    if (caller.kind === 'anonymous') throw new Error(`"${number}" is anonymous: nothing is stored for it`);
    return caller.key;
  };
  const now = Date.now();
  try {
    switch (command) {
      case 'import': {
        if (!argument) throw new Error(`a FILE is required\n${USAGE}`);
        const started = performance.now();
        const plan = planImport(readFileSync(argument, 'utf8'), country, now);
        const showProgress = process.stderr.isTTY && plan.rows.length >= 1000;
        const result = await runImport(plan, store, comId, {
          nowMs: now,
          onProgress: (done, total) => {
            if (showProgress && (done % 250 === 0 || done === total))
              process.stderr.write(`\rimporting ${done}/${total}`);
          },
        });
        if (showProgress) process.stderr.write('\n');
        for (const { line, reason } of result.rejected) console.error(`line ${line}: rejected: ${reason}`);
        for (const { line, firstLine } of result.duplicates)
          console.error(`line ${line}: duplicate of line ${firstLine}, skipped`);
        for (const { line, reason } of result.failed)
          console.error(`line ${line}: failed to write: ${reason}`);
        if (result.ignoredColumns.length)
          console.error(`ignored columns: ${result.ignoredColumns.join(', ')}`);
        const seconds = ((performance.now() - started) / 1000).toFixed(1);
        console.log(
          `imported ${result.imported}, unchanged ${result.unchanged}, rejected ${result.rejected.length}, ` +
            `duplicates ${result.duplicates.length}, failed ${result.failed.length} in ${seconds} s`,
        );
        if (result.failed.length) process.exitCode = 1;
        break;
      }
      case 'get': {
        const caller = await store.getCaller(comId, keyOf(argument), now);
        if (!caller) throw new Error('unknown caller');
        console.log(JSON.stringify({ ...caller, number: displayNumber(caller.callerKey) }, null, 2));
        break;
      }
      case 'put': {
        const body: Record<string, unknown> = {};
        for (const field of ['openInvoices', 'ticketAgent', 'lastAgent', 'name'] as const) {
          const value = values[field];
          if (value === undefined) continue;
          body[field] = value === '' ? null : field === 'openInvoices' ? Number(value) : value;
        }
        if (Object.keys(body).length === 0)
          throw new Error('put needs at least one of --openInvoices, --ticketAgent, --lastAgent, --name');
        const caller = await store.mergeFacts(
          comId,
          keyOf(argument),
          withAgentTime(factsOf(body, now), now),
          now,
        );
        console.log(JSON.stringify({ ...caller, number: displayNumber(caller.callerKey) }, null, 2));
        break;
      }
      case 'delete': {
        const existed = await store.deleteCaller(comId, keyOf(argument));
        console.log(existed ? 'deleted' : 'unknown caller: nothing to delete');
        break;
      }
      case 'export': {
        console.log('number,openInvoices,ticketAgent,lastAgent,lastAgentAt,name,calls,lastCallAt');
        for await (const caller of store.listCallers(comId, now)) {
          const cells = [
            displayNumber(caller.callerKey),
            caller.openInvoices,
            caller.ticketAgent,
            caller.lastAgent,
            caller.lastAgentAt === undefined ? undefined : new Date(caller.lastAgentAt).toISOString(),
            caller.name,
            caller.calls,
            caller.lastCallAt === undefined ? undefined : new Date(caller.lastCallAt).toISOString(),
          ];
          console.log(cells.map(csvCell).join(','));
        }
        break;
      }
      default:
        throw new Error(USAGE);
    }
  } finally {
    client.destroy();
  }
}

function csvCell(value: string | number | undefined): string {
  const text = value === undefined ? '' : String(value);
  return /[",\n;]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

main().catch((error: unknown) => {
  const message =
    error instanceof BadRequestError || error instanceof ImportFileError
      ? error.message
      : (error as Error).message;
  console.error(`npm run callers: ${message}`);
  process.exit(2);
});
