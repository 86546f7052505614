/**
 * The DynamoDB client: created once per process (module scope in Lambda) so connections are
 * reused, with every setting given up front so the first request looks nothing up.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';

/** Options of the DynamoDB client shared by every request of a process. */
export interface ClientOptions {
  /** Undefined: the SDK's own lookup (AWS_REGION, then the AWS profile); for tools only. */
  region: string | undefined;
  endpoint: string | undefined;
  maxAttempts: number;
}

/**
 * Creates the DynamoDB client.
 *
 * Every setting the SDK would otherwise look up on the first request (environment variable,
 * then `~/.aws/config` and `~/.aws/credentials`, building a ProviderError with a stack trace
 * at each miss) is given here, with the SDK's own default: that lookup is first-invocation
 * time on a cold start. Consequently the `AWS_USE_FIPS_ENDPOINT`, `AWS_USE_DUALSTACK_ENDPOINT`,
 * `AWS_RETRY_MODE`, `AWS_DEFAULTS_MODE`, `AWS_ACCOUNT_ID_ENDPOINT_MODE`, `AWS_AUTH_SCHEME_PREFERENCE`,
 * `AWS_SDK_UA_APP_ID`, `AWS_DISABLE_CLOCK_SKEW_CORRECTION`, `AWS_ENABLE_ENDPOINT_DISCOVERY` and
 * `AWS_ENDPOINT_URL`/`AWS_IGNORE_CONFIGURED_ENDPOINT_URLS` switches (and their config-file keys)
 * no longer apply to this client.
 */
export function createDynamoClient(options: ClientOptions): DynamoDBClient {
  return new DynamoDBClient({
    ...(options.region ? { region: options.region } : {}),
    maxAttempts: options.maxAttempts,
    ...(options.endpoint ? { endpoint: options.endpoint } : {}),
    // Config already read AWS_ENDPOINT_URL_DYNAMODB; without an endpoint (in AWS) the SDK would
    // look for one again in the environment and ~/.aws/config on the first request.
    ignoreConfiguredEndpointUrls: true,
    retryMode: 'standard',
    defaultsMode: 'legacy',
    useFipsEndpoint: false,
    useDualstackEndpoint: false,
    // The regional endpoint: Lambda's environment credentials carry no account id anyway.
    accountIdEndpointMode: 'disabled',
    authSchemePreference: [],
    endpointDiscoveryEnabled: false,
    disableClockSkewCorrection: false,
    userAgentAppId: async () => undefined,
    streamCollector: collectNodeStream,
  });
}

/**
 * Collects a response body. The SDK's collector first asks whether the body is a web
 * `ReadableStream`, and that first touch of the global loads Node's web streams during a cold
 * invocation; the node:http handler's bodies are always Node streams.
 */
function collectNodeStream(stream: NodeJS.ReadableStream): Promise<Uint8Array> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    stream.on('data', (chunk: Buffer) => chunks.push(chunk));
    stream.on('error', reject);
    // A connection cut mid-body (an abort at the deadline) closes without an end.
    stream.on('close', () => reject(new Error('the response closed before its end')));
    stream.on('end', () => {
      const body = Buffer.concat(chunks);
      resolve(new Uint8Array(body.buffer, body.byteOffset, body.byteLength));
    });
  });
}
