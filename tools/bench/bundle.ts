/**
 * The deployable bundle, built with the stack's own esbuild options, beside the same bundle
 * with the SDK's full credential chain.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';
import { ENTRIES, esbuildOptions } from '../../bundle/options';
import type { BenchContext } from './context';
import { single } from './report';

/** Bundle goal of the webhook, minified. */
const MAX_BUNDLE_KIB = 160;

/** Builds the webhook bundle into the bench folder and reports its size; returns its path. */
export async function benchBundle({ report, outDir }: BenchContext): Promise<string> {
  const outfile = join(outDir, 'webhook', 'index.mjs');
  await build(esbuildOptions(ENTRIES.webhook, outfile));
  const plainFile = join(outDir, 'webhook-plain-sdk', 'index.mjs');
  await build({ ...esbuildOptions(ENTRIES.webhook, plainFile), alias: {} });
  const deployed = sizeOf(outfile);
  const plain = sizeOf(plainFile);
  const reference = 'same bundle, default credential chain';
  report.compared(
    'bundle, minified',
    'KiB',
    single(deployed.bytes / 1024),
    { name: reference, value: single(plain.bytes / 1024) },
    { goal: `≤ ${MAX_BUNDLE_KIB} KiB`, met: deployed.bytes <= MAX_BUNDLE_KIB * 1024 },
  );
  report.compared('bundle, gzip', 'KiB', single(deployed.gzip / 1024), {
    name: reference,
    value: single(plain.gzip / 1024),
  });
  return outfile;
}

function sizeOf(file: string): { bytes: number; gzip: number } {
  const bytes = readFileSync(file);
  return { bytes: bytes.length, gzip: gzipSync(bytes).length };
}
