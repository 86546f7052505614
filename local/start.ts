/**
 * `npm start`: the webhook and the admin API on http://127.0.0.1:${PORT:-3000}/ with an
 * embedded DynamoDB. `npm start -- --in-memory` keeps nothing between runs; LOCAL_DATA_DIR
 * moves the data from `.local-data/`. The only entry of local/ that reads `process.env`.
 */

import type { RequestLog } from '../lambda/http/request-log';
import { type RunningLocal, startLocal } from './app';
import type { DemoCaller } from './demo';
import { oldNodeNote } from './node-support';
import { localSecretsFile } from './secrets';

/** How often a running `npm start` checks that the npm process that started it is still there. */
const PARENT_CHECK_MS = 1000;

function terminalLine(entry: RequestLog): void {
  const time = new Date().toTimeString().slice(0, 8);
  const what = entry.msg === 'webhook' ? `→ ${entry.answer ?? '-'}` : '';
  const parts = [
    time,
    entry.msg.padEnd(7),
    String(entry.status),
    what,
    entry.reason,
    entry.caller ?? '',
    `${entry.latencyMs} ms`,
  ];
  const line = parts.filter(Boolean).join('  ');
  if (entry.fallbackCause && entry.fallbackCause !== 'kill-switch') console.warn(line);
  else console.log(line);
}

/** The demo calls of a fresh table, or one call to try when the table was there already. */
function readyMadeCalls(seeded: readonly DemoCaller[]): string {
  if (seeded.length === 0) return '  npm run call -- --caller 31152026057';
  return seeded
    .map((caller) => {
      const profile = caller.profile ? ` --profile ${caller.profile}` : '';
      return `  npm run call -- --caller '${caller.number}'${profile}   # → ${caller.expect}: ${caller.why}`;
    })
    .join('\n');
}

/** What `npm start` prints once it answers: the URLs, tokens, ready-made calls. */
function banner(local: RunningLocal, where: string): string {
  const webhookUrl = `${local.url}?token=${local.webhookToken}&profile=default`;
  const admin = `-H 'authorization: Bearer ${local.adminToken}'`;
  const body = JSON.stringify({ com_id: local.comId, caller_number: '0201234567', uuid: 'curl-1' });
  const handled = '{"caller_number":"31152026057","agent":"1007","uuid":"call-42"}';
  return `
callvoip-webhook runs locally (DynamoDB: ${where})

  Console:                   ${local.url}console   (sign in with the admin token ${local.adminToken}, company ${local.comId})
  Webhook URL (paste form):  ${webhookUrl}
  Admin API:                 ${local.url}callers/{number}?com_id=${local.comId}   (Authorization: Bearer ${local.adminToken})
  AI Notulist webhook URL:   ${local.url}notulist?token=${local.ingestToken}&com_id=${local.comId}
  Connector webhooks:        ${local.url}connectors/<source>?com_id=${local.comId}   (sources: ${local.connectorNames.join(', ')}; their secrets: ${localSecretsFile(local.dataDir)})
  Belplan timeout:           ${local.config.belplanTimeoutMs} ms, safety margin ${local.config.safetyMarginMs} ms

Play the platform:
${readyMadeCalls(local.seeded)}

Or with curl:
  curl -s -X POST '${webhookUrl}' -H 'content-type: application/json' -d '${body}'
  curl -s -X POST '${local.url}handled?com_id=${local.comId}' ${admin} \\
       -H 'content-type: application/json' -d '${handled}'
  curl -s '${local.url}callers/31152026057?com_id=${local.comId}' ${admin}
  npm run callers -- explain 0501234567

Ctrl-C stops it.
`;
}

/**
 * Stops cleanly (the embedded DynamoDB flushed, the port freed) on Ctrl-C, SIGTERM, a closed
 * terminal, or when the npm process that ran it is gone: `kill <pid of npm start>` ends the
 * shell npm started, not this process, which would otherwise keep the port.
 */
function stopWhenAsked(local: RunningLocal, inMemory: boolean): void {
  let stopping = false;
  const stop = async (why: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`\n${why}: stopping…`);
    await local.stop();
    console.log(inMemory ? 'stopped; the in-memory data is gone' : 'stopped; data written so far is kept');
    process.exit(0);
  };
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(signal, () => void stop(signal));
  const parent = process.ppid;
  setInterval(() => {
    if (process.ppid !== parent) void stop('npm start was stopped');
  }, PARENT_CHECK_MS).unref();
}

async function main(): Promise<void> {
  const inMemory = process.argv.includes('--in-memory') || process.env.LOCAL_IN_MEMORY === '1';
  const port = Number(process.env.PORT ?? 3000);
  if (!Number.isInteger(port) || port < 0 || port > 65_535) {
    throw new Error(`PORT must be a port number, got "${process.env.PORT}"`);
  }
  const note = oldNodeNote();
  if (note) console.warn(note);
  const local = await startLocal({ env: process.env, port, inMemory, log: terminalLine });
  const where = process.env.AWS_ENDPOINT_URL_DYNAMODB
    ? local.endpoint
    : inMemory
      ? 'embedded, in memory'
      : `embedded, in ${local.dataDir}`;
  console.log(banner(local, where));
  stopWhenAsked(local, inMemory);
}

main().catch((error: unknown) => {
  console.error(`npm start: ${error instanceof Error ? error.message : error}`);
  process.exit(1);
});
