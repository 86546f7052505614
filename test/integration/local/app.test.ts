import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { DEFAULTS } from '../../../lambda/config';
import type { RequestLog } from '../../../lambda/http/request-log';
import type { RunningLocal } from '../../../local/app';
import { DEMO_COMPANY } from '../../../local/demo';
import { type SpawnedLocal, spawnLocal } from '../../../local/spawn';
import { main as call, placeCall } from '../../../tools/call';
import { main as callers } from '../../../tools/callers';
import { runTool } from '../../support/cli';
import { callLocal, startTestLocal } from '../../support/local-app';
import { fixture } from '../../support/paths';

const _run = promisify(execFile);
const manualExample = fixture('manual-example.txt');

describe('npm start, called over real HTTP', () => {
  let local: RunningLocal;
  const logs: RequestLog[] = [];
  const webhookUrl = () => `${local.url}?token=${local.webhookToken}`;
  const call = (caller: string, profile = 'default') => callLocal(local, caller, profile);
  const admin = (method: string, path: string, body?: unknown) =>
    fetch(`${local.url}${path}${path.includes('?') ? '&' : '?'}com_id=${DEMO_COMPANY}`, {
      method,
      headers: { authorization: `Bearer ${local.adminToken}`, 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });

  /** `npm run callers` against this table, as with --table against a deployment. */
  const callersRun = (...args: string[]) =>
    runTool(callers, 'callers', [...args, '--table', local.tableName, '--com-id', DEMO_COMPANY], {
      AWS_ENDPOINT_URL_DYNAMODB: local.endpoint,
      AWS_REGION: DEFAULTS.region,
      AWS_ACCESS_KEY_ID: 'local',
      AWS_SECRET_ACCESS_KEY: 'local',
    });
  /** The same, failing as a child process would when it did not end well. */
  const callersCli = async (...args: string[]) => {
    const run = await callersRun(...args);
    if (run.code !== 0) throw Object.assign(new Error(run.stderr), run);
    return run;
  };

  beforeAll(async () => {
    local = await startTestLocal((entry) => logs.push(entry));
  });
  afterAll(() => local.stop());

  it('answers each demo caller as the default profile routes them', async () => {
    expect(local.seeded.length).toBeGreaterThanOrEqual(5);
    for (const demo of local.seeded) {
      const outcome = await call(demo.number, demo.profile);
      expect([demo.number, outcome.status, outcome.answer]).toEqual([demo.number, 200, demo.expect]);
    }
  });

  it('explains each demo caller’s route as the webhook answers it', async () => {
    for (const demo of local.seeded.filter((caller) => caller.number !== 'anonymous')) {
      const route = `callers/${encodeURIComponent(demo.number)}/route?profile=${demo.profile ?? 'default'}`;
      const explained = await admin('GET', route);
      const body = (await explained.json()) as { answer: string; rule: string };
      expect([demo.number, explained.status, body.answer]).toEqual([demo.number, 200, demo.expect]);
    }
    const away = (await (await admin('GET', 'callers/0501234567/route')).json()) as {
      skipped: unknown[];
      agents: unknown[];
    };
    expect(away.skipped).toEqual([
      { rule: 'recent-agent', because: expect.stringMatching(/^last agent 1005 unavailable until /) },
    ]);
    expect(away.agents).toEqual([{ agent: '1005', available: false, until: expect.any(String) }]);
  });

  it.each<[string, RequestInit, string]>([
    [
      "the manual's example as printed",
      { method: 'POST', headers: { 'content-type': 'application/json' }, body: manualExample },
      'default',
    ],
    [
      'a form body, which a Function URL passes base64-encoded',
      {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({
          com_id: DEMO_COMPANY,
          caller_number: '0201234567',
          uuid: 'form-1',
        }).toString(),
      },
      'finance',
    ],
    ['a GET', { method: 'GET' }, 'default'],
    [
      'JSON without a content type',
      { method: 'POST', body: JSON.stringify({ com_id: DEMO_COMPANY, caller_number: '0301234567' }) },
      '1003',
    ],
  ])('answers %s', async (_name, init, answer) => {
    const response = await fetch(webhookUrl(), init);
    expect([response.status, response.headers.get('content-type'), await response.text()]).toEqual([
      200,
      'text/plain; charset=utf-8',
      answer,
    ]);
    expect(response.headers.get('cache-control')).toBe('no-store');
    expect(response.headers.get('x-amzn-requestid')).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('refuses what the platform would never send, with a clear plain-text error', async () => {
    const bad = await fetch(webhookUrl(), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"caller_number": 1}',
    });
    expect([bad.status, await bad.text()]).toEqual([
      400,
      'field caller_number must be a string, got a number',
    ]);
    const noToken = await fetch(local.url, { method: 'POST', body: '{}' });
    expect([noToken.status, await noToken.text()]).toEqual([401, 'unauthorized']);
  });

  it('routes on what the admin API is told', async () => {
    expect((await call('0612345678')).answer).toBe('default');
    expect((await admin('PUT', 'callers/0612345678', { openInvoices: 1 })).status).toBe(200);
    expect((await call('+31 6 12345678')).answer).toBe('finance');
    await admin('PUT', 'callers/0612345678', { openInvoices: 0, ticketAgent: '1011' });
    expect((await call('0612345678')).answer).toBe('1011');
    await admin('PUT', 'callers/0612345678', { ticketAgent: null });
    const handled = await admin('POST', 'handled', {
      caller_number: '0031612345678',
      agent: '1012',
      uuid: 'call-9',
    });
    expect(await handled.json()).toEqual({ result: 'recorded' });
    expect((await call('0612345678')).answer).toBe('1012');
    const record = (await (await admin('GET', 'callers/31612345678')).json()) as { calls: number };
    expect(record.calls).toBe(4);
    expect((await admin('DELETE', 'callers/0612345678')).status).toBe(204);
    expect((await call('0612345678')).answer).toBe('default');
  });

  it('refuses the admin API with the webhook token and the webhook with the admin token', async () => {
    const asWebhook = await fetch(`${local.url}callers/0201234567?com_id=${DEMO_COMPANY}`, {
      headers: { authorization: `Bearer ${local.webhookToken}` },
    });
    expect(asWebhook.status).toBe(401);
    const asAdmin = await placeCall({
      url: local.url,
      token: local.adminToken,
      profile: 'default',
      timeoutMs: 2000,
      method: 'POST',
      caller: '0201234567',
      comId: DEMO_COMPANY,
    });
    expect(asAdmin.status).toBe(401);
  });

  it('routes on what the CLI imports', async () => {
    const file = join(local.dataDir, 'crm.csv');
    writeFileSync(
      file,
      'Telefoon;Open invoices;TicketAgent\n+31 6 55555555;3;\n06-66666666;;1020\n(010) 123 45 67;0;\nnonsense;1;\n',
    );
    const { code, stdout, stderr } = await callersRun('import', file);
    expect(code).toBe(1);
    expect(stdout).toContain('written 3, unchanged 0, rejected 1, duplicates 0, failed 0, not attempted 0');
    expect(stderr).toContain('line 5: rejected: number "nonsense"');
    expect(stderr).toContain('ignored columns: Open invoices');
    expect((await call('0655555555')).answer).toBe('default');
    expect((await call('0666666666')).answer).toBe('1020');
  });

  it('gets, puts, exports and deletes callers through the CLI', async () => {
    const put = await callersCli('put', '06-77777777', '--ticketAgent', '1030', '--name', 'Visser & Zn');
    expect(JSON.parse(put.stdout)).toMatchObject({
      number: '+31677777777',
      ticketAgent: '1030',
      name: 'Visser & Zn',
    });
    expect((await call('+31677777777')).answer).toBe('1030');
    await callersCli('put', '0677777777', '--ticketAgent', '');
    expect(JSON.parse((await callersCli('get', '+31 6 77777777')).stdout).ticketAgent).toBeUndefined();

    const { stdout: csv } = await callersCli('export');
    const header = csv.split('\n')[0];
    expect(header).toBe(
      'number,openInvoices,ticketAgent,ticketAgentAt,lastAgent,lastAgentAt,name,calls,lastCallAt,tags,attributes.accountManager,attributes.language',
    );
    expect(csv).toMatch(/^\+31601000002,,,,,,,\d+,[^,]*,,,en$/m);
    expect(csv).toMatch(/^\+31677777777,,,,,,Visser & Zn,1,\d{4}-/m);
    expect(csv).toMatch(/^\+31201234567,2,,,,,Demo Finance BV,/m);
    const exported = join(local.dataDir, 'export.csv');
    writeFileSync(exported, csv);
    expect((await callersCli('import', exported)).stdout).toMatch(
      /written 0, unchanged \d+, rejected 0, duplicates 0, failed 0, not attempted 0/,
    );

    expect((await callersCli('delete', '0677777777')).stdout.trim()).toBe('deleted');
    await expect(callersCli('get', '0677777777')).rejects.toMatchObject({
      code: 2,
      stderr: expect.stringContaining('unknown caller'),
    });
  });

  it('imports CRM columns as attributes when asked, and routes on them', async () => {
    const file = join(local.dataDir, 'crm-languages.csv');
    writeFileSync(file, 'Telefoon;Taal;Tags\n06-12121212;en;VIP\n');

    const { stdout } = await callersCli('import', file, '--attributes', 'language=Taal');

    expect(stdout).toContain('written 1,');
    expect(JSON.parse((await callersCli('get', '0612121212')).stdout)).toMatchObject({
      tags: ['vip'],
      attributes: { language: 'en' },
    });
    expect((await call('0612121212', 'language')).answer).toBe('queue-en');
  });

  it('takes tags and attributes from the CLI and routes on them', async () => {
    const put = await callersCli('put', '0688888888', '--tag', 'VIP', '--attribute', 'language=en');
    expect(JSON.parse(put.stdout)).toMatchObject({ tags: ['vip'], attributes: { language: 'en' } });
    expect([(await call('0688888888', 'vip')).answer, (await call('0688888888', 'language')).answer]).toEqual(
      ['priority', 'queue-en'],
    );
    const removed = await callersCli('put', '0688888888', '--untag', 'vip', '--attribute', 'language=');
    expect(JSON.parse(removed.stdout).tags).toBeUndefined();
    expect(JSON.parse(removed.stdout).attributes).toBeUndefined();
  });

  it('logs one line per request with the caller masked', async () => {
    const before = logs.length;

    await call('0201234567');
    await call('+31 30 123 4567');
    await admin('GET', 'callers/0201234567');

    const lines = logs.slice(before);
    expect(lines.map((entry) => entry.msg)).toEqual(['webhook', 'webhook', 'admin']);
    expect(lines.map((entry) => entry.caller)).toEqual(['3120123****', '3130123****', '3120123****']);
    expect(lines[0]?.answer).toBe('finance');
  });
});

describe('npm start as a user runs it', () => {
  let dataDir: string;
  const started: SpawnedLocal[] = [];
  beforeAll(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'callvoip-start-'));
  });
  afterAll(() => {
    // A failed expectation must not leave a server running (it would keep jest alive).
    for (const { child } of started) if (child.exitCode === null) child.kill('SIGKILL');
    rmSync(dataDir, { recursive: true, force: true });
  });
  const start = async () => {
    const local = await spawnLocal({ LOCAL_DATA_DIR: dataDir });
    started.push(local);
    return local;
  };

  it('prints the URL, answers `npm run call`, stops on Ctrl-C and keeps its data', async () => {
    const first = await start();
    expect(first.output()).toContain('npm run call -- --caller');
    expect(first.output()).toContain('curl -s -X POST');
    const { stdout } = await runTool(call, 'call', [
      '--url',
      first.url,
      '--token',
      first.webhookToken,
      '--com-id',
      DEMO_COMPANY,
      '--caller',
      '31152026057',
    ]);
    expect(stdout).toMatch(/^answer "default" {2}status 200 {2}latency [\d.]+ ms/);
    expect(await first.stop()).toBe(0);
    expect(first.output()).toContain('stopped; data written so far is kept');
    expect(first.output()).toMatch(/webhook +200 +→ default +rule:otherwise +3115202\*\*\*\*/);

    const second = await start();
    expect(second.webhookToken).toBe(first.webhookToken);
    expect(second.output()).not.toContain('# → finance');
    const state = JSON.parse(readFileSync(join(dataDir, 'local.json'), 'utf8')) as { adminToken: string };
    const record = await fetch(`${second.url}callers/31152026057?com_id=${DEMO_COMPANY}`, {
      headers: { authorization: `Bearer ${state.adminToken}` },
    });
    expect(((await record.json()) as { calls: number }).calls).toBe(1);
    expect(await second.stop()).toBe(0);
  }, 120_000);
});
