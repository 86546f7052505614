import {
  CLOSED_RECORD_DAYS,
  contributionOf,
  deriveFacts,
  type FactRecord,
  keptRecords,
  MAX_RECORDS_PER_CONTACT,
  replaces,
} from '../../../lambda/domain/records';

const NOW = Date.UTC(2026, 11, 1, 12);
const DAY = 86_400_000;
const invoice = (key: string, version: number, parts: Partial<FactRecord> = {}): FactRecord => ({
  kind: 'invoice',
  key,
  version,
  open: true,
  storedAtMs: NOW,
  ...parts,
});
const ticket = (key: string, atMs: number, agent?: string, parts: Partial<FactRecord> = {}): FactRecord => ({
  kind: 'ticket',
  key,
  version: atMs,
  atMs,
  open: true,
  storedAtMs: NOW,
  ...(agent ? { agent } : {}),
  ...parts,
});

describe('the version rule', () => {
  it.each([
    ['nothing held', invoice('1', 1), undefined, true],
    ['a newer version', invoice('1', 2), invoice('1', 1), true],
    ['an older version', invoice('1', 1), invoice('1', 2), false],
    ['the same version again', invoice('1', 2), invoice('1', 2), false],
    ['an update of the version a deletion had', invoice('1', 2), invoice('1', 2, { deleted: true }), false],
    ['a deletion of the version held', invoice('1', 2, { deleted: true }), invoice('1', 2), true],
    ['an open event older than a deletion', invoice('1', 1), invoice('1', 2, { deleted: true }), false],
    [
      'a reopened ticket after its solving',
      ticket('7', 3, '1003'),
      ticket('7', 2, '1003', { open: false }),
      true,
    ],
    [
      'a ticket of the same version whose assignee now leads to an agent',
      ticket('7', 2, '1003'),
      ticket('7', 2),
      true,
    ],
    ['a ticket of the same version, the same agent', ticket('7', 2, '1003'), ticket('7', 2, '1003'), false],
  ])('%s: replaces is %s', (_case, incoming, held, expected) => {
    expect(replaces(incoming, held)).toBe(expected);
  });
});

describe('what a contact keeps', () => {
  it(`forgets closed and deleted records ${CLOSED_RECORD_DAYS} days after they were stored, keeps open ones however old`, () => {
    const old = NOW - (CLOSED_RECORD_DAYS + 1) * DAY;
    const kept = keptRecords(
      [
        invoice('open-old', 1, { storedAtMs: old }),
        invoice('paid-old', 1, { open: false, storedAtMs: old }),
        invoice('deleted-old', 1, { deleted: true, storedAtMs: old }),
        invoice('paid-new', 1, { open: false, storedAtMs: NOW - DAY }),
      ],
      NOW,
    );
    expect(kept.map((record) => record.key)).toEqual(['open-old', 'paid-new']);
  });

  it(`keeps at most ${MAX_RECORDS_PER_CONTACT}: closed ones go first, then the open ones updated longest ago`, () => {
    const records = [
      ...Array.from({ length: 10 }, (_, index) => invoice(`paid-${index}`, 1, { open: false })),
      ...Array.from({ length: MAX_RECORDS_PER_CONTACT }, (_, index) =>
        ticket(`t-${index}`, NOW - index * 1000),
      ),
    ];
    const kept = keptRecords(records, NOW);
    expect(kept).toHaveLength(MAX_RECORDS_PER_CONTACT);
    expect(kept.every((record) => record.open)).toBe(true);
    // The newest open ticket, the one that routes, is always among them.
    expect(kept.some((record) => record.key === 't-0')).toBe(true);
  });
});

describe('a contribution and the facts derived from it', () => {
  const records = [
    invoice('1', 1),
    invoice('2', 1, { state: 'late' }),
    invoice('3', 1, { open: false, state: 'paid' }),
    invoice('4', 1, { deleted: true }),
    ticket('a', NOW - 2 * DAY, '1003'),
    ticket('b', NOW - DAY, undefined, { assignee: 'bob@acme.nl' }),
    ticket('c', NOW, '1005', { open: false }),
    { kind: 'attribute', key: 'accountManager', version: 5, value: '1007', storedAtMs: NOW },
    { kind: 'attribute', key: 'segment', version: 5, deleted: true, storedAtMs: NOW },
    { kind: 'tag', key: 'vip', version: 5, storedAtMs: NOW },
    { kind: 'tag', key: 'gone', version: 5, deleted: true, storedAtMs: NOW },
  ] satisfies FactRecord[];

  it('counts the unpaid invoices, names the newest open ticket (its agent unknown: none), keeps attributes and tags set', () => {
    expect(contributionOf('moneybird', 'c1', 9, records)).toEqual({
      source: 'moneybird',
      contact: 'c1',
      generation: 9,
      openInvoices: 2,
      ticket: { id: 'b', atMs: NOW - DAY, assignee: 'bob@acme.nl' },
      attributes: { accountManager: { value: '1007', version: 5 } },
      tags: ['vip'],
    });
  });

  const of = (source: string, parts: Partial<ReturnType<typeof contributionOf>>) => ({
    ...contributionOf(source, 'c', 1, []),
    ...parts,
  });

  it.each([
    ['nothing', {}, [], {}],
    [
      "a hand-written count and a source's add up",
      { openInvoices: 1 },
      [of('moneybird', { openInvoices: 2 })],
      { openInvoices: 3 },
    ],
    [
      'a contact gone from the number gives nothing',
      {},
      [of('moneybird', { openInvoices: 2, gone: true })],
      {},
    ],
    [
      'the newest open ticket of any source',
      {},
      [
        of('zendesk', { ticket: { id: '1', atMs: 10, agent: '1003' } }),
        of('other', { ticket: { id: '2', atMs: 20, agent: '1004' } }),
      ],
      { ticketAgent: '1004' },
    ],
    [
      'a hand-written ticket agent as recent as the newest ticket',
      { ticketAgent: '1009', ticketAgentAt: 20 },
      [of('zendesk', { ticket: { id: '1', atMs: 20, agent: '1003' } })],
      { ticketAgent: '1009' },
    ],
    [
      'a newer ticket over the hand-written agent, and its agent unknown: none',
      { ticketAgent: '1009', ticketAgentAt: 10 },
      [of('zendesk', { ticket: { id: '1', atMs: 20 } })],
      {},
    ],
    [
      "a source's attribute over a hand-written one, the newer of two sources",
      { attributes: { accountManager: '1001', language: 'nl' } },
      [
        of('hubspot', { attributes: { accountManager: { value: '1002', version: 5 } } }),
        of('pipedrive', { attributes: { accountManager: { value: '1003', version: 7 } } }),
      ],
      { attributes: { accountManager: '1003', language: 'nl' } },
    ],
    [
      'tags of every source together',
      { tags: ['b'] },
      [of('hubspot', { tags: ['a', 'b'] })],
      { tags: ['a', 'b'] },
    ],
  ])('%s', (_case, manual, contributions, expected) => {
    expect(deriveFacts(manual, contributions)).toEqual(expected);
  });
});
