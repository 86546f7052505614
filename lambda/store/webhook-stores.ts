/** The webhook's stores on its DynamoDB client: what the Lambda entry, `npm start`, the bench and the tests wire up. */

import type { AwsCredentials, Config } from '../config';
import { type CallRecorder, DynamoCallRecorder, type TableOptions } from './call-recorder';
import { DynamoHttpClient, type WebhookDynamo } from './dynamo-http';
import { DynamoRosterReader, type RosterReader } from './roster-reader';

export function webhookStores(
  dynamo: WebhookDynamo,
  table: TableOptions,
): { calls: CallRecorder; roster: RosterReader } {
  return { calls: new DynamoCallRecorder(dynamo, table), roster: new DynamoRosterReader(dynamo, table) };
}

/** The webhook's DynamoDB client for a configuration: its region, endpoint and attempts. */
export function webhookDynamo(
  config: Pick<Config, 'region' | 'dynamodbEndpoint' | 'dynamodbMaxAttempts'>,
  credentials: AwsCredentials,
): DynamoHttpClient {
  return new DynamoHttpClient({
    region: config.region,
    endpoint: config.dynamodbEndpoint,
    credentials,
    maxAttempts: config.dynamodbMaxAttempts,
  });
}
