import {
  applyCrmData,
  attributeChanges,
  CRM_DATA_LIMITS,
  callerKeyOfNumber,
  factsOf,
  tagChange,
  withFactTimes,
} from '../../../lambda/domain/caller-facts';
import { ValidationError } from '../../../lambda/domain/errors';

const NOW = Date.UTC(2026, 11, 1, 10);

describe('factsOf', () => {
  it.each<[string, Record<string, unknown>, Record<string, unknown>]>([
    ['a count', { openInvoices: 2 }, { openInvoices: 2 }],
    ['a count written as text (a CSV cell, a flag)', { openInvoices: '3' }, { openInvoices: 3 }],
    ['a removed fact', { openInvoices: null, ticketAgent: null }, { openInvoices: null, ticketAgent: null }],
    ['an agent', { ticketAgent: '1003' }, { ticketAgent: '1003' }],
    [
      'a last agent with its time in epoch ms',
      { lastAgent: '1004', lastAgentAt: NOW - 1000 },
      { lastAgent: '1004', lastAgentAt: NOW - 1000 },
    ],
    [
      'a last agent with an ISO time',
      { lastAgent: '1004', lastAgentAt: '2026-11-30T09:00:00Z' },
      { lastAgent: '1004', lastAgentAt: Date.UTC(2026, 10, 30, 9) },
    ],
    ['a name', { name: 'Jansen BV' }, { name: 'Jansen BV' }],
    [
      'tags to add and remove',
      { tags: { add: ['VIP'], remove: ['old'] } },
      { tags: { add: ['vip'], remove: ['old'] } },
    ],
    ['every tag', { tags: ['b', 'a', 'b'] }, { tags: { set: ['b', 'a'] } }],
    [
      'attributes',
      { attributes: { language: 'en', segment: null } },
      { attributes: { language: 'en', segment: null } },
    ],
  ])('reads %s', (_name, body, facts) => {
    expect(factsOf(body, NOW)).toEqual(facts);
  });

  it.each<[string, Record<string, unknown>, string]>([
    [
      'a negative count',
      { openInvoices: -1 },
      'field openInvoices must be a whole number from 0, or null to remove it',
    ],
    ['a fractional count', { openInvoices: 1.5 }, 'field openInvoices must be a whole number from 0'],
    ['an agent with a space', { ticketAgent: 'an agent' }, 'field ticketAgent must be an agent token'],
    ['a time without its agent', { lastAgentAt: NOW }, 'field lastAgentAt needs lastAgent'],
    [
      'a time in seconds',
      { lastAgent: '1004', lastAgentAt: 'yesterday' },
      'field lastAgentAt must be a time',
    ],
    [
      'a time an hour ahead',
      { lastAgent: '1004', lastAgentAt: NOW + 3_600_000 },
      'field lastAgentAt is 60 minutes ahead',
    ],
    ['a blank name', { name: '   ' }, 'field name must be a string of 1 to 128 characters, not blank'],
    ['an unknown field', { unpaid: 1 }, 'unknown field unpaid; known: com_id, openInvoices'],
    ['a tag with a space', { tags: ['big spender'] }, 'field tags holds "big spender"'],
    [
      'an attribute without a value',
      { attributes: { language: '' } },
      'field attributes.language must be a text',
    ],
  ])('refuses %s, naming the field', (_name, body, message) => {
    expect(() => factsOf(body, NOW)).toThrow(ValidationError);
    expect(() => factsOf(body, NOW)).toThrow(message);
  });

  it('quotes a long unknown field only as a short excerpt', () => {
    expect(() => factsOf({ ['x'.repeat(10_000)]: 1 }, NOW)).toThrow(`unknown field ${'x'.repeat(40)}…;`);
  });
});

describe('tags and attributes within their limits', () => {
  it('refuses more tags or attributes than a caller may hold, counting the result', () => {
    const tags = Array.from({ length: CRM_DATA_LIMITS.tags }, (_, i) => `t${i}`);
    expect(() => tagChange([...tags, 'one-more'])).toThrow(`holds 21 tags; at most ${CRM_DATA_LIMITS.tags}`);
    expect(() => applyCrmData({ tags }, { tags: { add: ['one-more'], remove: [] } })).toThrow(
      `field tags would be 21 tags; at most ${CRM_DATA_LIMITS.tags}`,
    );
    const attributes = Object.fromEntries(tags.map((tag) => [`a${tag}`, 'x']));
    expect(() => attributeChanges({ ...attributes, extra: 'x' })).toThrow('sets 21 attributes; at most 20');
    expect(() => applyCrmData({ attributes }, { attributes: { extra: 'x' } })).toThrow(
      'would be 21 attributes',
    );
  });

  it('applies a change: tags added and removed, attributes set and removed, every one removed by null', () => {
    const current = { tags: ['a', 'b'], attributes: { language: 'nl', segment: 'gold' } };
    expect(
      applyCrmData(current, {
        tags: { add: ['c'], remove: ['a'] },
        attributes: { segment: null, team: 'x' },
      }),
    ).toEqual({
      tags: ['b', 'c'],
      attributes: { language: 'nl', team: 'x' },
    });
    expect(applyCrmData(current, { attributes: null })).toEqual({ tags: ['a', 'b'], attributes: {} });
  });
});

describe('withFactTimes', () => {
  it('gives a last agent without a time the time of the write, and removes the time with the agent', () => {
    expect(withFactTimes({ lastAgent: '1004' }, NOW)).toEqual({ lastAgent: '1004', lastAgentAt: NOW });
    expect(withFactTimes({ lastAgent: null }, NOW)).toEqual({ lastAgent: null, lastAgentAt: null });
    expect(withFactTimes({ lastAgent: '1004', lastAgentAt: 5 }, NOW)).toEqual({
      lastAgent: '1004',
      lastAgentAt: 5,
    });
  });
});

describe('callerKeyOfNumber', () => {
  it('stores a number under the key the webhook looks it up by, and refuses what cannot be stored', () => {
    expect(callerKeyOfNumber('+31 (0)20-123 45 67', 'number', '31')).toBe('31201234567');
    expect(() => callerKeyOfNumber('*****', 'number', '31')).toThrow('field number is anonymous');
    expect(() => callerKeyOfNumber('', 'number', '31')).toThrow('field number is required');
  });
});

describe('withFactTimes for a ticket agent', () => {
  it('dates a ticket agent written by hand now, so a connector’s newer ticket outranks it later', () => {
    expect(withFactTimes({ ticketAgent: '1003' }, NOW)).toEqual({ ticketAgent: '1003', ticketAgentAt: NOW });
    expect(withFactTimes({ ticketAgent: null }, NOW)).toEqual({ ticketAgent: null, ticketAgentAt: null });
  });
});
