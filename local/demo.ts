/**
 * The demo company and its callers: one caller for each rule of the shipped default profile
 * and one for each profile of the cookbook (docs/cookbook-profiles.json, which `npm start`
 * routes with unless PROFILES says otherwise), seeded when `npm start` creates its table,
 * and listed as ready-made calls.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { CallerFacts } from '../lambda/domain/caller-facts';
import type { AdminStores } from '../lambda/store/admin-stores';
import { callerWriteOf } from '../lambda/store/caller-store';

/** The company of the demo callers: the id in Callvoip's manual. */
export const DEMO_COMPANY = '42f30becd4ea93edd284e059427b5ee0';

/** The cookbook's profiles: the shipped default and four built from configuration only. */
export const COOKBOOK_PROFILES_FILE = join(__dirname, '..', 'docs', 'cookbook-profiles.json');

/** The cookbook's profiles as the PROFILES setting holds them (minified JSON). */
export function cookbookProfiles(): string {
  return JSON.stringify(JSON.parse(readFileSync(COOKBOOK_PROFILES_FILE, 'utf8')));
}

/** A ready-made call and what it answers. */
export interface DemoCaller {
  number: string;
  /** The profile of the call; `default` when not given. */
  profile?: string;
  expect: string;
  why: string;
}

const DAY_MS = 86_400_000;

/** Seeds the demo callers and the roster, and returns the calls that show them. */
export async function seedDemoCallers(stores: AdminStores, nowMs: number): Promise<DemoCaller[]> {
  const facts = (callerKey: string, what: CallerFacts) =>
    stores.callers.writeCaller(DEMO_COMPANY, callerKey, callerWriteOf(what, nowMs), nowMs);
  const handledBy = (callerKey: string, agent: string) =>
    stores.callers.recordHandled(
      DEMO_COMPANY,
      callerKey,
      { agent, id: `demo-${agent}`, atMs: nowMs - 2 * DAY_MS },
      nowMs,
    );
  await facts('31201234567', { openInvoices: 2, name: 'Demo Finance BV' });
  await facts('31301234567', { ticketAgent: '1003', name: 'Demo Ticket BV' });
  await handledBy('31401234567', '1004');
  await handledBy('31501234567', '1005');
  const holiday = { available: false, untilMs: nowMs + 7 * DAY_MS, name: 'On holiday' };
  await stores.roster.putAgent(DEMO_COMPANY, '1005', holiday, nowMs);
  await facts('31601000001', { tags: { set: ['vip'] } });
  await facts('31601000002', { attributes: { language: 'en' } });
  await facts('31601000003', { attributes: { accountManager: '1007' } });
  await facts('31601000004', { attributes: { accountManager: '1005' } });
  await facts('31601000005', { tags: { set: ['blocked'] } });
  return [
    { number: '0201234567', expect: 'finance', why: 'two unpaid invoices' },
    { number: '+31 30 123 4567', expect: '1003', why: 'an open ticket with agent 1003' },
    { number: '0031401234567', expect: '1004', why: 'agent 1004 handled them two days ago' },
    { number: '0501234567', expect: 'default', why: 'their last agent, 1005, is on holiday this week' },
    { number: '31152026057', expect: 'default', why: 'nothing known yet' },
    { number: 'anonymous', expect: 'anonymous', why: 'a withheld number' },
    { number: '0601000001', profile: 'vip', expect: 'priority', why: 'tagged vip' },
    { number: '0601000002', profile: 'language', expect: 'queue-en', why: 'language en' },
    {
      number: '0601000003',
      profile: 'account-manager',
      expect: '1007',
      why: 'their account manager is 1007',
    },
    {
      number: '0601000004',
      profile: 'account-manager',
      expect: 'sales',
      why: 'their account manager 1005 is away',
    },
    { number: '0601000005', profile: 'blocked', expect: 'announcement', why: 'tagged blocked' },
  ];
}
