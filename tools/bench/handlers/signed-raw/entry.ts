/**
 * The floor with what the webhook adds to the request itself: the raw handler's UpdateItem,
 * sent by the webhook's own client (signed with SigV4, CRC-32 checked). Built by the bench.
 */
import { credentialsFromEnvironment } from '../../../../lambda/config';
import { DynamoHttpClient } from '../../../../lambda/store/dynamo-http';

const dynamo = new DynamoHttpClient({
  region: 'eu-west-1',
  endpoint: process.env.BENCH_ENDPOINT,
  credentials: credentialsFromEnvironment(),
  maxAttempts: 1,
});

export const handler = async () => {
  await dynamo.updateItem(
    {
      TableName: process.env.BENCH_TABLE,
      Key: { pk: { S: `bench#signed-${process.pid}` } },
      UpdateExpression: 'SET lastCallAt = :now ADD calls :one',
      ExpressionAttributeValues: { ':now': { N: String(Date.now()) }, ':one': { N: '1' } },
      ReturnValues: 'ALL_OLD',
    },
    AbortSignal.timeout(5000),
  );
  return { statusCode: 200, body: 'signed' };
};
