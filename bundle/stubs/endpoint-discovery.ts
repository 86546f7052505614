/**
 * Stands in for `@aws-sdk/middleware-endpoint-discovery` in the Lambda bundle (an esbuild
 * alias in `bundle/options.ts`). `DynamoDBClient` only calls `resolveEndpointDiscoveryConfig`
 * and its runtime config reads `NODE_ENDPOINT_DISCOVERY_CONFIG_OPTIONS`; none of the
 * DynamoDB commands adds the endpoint-discovery middleware, so the endpoint cache it builds
 * (`@aws-sdk/endpoint-cache`, mnemonist, obliterator) is never read. This keeps the
 * config shape with discovery off, and reads no environment variable or config file for it.
 */

interface DiscoveryInput {
  endpointDiscoveryEnabled?: boolean | undefined;
}

/** Endpoint discovery is off: `AWS_ENABLE_ENDPOINT_DISCOVERY` and the config file are not consulted. */
export const NODE_ENDPOINT_DISCOVERY_CONFIG_OPTIONS = {
  environmentVariableSelector: (): boolean => false,
  configFileSelector: (): undefined => undefined,
  default: false,
};

export const resolveEndpointDiscoveryConfig = <T extends DiscoveryInput>(
  input: T,
  { endpointDiscoveryCommandCtor }: { endpointDiscoveryCommandCtor: unknown },
) =>
  Object.assign(input, {
    endpointDiscoveryCommandCtor,
    endpointDiscoveryEnabled: () => Promise.resolve(false),
    isClientEndpointDiscoveryEnabled: input.endpointDiscoveryEnabled !== undefined,
  });
