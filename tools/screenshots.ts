/**
 * `npm run screenshots`: every view of the console, in Dutch and English, as a user sees it on
 * `npm start`'s demo data, into docs/console/ (the README links them). Needs Chromium.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PROJECT_ROOT } from '../bundle/options';
import { startLocal } from '../local/app';
import { chromiumProblem, launchChromium } from '../local/chromium';
import { DEMO_COMPANY } from '../local/demo';
import { localSecretsFile } from '../local/secrets';
import {
  invoiceEvent,
  moneybirdContact,
  moneybirdDelivery,
  moneybirdInvoice,
} from '../local/standins/moneybird';
import { CliError, program, runTool } from './cli';

const VIEWS = ['agents', 'caller/0501234567', 'connectors', 'setup'] as const;

export async function main(argv: string[]): Promise<void> {
  program({
    script: 'screenshots',
    usage: '',
    description: "Screenshots of the console's views in Dutch and English into docs/console/.",
    examples: ['npm run screenshots'],
  }).parse(argv, { from: 'user' });
  const problem = chromiumProblem();
  if (problem) throw new CliError(problem);
  const outDir = join(PROJECT_ROOT, 'docs', 'console');
  mkdirSync(outDir, { recursive: true });
  const dataDir = mkdtempSync(join(tmpdir(), 'screenshots-'));
  const local = await startLocal({ env: {}, port: 0, inMemory: true, dataDir, log: () => undefined });
  const browser = await launchChromium();
  try {
    const secret = JSON.parse(readFileSync(localSecretsFile(dataDir), 'utf8'))[DEMO_COMPANY].moneybird
      .secrets[0];
    const contact = moneybirdContact('demo', ['0501234567'], Date.now() - 60_000);
    const delivery = moneybirdDelivery(
      invoiceEvent(moneybirdInvoice('2026-0042', contact, 'late', Date.now() - 30_000)),
      [secret],
    );
    await fetch(`${local.url}connectors/moneybird?com_id=${DEMO_COMPANY}`, {
      method: 'POST',
      headers: delivery.headers,
      body: delivery.body,
    });
    for (const [language, locale] of [
      ['nl', 'nl-NL'],
      ['en', 'en-GB'],
    ] as const) {
      const context = await browser.newContext({ locale, viewport: { width: 1280, height: 800 } });
      const page = await context.newPage();
      await page.goto(`${local.url}console`);
      await page.locator('#token').waitFor();
      await page.screenshot({ path: join(outDir, `sign-in-${language}.png`) });
      await page.locator('#token').fill(local.adminToken);
      await page.locator('#company').fill(DEMO_COMPANY);
      await page.locator('form button[type=submit]').click();
      for (const view of VIEWS) {
        await page.goto(`${local.url}console#${view}`);
        await page.locator('main h1').waitFor();
        await page.waitForLoadState('networkidle');
        const file = join(outDir, `${view.split('/')[0]}-${language}.png`);
        await page.screenshot({ path: file, fullPage: true });
        console.log(`wrote ${file.slice(PROJECT_ROOT.length + 1)}`);
      }
      await context.close();
    }
  } finally {
    await browser.close();
    await local.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

if (require.main === module) runTool('screenshots', main);
