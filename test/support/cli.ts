/**
 * A tool run in the test's own process, as `npm run <script> -- …` runs it: its `main` with
 * the arguments, the environment the test gives, and what it printed on each stream.
 */
import { DEFAULTS } from '../../lambda/config';
import { DEMO_COMPANY } from '../../local/demo';
import { main as callers } from '../../tools/callers';
import { runCli, type ToolMain } from '../../tools/cli';

/** How a tool run ended and what it printed. */
export interface ToolRun {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * Runs a tool's `main` with `argv`, with `env` set for the run (and put back after).
 * @example const run = await runTool(callers, 'callers', ['get', '0612345678'])
 */
export async function runTool(
  main: ToolMain,
  script: string,
  argv: string[],
  env: Record<string, string | undefined> = {},
): Promise<ToolRun> {
  const out: string[] = [];
  const err: string[] = [];
  const line =
    (to: string[]) =>
    (...args: unknown[]) => {
      to.push(`${args.map(String).join(' ')}\n`);
    };
  const write = (to: string[]) => (chunk: string | Uint8Array) => {
    to.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString());
    return true;
  };
  const spies = [
    jest.spyOn(console, 'log').mockImplementation(line(out)),
    jest.spyOn(console, 'info').mockImplementation(line(out)),
    jest.spyOn(console, 'warn').mockImplementation(line(err)),
    jest.spyOn(console, 'error').mockImplementation(line(err)),
    jest.spyOn(process.stdout, 'write').mockImplementation(write(out)),
    jest.spyOn(process.stderr, 'write').mockImplementation(write(err)),
  ];
  const saved = Object.fromEntries(Object.keys(env).map((key) => [key, process.env[key]]));
  setEnv(env);
  try {
    const code = await runCli(script, main, argv);
    return { code, stdout: out.join(''), stderr: err.join('') };
  } finally {
    setEnv(saved);
    for (const spy of spies) spy.mockRestore();
  }
}

function setEnv(values: Record<string, string | undefined>): void {
  for (const [key, value] of Object.entries(values)) {
    if (value === undefined) delete process.env[key];
    else process.env[key] = value;
  }
}

/**
 * `npm run callers -- <argv> --table <tableName> --com-id <comId>` against the DynamoDB at
 * `endpoint`, with the local credentials dynalite takes and `env` besides.
 */
export function callersOnTable(
  endpoint: string,
  tableName: string,
  argv: string[],
  env: Record<string, string | undefined> = {},
): Promise<ToolRun> {
  return runTool(callers, 'callers', [...argv, '--table', tableName, '--com-id', DEMO_COMPANY], {
    AWS_ENDPOINT_URL_DYNAMODB: endpoint,
    AWS_REGION: DEFAULTS.region,
    AWS_ACCESS_KEY_ID: 'local',
    AWS_SECRET_ACCESS_KEY: 'local',
    ...env,
  });
}
