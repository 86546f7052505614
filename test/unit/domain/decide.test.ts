import type { Roster } from '../../../lambda/domain/availability';
import { decide, needsRoster } from '../../../lambda/domain/decide';
import type { CallerRecord } from '../../../lambda/domain/facts';
import { type Profile, parseProfiles, SHIPPED_PROFILES } from '../../../lambda/domain/profiles';

const DAY_MS = 86_400_000;
const nowMs = Date.UTC(2026, 10, 28, 12);
const defaultProfile = parseProfiles(SHIPPED_PROFILES).get('default') as Profile;

describe('decide with the shipped default profile', () => {
  it.each<[string, CallerRecord | undefined, string, string]>([
    ['unknown caller', undefined, 'default', 'rule:otherwise'],
    ['known caller without facts', { calls: 4 }, 'default', 'rule:otherwise'],
    ['unpaid invoices', { calls: 1, openInvoices: 2 }, 'finance', 'rule:unpaid-invoices'],
    ['zero invoices', { calls: 1, openInvoices: 0 }, 'default', 'rule:otherwise'],
    ['open ticket', { calls: 1, ticketAgent: '1003' }, '1003', 'rule:open-ticket'],
    [
      'invoices win over a ticket',
      { calls: 1, openInvoices: 1, ticketAgent: '1003', lastAgent: '1004', lastAgentAt: nowMs },
      'finance',
      'rule:unpaid-invoices',
    ],
    [
      'a ticket wins over the last agent',
      { calls: 1, ticketAgent: '1003', lastAgent: '1004', lastAgentAt: nowMs - DAY_MS },
      '1003',
      'rule:open-ticket',
    ],
    [
      'last agent yesterday',
      { calls: 1, lastAgent: '1004', lastAgentAt: nowMs - DAY_MS },
      '1004',
      'rule:recent-agent',
    ],
    [
      'last agent exactly 30 days ago',
      { calls: 1, lastAgent: '1004', lastAgentAt: nowMs - 30 * DAY_MS },
      '1004',
      'rule:recent-agent',
    ],
    [
      'last agent 30 days and a minute ago',
      { calls: 1, lastAgent: '1004', lastAgentAt: nowMs - 30 * DAY_MS - 60_000 },
      'default',
      'rule:otherwise',
    ],
    ['last agent without a time', { calls: 1, lastAgent: '1004' }, 'default', 'rule:otherwise'],
    [
      'a ticket agent that is not a token',
      { calls: 1, ticketAgent: 'Jan de Vries' },
      'default',
      'rule:otherwise',
    ],
  ])('%s', (_name, record, answer, reason) => {
    const rule = reason.slice('rule:'.length);
    expect(decide(defaultProfile, { kind: 'public', record, nowMs })).toEqual({ answer, reason, rule });
  });

  it('gives anonymous callers the anonymous answer without looking at rules', () => {
    expect(decide(defaultProfile, { kind: 'anonymous', record: undefined, nowMs })).toEqual({
      answer: 'anonymous',
      reason: 'anonymous',
    });
  });

  it('decides a GET, which names no caller, as an unknown caller', () => {
    expect(decide(defaultProfile, { kind: undefined, record: undefined, nowMs })).toEqual({
      answer: 'default',
      reason: 'rule:otherwise',
      rule: 'otherwise',
    });
  });
});

describe('decide with custom rules', () => {
  const profile = parseProfiles({
    default: SHIPPED_PROFILES.default,
    vip: {
      anonymous: 'hidden',
      fallback: 'queue',
      rules: [
        { name: 'colleague', when: { kind: 'internal' }, answer: 'internal' },
        { name: 'called-back', when: { callsAtLeast: 1, lastCallWithin: '15m' }, answer: 'priority' },
        { name: 'regular', when: { callsAtLeast: 5 }, answer: 'regular-{lastAgent}' },
        { name: 'new', when: { known: false }, answer: 'welcome' },
        { name: 'rest', answer: 'queue' },
      ],
    },
  }).get('vip') as Profile;

  it.each<[string, 'public' | 'internal', CallerRecord | undefined, string]>([
    ['an internal caller', 'internal', undefined, 'internal'],
    ['a second call within 15 minutes', 'public', { calls: 1, lastCallAt: nowMs - 14 * 60_000 }, 'priority'],
    ['a second call after 16 minutes', 'public', { calls: 1, lastCallAt: nowMs - 16 * 60_000 }, 'queue'],
    [
      'a regular with a last agent',
      'public',
      { calls: 5, lastAgent: '1007', lastAgentAt: 1 },
      'regular-1007',
    ],
    ['a regular without one skips the rule', 'public', { calls: 5 }, 'queue'],
    ['a first-time caller', 'public', undefined, 'welcome'],
  ])('%s', (_name, kind, record, answer) => {
    expect(decide(profile, { kind, record, nowMs }).answer).toBe(answer);
  });

  it('uses the profile anonymous answer', () => {
    expect(decide(profile, { kind: 'anonymous', record: undefined, nowMs }).answer).toBe('hidden');
  });
});

describe('needsRoster: only when the rule that would answer asks for an available agent', () => {
  const input = (record: CallerRecord | undefined, kind: 'public' | 'anonymous' = 'public') => ({
    kind,
    record,
    nowMs,
  });
  it.each<[string, ReturnType<typeof input>, boolean]>([
    ['an unknown caller', input(undefined), false],
    [
      'a caller with open invoices and a ticket agent (invoices answer first)',
      input({ calls: 1, openInvoices: 1, ticketAgent: '1003' }),
      false,
    ],
    ['a caller with a ticket agent', input({ calls: 1, ticketAgent: '1003' }), true],
    [
      'a caller whose last agent is recent',
      input({ calls: 1, lastAgent: '1004', lastAgentAt: nowMs - DAY_MS }),
      true,
    ],
    [
      'a caller whose last agent is too old',
      input({ calls: 1, lastAgent: '1004', lastAgentAt: nowMs - 40 * DAY_MS }),
      false,
    ],
    ['a ticket agent that is no answer token', input({ calls: 1, ticketAgent: 'Jan de Vries' }), false],
    ['an anonymous caller', input(undefined, 'anonymous'), false],
  ])('%s', (_name, given, expected) => {
    expect(needsRoster(defaultProfile, given)).toBe(expected);
  });
});

describe('decide with agent availability', () => {
  const withAgents = (record: CallerRecord, roster?: Roster) =>
    decide(defaultProfile, { kind: 'public', record, nowMs, roster });
  const lastAgent: CallerRecord = { calls: 1, lastAgent: '1004', lastAgentAt: nowMs - DAY_MS };
  const ticket: CallerRecord = {
    calls: 1,
    ticketAgent: '1003',
    lastAgent: '1004',
    lastAgentAt: nowMs - DAY_MS,
  };
  const until = nowMs + DAY_MS;

  it.each<[string, CallerRecord, Roster | undefined, string, string]>([
    ['an unknown roster counts the agent as available', lastAgent, undefined, '1004', 'rule:recent-agent'],
    ['an agent not in the roster is available', lastAgent, new Map(), '1004', 'rule:recent-agent'],
    [
      'an agent marked available',
      lastAgent,
      new Map([['1004', { available: true }]]),
      '1004',
      'rule:recent-agent',
    ],
    [
      'an agent away for good',
      lastAgent,
      new Map([['1004', { available: false }]]),
      'default',
      'rule:otherwise (recent-agent skipped: last agent 1004 unavailable)',
    ],
    [
      'an agent away until tomorrow',
      lastAgent,
      new Map([['1004', { available: false, untilMs: until }]]),
      'default',
      `rule:otherwise (recent-agent skipped: last agent 1004 unavailable until ${new Date(until).toISOString()})`,
    ],
    [
      'an absence that ended',
      lastAgent,
      new Map([['1004', { available: false, untilMs: nowMs - 1 }]]),
      '1004',
      'rule:recent-agent',
    ],
    [
      'an unavailable ticket agent falls through to the last agent',
      ticket,
      new Map([['1003', { available: false }]]),
      '1004',
      'rule:recent-agent (open-ticket skipped: ticket agent 1003 unavailable)',
    ],
  ])('%s', (_name, record, roster, answer, reason) => {
    expect(withAgents(record, roster)).toMatchObject({ answer, reason });
  });

  it('lists the rules it passed over', () => {
    const roster: Roster = new Map([
      ['1003', { available: false }],
      ['1004', { available: false }],
    ]);
    expect(withAgents(ticket, roster).skipped).toEqual([
      { rule: 'open-ticket', because: 'ticket agent 1003 unavailable' },
      { rule: 'recent-agent', because: 'last agent 1004 unavailable' },
    ]);
  });
});

describe('decide on tags and attributes', () => {
  const profiles = parseProfiles({
    default: SHIPPED_PROFILES.default,
    crm: {
      rules: [
        { name: 'blocked', when: { hasTag: 'blocked' }, answer: 'announcement' },
        { name: 'vip', when: { hasTag: ['VIP', 'gold'], lacksTag: 'payment-plan' }, answer: 'priority' },
        { name: 'english', when: { attribute: { language: 'en' } }, answer: 'queue-en' },
        { name: 'german', when: { attribute: { language: ['de', 'de-AT'] } }, answer: 'queue-de' },
        {
          name: 'manager',
          when: { attribute: { accountManager: '*' }, agentAvailable: true },
          answer: '{attributes.accountManager}',
        },
        { name: 'segment', when: { attribute: { segment: '*' } }, answer: 'segment-{attributes.segment}' },
        { name: 'rest', answer: 'queue' },
      ],
    },
  });
  const crm = profiles.get('crm') as Profile;
  const answer = (record: CallerRecord, roster?: Roster) =>
    decide(crm, { kind: 'public', record, nowMs, roster });

  it.each<[string, CallerRecord, string, string]>([
    ['a tag', { calls: 0, tags: ['blocked', 'vip'] }, 'announcement', 'rule:blocked'],
    ['any of a list of tags (written in any case)', { calls: 0, tags: ['gold'] }, 'priority', 'rule:vip'],
    [
      'a tag the rule says must be missing',
      { calls: 0, tags: ['vip', 'payment-plan'] },
      'queue',
      'rule:rest',
    ],
    ['no tags at all', { calls: 0 }, 'queue', 'rule:rest'],
    [
      'an attribute equal to the value',
      { calls: 0, attributes: { language: 'en' } },
      'queue-en',
      'rule:english',
    ],
    [
      'an attribute among the values',
      { calls: 0, attributes: { language: 'de-AT' } },
      'queue-de',
      'rule:german',
    ],
    ['an attribute of another value', { calls: 0, attributes: { language: 'fr' } }, 'queue', 'rule:rest'],
    [
      'an attribute inserted into the answer',
      { calls: 0, attributes: { accountManager: '1007' } },
      '1007',
      'rule:manager',
    ],
    [
      'an inserted attribute that is no token: the rule does not fire',
      { calls: 0, attributes: { accountManager: 'Jan de Vries' } },
      'queue',
      'rule:rest',
    ],
    [
      'an inserted attribute in a longer answer',
      { calls: 0, attributes: { segment: 'gold' } },
      'segment-gold',
      'rule:segment',
    ],
  ])('%s', (_name, record, expected, reason) => {
    expect(answer(record)).toMatchObject({ answer: expected, reason });
  });

  it('passes over an inserted agent who is away, naming the attribute but not its value', () => {
    const decision = answer(
      { calls: 0, attributes: { accountManager: '1007' } },
      new Map([['1007', { available: false }]]),
    );
    expect(decision).toMatchObject({
      answer: 'queue',
      reason: 'rule:rest (manager skipped: the agent in attributes.accountManager unavailable)',
    });
    expect(decision.reason).not.toContain('1007');
  });

  it('logs an answer that inserted an attribute as its template, not the value', () => {
    expect(answer({ calls: 0, attributes: { segment: 'gold' } }).logged).toBe('segment-{attributes.segment}');
    expect(answer({ calls: 0, tags: ['vip'] }).logged).toBeUndefined();
  });
});

describe('what the log line may show of an answer', () => {
  const profile = parseProfiles({
    default: {
      rules: [
        { name: 'ticket', when: { hasTicketAgent: true }, answer: '{ticketAgent}' },
        { name: 'rest', answer: 'default' },
      ],
    },
  }).get('default') as Profile;
  const decideFor = (ticketAgent: string) =>
    decide(profile, { kind: 'public', record: { calls: 1, ticketAgent }, nowMs: Date.now() });

  it('keeps an agent that is a phone number out of it, answering it all the same', () => {
    expect(decideFor('+31687654321')).toMatchObject({ answer: '+31687654321', logged: '{ticketAgent}' });
  });

  it('shows an extension as it is', () => {
    expect(decideFor('1003')).toEqual(expect.not.objectContaining({ logged: expect.anything() }));
  });
});
