/**
 * The console's assets, built for browsers by the same esbuild that builds the functions: its
 * TypeScript (`lambda/console/client/`) into one minified module and its style sheet, no
 * framework, nothing fetched from elsewhere. The admin bundle carries them as one defined
 * constant (`CONSOLE_ASSETS_DEFINE`); `npm start` and the tests build them at start.
 */
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { buildSync } from 'esbuild';
import type { ConsoleAssets } from '../lambda/console/page';

const ROOT = path.resolve(__dirname, '..');
const CLIENT = path.join(ROOT, 'lambda', 'console', 'client');
/** The browsers the console is written for: current Chromium, Firefox and Safari. */
const BROWSERS = ['chrome115', 'firefox115', 'safari16'];

/** The global the admin bundle reads its console from (declared in `lambda/console/page.ts`). */
export const CONSOLE_ASSETS_GLOBAL = '__CONSOLE_ASSETS__';

/** Builds the assets, in memory. */
export function buildConsoleAssets(): ConsoleAssets {
  const built = (entry: string) => {
    const result = buildSync({
      entryPoints: [path.join(CLIENT, entry)],
      bundle: true,
      format: 'esm',
      platform: 'browser',
      target: BROWSERS,
      minify: true,
      write: false,
      outdir: CLIENT,
      logLevel: 'warning',
      legalComments: 'none',
    });
    return (result.outputFiles[0] as { text: string }).text;
  };
  return {
    'app.js': { contentType: 'text/javascript; charset=utf-8', body: built('main.ts') },
    'app.css': { contentType: 'text/css; charset=utf-8', body: built('console.css') },
    'icon.svg': { contentType: 'image/svg+xml', body: readFileSync(path.join(CLIENT, 'icon.svg'), 'utf8') },
  };
}

/** The esbuild `define` that gives the admin bundle its console. */
export function consoleDefine(): Record<string, string> {
  return { [CONSOLE_ASSETS_GLOBAL]: JSON.stringify(JSON.stringify(buildConsoleAssets())) };
}
