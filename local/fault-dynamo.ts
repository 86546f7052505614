/**
 * DynamoDB endpoints that misbehave, for the faults a real DynamoDB cannot be made to show on
 * demand: a tiny HTTP server that hangs, throttles, fails, resets or damages (an answer whose
 * CRC-32 is not its body's) every request (for a
 * while, forwarding the rest to a real endpoint when asked), and a closed port.
 */
import { once } from 'node:events';
import { createServer, request as forward, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** How a stand-in DynamoDB misbehaves. */
export type Fault = 'hang' | 'throttle' | 'server-error' | 'reset' | 'corrupt';

export interface FaultOptions {
  fault: Fault;
  /** Misbehave only during this window, measured from the first request; forward outside it. */
  window?: { afterMs: number; forMs: number };
  /** The endpoint requests outside the window (or of other operations) go to (dynalite). */
  forwardTo?: string;
  /** Misbehave only for these operations (`GetItem`, `UpdateItem`…); forward the others. */
  operations?: string[];
}

/** A tiny HTTP server that answers DynamoDB requests with a fault, counting requests. */
export interface FaultyDynamo {
  endpoint: string;
  /** Requests received, of one operation (`UpdateItem`) or of all. */
  requestCount(operation?: string): number;
  /** Requests answered with the fault. */
  faultCount(): number;
  close(): Promise<void>;
}

const ERROR_BODIES = {
  throttle: {
    status: 400,
    body: {
      __type: 'com.amazonaws.dynamodb.v20120810#ThrottlingException',
      message: 'Rate of requests exceeds the allowed throughput.',
    },
  },
  'server-error': {
    status: 500,
    body: {
      __type: 'com.amazonaws.dynamodb.v20120810#InternalServerError',
      message: 'Internal server error',
    },
  },
} as const;

/** Starts a faulty endpoint on loopback: every request faults, or only those in `window`. */
export async function startFaultyDynamo(how: Fault | FaultOptions): Promise<FaultyDynamo> {
  const options: FaultOptions = typeof how === 'string' ? { fault: how } : how;
  const requests = new Map<string, number>();
  let faults = 0;
  let firstAtMs: number | undefined;
  const inWindow = () => {
    if (!options.window) return true;
    const sinceMs = Date.now() - (firstAtMs as number);
    return sinceMs >= options.window.afterMs && sinceMs < options.window.afterMs + options.window.forMs;
  };
  const server: Server = createServer((incoming, outgoing) => {
    firstAtMs ??= Date.now();
    const operation = String(incoming.headers['x-amz-target'] ?? '').split('.')[1] ?? '';
    requests.set(operation, (requests.get(operation) ?? 0) + 1);
    const faulty = inWindow() && (!options.operations || options.operations.includes(operation));
    if (!faulty && options.forwardTo) {
      const target = new URL(options.forwardTo);
      const proxied = forward(
        {
          host: target.hostname,
          port: target.port,
          method: incoming.method,
          path: incoming.url,
          headers: incoming.headers,
        },
        (answer) => {
          outgoing.writeHead(answer.statusCode ?? 500, answer.headers);
          answer.pipe(outgoing);
        },
      );
      proxied.on('error', () => outgoing.destroy());
      incoming.pipe(proxied);
      return;
    }
    faults++;
    incoming.resume();
    if (options.fault === 'hang') return;
    if (options.fault === 'reset') {
      incoming.socket.destroy();
      return;
    }
    if (options.fault === 'corrupt') {
      outgoing.writeHead(200, { 'content-type': 'application/x-amz-json-1.0', 'x-amz-crc32': '1' });
      outgoing.end('{}');
      return;
    }
    const { status, body } = ERROR_BODIES[options.fault];
    outgoing.writeHead(status, { 'content-type': 'application/x-amz-json-1.0' });
    outgoing.end(JSON.stringify(body));
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return {
    endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    requestCount: (operation) =>
      operation === undefined
        ? [...requests.values()].reduce((sum, count) => sum + count, 0)
        : (requests.get(operation) ?? 0),
    faultCount: () => faults,
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
