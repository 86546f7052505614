/**
 * The presence sync through `npm start`: with PRESENCE given it runs a pass every interval
 * against Microsoft (here the stand-in), so an agent going Offline in Teams is skipped by the
 * next call within an interval and answered again once Available; and `npm run callers --
 * presence` says what a pass would change without writing it.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseSecretDocument, secretDocumentText, withSecret } from '../../../lambda/connectors/secrets';
import type { PresenceLogLine } from '../../../lambda/presence/run';
import { type RunningLocal, startLocal } from '../../../local/app';
import { DEMO_COMPANY } from '../../../local/demo';
import { ensureLocalSecrets, localSecretsFile, writeLocalSecrets } from '../../../local/secrets';
import { type GraphStandIn, startGraph } from '../../../local/standins/graph';
import { main as callers } from '../../../tools/callers';
import { runTool } from '../../support/cli';
import { callLocal } from '../../support/local-app';

const TENANT = '72f988bf-86f1-41af-91ab-2d7cd011db47';
const APP = '11111111-2222-4333-8444-555555555555';
const SECRET = 'client~secret.for-the-presence-sync';
const ANNA = 'fa8bf3dc-eca7-46b7-bad1-db199b62afc3';
/** The demo caller who spoke to 1005 last. */
const CALLER = '0501234567';

let graph: GraphStandIn;
let local: RunningLocal;
let dataDir: string;
const lines: PresenceLogLine[] = [];
let env: Record<string, string>;

beforeAll(async () => {
  graph = await startGraph({ tenantId: TENANT, clientId: APP, clientSecret: SECRET });
  graph.users.set(ANNA, { presence: { availability: 'Available', activity: 'Available' } });
  dataDir = mkdtempSync(join(tmpdir(), 'callvoip-presence-'));
  ensureLocalSecrets(dataDir, DEMO_COMPANY);
  const document = parseSecretDocument(readFileSync(localSecretsFile(dataDir), 'utf8'));
  writeLocalSecrets(
    dataDir,
    secretDocumentText(withSecret(document, DEMO_COMPANY, 'microsoft365', { secret: SECRET })),
  );
  env = {
    PRESENCE: JSON.stringify({
      companies: [{ comId: DEMO_COMPANY, tenantId: TENANT, appId: APP }],
      intervalSeconds: 1,
    }),
    PRESENCE_LOGIN_URL: graph.url,
    PRESENCE_GRAPH_URL: graph.url,
  };
  local = await startLocal({
    env,
    port: 0,
    inMemory: true,
    dataDir,
    log: () => undefined,
    presenceLog: (line) => lines.push(line),
  });
  const aliases = await fetch(`${local.url}agents/1005?com_id=${DEMO_COMPANY}`, {
    method: 'PUT',
    headers: { authorization: `Bearer ${local.adminToken}`, 'content-type': 'application/json' },
    // The demo has 1005 on holiday: back by hand first, then Teams decides.
    body: JSON.stringify({ available: true, aliases: [`m365:${ANNA}`] }),
  });
  expect(aliases.status).toBe(200);
});
afterAll(async () => {
  await local?.stop();
  await graph?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

/** The answer of calls, polled until it is `expected` (a pass runs every second) or 10 s passed. */
async function answerBecomes(expected: string): Promise<string> {
  const until = Date.now() + 10_000;
  let answer = '';
  while (Date.now() < until) {
    answer = (await callLocal(local, CALLER)).answer;
    if (answer === expected) break;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  return answer;
}

describe('npm start with PRESENCE', () => {
  it('skips an agent who goes Offline in Teams within an interval, and answers them again when Available', async () => {
    expect(await answerBecomes('1005')).toBe('1005');
    graph.users.set(ANNA, { presence: { availability: 'Offline', activity: 'OffWork' } });
    expect(await answerBecomes('default')).toBe('default');
    graph.users.set(ANNA, { presence: { availability: 'Available', activity: 'Available' } });
    expect(await answerBecomes('1005')).toBe('1005');
    expect(lines.length).toBeGreaterThan(2);
    expect(lines.every((line) => line.outcome === 'written' || line.outcome === 'unchanged')).toBe(true);
  });

  it('npm run callers -- presence prints what a pass would change, writing nothing', async () => {
    graph.users.set(ANNA, { presence: { availability: 'Away', activity: 'Away' } });
    // The sync's own passes may see Away first: the dry run's counts are what it read.
    const run = await runTool(callers, 'callers', ['presence'], { LOCAL_DATA_DIR: dataDir, ...env });
    expect([run.code, run.stderr]).toEqual([0, '']);
    expect(run.stdout).toMatch(
      /1 agents with a Microsoft 365 alias, 1 known to Graph, 1 away; \d changes? \(a dry run/,
    );
    expect(run.stdout).not.toContain(ANNA);
  });
});
