// The floor of a cold answer: one raw UpdateItem over HTTPS (as DynamoDB is in AWS) with
// node:https, no SDK, signed with a dummy signature (dynalite does not check it): the webhook's
// own request when the bench gives it (BENCH_BODY), else a small one. Shared by the
// plain-process runner and the handler run under the runtime interface client.
import { request } from 'node:https';

/** Sends one UpdateItem to `endpoint`; resolves with the HTTP status once the body is read. */
export function rawUpdateItem(endpoint, table) {
  const body =
    process.env.BENCH_BODY ??
    JSON.stringify({
      TableName: table,
      Key: { pk: { S: `bench#raw-${process.pid}` } },
      UpdateExpression: 'SET lastCallAt = :now ADD calls :one',
      ExpressionAttributeValues: { ':now': { N: String(Date.now()) }, ':one': { N: '1' } },
      ReturnValues: 'ALL_OLD',
    });
  const amzDate = new Date().toISOString().replace(/[-:]|\.\d{3}/g, '');
  return new Promise((resolve, reject) => {
    const req = request(endpoint, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-amz-json-1.0',
        'x-amz-target': 'DynamoDB_20120810.UpdateItem',
        'x-amz-date': amzDate,
        authorization: `AWS4-HMAC-SHA256 Credential=local/${amzDate.slice(0, 8)}/eu-west-1/dynamodb/aws4_request, SignedHeaders=content-type;host;x-amz-date;x-amz-target, Signature=${'0'.repeat(64)}`,
      },
    });
    req.on('error', reject);
    req.on('response', (response) => {
      response.resume();
      response.on('end', () => resolve(response.statusCode));
    });
    req.end(body);
  });
}
