// The floor of a cold answer: a fresh process sends one raw UpdateItem to the same
// DynamoDB endpoint with node:http, no SDK. Run as: node raw-request.mjs ENDPOINT TABLE.
import { request } from 'node:http';

const [endpoint, table] = process.argv.slice(2);
const body = JSON.stringify({
  TableName: table,
  Key: { pk: { S: `bench#raw-${process.pid}` } },
  UpdateExpression: 'SET lastCallAt = :now ADD calls :one',
  ExpressionAttributeValues: { ':now': { N: String(Date.now()) }, ':one': { N: '1' } },
  ReturnValues: 'ALL_OLD',
});
const amzDate = new Date().toISOString().replace(/[-:]|\.\d{3}/g, '');
const req = request(endpoint, {
  method: 'POST',
  headers: {
    'content-type': 'application/x-amz-json-1.0',
    'x-amz-target': 'DynamoDB_20120810.UpdateItem',
    'x-amz-date': amzDate,
    authorization: `AWS4-HMAC-SHA256 Credential=local/${amzDate.slice(0, 8)}/eu-west-1/dynamodb/aws4_request, SignedHeaders=content-type;host;x-amz-date;x-amz-target, Signature=${'0'.repeat(64)}`,
  },
});
req.end(body);
req.on('response', (response) => {
  const chunks = [];
  response.on('data', (chunk) => chunks.push(chunk));
  response.on('end', () => {
    process.stdout.write(
      `BENCH ${JSON.stringify({ status: response.statusCode, answeredMs: performance.now() })}\n`,
    );
    process.exit(response.statusCode === 200 ? 0 : 1);
  });
});
