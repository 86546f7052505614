/**
 * The webhook's own DynamoDB client keeps what the SDK did for it: the same signature, the
 * session token, DynamoDB's errors by name (a refused condition with its item), a damaged
 * answer found by its CRC-32, one kept-alive connection, the attempts it is given.
 */
import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Sha256 } from '@smithy/core/checksum';
import { SignatureV4 } from '@smithy/signature-v4';
import aws4 from 'aws4';
import { AwsServiceError, ChecksumMismatchError } from '../../../lambda/store/aws-json';
import { DynamoHttpClient } from '../../../lambda/store/dynamo-http';
import { classifyStoreError } from '../../../lambda/store/errors';
import { startFaultyDynamo } from '../../../local/fault-dynamo';
import { useDynalite, webhookUnderTest } from '../../support/harness';

const dynamo = useDynalite();
const credentials = {
  accessKeyId: 'AKIDEXAMPLE',
  secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY',
};

/** A server that answers every request with `answer`, keeping what it was sent. */
async function answering(answer: { status: number; body: string; headers?: Record<string, string> }) {
  const seen: { headers: IncomingMessage['headers']; body: string; socket: unknown }[] = [];
  const server: Server = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk: Buffer) => {
      body += chunk.toString();
    });
    request.on('end', () => {
      seen.push({ headers: request.headers, body, socket: request.socket });
      response.writeHead(answer.status, { 'content-type': 'application/x-amz-json-1.0', ...answer.headers });
      response.end(answer.body);
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return {
    endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    seen,
    close: () => {
      server.closeAllConnections();
      return new Promise((resolve) => server.close(resolve));
    },
  };
}

const clientOf = (endpoint: string, extra: Partial<ConstructorParameters<typeof DynamoHttpClient>[0]> = {}) =>
  new DynamoHttpClient({ region: 'eu-west-1', endpoint, credentials, maxAttempts: 1, ...extra });

describe("the webhook's DynamoDB client", () => {
  it.each([
    ['without a session token', credentials],
    ['with a session token', { ...credentials, sessionToken: 'IQoJb3JpZ2luX2VjEXAMPLETOKEN' }],
  ])(
    'signs the headers it sends byte for byte as the SDK’s own signer signs them, %s',
    async (_name, keys) => {
      const date = new Date(Date.UTC(2026, 11, 1, 10, 0, 0));
      const body = JSON.stringify({ TableName: 'callers', Key: { pk: { S: 'a#b' } } });
      const headers = {
        host: 'dynamodb.eu-west-1.amazonaws.com',
        'content-type': 'application/x-amz-json-1.0',
        'x-amz-target': 'DynamoDB_20120810.GetItem',
        'x-amz-date': '20261201T100000Z',
        'content-length': String(Buffer.byteLength(body)),
      };

      const ours = aws4.sign(
        {
          host: headers.host,
          path: '/',
          method: 'POST',
          service: 'dynamodb',
          region: 'eu-west-1',
          headers: { ...headers },
          body,
        },
        keys,
      );
      const sdk = await new SignatureV4({
        credentials: keys,
        region: 'eu-west-1',
        service: 'dynamodb',
        sha256: Sha256,
        // The headers aws4 sends; the SDK adds x-amz-content-sha256 too, which DynamoDB does not ask for.
        applyChecksum: false,
      }).sign(
        {
          method: 'POST',
          protocol: 'https:',
          hostname: headers.host,
          path: '/',
          headers: { ...headers },
          body,
        },
        { signingDate: date },
      );

      expect((ours.headers as Record<string, string>).Authorization).toBe(sdk.headers.authorization);
    },
  );

  it('sends the session token and reads an item from DynamoDB itself', async () => {
    const webhook = await webhookUnderTest(dynamo().endpoint);
    const echo = await answering({ status: 200, body: '{}' });
    const client = clientOf(echo.endpoint, { credentials: { ...credentials, sessionToken: 'TOKEN123' } });

    await client.getItem({ TableName: 'callers', Key: { pk: { S: 'x' } } }, AbortSignal.timeout(2000));
    const real = clientOf(dynamo().endpoint);
    const read = await real.getItem(
      { TableName: webhook.config.tableName, Key: { pk: { S: 'nobody' } } },
      AbortSignal.timeout(2000),
    );

    expect(echo.seen[0]?.headers['x-amz-security-token']).toBe('TOKEN123');
    expect(echo.seen[0]?.headers.authorization).toMatch(/SignedHeaders=[^,]*x-amz-security-token/);
    expect(read.Item).toBeUndefined();
    client.destroy();
    real.destroy();
    webhook.destroy();
    await echo.close();
  });

  it('names a refused condition as DynamoDB does, with the item it was refused on', async () => {
    const item = { pk: { S: 'a#b' }, calls: { N: '3' } };
    const refusing = await answering({
      status: 400,
      body: JSON.stringify({
        __type: 'com.amazonaws.dynamodb.v20120810#ConditionalCheckFailedException',
        message: 'The conditional request failed',
        Item: item,
      }),
    });
    const client = clientOf(refusing.endpoint);

    const error = await client
      .updateItem({ TableName: 't', Key: item }, AbortSignal.timeout(2000))
      .catch((e) => e);

    expect(error).toBeInstanceOf(AwsServiceError);
    expect([error.name, error.Item, error.$metadata.httpStatusCode]).toEqual([
      'ConditionalCheckFailedException',
      item,
      400,
    ]);
    client.destroy();
    await refusing.close();
  });

  it('finds an answer damaged on the way by its CRC-32, and tries it again', async () => {
    const corrupt = await startFaultyDynamo('corrupt');
    const client = clientOf(corrupt.endpoint, { maxAttempts: 3 });

    const error = await client
      .getItem({ TableName: 't', Key: { pk: { S: 'x' } } }, AbortSignal.timeout(5000))
      .catch((e) => e);

    expect(error).toBeInstanceOf(ChecksumMismatchError);
    expect([classifyStoreError(error), corrupt.requestCount('GetItem')]).toEqual(['server-error', 3]);
    client.destroy();
    await corrupt.close();
  });

  it('checks the CRC-32 DynamoDB sends, and keeps one connection for request after request', async () => {
    const webhook = await webhookUnderTest(dynamo().endpoint);
    const client = clientOf(dynamo().endpoint);
    const sockets = new Set<unknown>();

    for (let i = 0; i < 5; i++) {
      await client.updateItem(
        {
          TableName: webhook.config.tableName,
          Key: { pk: { S: `keep#${i}` } },
          UpdateExpression: 'ADD calls :one',
          ExpressionAttributeValues: { ':one': { N: '1' } },
        },
        AbortSignal.timeout(2000),
      );
    }
    const echo = await answering({ status: 200, body: '{}' });
    const echoing = clientOf(echo.endpoint);
    for (let i = 0; i < 5; i++)
      await echoing.getItem({ TableName: 't', Key: { pk: { S: 'x' } } }, AbortSignal.timeout(2000));
    for (const { socket } of echo.seen) sockets.add(socket);

    expect(sockets.size).toBe(1);
    client.destroy();
    echoing.destroy();
    webhook.destroy();
    await echo.close();
  });

  it('gives up at its signal, however long DynamoDB would take', async () => {
    const hung = await startFaultyDynamo('hang');
    const client = clientOf(hung.endpoint, { maxAttempts: 5 });
    const started = performance.now();

    const error = await client
      .getItem({ TableName: 't', Key: { pk: { S: 'x' } } }, AbortSignal.timeout(200))
      .catch((e) => e);

    expect(classifyStoreError(error)).toBe('timeout');
    // A wide margin: the signal fires at 200 ms, the server never answers.
    expect(performance.now() - started).toBeLessThan(5000);
    client.destroy();
    await hung.close();
  });
});
