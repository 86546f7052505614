/**
 * `npm start`: the webhook and the admin API on http://127.0.0.1:${PORT:-3000}/ with an
 * embedded DynamoDB. `npm start -- --in-memory` keeps nothing between runs; LOCAL_DATA_DIR
 * moves the data from `.local-data/`. The only entry of local/ that reads `process.env`.
 */

import type { RequestLog } from '../lambda/request-log';
import { startLocal } from './app';
import type { DemoCaller } from './demo';
import { oldNodeNote } from './node-support';

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
    .map((caller) => `  npm run call -- --caller '${caller.number}'   # → ${caller.expect}: ${caller.why}`)
    .join('\n');
}

async function main(): Promise<void> {
  const inMemory = process.argv.includes('--in-memory') || process.env.LOCAL_IN_MEMORY === '1';
  const port = Number(process.env.PORT ?? 3000);
  if (!Number.isInteger(port) || port < 0 || port > 65_535)
    throw new Error(`PORT must be a port number, got "${process.env.PORT}"`);
  const note = oldNodeNote();
  if (note) console.warn(note);
  const local = await startLocal({ env: process.env, port, inMemory, log: terminalLine });
  const webhookUrl = `${local.url}?token=${local.webhookToken}&profile=default`;
  const body = (number: string) =>
    JSON.stringify({ com_id: local.comId, caller_number: number, uuid: 'curl-1' });

  console.log(`
callvoip-webhook runs locally (DynamoDB: ${process.env.AWS_ENDPOINT_URL_DYNAMODB ? local.endpoint : inMemory ? 'embedded, in memory' : 'embedded, in .local-data/'})

  Webhook URL (paste form):  ${webhookUrl}
  Admin API:                 ${local.url}callers/{number}?com_id=${local.comId}   (Authorization: Bearer ${local.adminToken})
  Belplan timeout:           ${local.config.belplanTimeoutMs} ms, safety margin ${local.config.safetyMarginMs} ms

Play the platform:
${readyMadeCalls(local.seeded)}

Or with curl:
  curl -s -X POST '${webhookUrl}' -H 'content-type: application/json' -d '${body('0201234567')}'
  curl -s -X POST '${local.url}handled?com_id=${local.comId}' -H 'authorization: Bearer ${local.adminToken}' \\
       -H 'content-type: application/json' -d '{"caller_number":"31152026057","agent":"1007","uuid":"call-42"}'
  curl -s '${local.url}callers/31152026057?com_id=${local.comId}' -H 'authorization: Bearer ${local.adminToken}'

Ctrl-C stops it.
`);

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`\n${signal}: stopping…`);
    await local.stop();
    console.log(inMemory ? 'stopped; the in-memory data is gone' : 'stopped; data written so far is kept');
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
