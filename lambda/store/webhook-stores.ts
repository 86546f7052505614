/** The webhook's stores on one client: what the Lambda entry, `npm start`, the bench and the tests wire up. */
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { type CallRecorder, DynamoCallRecorder, type TableOptions } from './call-recorder';
import { DynamoRosterReader, type RosterReader } from './roster-reader';

export function webhookStores(
  client: DynamoDBClient,
  table: TableOptions,
): { calls: CallRecorder; roster: RosterReader } {
  return { calls: new DynamoCallRecorder(client, table), roster: new DynamoRosterReader(client, table) };
}
