/**
 * The caller table a tool works on: the one `npm start` runs (found through its state file in
 * LOCAL_DATA_DIR or `.local-data/`), or a deployed one named with --table. One client, the
 * admin and bulk stores on it, and errors that say what to do.
 */
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { Command } from 'commander';
import { DEFAULTS } from '../lambda/config';
import { excerpt } from '../lambda/domain/errors';
import { COMPANY_ID } from '../lambda/http/access';
import { type AdminStores, adminStores } from '../lambda/store/admin-stores';
import type { TableOptions } from '../lambda/store/call-recorder';
import { createDynamoClient } from '../lambda/store/client';
import { classifyStoreError } from '../lambda/store/errors';
import { type RetryPolicy, tableRequests } from '../lambda/store/requests';
import { useLocalCredentials } from '../local/dynamo';
import { readState } from '../local/state';
import { BulkCallerStore } from './bulk-store';
import { awsSetupProblem, CliError, isNotListening, notRunning } from './cli';

/** Flags every table-using command takes. */
export interface TableFlags {
  table?: string;
  comId?: string;
  country: string;
  /** The deployment's RETENTION_DAYS, so writes expire as the functions' do. */
  retentionDays: number;
  /** Each attempt of a DynamoDB request is given up after this long (then retried). */
  timeout: number;
}

/** The stores of one table, for one company. */
export interface CallerTables {
  client: DynamoDBClient;
  stores: AdminStores;
  bulk: BulkCallerStore;
  comId: string;
  country: string;
  /** How each request is timed out and retried. */
  policy: RetryPolicy;
  /** The error to show for a failure: a stopped `npm start` or missing AWS set-up in words. */
  explain(error: unknown): unknown;
  close(): void;
}

/**
 * How the tools' requests are retried, the one retry layer (the SDK makes one attempt): a CRM
 * waits on the CLI, not a caller, so it rides out a DynamoDB blip of several seconds.
 */
export const TOOL_RETRY_POLICY: RetryPolicy = { attempts: 5, attemptTimeoutMs: 5000, firstDelayMs: 250 };

/** The stores the tools write and read through, on `client` (which should make one attempt per request). */
export function toolStores(
  client: DynamoDBClient,
  table: TableOptions,
  policy: RetryPolicy = TOOL_RETRY_POLICY,
): AdminStores & { bulk: BulkCallerStore } {
  return {
    ...adminStores(client, table, policy),
    bulk: new BulkCallerStore(client, table, tableRequests(policy)),
  };
}

/** Opens the tables the flags name. */
export function openTables(flags: TableFlags): CallerTables {
  const local = flags.table ? undefined : readState();
  if (!flags.table && !local) {
    throw new CliError(
      'no `npm start` found (and no --table given): start it with `npm start`, or pass --table',
    );
  }
  const comId = flags.comId ?? local?.comId;
  if (!comId) throw new CliError('--com-id is required with --table (the com_id the platform sends)');
  if (!COMPANY_ID.test(comId)) {
    throw new CliError(`--com-id "${excerpt(comId)}" is not a com_id: 1-64 of A-Z, a-z, 0-9, "-" or "_"`);
  }
  if (local) useLocalCredentials();
  const client = createDynamoClient({
    // A deployed table: the region of the AWS profile unless AWS_REGION says otherwise.
    region: local ? DEFAULTS.region : process.env.AWS_REGION,
    endpoint: local ? local.endpoint : process.env.AWS_ENDPOINT_URL_DYNAMODB,
    maxAttempts: 1,
  });
  const table = {
    tableName: flags.table ?? (local?.tableName as string),
    retentionDays: flags.retentionDays,
  };
  const policy = { ...TOOL_RETRY_POLICY, attemptTimeoutMs: flags.timeout };
  const stores = toolStores(client, table, policy);
  return {
    client,
    stores,
    bulk: stores.bulk,
    comId,
    country: flags.country,
    policy,
    explain(error) {
      if (local && isNotListening(error)) return notRunning(local.url);
      if (classifyStoreError(error) === 'timeout') {
        return new CliError(
          `DynamoDB did not answer: the request was tried ${policy.attempts} times, each attempt given up ` +
            `after ${policy.attemptTimeoutMs} ms (--timeout)`,
        );
      }
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
