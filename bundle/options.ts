/**
 * THE definition of the deployable bundles: the stack's `NodejsFunction`s, the bench and the
 * tests all build with these settings, so what is measured and tested is what is deployed.
 * The modules in `stubs/` replace SDK modules in the bundle only (esbuild aliases); each says
 * what it replaces and why that is safe. Sizes and timings of each choice are in
 * `bench-results/` and docs/tuning.md, not here.
 *
 * - ESM with `mainFields: ['module', 'main']`: ESM output with the default main fields fails
 *   at run time (`Dynamic require of "node:https"`). `aws4`, the webhook's signer, is CommonJS
 *   and requires Node's own `url`, `querystring` and `crypto`: the banner gives the ESM bundle
 *   the `require` they are loaded with (`createRequire`), for Node's built-ins only.
 * - The AWS SDK is bundled, not taken from the runtime: the bundled copy imports faster.
 * - `@aws-sdk/credential-provider-node` is replaced by `stubs/env-credentials.ts`
 *   (environment credentials only, which is what Lambda provides).
 * - SDK modules DynamoDB never runs on our path are replaced: event streams, endpoint
 *   discovery, the checksum module's JS fallbacks and CRC32, the Lambda invoke store.
 * - esbuild's `legalComments`, `charset`, `drop`, `keepNames`, `treeShaking` and a newer
 *   `target` were measured: none changes a byte of this bundle, so none is set.
 * - No source maps: Lambda downloads every byte of the zip on a cold start, and without
 *   `--enable-source-maps` (which slows every `Error.stack`) a map is never read. Should maps
 *   be turned on, `sourcesContent` stays off so they stay small.
 */
import * as path from 'node:path';
import { Runtime } from 'aws-cdk-lib/aws-lambda';
import { type BundlingOptions, LogLevel, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import type { BuildOptions } from 'esbuild';
import { consoleDefine } from './console';

/** Where `package-lock.json` lives; NodejsFunction runs esbuild with this as its working directory. */
export const PROJECT_ROOT = path.resolve(__dirname, '..');

/** The newest Node.js runtime this aws-cdk-lib knows (cdk-nag's L1 fails an older one). */
export const LAMBDA_RUNTIME = Runtime.NODEJS_24_X;

/** The Lambda entry files, relative to the project root. */
export const ENTRIES = {
  webhook: 'lambda/webhook/entry.ts',
  admin: 'lambda/admin/entry.ts',
  presence: 'lambda/presence/entry.ts',
} as const;

const NODE_TARGET = LAMBDA_RUNTIME.name.replace(/^nodejs(\d+)\.x$/, 'node$1');
/** A `require` for the CommonJS code in the bundle (`aws4`), which requires Node's built-ins. */
const REQUIRE_BANNER =
  "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);";
const MAIN_FIELDS = ['module', 'main'];
/** Package → replacement, the replacement relative to the project root (esbuild wants `./`). */
const ALIASES: Record<string, string> = {
  '@aws-sdk/credential-provider-node': './bundle/stubs/env-credentials.ts',
  '@smithy/core/event-streams': './bundle/stubs/event-streams.ts',
  '@smithy/core/checksum': './bundle/stubs/checksum.ts',
  '@aws-sdk/middleware-endpoint-discovery': './bundle/stubs/endpoint-discovery.ts',
  '@aws/lambda-invoke-store': './bundle/stubs/lambda-invoke-store.ts',
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
  // Warnings and errors only: `cdk synth` and the tests stay readable; sizes are in the bench.
  logLevel: LogLevel.WARNING,
  banner: REQUIRE_BANNER,
  esbuildArgs: { '--alias': Object.entries(ALIASES).map(([from, to]) => `${from}=${to}`) },
};

/** The `bundling` of the NodejsFunction of `entry`: the admin API's carries the console. */
export function lambdaBundlingOf(entry: string): BundlingOptions {
  return entry === ENTRIES.admin ? { ...lambdaBundling, define: consoleDefine() } : lambdaBundling;
}

/**
 * The same bundle as plain esbuild options, for `esbuild.build` in the bench and the tests.
 * @example await esbuild.build(esbuildOptions(ENTRIES.webhook, 'bench-results/webhook/index.mjs'))
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
    banner: { js: REQUIRE_BANNER },
    logLevel: 'warning',
    ...(entry === ENTRIES.admin ? { define: consoleDefine() } : {}),
  };
}
