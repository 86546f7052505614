/**
 * `npm start` as something anyone on the machine can talk to: no request stops it, a second
 * one on the same data says who holds it, a killed npm takes its server with it, and the
 * tools find it wherever LOCAL_DATA_DIR puts it.
 */

import { execFile } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import fc from 'fast-check';
import type { RunningLocal } from '../../../local/app';
import { type SpawnedLocal, spawnLocal } from '../../../local/spawn';
import { main as call } from '../../../tools/call';
import { main as callers } from '../../../tools/callers';
import { runTool } from '../../support/cli';
import { startTestLocal } from '../../support/local-app';
import { ROOT, TSX } from '../../support/paths';

const run = promisify(execFile);

/** Sends raw bytes to the server, then closes the connection; resolves with what came back. */
async function raw(url: string, bytes: string, endEarly = false): Promise<string> {
  const { hostname, port } = new URL(url);
  const socket = connect(Number(port), hostname);
  await once(socket, 'connect');
  let answer = '';
  socket.on('data', (chunk: Buffer) => {
    answer += chunk.toString();
  });
  socket.write(bytes);
  if (endEarly) socket.destroy();
  else await once(socket, 'close');
  return answer;
}

describe('the local Function URL', () => {
  let local: RunningLocal;

  beforeAll(async () => {
    local = await startTestLocal();
  });
  afterAll(() => local.stop());

  const stillAnswers = async () => (await fetch(`${local.url}?token=${local.webhookToken}`)).status;

  it('survives a client that sends half a body and goes away', async () => {
    await raw(local.url, 'POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 1000\r\n\r\n{"a":', true);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(await stillAnswers()).toBe(200);
  });

  it('answers a thousand arbitrary requests to any path with no 5xx but what a Function URL gives, and goes on', async () => {
    const statuses = new Map<number, number>();
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom('GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS'),
        fc.oneof(
          fc.constantFrom('/', '/handled', '/notulist', '/agents', '/callers/0612345678', '/callers/x/route'),
          fc.string().map((rest) => `/${encodeURIComponent(rest)}`),
          fc.constantFrom('/agents/%', '/callers/%E0%A4%A', '/console/../../etc/passwd'),
        ),
        fc.oneof(fc.string(), fc.constant(`{"a":${'['.repeat(3000)}`), fc.constant('x'.repeat(20_000))),
        fc.dictionary(
          fc.constantFrom('content-type', 'authorization', 'x-amz-date'),
          fc.string({ maxLength: 40 }).filter((v) => /^[\x20-\x7e]*$/.test(v)),
        ),
        async (method, path, body, headers) => {
          const answer = await fetch(`${local.url.slice(0, -1)}${path}?token=${local.webhookToken}`, {
            method,
            headers,
            ...(method === 'GET' ? {} : { body }),
          });
          await answer.arrayBuffer();
          statuses.set(answer.status, (statuses.get(answer.status) ?? 0) + 1);
          // 502 is what a Function URL answers when its function throws: that must never happen.
          expect(answer.status).toBeLessThan(500);
        },
      ),
      { numRuns: 1000 },
    );
    expect(await stillAnswers()).toBe(200);
    expect([...statuses.keys()].some((status) => status === 200)).toBe(true);
  }, 120_000);

  it('answers 400 to a request target that is no URL, and goes on', async () => {
    const answer = await raw(local.url, 'GET http://[/ HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n');
    expect(answer).toMatch(/^HTTP\/1.1 400/);
    expect(await stillAnswers()).toBe(200);
  });
});

describe('npm start on a data folder another npm start uses', () => {
  it('stops with a message that names the other one', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'callvoip-twice-'));
    const first = await spawnLocal({ LOCAL_DATA_DIR: dataDir });
    try {
      const second = await run(TSX, ['local/start.ts'], {
        cwd: ROOT,
        env: { ...process.env, LOCAL_DATA_DIR: dataDir, PORT: '0' },
      }).catch((error: { code: number; stderr: string }) => error);
      expect(second).toMatchObject({
        code: 1,
        stderr: expect.stringContaining(`another \`npm start\` is using`),
      });
      expect((second as { stderr: string }).stderr).toContain(`(pid ${first.child.pid})`);
    } finally {
      await first.stop();
      rmSync(dataDir, { recursive: true, force: true });
    }
  }, 60_000);
});

describe('the tools and a stopped or moved npm start', () => {
  let dataDir: string;
  let started: SpawnedLocal | undefined;
  beforeAll(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'callvoip-moved-'));
  });
  afterAll(() => {
    if (started && started.child.exitCode === null) started.child.kill('SIGKILL');
    rmSync(dataDir, { recursive: true, force: true });
  });
  const tools = { call, callers };
  const tool = (script: keyof typeof tools, ...args: string[]) =>
    runTool(tools[script], script, args, { LOCAL_DATA_DIR: dataDir });

  it('find it through LOCAL_DATA_DIR, as npm start does', async () => {
    started = await spawnLocal({ LOCAL_DATA_DIR: dataDir });
    expect((await tool('call', '--caller', '0201234567')).stdout).toMatch(/^answer "finance"/);
    expect(JSON.parse((await tool('callers', 'get', '0201234567')).stdout)).toMatchObject({
      openInvoices: 2,
    });
  }, 60_000);

  it('say how to start it when it is stopped, naming its URL rather than an internal port', async () => {
    await started?.stop();
    const call = await tool('call', '--caller', '0201234567');
    const callers = await tool('callers', 'get', '0201234567');
    for (const outcome of [call, callers]) {
      expect(outcome.code).toBe(2);
      expect(outcome.stderr).toMatch(
        /nothing answers at http:\/\/127\.0\.0\.1:\d+\/ — start it with `npm start`/,
      );
    }
  }, 60_000);
});

describe('npm start, stopped by killing the npm process', () => {
  it('stops its server too and frees the port', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'callvoip-kill-'));
    const local = await spawnLocal({ LOCAL_DATA_DIR: dataDir }, [], { viaNpm: true });
    try {
      // Act
      local.child.kill('SIGTERM');
      await new Promise((resolve) => setTimeout(resolve, 3000));

      // Assess
      await expect(fetch(local.url)).rejects.toThrow();
      expect(local.output()).toContain('stopping');
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  }, 60_000);
});
