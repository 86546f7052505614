/**
 * `npm run callers -- sync moneybird | zendesk` against the stand-ins of their APIs and a table
 * on dynalite: paginated, within the rate limit (a 429's Retry-After obeyed), resumable from its
 * checkpoint, by the version rule (a second run changes nothing, a newer webhook is not undone).
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEMO_COMPANY } from '../../../local/demo';
import {
  moneybirdApi,
  type StandinApi,
  type ZendeskApiTicket,
  zendeskApi,
} from '../../../local/standins/apis';
import { moneybirdContact, moneybirdInvoice } from '../../../local/standins/moneybird';
import { callersOnTable } from '../../support/cli';
import { useDynalite, webhookUnderTest } from '../../support/harness';

const dynamo = useDynalite();
const ADMINISTRATION = '116015326147118082';
const DAY = 86_400_000;

let folder: string;
let api: StandinApi | undefined;
beforeEach(() => {
  folder = mkdtempSync(join(tmpdir(), 'sync-'));
});
afterEach(async () => {
  await api?.close();
  api = undefined;
  rmSync(folder, { recursive: true, force: true });
});

const syncWithCli = (tableName: string, source: string, args: string[], env: Record<string, string>) =>
  callersOnTable(
    dynamo().endpoint,
    tableName,
    ['sync', source, '--checkpoint', join(folder, 'checkpoint.json'), ...args],
    env,
  );

describe('sync moneybird', () => {
  const now = Date.now();
  const invoices = Array.from({ length: 250 }, (_, index) => {
    const contact = moneybirdContact(
      `c${index % 50}`,
      [`020 ${String(1_000_000 + (index % 50)).padStart(7, '0')}`],
      now - 30 * DAY,
    );
    return moneybirdInvoice(
      `i${index}`,
      contact,
      index % 5 === 0 ? 'paid' : 'late',
      now - (index % 400) * DAY,
    );
  });
  const moneybird = (tableName: string, ...args: string[]) =>
    syncWithCli(
      tableName,
      'moneybird',
      ['--api-url', `${api?.url}/api/v2`, '--administration', ADMINISTRATION, ...args],
      {
        MONEYBIRD_API_TOKEN: 'mb-token',
      },
    );

  it('reads every unpaid invoice page by page, and a second run changes nothing', async () => {
    const table = await webhookUnderTest(dynamo().endpoint);
    api = await moneybirdApi({ administration: ADMINISTRATION, token: 'mb-token', invoices });
    const first = await moneybird(table.config.tableName);
    expect([first.code, first.stdout]).toEqual([0, expect.stringContaining('applied: 200')]);
    expect(first.stderr).toContain('moneybird: page 2, 200 unpaid invoices read');
    const caller = await table.stores.callers.getCaller(DEMO_COMPANY, '31201000001', Date.now());
    expect(caller?.openInvoices).toBe(5);
    const second = await moneybird(table.config.tableName);
    expect(second.stdout).toContain('unchanged: 200');
    expect(second.stdout).not.toContain('applied');
    expect(existsSync(join(folder, 'checkpoint.json'))).toBe(false);
    table.destroy();
  });

  it('waits as a 429 asks and goes on, and reads year by year where the API refuses a wide period', async () => {
    const table = await webhookUnderTest(dynamo().endpoint);
    const recent = invoices.filter((invoice) => Date.parse(invoice.updated_at) > now - 300 * DAY);
    api = await moneybirdApi({
      administration: ADMINISTRATION,
      token: 'mb-token',
      invoices: recent,
      limit: { requests: 2, windowMs: 1000, retryAfterSeconds: 1 },
      maxPeriodYears: 1,
    });
    const run = await moneybird(table.config.tableName, '--since', String(new Date().getFullYear() - 1));
    const unpaid = recent.filter((invoice) => invoice.state !== 'paid').length;
    expect([run.code, run.stdout]).toEqual([0, expect.stringContaining(`applied: ${unpaid}`)]);
    expect(run.stdout).toMatch(/times asked to wait/);
    expect(api.stats.throttled).toBeGreaterThan(0);
    table.destroy();
  });

  it('keeps its place when stopped, and the next run goes on from there', async () => {
    const table = await webhookUnderTest(dynamo().endpoint);
    api = await moneybirdApi({
      administration: ADMINISTRATION,
      token: 'mb-token',
      invoices,
      failOnce: { page: 2, status: 422 },
    });
    const stopped = await moneybird(table.config.tableName);
    expect([stopped.code, stopped.stderr]).toEqual([1, expect.stringContaining('Moneybird answered 422')]);
    expect(existsSync(join(folder, 'checkpoint.json'))).toBe(true);
    const resumed = await moneybird(table.config.tableName);
    expect([resumed.code, resumed.stderr, resumed.stdout]).toEqual([
      0,
      expect.stringContaining('going on from the checkpoint'),
      expect.stringContaining('applied: 200'),
    ]);
    // Page 1 was read once: page 1, page 2 refused, then page 2 again.
    expect(api.stats.requests).toBe(3);
    table.destroy();
  });

  it('says what is missing: the token, a refused token', async () => {
    const table = await webhookUnderTest(dynamo().endpoint);
    api = await moneybirdApi({ administration: ADMINISTRATION, token: 'mb-token', invoices });
    const none = await syncWithCli(
      table.config.tableName,
      'moneybird',
      ['--api-url', `${api.url}/api/v2`, '--administration', ADMINISTRATION],
      {
        MONEYBIRD_API_TOKEN: '',
      },
    );
    const refused = await syncWithCli(
      table.config.tableName,
      'moneybird',
      ['--api-url', `${api.url}/api/v2`, '--administration', ADMINISTRATION],
      {
        MONEYBIRD_API_TOKEN: 'wrong',
      },
    );
    expect([none.code, none.stderr]).toEqual([2, expect.stringContaining('MONEYBIRD_API_TOKEN is not set')]);
    expect([refused.code, refused.stderr]).toEqual([
      2,
      expect.stringContaining('Moneybird refused the token (401)'),
    ]);
    table.destroy();
  });
});

describe('sync zendesk', () => {
  const now = Date.now();
  const tickets: ZendeskApiTicket[] = Array.from({ length: 130 }, (_, index) => ({
    id: index + 1,
    status: ['new', 'open', 'pending', 'hold', 'solved'][index % 5] as string,
    updated_at: new Date(now - (index + 10) * 60_000).toISOString().replace(/\.\d{3}Z$/, 'Z'),
    requester: {
      id: 1000 + index,
      email: `klant${index}@example.nl`,
      phone: `+31 30 ${String(1_000_000 + index)}`,
    },
    assignee: index % 2 === 0 ? { id: 9001, email: 'anna@acme.nl' } : null,
  }));

  it.each([
    ['users read by show_many', false],
    ['users side-loaded', true],
  ])('reads every unsolved ticket with its requester and assignee (%s)', async (_case, sideload) => {
    const table = await webhookUnderTest(dynamo().endpoint);
    await table.stores.directory.setAliases(DEMO_COMPANY, '1003', ['anna@acme.nl']);
    api = await zendeskApi({ email: 'admin@acme.nl', token: 'zd-token', tickets, sideload });
    const run = await syncWithCli(table.config.tableName, 'zendesk', ['--api-url', `${api.url}/api/v2`], {
      ZENDESK_EMAIL: 'admin@acme.nl',
      ZENDESK_API_TOKEN: 'zd-token',
    });
    expect([run.code, run.stdout]).toEqual([0, expect.stringContaining('applied: 104')]);
    const assigned = await table.stores.callers.getCaller(DEMO_COMPANY, '31301000000', Date.now());
    const unassigned = await table.stores.callers.getCaller(DEMO_COMPANY, '31301000001', Date.now());
    const solved = await table.stores.callers.getCaller(DEMO_COMPANY, '31301000004', Date.now());
    expect([assigned?.ticketAgent, unassigned?.ticketAgent, solved]).toEqual(['1003', undefined, undefined]);
    table.destroy();
  });
});
