/**
 * An embedded DynamoDB (dynalite) for `npm start`, the tests and the bench, and the caller
 * table created from the same schema the stack deploys.
 */
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import {
  CreateTableCommand,
  DescribeTableCommand,
  type DynamoDBClient,
  ResourceNotFoundException,
} from '@aws-sdk/client-dynamodb';
import dynalite from 'dynalite';
import { CALLER_TABLE } from '../lambda/store/items';

/** A running dynalite. */
export interface LocalDynamo {
  endpoint: string;
  port: number;
  /** Requests it has received, for tests that prove no DynamoDB access. */
  requestCount(): number;
  close(): Promise<void>;
}

/**
 * Starts dynalite on loopback. In memory unless `path` names a folder to persist to.
 * Port 0 picks a free one.
 */
export async function startDynalite(options: { path?: string; port?: number } = {}): Promise<LocalDynamo> {
  const server = dynalite({
    createTableMs: 0,
    deleteTableMs: 0,
    updateTableMs: 0,
    ...(options.path ? { path: options.path } : {}),
  });
  let requests = 0;
  server.on('request', () => {
    requests++;
  });
  server.listen(options.port ?? 0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    port,
    requestCount: () => requests,
    close: async () => {
      server.closeAllConnections();
      // dynalite's close also closes its LevelDB, so a persistent store is flushed.
      await new Promise<void>((resolve, reject) =>
        server.close((error) => (error ? reject(error) : resolve())),
      );
    },
  };
}

/**
 * Credentials for a local DynamoDB: the SDK signs every request and dynalite accepts any
 * signature. Real credentials in the environment are left as they are.
 */
export function useLocalCredentials(): void {
  process.env.AWS_ACCESS_KEY_ID ??= 'local';
  process.env.AWS_SECRET_ACCESS_KEY ??= 'local';
}

/** Creates the caller table (key schema from `lambda/store/items.ts`) unless it exists. Returns whether it created it. */
export async function ensureCallerTable(client: DynamoDBClient, tableName: string): Promise<boolean> {
  try {
    await client.send(new DescribeTableCommand({ TableName: tableName }));
    return false;
  } catch (error) {
    if (!(error instanceof ResourceNotFoundException)) throw error;
  }
  await client.send(
    new CreateTableCommand({
      TableName: tableName,
      BillingMode: 'PAY_PER_REQUEST',
      AttributeDefinitions: [{ AttributeName: CALLER_TABLE.partitionKey, AttributeType: 'S' }],
      KeySchema: [{ AttributeName: CALLER_TABLE.partitionKey, KeyType: 'HASH' }],
    }),
  );
  return true;
}
