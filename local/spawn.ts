/**
 * `npm start` as a child process, run as a user runs it: for the end-to-end tests and the
 * bench's load test. Resolves once it printed its webhook URL.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';

const ROOT = join(__dirname, '..');
const PASTE_FORM = /Webhook URL \(paste form\): +(\S+)/;

export interface SpawnedLocal {
  child: ChildProcess;
  /** The local Function URL, e.g. `http://127.0.0.1:41234/`. */
  url: string;
  webhookToken: string;
  /** Everything it printed so far. */
  output(): string;
  /** Ctrl-C, as a user stops it; resolves with the exit code. */
  stop(): Promise<number | null>;
}

/**
 * Starts `npm start`: by default its script directly, or with `viaNpm` through npm itself,
 * process for process as a user's `npm start` runs.
 */
export async function spawnLocal(
  env: Record<string, string | undefined>,
  args: string[] = [],
  options: { viaNpm?: boolean } = {},
): Promise<SpawnedLocal> {
  const [command, commandArgs] = options.viaNpm
    ? ['npm', ['start', '--silent', '--', ...args]]
    : [process.execPath, ['--import', 'tsx', 'local/start.ts', ...args]];
  const child = spawn(command, commandArgs, {
    cwd: ROOT,
    env: { ...process.env, PORT: '0', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  for (const stream of [child.stdout, child.stderr]) {
    stream?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
  }
  const deadline = Date.now() + 60_000;
  while (!PASTE_FORM.test(output)) {
    if (Date.now() > deadline || child.exitCode !== null) {
      child.kill('SIGKILL');
      throw new Error(`npm start did not start:\n${output}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  const pasteForm = new URL((PASTE_FORM.exec(output) as RegExpExecArray)[1] as string);
  return {
    child,
    url: `${pasteForm.origin}/`,
    webhookToken: pasteForm.searchParams.get('token') ?? '',
    output: () => output,
    async stop() {
      if (child.exitCode !== null) return child.exitCode;
      child.kill('SIGINT');
      const [code] = (await once(child, 'exit')) as [number | null];
      return code;
    },
  };
}
