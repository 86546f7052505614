/**
 * A local stand-in of the AWS Lambda and CloudWatch Logs APIs, as far as `npm run measure`
 * uses them, speaking their JSON protocols on loopback (point the SDK at it with
 * AWS_ENDPOINT_URL_LAMBDA and AWS_ENDPOINT_URL_CLOUDWATCH_LOGS). It models what matters to
 * a measurement: a configuration change affects `$LATEST` only; each version (and `$LATEST`)
 * runs in its own execution environment, whose first invocation is a cold start with
 * `Init Duration` in its REPORT line; an alias serves a published version; a Function URL
 * serves the alias; log lines reach FilterLogEvents only after a delay.
 */
import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

interface Version {
  variables: Record<string, string>;
  /** The environment that runs this version has had its INIT. */
  warm: boolean;
}

/** One running stand-in. */
export interface AwsStandIn {
  endpoint: string;
  /** The Function URL of the `live` alias. */
  functionUrl: string;
  functionName: string;
  logGroup: string;
  /** Invocations so far, by the version that ran them (`$LATEST`, `1`, `2`…). */
  invocations: { version: string; cold: boolean; requestId: string }[];
  /** The version the `live` alias points at. */
  aliasVersion(): string;
  /** The environment of `$LATEST`, as measure should leave it. */
  latestVariables(): Record<string, string>;
  versionCount(): number;
  close(): Promise<void>;
}

const INIT_MS = 180.4;
const DURATION_MS = 12.3;

export async function startAwsStandIn(options: {
  logDelayMs: number;
  functionName?: string;
}): Promise<AwsStandIn> {
  const functionName = options.functionName ?? 'CallvoipWebhook-WebhookFunction-ABC';
  const logGroup = `/aws/lambda/${functionName}`;
  const versions = new Map<string, Version>([
    ['$LATEST', { variables: { BELPLAN_TIMEOUT_MS: '2000' }, warm: false }],
    ['1', { variables: { BELPLAN_TIMEOUT_MS: '2000' }, warm: true }],
  ]);
  let alias = '1';
  const logs: { visibleAt: number; timestamp: number; message: string }[] = [];
  const invocations: AwsStandIn['invocations'] = [];

  const run = (version: string): { requestId: string; result: unknown } => {
    const environment = versions.get(version) as Version;
    const cold = !environment.warm;
    environment.warm = true;
    const requestId = randomUUID();
    invocations.push({ version, cold, requestId });
    const metrics = {
      durationMs: DURATION_MS,
      billedDurationMs: 13,
      memorySizeMB: 1024,
      maxMemoryUsedMB: 88,
    };
    const record = {
      requestId,
      metrics: cold ? { ...metrics, initDurationMs: INIT_MS } : metrics,
      status: 'success',
    };
    logs.push({
      visibleAt: Date.now() + options.logDelayMs,
      timestamp: Date.now(),
      message: JSON.stringify({ time: new Date().toISOString(), type: 'platform.report', record }),
    });
    return {
      requestId,
      result: { statusCode: 200, headers: { 'content-type': 'text/plain' }, body: 'default' },
    };
  };

  const configuration = (version: string) => ({
    FunctionName: functionName,
    Version: version,
    Environment: { Variables: versions.get(version)?.variables ?? {} },
    LoggingConfig: { LogFormat: 'JSON', LogGroup: logGroup },
    State: 'Active',
    LastUpdateStatus: 'Successful',
  });

  const routes: [
    string,
    RegExp,
    (match: RegExpExecArray, body: string, url: URL) => [number, unknown, Record<string, string>?],
  ][] = [
    [
      'GET',
      /^\/2015-03-31\/functions\/([^/]+)\/configuration$/,
      (_m, _b, url) => [200, configuration(url.searchParams.get('Qualifier') ?? '$LATEST')],
    ],
    [
      'GET',
      /^\/2015-03-31\/functions\/([^/]+)$/,
      (_m, _b, url) => [
        200,
        { Configuration: configuration(url.searchParams.get('Qualifier') ?? '$LATEST') },
      ],
    ],
    [
      'PUT',
      /^\/2015-03-31\/functions\/([^/]+)\/configuration$/,
      (_m, body) => {
        // A new configuration of $LATEST: a new environment for it; published versions keep theirs.
        versions.set('$LATEST', { variables: JSON.parse(body).Environment?.Variables ?? {}, warm: false });
        return [200, configuration('$LATEST')];
      },
    ],
    [
      'POST',
      /^\/2015-03-31\/functions\/([^/]+)\/versions$/,
      () => {
        const version = String(
          Math.max(...[...versions.keys()].filter((v) => v !== '$LATEST').map(Number)) + 1,
        );
        versions.set(version, {
          variables: { ...(versions.get('$LATEST') as Version).variables },
          warm: false,
        });
        return [201, configuration(version)];
      },
    ],
    [
      'GET',
      /^\/2015-03-31\/functions\/([^/]+)\/aliases\/live$/,
      () => [200, { Name: 'live', FunctionVersion: alias }],
    ],
    [
      'PUT',
      /^\/2015-03-31\/functions\/([^/]+)\/aliases\/live$/,
      (_m, body) => {
        alias = JSON.parse(body).FunctionVersion;
        return [200, { Name: 'live', FunctionVersion: alias }];
      },
    ],
    [
      'DELETE',
      /^\/2015-03-31\/functions\/([^/]+)$/,
      (_m, _b, url) => {
        versions.delete(url.searchParams.get('Qualifier') ?? '');
        return [204, ''];
      },
    ],
    [
      'POST',
      /^\/2015-03-31\/functions\/([^/]+)\/invocations$/,
      (_m, _b, url) => {
        const qualifier = url.searchParams.get('Qualifier') ?? '$LATEST';
        const version = qualifier === 'live' ? alias : qualifier;
        const { requestId, result } = run(version);
        return [200, result, { 'x-amzn-requestid': requestId, 'x-amz-executed-version': version }];
      },
    ],
    [
      'POST',
      /^\/url\/$/,
      () => {
        const { requestId } = run(alias);
        return [200, 'default', { 'x-amzn-requestid': requestId, 'content-type': 'text/plain' }];
      },
    ],
  ];

  const filterLogEvents = (body: string): unknown => {
    const request = JSON.parse(body) as { logGroupName: string; startTime?: number };
    const events = logs
      .filter((log) => log.visibleAt <= Date.now() && log.timestamp >= (request.startTime ?? 0))
      .map((log, index) => ({
        logStreamName: 's',
        timestamp: log.timestamp,
        message: log.message,
        eventId: String(index),
      }));
    return request.logGroupName === logGroup ? { events } : { events: [] };
  };

  const server: Server = createServer((request: IncomingMessage, response: ServerResponse) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const body = Buffer.concat(chunks).toString();
      const url = new URL(request.url ?? '/', 'http://localhost');
      if (request.headers['x-amz-target'] === 'Logs_20140328.FilterLogEvents') {
        response
          .writeHead(200, { 'content-type': 'application/x-amz-json-1.1' })
          .end(JSON.stringify(filterLogEvents(body)));
        return;
      }
      for (const [method, path, handle] of routes) {
        const match = path.exec(url.pathname);
        if (request.method !== method || !match) continue;
        if (match[1] !== undefined && decodeURIComponent(match[1]) !== functionName) break;
        const [status, payload, headers = {}] = handle(match, body, url);
        const text = typeof payload === 'string' ? payload : JSON.stringify(payload);
        response.writeHead(status, { 'content-type': 'application/json', ...headers }).end(text);
        return;
      }
      response
        .writeHead(404, { 'x-amzn-errortype': 'ResourceNotFoundException' })
        .end('{"message":"not found"}');
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    endpoint,
    functionUrl: `${endpoint}/url/`,
    functionName,
    logGroup,
    invocations,
    aliasVersion: () => alias,
    latestVariables: () => ({ ...versions.get('$LATEST')?.variables }),
    versionCount: () => [...versions.keys()].filter((version) => version !== '$LATEST').length,
    close: async () => {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
