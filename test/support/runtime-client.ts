/**
 * Suites that run the bundle under Lambda's runtime interface client: they run wherever the
 * client can be had, and elsewhere (macOS, a Linux without its build tools) are skipped with
 * one line that says why and what to install. CI installs the tools, so there they always run.
 */
import { runtimeClientProblem } from '../../local/ric';

/**
 * `describe`, or `describe.skip` with the reason printed once, for a suite named `what`.
 * @throws Error in CI, where a missing build tool is a broken CI set-up, not a reason to skip.
 */
export function whereRuntimeClientRuns(what: string): jest.Describe {
  const problem = runtimeClientProblem();
  if (!problem) return describe;
  if (process.env.CI === 'true') throw new Error(`${what} must run in CI, but ${problem}`);
  process.stderr.write(`skipping ${what}: ${problem}\n`);
  return describe.skip;
}
