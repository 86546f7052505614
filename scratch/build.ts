import { build } from 'esbuild';
import { ENTRIES, esbuildOptions } from '/work/main/bundle/options';
build({ ...esbuildOptions(ENTRIES.webhook, '/tmp/wb/index.mjs'), metafile: true }).then((r) => {
  const inputs = Object.entries(r.metafile.outputs['/tmp/wb/index.mjs'.replace(/^\//,'')] ?? Object.values(r.metafile.outputs)[0]!.inputs ?? {});
  const o = Object.values(r.metafile.outputs)[0]!;
  console.log('bytes', o.bytes);
  const by = Object.entries(o.inputs).map(([k, v]) => [k, v.bytesInOutput] as const).sort((a, b) => b[1] - a[1]).slice(0, 25);
  for (const [k, v] of by) console.log(v, k);
});
