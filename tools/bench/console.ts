/**
 * The console's weight and how soon it shows: every asset's bytes as sent (gzip, as the
 * Function URL can compress them) against its budget, and the first contentful paint of the
 * page in Chromium, loaded afresh each time (no cache) from `npm start`.
 */

import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import type { Browser } from 'playwright-core';
import { buildConsoleAssets } from '../../bundle/console';
import { startLocal } from '../../local/app';
import { chromiumProblem, launchChromium } from '../../local/chromium';
import { DEMO_COMPANY } from '../../local/demo';
import { summarize } from '../stats';
import type { BenchContext } from './context';

/** What the console may weigh, all assets gzipped. */
export const CONSOLE_BUDGET_KIB = 60;

export async function benchConsole({ report, runs }: BenchContext): Promise<void> {
  const assets = buildConsoleAssets();
  const bytes = Object.values(assets).reduce((sum, asset) => sum + gzipSync(asset.body).length, 0);
  report.measured('console: every asset, gzip', 'KiB', summarize([bytes / 1024]), {
    goal: `≤ ${CONSOLE_BUDGET_KIB} KiB`,
    met: bytes <= CONSOLE_BUDGET_KIB * 1024,
  });
  const problem = chromiumProblem();
  if (problem) {
    console.warn(`skipping the console's first paint: ${problem}`);
    return;
  }
  const dataDir = mkdtempSync(join(tmpdir(), 'bench-console-'));
  const local = await startLocal({ env: {}, port: 0, inMemory: true, dataDir, log: () => undefined });
  const browser = await launchChromium();
  try {
    const paints: number[] = [];
    const rosters: number[] = [];
    for (let run = 0; run <= runs.deadline; run++) {
      const context = await browser.newContext();
      const page = await context.newPage();
      await page.goto(`${local.url}console`);
      await page.locator('#token').waitFor();
      const paint = await page.evaluate(
        () => performance.getEntriesByName('first-contentful-paint')[0]?.startTime ?? Number.NaN,
      );
      // Signed in, a fresh load of the page until the roster's first agent is on screen.
      await page.locator('#token').fill(local.adminToken);
      await page.locator('#company').fill(DEMO_COMPANY);
      await page.locator('form button[type=submit]').click();
      await page.getByRole('row', { name: /^1005/ }).waitFor();
      await page.reload();
      await page.getByRole('row', { name: /^1005/ }).waitFor();
      const roster = await page.evaluate(() => performance.now());
      if (run > 0) {
        paints.push(paint);
        rosters.push(roster);
      }
      await context.close();
    }
    const floor = await staticPagePaints(browser, runs.deadline);
    report.compared(
      'console: first contentful paint in Chromium (npm start, no cache)',
      'ms',
      summarize(paints),
      {
        name: 'a one-line static page from a bare loopback server',
        value: summarize(floor),
      },
    );
    report.measured(
      'console: signed in, page load until the roster shows (npm start)',
      'ms',
      summarize(rosters),
    );
  } finally {
    await browser.close();
    await local.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

/** The floor: the first paint of a page that is one heading, no style or script, in the same browser. */
async function staticPagePaints(browser: Browser, runs: number): Promise<number[]> {
  const server = createServer((_request, response) => {
    response.setHeader('content-type', 'text/html; charset=utf-8');
    response.end('<!doctype html><html lang="en"><title>floor</title><h1>Callvoip</h1></html>');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const paints: number[] = [];
  try {
    for (let run = 0; run <= runs; run++) {
      const context = await browser.newContext();
      const page = await context.newPage();
      await page.goto(`http://127.0.0.1:${port}/`);
      await page.waitForFunction(() => performance.getEntriesByName('first-contentful-paint').length > 0);
      const paint = await page.evaluate(
        () => performance.getEntriesByName('first-contentful-paint')[0]?.startTime ?? Number.NaN,
      );
      if (run > 0) paints.push(paint);
      await context.close();
    }
  } finally {
    server.close();
  }
  return paints;
}
