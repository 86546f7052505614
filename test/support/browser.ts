/**
 * Suites that drive the console in a real Chromium: they run wherever one can be had, and
 * elsewhere are skipped with one line that says why and what to install. CI installs it, so
 * there they always run. And the accessibility check, axe-core run in the page.
 */
import { readFileSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { chromiumProblem } from '../../local/chromium';

/** `describe`, or `describe.skip` with the reason printed once. @throws in CI, where a missing browser is a broken set-up. */
export function whereChromiumRuns(what: string): jest.Describe {
  const problem = chromiumProblem();
  if (!problem) return describe;
  if (process.env.CI === 'true') throw new Error(`${what} must run in CI, but ${problem}`);
  process.stderr.write(`skipping ${what}: ${problem}\n`);
  return describe.skip;
}

const AXE = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

/** One finding of axe-core: its rule, how bad, and where. */
export interface AxeFinding {
  id: string;
  impact: string | null;
  help: string;
  targets: string[];
}

/**
 * What axe-core finds on the page as it is (WCAG 2.1 A and AA). It is evaluated through the
 * browser's debugging protocol, which the page's CSP does not govern: the page still runs no
 * inline script of its own.
 */
export async function axeFindings(page: Page): Promise<AxeFinding[]> {
  await page.evaluate(AXE);
  return page.evaluate(async () => {
    const axe = (
      window as unknown as {
        axe: {
          run: (
            context: unknown,
            options: unknown,
          ) => Promise<{
            violations: { id: string; impact: string | null; help: string; nodes: { target: string[] }[] }[];
          }>;
        };
      }
    ).axe;
    const result = await axe.run(document, {
      runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] },
    });
    return result.violations.map((violation) => ({
      id: violation.id,
      impact: violation.impact,
      help: violation.help,
      targets: violation.nodes.map((node) => node.target.join(' ')),
    }));
  });
}
