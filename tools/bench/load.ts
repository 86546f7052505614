/** The local Function URL (`npm start`, a separate process) under 50 concurrent callers. */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import autocannon from 'autocannon';
import { DEMO_COMPANY } from '../../local/demo';
import { callBody } from '../../local/events';
import { spawnLocal } from '../../local/spawn';
import { BENCH_TOKEN, type BenchContext } from './context';

const CONNECTIONS = 50;
const CALLERS = 2000;

export async function benchLoad({ report, runs }: BenchContext): Promise<void> {
  const dataDir = mkdtempSync(join(tmpdir(), 'callvoip-bench-'));
  const server = await spawnLocal(
    { LOCAL_DATA_DIR: dataDir, WEBHOOK_TOKEN: BENCH_TOKEN, AWS_ENDPOINT_URL_DYNAMODB: '' },
    ['--in-memory'],
  );
  try {
    const url = new URL(server.url);
    url.searchParams.set('token', BENCH_TOKEN);
    let sent = 0;
    const result = await autocannon({
      url: url.href,
      connections: CONNECTIONS,
      amount: runs.load,
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      requests: [
        {
          setupRequest: (request) => ({
            ...request,
            body: callBody({
              com_id: DEMO_COMPANY,
              caller_number: `062${String(sent++ % CALLERS).padStart(7, '0')}`,
              uuid: randomUUID(),
            }),
          }),
        },
      ],
    });
    const failures = result.errors + result.timeouts + result.non2xx;
    const fallbacks = server.output().match(/fallback:/g)?.length ?? 0;
    const perSecond = (result.requests.total / result.duration).toFixed(0);
    report.measured(
      `load: local URL, ${CONNECTIONS} callers, ${runs.load} requests (${perSecond} req/s, ${fallbacks} fallbacks)`,
      'ms',
      {
        count: result.requests.total,
        p50: result.latency.p50,
        p90: result.latency.p90,
        p99: result.latency.p99,
        max: result.latency.max,
      },
      { goal: `0 errors (${failures})`, met: failures === 0 },
    );
  } finally {
    await server.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}
