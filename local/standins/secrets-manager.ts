/**
 * A local stand-in of AWS Secrets Manager, as far as the product uses it: `GetSecretValue` and
 * `PutSecretValue` of one secret over the JSON 1.1 protocol, refusing an unsigned request and
 * a secret id it does not hold as AWS does.
 */
import { once } from 'node:events';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface SecretsManagerStandIn {
  endpoint: string;
  secretId: string;
  /** The secret's current text, and the reads so far. */
  value(): string | undefined;
  reads(): number;
  close(): Promise<void>;
}

export async function startSecretsManager(
  secretId: string,
  initial?: string,
): Promise<SecretsManagerStandIn> {
  let value = initial;
  let reads = 0;
  const server = createServer(async (request, response) => {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const answer = (status: number, body: unknown) => {
      response.writeHead(status, { 'content-type': 'application/x-amz-json-1.1' });
      response.end(JSON.stringify(body));
    };
    if (!/^AWS4-HMAC-SHA256 Credential=/.test(request.headers.authorization ?? '')) {
      answer(400, { __type: 'MissingAuthenticationTokenException', message: 'Missing Authentication Token' });
      return;
    }
    const input = JSON.parse(Buffer.concat(chunks).toString() || '{}') as {
      SecretId?: string;
      SecretString?: string;
    };
    if (input.SecretId !== secretId) {
      answer(400, {
        __type: 'ResourceNotFoundException',
        message: "Secrets Manager can't find the specified secret.",
      });
      return;
    }
    const target = request.headers['x-amz-target'];
    if (target === 'secretsmanager.GetSecretValue') {
      reads++;
      if (value === undefined) {
        answer(400, {
          __type: 'ResourceNotFoundException',
          message: "Secrets Manager can't find the specified secret value for staging label: AWSCURRENT",
        });
        return;
      }
      answer(200, { ARN: secretId, Name: 'connector-secrets', SecretString: value, VersionId: 'v1' });
    } else if (target === 'secretsmanager.PutSecretValue') {
      value = input.SecretString;
      answer(200, { ARN: secretId, Name: 'connector-secrets', VersionId: 'v2' });
    } else {
      answer(400, { __type: 'UnknownOperationException', message: String(target) });
    }
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    secretId,
    value: () => value,
    reads: () => reads,
    async close() {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
