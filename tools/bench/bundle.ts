/**
 * The deployable webhook bundle, built with the stack's own esbuild options, beside the same
 * webhook with the AWS SDK on its hot path (the bench's reference bundle, same options and stubs).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';
import { ENTRIES, esbuildOptions } from '../../bundle/options';
import type { BenchContext } from './context';
import { single } from './report';

/** Bundle goal of the webhook, minified. */
const MAX_BUNDLE_KIB = 60;
/** The reference: the webhook as it was, with the SDK. */
const SDK_WEBHOOK_ENTRY = 'tools/bench/handlers/sdk-webhook/entry.ts';
/** The floor's request sent by the webhook's own client: what signing and the client add. */
const SIGNED_RAW_ENTRY = 'tools/bench/handlers/signed-raw/entry.ts';

/** The bundles the cold and warm benches run. */
export interface BenchBundles {
  webhook: string;
  /** The same webhook sending its requests through the SDK. */
  sdkWebhook: string;
  /** One UpdateItem sent by the webhook's client. */
  signedRaw: string;
}

/** Builds both bundles into the bench folder and reports their sizes. */
export async function benchBundle({ report, outDir }: BenchContext): Promise<BenchBundles> {
  const webhook = join(outDir, 'webhook', 'index.mjs');
  const sdkWebhook = join(outDir, 'webhook-sdk', 'index.mjs');
  await build(esbuildOptions(ENTRIES.webhook, webhook));
  await build(esbuildOptions(SDK_WEBHOOK_ENTRY, sdkWebhook));
  const signedRaw = join(outDir, 'signed-raw', 'index.mjs');
  await build(esbuildOptions(SIGNED_RAW_ENTRY, signedRaw));
  const deployed = sizeOf(webhook);
  const sdk = sizeOf(sdkWebhook);
  const reference = 'the webhook with the SDK';
  report.compared(
    'bundle, minified',
    'KiB',
    single(deployed.bytes / 1024),
    { name: reference, value: single(sdk.bytes / 1024) },
    { goal: `≤ ${MAX_BUNDLE_KIB} KiB`, met: deployed.bytes <= MAX_BUNDLE_KIB * 1024 },
  );
  report.compared('bundle, gzip', 'KiB', single(deployed.gzip / 1024), {
    name: reference,
    value: single(sdk.gzip / 1024),
  });
  return { webhook, sdkWebhook, signedRaw };
}

function sizeOf(file: string): { bytes: number; gzip: number } {
  const bytes = readFileSync(file);
  return { bytes: bytes.length, gzip: gzipSync(bytes).length };
}
