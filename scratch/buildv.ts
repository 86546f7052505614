import { build } from 'esbuild';
import { esbuildOptions } from '/work/main/bundle/options';
const [entry, out] = process.argv.slice(2);
build(esbuildOptions(entry as string, out as string)).then(() => console.log('built', out));
