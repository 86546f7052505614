import {
  type CallerState,
  CONDITION_KEYS,
  CONDITIONS,
  parseConditions,
} from '../../../lambda/domain/conditions';
import { ProfileConfigError } from '../../../lambda/domain/errors';
import type { CallerRecord } from '../../../lambda/domain/facts';

const NOW = Date.UTC(2026, 11, 1, 10);
const HOUR = 3_600_000;
const state = (record: CallerRecord | undefined, kind: CallerState['kind'] = 'public'): CallerState => ({
  kind,
  record,
  nowMs: NOW,
});

/** For each condition on the caller: a configured value, a caller it holds for, and one it does not. */
const ROWS: Record<
  Exclude<keyof typeof CONDITIONS, 'agentAvailable'>,
  [unknown, CallerState, CallerState]
> = {
  kind: ['internal', state({ calls: 0 }, 'internal'), state({ calls: 0 }, 'public')],
  known: [true, state({ calls: 0 }), state(undefined)],
  openInvoicesAtLeast: [2, state({ calls: 0, openInvoices: 2 }), state({ calls: 0, openInvoices: 1 })],
  hasTicketAgent: [true, state({ calls: 0, ticketAgent: '1003' }), state({ calls: 0 })],
  lastAgentWithin: [
    '2h',
    state({ calls: 0, lastAgent: '1004', lastAgentAt: NOW - HOUR }),
    state({ calls: 0, lastAgent: '1004', lastAgentAt: NOW - 3 * HOUR }),
  ],
  callsAtLeast: [3, state({ calls: 3 }), state({ calls: 2 })],
  lastCallWithin: [
    '15m',
    state({ calls: 1, lastCallAt: NOW - 60_000 }),
    state({ calls: 1, lastCallAt: NOW - HOUR }),
  ],
  hasTag: [['VIP', 'gold'], state({ calls: 0, tags: ['gold'] }), state({ calls: 0, tags: ['silver'] })],
  lacksTag: ['blocked', state({ calls: 0, tags: ['vip'] }), state({ calls: 0, tags: ['blocked'] })],
  attribute: [
    { language: ['de', 'de-AT'] },
    state({ calls: 0, attributes: { language: 'de-AT' } }),
    state({ calls: 0, attributes: { language: 'nl' } }),
  ],
};

describe('the conditions table', () => {
  it('has a row in this test for every condition on the caller', () => {
    expect([...Object.keys(ROWS), 'agentAvailable'].sort()).toEqual([...CONDITION_KEYS].sort());
  });

  it.each(Object.entries(ROWS))('%s holds for the caller it describes, and not for another', (key, row) => {
    const [configured, holding, failing] = row;
    const spec = CONDITIONS[key as keyof typeof ROWS] as {
      parse(value: unknown, where: string): unknown;
      holds(value: unknown, caller: CallerState): boolean;
    };
    const value = spec.parse(configured, 'rule');
    expect([spec.holds(value, holding), spec.holds(value, failing)]).toEqual([true, false]);
  });

  it('reads attribute names as names only: a key of Object.prototype holds for no caller', () => {
    const spec = CONDITIONS.attribute;
    for (const name of ['constructor', 'toString', 'hasOwnProperty', 'valueOf']) {
      const value = spec.parse(JSON.parse(`{"${name}": "*"}`), 'rule');
      expect([name, spec.holds(value, state({ calls: 0, attributes: { language: 'en' } }))]).toEqual([
        name,
        false,
      ]);
    }
    expect(() => spec.parse(JSON.parse('{"__proto__": "*"}'), 'rule')).toThrow(
      '"__proto__" is not an attribute name',
    );
  });

  it('passes an agent the roster marks away over, saying who and until when, and not one it does not', () => {
    const untilMs = NOW + 2 * HOUR;
    const roster = new Map([['1005', { available: false, untilMs }]]);
    const skips = (agent: string, field = 'lastAgent') =>
      CONDITIONS.agentAvailable.skips(true, { field, agent }, roster, NOW);
    expect(skips('1005')).toBe(`last agent 1005 unavailable until ${new Date(untilMs).toISOString()}`);
    expect(skips('1005', 'attributes.accountManager')).toBe(
      `the agent in attributes.accountManager unavailable until ${new Date(untilMs).toISOString()}`,
    );
    expect(skips('1003')).toBeUndefined();
    expect(
      CONDITIONS.agentAvailable.skips(true, { field: 'lastAgent', agent: '1005' }, roster, untilMs),
    ).toBe(undefined);
  });

  it.each<[string, unknown, string, string]>([
    ['an unknown key', { unpaid: 1 }, 'x', 'r: when: unknown condition "unpaid"; known: kind, known,'],
    ['a key of Object.prototype', { constructor: 1 }, 'x', 'r: when: unknown condition "constructor"'],
    ['a count of 0', { callsAtLeast: 0 }, 'x', 'r: callsAtLeast must be a whole number of at least 1, got 0'],
    ['a duration without a unit', { lastCallWithin: '15' }, 'x', 'r: lastCallWithin must be a duration'],
    ['a kind of anonymous', { kind: ['anonymous'] }, 'x', 'r: kind must be "public", "internal"'],
    [
      'agentAvailable on a plain answer',
      { agentAvailable: true },
      'sales',
      'r: agentAvailable needs an answer',
    ],
    ['a long key, cut short', { ['k'.repeat(500)]: 1 }, 'x', `unknown condition "${'k'.repeat(40)}…"`],
  ])('refuses %s, naming the rule and the key', (_name, when, answer, message) => {
    expect(() => parseConditions(when, answer, 'r')).toThrow(ProfileConfigError);
    expect(() => parseConditions(when, answer, 'r')).toThrow(message);
  });
});
