/**
 * `npm start` in the test's own process, as the tests that call it over real HTTP use it:
 * in memory, on a free port, in a data folder of its own that is removed when it stops.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { LogSink } from '../../lambda/http/request-log';
import { type RunningLocal, startLocal } from '../../local/app';
import { DEMO_COMPANY } from '../../local/demo';
import { type CallOutcome, placeCall } from '../../tools/call';

/** Starts the local product; its `stop()` also removes its data folder. */
export async function startTestLocal(
  log: LogSink = () => undefined,
  env: Record<string, string> = {},
): Promise<RunningLocal> {
  const dataDir = mkdtempSync(join(tmpdir(), 'callvoip-local-'));
  const local = await startLocal({ env, port: 0, inMemory: true, dataDir, log });
  return {
    ...local,
    async stop() {
      await local.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** One call of the demo company to the local webhook, placed as the platform places it. */
export function callLocal(local: RunningLocal, caller: string, profile = 'default'): Promise<CallOutcome> {
  return placeCall({
    url: local.url,
    token: local.webhookToken,
    profile,
    timeoutMs: 2000,
    method: 'POST',
    caller,
    comId: DEMO_COMPANY,
  });
}
