/**
 * The caller table a tool works on: the one `npm start` runs (found through its state file in
 * LOCAL_DATA_DIR or `.local-data/`), or a deployed one named with --table. One client, the
 * admin and bulk stores on it, and errors that say what to do.
 */
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { Command } from 'commander';
import { DEFAULTS } from '../lambda/config';
import { COMPANY_ID } from '../lambda/http/access';
import { CallerAdminStore } from '../lambda/store/caller-store';
import { createDynamoClient } from '../lambda/store/client';
import { useLocalCredentials } from '../local/dynamo';
import { readState } from '../local/state';
import { BulkCallerStore } from './bulk-store';
import { awsSetupProblem, CliError, isNotListening, notRunning } from './cli';
import { type RetryPolicy, TOOL_RETRIES } from './retry';

/** Flags every table-using command takes. */
export interface TableFlags {
  table?: string;
  comId?: string;
  country: string;
  /** The deployment's RETENTION_DAYS, so writes expire as the functions' do. */
  retentionDays: number;
  /** Each DynamoDB request is given up after this long (then retried). */
  timeout: number;
}

/** The stores of one table, for one company. */
export interface CallerTables {
  client: DynamoDBClient;
  admin: CallerAdminStore;
  bulk: BulkCallerStore;
  comId: string;
  country: string;
  /** How each request is timed out and retried. */
  retry: RetryPolicy;
  /** The error to show for a failure: a stopped `npm start` or missing AWS set-up in words. */
  explain(error: unknown): unknown;
  close(): void;
}

/** A CRM waits on the CLI, not a caller: more attempts than the webhook's budget allows. */
const CLI_MAX_ATTEMPTS = 5;

/** Opens the tables the flags name. */
export function openTables(flags: TableFlags): CallerTables {
  const local = flags.table ? undefined : readState();
  if (!flags.table && !local) {
    throw new CliError(
      'no `npm start` found (and no --table given): start it with `npm start`, or pass --table',
    );
  }
  const comId = flags.comId ?? local?.comId;
  if (!comId || !COMPANY_ID.test(comId)) {
    throw new CliError('--com-id is required with --table (the com_id the platform sends)');
  }
  if (local) useLocalCredentials();
  const client = createDynamoClient({
    // A deployed table: the region of the AWS profile unless AWS_REGION says otherwise.
    region: local ? DEFAULTS.region : process.env.AWS_REGION,
    endpoint: local ? local.endpoint : process.env.AWS_ENDPOINT_URL_DYNAMODB,
    maxAttempts: CLI_MAX_ATTEMPTS,
  });
  const table = {
    tableName: flags.table ?? (local?.tableName as string),
    retentionDays: flags.retentionDays,
  };
  return {
    client,
    admin: new CallerAdminStore(client, table),
    bulk: new BulkCallerStore(client, table),
    comId,
    country: flags.country,
    retry: { ...TOOL_RETRIES, timeoutMs: flags.timeout },
    explain(error) {
      if (local && isNotListening(error)) return notRunning(local.url);
      return awsSetupProblem(error) ?? error;
    },
    close: () => client.destroy(),
  };
}

/** A subcommand's work: the tables, its one argument (a file, a number, an agent; '' for none), its flags. */
export type TableWork<Flags> = (tables: CallerTables, argument: string, flags: Flags) => Promise<void>;

/** Runs a subcommand on the tables its flags name, turning failures into errors a user can act on. */
export function withTables<Flags>(command: Command, work: TableWork<Flags>): Command {
  return command.action(async (...args: unknown[]) => {
    const flags = command.optsWithGlobals<TableFlags & Flags>();
    const tables = openTables(flags);
    try {
      await work(tables, typeof args[0] === 'string' ? args[0] : '', flags);
    } catch (error) {
      throw tables.explain(error);
    } finally {
      tables.close();
    }
  });
}
