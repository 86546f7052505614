/**
 * THE esbuild settings of the deployable bundle: the stack's `NodejsFunction`s and the bench
 * (`esbuild.build`) both take them from here, so what is measured is what is deployed.
 *
 * - ESM with `mainFields: ['module', 'main']`: the SDK's ESM builds need no `createRequire`
 *   banner, and ESM output with the default main fields fails at run time
 *   (`Dynamic require of "node:https"`).
 * - The AWS SDK is bundled, not taken from the runtime: importing the bundled copy measured
 *   88 ms against 174 ms for the runtime's unbundled one.
 * - `@aws-sdk/credential-provider-node` is replaced by `env-credentials.ts` (environment
 *   credentials only, which is what Lambda provides): 325 KiB → 192 KiB.
 * - SDK modules DynamoDB never runs on our path are replaced by the stubs in `sdk-stubs/`
 *   (each says what it replaces and why that is safe): event streams, endpoint discovery,
 *   the checksum module's JS fallbacks and CRC32, the Lambda invoke store. 217.6 → 184.7 KiB,
 *   and ~9 ms less import of a cold start (no `node:zlib`, less to compile).
 * - esbuild's `legalComments`, `charset`, `drop`, `keepNames`, `treeShaking` and a newer
 *   `target` were measured: none changes a byte of this bundle, so none is set.
 * - No source maps: Lambda downloads every byte of the zip on a cold start, and without
 *   `--enable-source-maps` (which slows every `Error.stack`) a map is never read. Should maps
 *   be turned on, `sourcesContent` stays off so they stay small.
 */
import * as path from 'node:path';
import { Runtime } from 'aws-cdk-lib/aws-lambda';
import { type BundlingOptions, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import type { BuildOptions } from 'esbuild';

/** Where `package-lock.json` lives; NodejsFunction runs esbuild with this as its working directory. */
export const PROJECT_ROOT = path.resolve(__dirname, '..');

/** The newest Node.js runtime this aws-cdk-lib knows (cdk-nag's L1 fails an older one). */
export const LAMBDA_RUNTIME = Runtime.NODEJS_24_X;

/** The Lambda entry files, relative to the project root. */
export const ENTRIES = {
  webhook: 'lambda/handler.ts',
  admin: 'lambda/admin.ts',
} as const;

const NODE_TARGET = LAMBDA_RUNTIME.name.replace(/^nodejs(\d+)\.x$/, 'node$1');
const MAIN_FIELDS = ['module', 'main'];
/** Package → replacement, the replacement relative to the project root (esbuild wants `./`). */
const ALIASES: Record<string, string> = {
  '@aws-sdk/credential-provider-node': './infra/env-credentials.ts',
  '@smithy/core/event-streams': './infra/sdk-stubs/event-streams.ts',
  '@smithy/core/checksum': './infra/sdk-stubs/checksum.ts',
  '@aws-sdk/middleware-endpoint-discovery': './infra/sdk-stubs/endpoint-discovery.ts',
  '@aws/lambda-invoke-store': './infra/sdk-stubs/lambda-invoke-store.ts',
};

/** The `bundling` property of every NodejsFunction in the stack. */
export const lambdaBundling: BundlingOptions = {
  format: OutputFormat.ESM,
  mainFields: MAIN_FIELDS,
  target: NODE_TARGET,
  minify: true,
  sourceMap: false,
  sourcesContent: false,
  bundleAwsSDK: true,
  esbuildArgs: { '--alias': Object.entries(ALIASES).map(([from, to]) => `${from}=${to}`) },
};

/**
 * The same bundle as plain esbuild options, for `esbuild.build` in the bench and the tests.
 * @example await esbuild.build(esbuildOptions(ENTRIES.webhook, 'bench-results/index.mjs'))
 */
export function esbuildOptions(entry: string, outfile: string): BuildOptions {
  return {
    absWorkingDir: PROJECT_ROOT,
    entryPoints: [entry],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'esm',
    mainFields: MAIN_FIELDS,
    target: NODE_TARGET,
    minify: true,
    sourcemap: false,
    sourcesContent: false,
    alias: ALIASES,
    logLevel: 'warning',
  };
}
