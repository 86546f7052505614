/**
 * Times a fresh `node` process until it prints its `BENCH {json}` line. Children get a bare
 * environment, as Lambda gives its runtime: a variable such as NODE_EXTRA_CA_CERTS (set on
 * some machines) alone slows every node start.
 */
import { spawn } from 'node:child_process';
import { performance } from 'node:perf_hooks';

/** What one timed process printed, and how long after its spawn. */
export interface TimedProcess {
  wallMs: number;
  data: Record<string, unknown>;
}

/**
 * Runs `node args…` and resolves with the wall time until its BENCH line. A process that
 * exits 0 without one (such as `node -e ''`) resolves at its exit.
 */
export function timeProcess(
  node: string,
  args: string[],
  env: Record<string, string> = {},
): Promise<TimedProcess> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(node, args, {
      env: {
        PATH: process.env.PATH ?? '',
        AWS_ACCESS_KEY_ID: 'bench',
        AWS_SECRET_ACCESS_KEY: 'bench',
        ...env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    let done = false;
    const collect = (chunk: Buffer) => {
      output += chunk.toString();
      const line = /^BENCH (.*)$/m.exec(output)?.[1];
      if (line && !done) {
        done = true;
        resolve({ wallMs: performance.now() - started, data: JSON.parse(line) as Record<string, unknown> });
      }
    };
    child.stdout.on('data', collect);
    child.stderr.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    child.on('exit', (code) => {
      if (done) return;
      if (code === 0) resolve({ wallMs: performance.now() - started, data: {} });
      else reject(new Error(`node ${args.join(' ')} exited ${code} without a result:\n${output}`));
    });
  });
}
