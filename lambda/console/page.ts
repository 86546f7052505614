/**
 * The console, served by the admin Function URL: `GET /console` is a page that holds no data
 * (the admin token is typed into it and kept in the tab), and `GET /console/<asset>` its
 * script and style sheet. Every answer carries a Content-Security-Policy that allows only this
 * origin's own script, style and API (no inline script or style, no frames, no other site),
 * `nosniff` and `no-referrer`. The admin bundle carries the assets (built by `bundle/console.ts`);
 * `npm start` builds them when it starts.
 */

import type { AdminRoute } from '../admin/request';
import type { PlainAnswer } from '../http/adapter';
import { HttpError } from '../http/errors';

/** One asset: its type and text. */
export interface ConsoleAsset {
  contentType: string;
  body: string;
}

/** The console's assets by file name (`app.js`, `app.css`). */
export type ConsoleAssets = Readonly<Record<string, ConsoleAsset>>;

/** The headers of every console answer. */
export const CONSOLE_HEADERS: Readonly<Record<string, string>> = {
  'content-security-policy':
    "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self'; " +
    "base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-resource-policy': 'same-origin',
};

const PAGE = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Callvoip webhook console</title>
<link rel="icon" href="console/icon.svg" type="image/svg+xml">
<link rel="stylesheet" href="console/app.css">
<script type="module" src="console/app.js"></script>
</head>
<body>
<div id="app"></div>
<noscript>This console needs JavaScript. / Deze console heeft JavaScript nodig.</noscript>
</body>
</html>
`;

export const consolePage: AdminRoute = async (context, admin) => {
  admin.entry.reason = 'console';
  assetsOf(context.console);
  return {
    status: 200,
    body: PAGE,
    contentType: 'text/html; charset=utf-8',
    headers: { ...CONSOLE_HEADERS },
  };
};

export const consoleAsset: AdminRoute = async (context, admin) => {
  const name = admin.params[0] ?? '';
  const assets = assetsOf(context.console);
  const asset = Object.hasOwn(assets, name) ? assets[name] : undefined;
  if (!asset) {
    throw new HttpError(404, `no console asset named ${name.slice(0, 40)}`);
  }
  admin.entry.reason = 'console:asset';
  return consoleAnswer(asset);
};

function consoleAnswer(asset: ConsoleAsset): PlainAnswer {
  return { status: 200, body: asset.body, contentType: asset.contentType, headers: { ...CONSOLE_HEADERS } };
}

function assetsOf(assets: ConsoleAssets | undefined): ConsoleAssets {
  if (!assets) throw new HttpError(404, 'this admin function was built without the console');
  return assets;
}

declare const __CONSOLE_ASSETS__: string | undefined;

/** The assets the admin bundle was built with (`bundle/console.ts`), or undefined outside the bundle. */
export function bundledConsoleAssets(): ConsoleAssets | undefined {
  return typeof __CONSOLE_ASSETS__ === 'string'
    ? (JSON.parse(__CONSOLE_ASSETS__) as ConsoleAssets)
    : undefined;
}
