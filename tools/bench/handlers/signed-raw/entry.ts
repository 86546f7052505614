/**
 * The floor with what the webhook's client adds to the request: the webhook's own UpdateItem
 * (BENCH_BODY), sent by its client (signed with SigV4, CRC-32 checked). Built by the bench.
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
  await dynamo.updateItem(JSON.parse(process.env.BENCH_BODY ?? '{}'), AbortSignal.timeout(5000));
  return { statusCode: 200, body: 'signed' };
};
