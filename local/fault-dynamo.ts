/**
 * DynamoDB endpoints that misbehave, for the faults a real DynamoDB cannot be made to show on
 * demand: a tiny HTTP server that hangs, throttles or fails every request, and a closed port.
 */
import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** How a stand-in DynamoDB misbehaves. */
export type Fault = 'hang' | 'throttle' | 'server-error';

/** A tiny HTTP server that answers every DynamoDB request with one fault, counting requests. */
export interface FaultyDynamo {
  endpoint: string;
  requestCount(): number;
  close(): Promise<void>;
}

export async function startFaultyDynamo(fault: Fault): Promise<FaultyDynamo> {
  let requests = 0;
  const server: Server = createServer((request, response) => {
    requests++;
    request.resume();
    if (fault === 'hang') return;
    const body =
      fault === 'throttle'
        ? {
            __type: 'com.amazonaws.dynamodb.v20120810#ThrottlingException',
            message: 'Rate of requests exceeds the allowed throughput.',
          }
        : {
            __type: 'com.amazonaws.dynamodb.v20120810#InternalServerError',
            message: 'Internal server error',
          };
    response.writeHead(fault === 'throttle' ? 400 : 500, { 'content-type': 'application/x-amz-json-1.0' });
    response.end(JSON.stringify(body));
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return {
    endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    requestCount: () => requests,
    close: async () => {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

/** An endpoint on a port nothing listens on: connections are refused. */
export async function closedPortEndpoint(): Promise<string> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return `http://127.0.0.1:${port}`;
}
