/**
 * The console in a real Chromium against `npm start`: signing in, marking an agent away and back
 * (the next webhook call follows), tagging a caller, explaining a route, the connectors' health,
 * the set-up; the security headers and CSP; the accessibility check on every view at 1280 and
 * 360 px, in Dutch and in English.
 */
import { readFileSync } from 'node:fs';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { CONSOLE_HEADERS } from '../../../lambda/console/page';
import type { RunningLocal } from '../../../local/app';
import { launchChromium } from '../../../local/chromium';
import { DEMO_COMPANY } from '../../../local/demo';
import { localSecretsFile } from '../../../local/secrets';
import {
  invoiceEvent,
  moneybirdContact,
  moneybirdDelivery,
  moneybirdInvoice,
} from '../../../local/standins/moneybird';
import { axeFindings, whereChromiumRuns } from '../../support/browser';
import { callLocal, startTestLocal } from '../../support/local-app';

whereChromiumRuns('the console tests')('the console', () => {
  let local: RunningLocal;
  let browser: Browser;
  const problems: string[] = [];

  beforeAll(async () => {
    [local, browser] = await Promise.all([startTestLocal(), launchChromium()]);
  });
  afterAll(async () => {
    await browser?.close();
    await local?.stop();
  });

  /** A tab in `locale` at `width` px, every console error and uncaught exception collected. */
  async function tab(locale = 'en-GB', width = 1280): Promise<{ context: BrowserContext; page: Page }> {
    const context = await browser.newContext({ locale, viewport: { width, height: 900 } });
    const page = await context.newPage();
    page.on('console', (message) => {
      if (message.type() === 'error') problems.push(`${locale} ${width}: ${message.text()}`);
    });
    page.on('pageerror', (error) => problems.push(`${locale} ${width}: ${error.message}`));
    return { context, page };
  }

  async function signIn(page: Page, token = local.adminToken): Promise<void> {
    await page.goto(`${local.url}console`);
    await page.locator('#token').fill(token);
    await page.locator('#company').fill(DEMO_COMPANY);
    await page.locator('form button[type=submit]').click();
  }

  const answerOf = async (caller: string, profile = 'default') =>
    (await callLocal(local, caller, profile)).answer;

  it('serves the page and its assets with the security headers, the page holding no data', async () => {
    for (const path of ['console', 'console/app.js', 'console/app.css', 'console/icon.svg']) {
      const response = await fetch(`${local.url}${path}`);
      expect([path, response.status]).toEqual([path, 200]);
      for (const [name, value] of Object.entries(CONSOLE_HEADERS))
        expect([path, response.headers.get(name)]).toEqual([path, value]);
      const body = await response.text();
      expect(body).not.toContain(local.adminToken);
      if (path === 'console') expect(body).not.toMatch(/<script(?![^>]*\bsrc=)/);
    }
    expect(CONSOLE_HEADERS['content-security-policy']).not.toContain('unsafe-inline');
    expect((await fetch(`${local.url}console/secrets.json`)).status).toBe(404);
  });

  it('shows a clear message for a wrong token and loads no data', async () => {
    const { context, page } = await tab();
    const requested: string[] = [];
    page.on('request', (request) => requested.push(new URL(request.url()).pathname));
    await signIn(page, 'not-the-admin-token');
    // The alert is on the page from the start, empty until the API has answered.
    const message = 'This token is wrong or has expired: type it again.';
    await page.getByRole('alert').getByText(message).waitFor();
    await expect(page.getByRole('alert').textContent()).resolves.toBe(message);
    expect(requested.filter((path) => !path.startsWith('/console'))).toEqual(['/setup']);
    expect(await page.evaluate(() => sessionStorage.length)).toBe(0);
    await context.close();
  });

  it('marks an agent back and away; the next call follows, and explain says why', async () => {
    const { context, page } = await tab();
    await signIn(page);
    const row = page.getByRole('row', { name: /^1005/ });
    await row.getByRole('button', { name: 'Back' }).click();
    await page.getByRole('status').getByText('Saved. The next call follows it.').waitFor();
    expect(await answerOf('0501234567')).toBe('1005');
    await page
      .getByRole('row', { name: /^1005/ })
      .getByRole('button', { name: 'Away for the rest of today' })
      .click();
    await page
      .getByRole('row', { name: /^1005/ })
      .getByText(/^Away until/)
      .waitFor();
    expect(await answerOf('0501234567')).toBe('default');
    await page.getByRole('link', { name: 'Caller' }).click();
    await page.locator('#number').fill('050-123 45 67');
    await page.getByRole('button', { name: 'Look up' }).click();
    const defaultRow = page.getByRole('row', { name: /^default/ });
    await expect(defaultRow.textContent()).resolves.toMatch(
      /recent-agent: last agent 1005 unavailable until/,
    );
    await context.close();
  });

  it("tags a caller vip in the page, and the vip profile answers priority; the token is only in the tab's storage", async () => {
    const { context, page } = await tab('nl-NL');
    await signIn(page);
    await page.getByRole('link', { name: 'Beller' }).click();
    await page.locator('#number').fill('+31 6 1111 2222');
    await page.getByRole('button', { name: 'Opzoeken' }).click();
    await page.locator('#tag').fill('vip');
    await page.getByRole('button', { name: 'Label toevoegen' }).click();
    await page.getByRole('button', { name: 'Label vip verwijderen' }).waitFor();
    expect(await answerOf('0611112222', 'vip')).toBe('priority');
    expect(page.url()).not.toContain(local.adminToken);
    expect(await page.content()).not.toContain(local.adminToken);
    expect(await page.evaluate(() => Object.keys(sessionStorage).sort())).toEqual([
      'callvoip-console-company',
      'callvoip-console-token',
    ]);
    await context.close();
  });

  it("shows a connector's deliveries of the last day", async () => {
    const secret = JSON.parse(readFileSync(localSecretsFile(local.dataDir), 'utf8'))[DEMO_COMPANY].moneybird
      .secrets[0];
    const contact = moneybirdContact('c1', ['0851234567'], Date.now() - 5000);
    const delivery = moneybirdDelivery(
      invoiceEvent(moneybirdInvoice('i1', contact, 'late', Date.now() - 4000)),
      [secret],
    );
    const sent = await fetch(`${local.url}connectors/moneybird?com_id=${DEMO_COMPANY}`, {
      method: 'POST',
      headers: delivery.headers,
      body: delivery.body,
    });
    expect(sent.status).toBe(200);
    const { context, page } = await tab();
    await signIn(page);
    await page.getByRole('link', { name: 'Connectors' }).click();
    const row = page.getByRole('row', { name: /^moneybird/ });
    await expect(row.locator('td').allTextContents()).resolves.toEqual([
      expect.stringMatching(/\(accepted\)$/),
      '1',
      '0',
      '0',
      '0',
      '0',
      '0',
    ]);
    await context.close();
  });

  it('runs no inline script: one added to the page is refused by the CSP', async () => {
    const { context, page } = await tab();
    await signIn(page);
    const refused = await page.evaluate(
      () =>
        new Promise<boolean>((resolve) => {
          document.addEventListener('securitypolicyviolation', () => resolve(true), { once: true });
          const script = document.createElement('script');
          script.textContent = 'window.inlineRan = true';
          document.body.append(script);
          setTimeout(() => resolve(false), 2000);
        }),
    );
    expect([
      refused,
      await page.evaluate(() => (window as unknown as { inlineRan?: boolean }).inlineRan),
    ]).toEqual([true, undefined]);
    problems.length = 0;
    await context.close();
  });

  it.each([
    ['nl-NL', 1280],
    ['nl-NL', 360],
    ['en-GB', 1280],
    ['en-GB', 360],
  ])(
    'passes the accessibility check on every view (%s, %i px), nothing wider than the screen',
    async (locale, width) => {
      const { context, page } = await tab(locale, width);
      await page.goto(`${local.url}console`);
      await page.locator('#token').waitFor();
      const found: Record<string, unknown> = { signIn: serious(await axeFindings(page)) };
      await signIn(page);
      for (const view of ['agents', 'caller/0201234567', 'connectors', 'setup']) {
        await page.goto(`${local.url}console#${view}`);
        await page.locator('main h1').waitFor();
        await page.waitForLoadState('networkidle');
        found[view] = serious(await axeFindings(page));
        found[`${view} width`] = await page.evaluate(
          () => document.documentElement.scrollWidth <= window.innerWidth,
        );
      }
      expect(found).toEqual({
        signIn: [],
        agents: [],
        'agents width': true,
        'caller/0201234567': [],
        'caller/0201234567 width': true,
        connectors: [],
        'connectors width': true,
        setup: [],
        'setup width': true,
      });
      await context.close();
    },
  );

  it('wrote no console error and threw nothing in any of it', () => {
    expect(problems).toEqual([]);
  });
});

function serious(findings: Awaited<ReturnType<typeof axeFindings>>) {
  return findings.filter((finding) => finding.impact === 'serious' || finding.impact === 'critical');
}
