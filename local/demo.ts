/**
 * The demo company and its callers: one caller for each rule of the shipped default profile,
 * seeded when `npm start` creates its table, and listed as ready-made calls.
 */
import type { CallerAdminStore } from '../lambda/store/admin-store';

/** The company of the demo callers: the id in Callvoip's manual. */
export const DEMO_COMPANY = '42f30becd4ea93edd284e059427b5ee0';

/** A ready-made call and what it answers. */
export interface DemoCaller {
  number: string;
  expect: string;
  why: string;
}

const DAY_MS = 86_400_000;

/** Seeds one caller for each rule of the default profile and returns the calls that show them. */
export async function seedDemoCallers(store: CallerAdminStore, nowMs: number): Promise<DemoCaller[]> {
  await store.mergeFacts(DEMO_COMPANY, '31201234567', { openInvoices: 2, name: 'Demo Finance BV' }, nowMs);
  await store.mergeFacts(DEMO_COMPANY, '31301234567', { ticketAgent: '1003', name: 'Demo Ticket BV' }, nowMs);
  const handledBy = async (callerKey: string, agent: string) =>
    store.recordHandled(
      DEMO_COMPANY,
      callerKey,
      { agent, uuid: `demo-${agent}`, atMs: nowMs - 2 * DAY_MS },
      nowMs,
    );
  await handledBy('31401234567', '1004');
  await handledBy('31501234567', '1005');
  await store.putAgent(
    DEMO_COMPANY,
    '1005',
    { available: false, untilMs: nowMs + 7 * DAY_MS, name: 'On holiday' },
    nowMs,
  );
  return [
    { number: '0201234567', expect: 'finance', why: 'two unpaid invoices' },
    { number: '+31 30 123 4567', expect: '1003', why: 'an open ticket with agent 1003' },
    { number: '0031401234567', expect: '1004', why: 'agent 1004 handled them two days ago' },
    { number: '0501234567', expect: 'default', why: 'their last agent, 1005, is on holiday this week' },
    { number: '31152026057', expect: 'default', why: 'nothing known yet' },
    { number: 'anonymous', expect: 'anonymous', why: 'a withheld number' },
  ];
}
