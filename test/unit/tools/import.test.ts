import fc from 'fast-check';
import { readCsv } from '../../../tools/csv';
import { exportLines } from '../../../tools/export';
import { ImportFileError, planImport } from '../../../tools/import';

const nowMs = Date.now();

describe('planImport', () => {
  it('reads every number notation a Dutch CRM holds as one caller each', () => {
    const csv = [
      'number,openInvoices,ticketAgent,lastAgent,name',
      '+31 6 12345678,1,,,Eén',
      '06-22345678,,1003,,',
      '0031632345678,,,1004,',
      '31642345678,0,,,',
      '(015) 202 6057,2,,,"Smit, Jansen & Co"',
      '1003,,,,Reception',
    ].join('\n');
    const plan = planImport(csv, '31', nowMs);
    expect(plan.rejected).toEqual([]);
    expect(plan.rows.map((row) => [row.line, row.callerKey])).toEqual([
      [2, '31612345678'],
      [3, '31622345678'],
      [4, '31632345678'],
      [5, '31642345678'],
      [6, '31152026057'],
      [7, 'ext:1003'],
    ]);
    expect(plan.rows[0]?.facts).toEqual({ openInvoices: 1, ticketAgent: null, lastAgent: null, name: 'Eén' });
    expect(plan.rows[2]?.facts).toEqual({
      openInvoices: null,
      ticketAgent: null,
      lastAgent: '1004',
      name: null,
    });
    expect(plan.rows[4]?.facts).toMatchObject({ openInvoices: 2, name: 'Smit, Jansen & Co' });
  });

  it('rejects bad rows with their line and reason, keeping the good ones', () => {
    const csv = [
      'Telefoon;Open_Invoices;Ticket_Agent;Segment',
      '0612345678;3;;gold',
      'not a number;1;;',
      ';1;;',
      '0612345679;many;;',
      '0612345680;1;Jan Smit;',
      'anonymous;;;',
      '0612345681;1;;;extra',
      '0612345682;;1005;',
    ].join('\r\n');
    const plan = planImport(csv, '31', nowMs);
    expect(plan.rows.map((row) => row.line)).toEqual([2, 9]);
    expect(plan.rejected).toEqual([
      { line: 3, reason: 'number "not a number" is not a phone number, extension or SIP account' },
      { line: 4, reason: 'number is empty' },
      { line: 5, reason: expect.stringContaining('openInvoices must be a whole number') },
      { line: 6, reason: expect.stringContaining('ticketAgent must be an agent token') },
      { line: 7, reason: 'number "anonymous" is anonymous' },
      { line: 8, reason: 'has 5 cells, the header 4' },
    ]);
    expect(plan.ignoredColumns).toEqual(['Segment']);
  });

  it('reports the second notation of one caller as a duplicate', () => {
    const plan = planImport(
      'number,ticketAgent\n0612345678,1003\n+31612345678,1004\n06 12345678,1005\n',
      '31',
      nowMs,
    );
    expect(plan.rows).toHaveLength(1);
    expect(plan.duplicates).toEqual([
      { line: 3, firstLine: 2 },
      { line: 4, firstLine: 2 },
    ]);
  });

  it('reads JSON lines', () => {
    const lines = [
      '{"number":"0612345678","openInvoices":2,"crmId":7}',
      '',
      '{"caller_number":"0622345678","ticketAgent":"1003"}',
      '{"number":"0632345678",',
      '[1]',
    ].join('\n');
    const plan = planImport(lines, '31', nowMs);
    expect(plan.rows.map((row) => [row.line, row.callerKey, row.facts])).toEqual([
      [1, '31612345678', { openInvoices: 2 }],
      [3, '31622345678', { ticketAgent: '1003' }],
    ]);
    expect(plan.rejected.map((row) => row.line)).toEqual([4, 5]);
    expect(plan.ignoredColumns).toEqual(['crmId']);
  });

  it('refuses a file without a number column', () => {
    expect(() => planImport('name,openInvoices\nX,1\n', '31', nowMs)).toThrow(ImportFileError);
    expect(() => planImport('', '31', nowMs)).toThrow('the file is empty');
  });

  it('parses quoted cells with delimiters, quotes and newlines', () => {
    expect(readCsv('a,b\n"x, ""y""","multi\nline"\nlast,')).toEqual([
      { line: 1, cells: ['a', 'b'] },
      { line: 2, cells: ['x, "y"', 'multi\nline'] },
      { line: 4, cells: ['last', ''] },
    ]);
  });
});

describe('planImport refuses a broken file as a whole, with the line', () => {
  it('an unterminated quote, instead of a cell that swallows the rest of the file', () => {
    const csv =
      'number,name,openInvoices\n+31612000001,"Jansen,12\n+31612000002,Smit,1\n+31612000003,Visser,2\n';
    expect(() => planImport(csv, '31', nowMs)).toThrow(ImportFileError);
    expect(() => planImport(csv, '31', nowMs)).toThrow(
      /^line 2: a quoted cell starts here and is never closed/,
    );
  });

  it('a stray quote in a cell', () => {
    expect(() => planImport('number,name\n0612345678,"Jan"sen\n', '31', nowMs)).toThrow(
      /^line 2: Invalid Closing Quote/,
    );
  });
});

describe('planImport with what Excel and CRMs write', () => {
  it('reads separators, and CR, LF or CRLF line ends alike', () => {
    for (const [separator, end] of [
      [';', '\r\n'],
      ['\t', '\n'],
      [',', '\r'],
    ]) {
      const plan = planImport(
        ['number', 'name'].join(separator) + end + ['0612345678', 'Café Zoë'].join(separator),
        '31',
        nowMs,
      );
      expect(plan.rows).toEqual([{ line: 2, callerKey: '31612345678', facts: { name: 'Café Zoë' } }]);
    }
  });

  it('rejects a number that lost its leading zero, with its line and a hint, never storing it', () => {
    const plan = planImport(
      'telefoon;naam\n612345678;Jansen\n31612345679;Smit\n0612345670;Visser\n',
      '31',
      nowMs,
    );
    expect(plan.rows.map((row) => row.callerKey)).toEqual(['31612345679', '31612345670']);
    expect(plan.rejected).toEqual([
      {
        line: 2,
        reason: expect.stringMatching(
          /^number "61234\*\*\*\*" has lost its leading zero \(did you mean it with a 0 in front\?\): Excel drops leading zeros/,
        ),
      },
    ]);
  });

  it('rejects secret (*****) and anonymous numbers: they are never stored', () => {
    const plan = planImport('number,name\n*****,X\nanonymous,Y\n', '31', nowMs);
    expect(plan.rejected).toEqual([
      { line: 2, reason: 'number "*****" is a secret number (never stored)' },
      { line: 3, reason: 'number "anonymous" is anonymous' },
    ]);
  });

  it.each(['Infinity', '1e5', '0x1F', 'null', '-1', 'alice'])(
    'rejects the bare word %j, as the webhook and the admin API do',
    (word) => {
      const plan = planImport(`number\n${word}\n`, '31', nowMs);
      expect(plan.rejected).toEqual([{ line: 2, reason: expect.stringContaining('is not a phone number') }]);
    },
  );

  it('masks the digits of a rejected number as the logs do', () => {
    const plan = planImport('number\n+31 6 1234 5678 9012 34\n', '31', nowMs);
    expect(plan.rejected[0]?.reason).toContain('"+31 6 1234 5678 90** **" has 17 digits');
  });

  it('reads a JSON number as a number, and refuses counts that are not plain digits', () => {
    const lines = [
      '{"number": 31612000041}',
      '{"number": "0612000042", "openInvoices": "0x10"}',
      '{"number": "0612000043", "openInvoices": " 1e3"}',
      '{"number": "0612000044", "openInvoices": "12"}',
    ].join('\n');
    const plan = planImport(lines, '31', nowMs);
    expect(plan.rows.map((row) => [row.line, row.callerKey, row.facts])).toEqual([
      [1, '31612000041', {}],
      [4, '31612000044', { openInvoices: 12 }],
    ]);
    expect(plan.rejected.map((row) => [row.line, row.reason])).toEqual([
      [2, expect.stringContaining('openInvoices must be a whole number')],
      [3, expect.stringContaining('openInvoices must be a whole number')],
    ]);
  });

  it('takes columns named constructor or __proto__ as unknown columns', () => {
    const csv = planImport('number,constructor,__proto__,toString\n0612345678,a,b,c\n', '31', nowMs);
    const json = planImport('{"number":"0612345679","constructor":1,"__proto__":{"x":1}}\n', '31', nowMs);
    expect([csv.rows.length, json.rows.length, csv.rejected, json.rejected]).toEqual([1, 1, [], []]);
    expect(csv.ignoredColumns).toEqual(['constructor', '__proto__', 'toString']);
  });
});

describe('export, then import', () => {
  const agent = fc.stringMatching(/^[A-Za-z0-9_.:+@-]{1,64}$/);
  const attributeValue = fc
    .string({ minLength: 1, maxLength: 64 })
    .filter((value) => value.trim() !== '' && [...value].every((char) => char >= ' '));
  const record = fc.record(
    {
      key: fc.oneof(
        fc.integer({ min: 100_000_000, max: 999_999_999 }).map((n) => `31${n}`),
        fc.integer({ min: 1, max: 999_999 }).map((n) => `ext:${n}`),
        fc.stringMatching(/^[a-z][a-z0-9._-]{0,20}$/).map((user) => `sip:${user}`),
      ),
      openInvoices: fc.integer({ min: 0, max: 1_000_000 }),
      ticketAgent: agent,
      lastAgent: agent,
      lastAgentAt: fc.integer({ min: 978_307_200_000, max: nowMs }),
      name: fc
        .string({ minLength: 1, maxLength: 128, unit: 'grapheme' })
        .filter((name) => name.trim() !== ''),
      tags: fc.uniqueArray(fc.stringMatching(/^[a-z0-9][a-z0-9_.:-]{0,31}$/), {
        minLength: 1,
        maxLength: 20,
      }),
      attributes: fc.dictionary(fc.stringMatching(/^[a-zA-Z][a-zA-Z0-9_]{0,31}$/), attributeValue, {
        minKeys: 1,
        maxKeys: 20,
      }),
    },
    { requiredKeys: ['key'] },
  );

  it('is the identity for arbitrary callers, tags, attributes, quotes, line ends and would-be formulas', () => {
    fc.assert(
      fc.property(fc.uniqueArray(record, { selector: (caller) => caller.key, maxLength: 12 }), (callers) => {
        // Prepare
        const stored = callers.map(({ key, lastAgentAt, lastAgent, tags, ...facts }) => ({
          ...facts,
          ...(lastAgent ? { lastAgent, lastAgentAt: lastAgentAt ?? nowMs } : {}),
          ...(tags ? { tags: [...tags].sort() } : {}),
          comId: 'acme',
          callerKey: key,
          calls: 0,
          expiresAt: 0,
        }));
        const exported = stored.map(({ callerKey, calls, ...manual }) => ({ callerKey, calls, manual }));
        const names = [...new Set(stored.flatMap((caller) => Object.keys(caller.attributes ?? {})))];

        // Act
        const plan = planImport(exportLines(exported).join('\n'), '31', nowMs);

        // Assess: every fact back (an absent one as its removal), every attribute column for everyone.
        expect(plan.rejected).toEqual([]);
        const nulls = { openInvoices: null, ticketAgent: null, lastAgent: null, name: null };
        expect(plan.rows.map((row) => [row.callerKey, row.facts])).toEqual(
          stored.map(({ comId, callerKey, calls, expiresAt, tags, attributes, ...facts }) => [
            callerKey,
            {
              ...nulls,
              ...facts,
              tags: { set: tags ?? [] },
              ...(names.length > 0
                ? { attributes: Object.fromEntries(names.map((name) => [name, attributes?.[name] ?? null])) }
                : {}),
            },
          ]),
        );
      }),
      { numRuns: 300 },
    );
  });

  it('writes would-be formulas as text a spreadsheet does not run', () => {
    const [header, line] = exportLines([
      { callerKey: '31612345678', calls: 1, manual: { name: '=HYPERLINK("x")', tags: ['vip'] } },
    ]);
    expect(line).toBe('+31612345678,,,,,,"\'=HYPERLINK(""x"")",1,,vip');
    expect(readCsv(`${header}\n${line}`)[1]?.cells[6]).toBe('\'=HYPERLINK("x")');
  });
});

describe('planImport with tags and attributes', () => {
  it('reads a tags column (| or space between tags) and the attribute columns it is told of', () => {
    const csv = 'number;tags;Taal;accountmanager;segment\n0612345678;VIP | gold;en;1007;x\n0612345679;;;;\n';
    const plan = planImport(csv, '31', nowMs, { attributes: ['language=Taal', 'accountManager'] });
    expect(plan.rows.map((row) => row.facts)).toEqual([
      { tags: { set: ['vip', 'gold'] }, attributes: { language: 'en', accountManager: '1007' } },
      { tags: { set: [] }, attributes: { language: null, accountManager: null } },
    ]);
    expect(plan.ignoredColumns).toEqual(['segment']);
  });

  it('refuses an attribute column the header does not have', () => {
    expect(() =>
      planImport('number,Taal\n0612345678,en\n', '31', nowMs, { attributes: ['language'] }),
    ).toThrow('--attributes names the column language, which the header row does not have');
  });

  it.each<[string, string, string]>([
    [
      '21 tags',
      `number,tags\n0612345678,${Array.from({ length: 21 }, (_, i) => `t${i}`).join('|')}`,
      'tags holds 21 tags',
    ],
    ['a tag with a comma', 'number,tags\n0612345678,"a,b"', 'tags holds "a,b"'],
    [
      'an attribute value of 65 characters',
      `number,attributes.note\n0612345678,${'x'.repeat(65)}`,
      'attributes.note must be a text',
    ],
  ])('rejects a row with %s, naming the field', (_name, csv, reason) => {
    expect(planImport(csv, '31', nowMs).rejected).toEqual([
      { line: 2, reason: expect.stringContaining(reason) },
    ]);
  });

  it('reads tags and attributes from JSON lines', () => {
    const plan = planImport(
      '{"number":"0612345678","tags":"vip gold","attributes":{"language":"en"}}\n',
      '31',
      nowMs,
    );
    expect(plan.rows[0]?.facts).toEqual({ tags: { set: ['vip', 'gold'] }, attributes: { language: 'en' } });
  });
});

describe('planImport holds at every door the attack tried', () => {
  const NOW = Date.UTC(2026, 11, 1, 12);

  it('refuses a header row that names the number twice, naming both columns', () => {
    expect(() => planImport('number,phone,name\n0612345678,0612345679,X\n', '31', NOW)).toThrow(
      'the header row names number twice, in columns "number" and "phone"',
    );
    expect(() => planImport('name;Naam;number\nA;B;0612345678\n', '31', NOW)).toThrow(ImportFileError);
  });

  it('rejects a line of JSON nested beyond reason with its line, and imports the others', () => {
    const deep = `{"number":"0612345678","tags":{"add":${'['.repeat(5000)}${']'.repeat(5000)}}}`;
    const plan = planImport(
      `{"number":"0612345670","name":"A"}\n${deep}\n{"number":"0612345671","name":"B"}\n`,
      '31',
      NOW,
    );

    expect(plan.rows.map((row) => row.line)).toEqual([1, 3]);
    expect(plan.rejected).toEqual([
      { line: 2, reason: expect.stringContaining('JSON nests deeper than 32 levels') },
    ]);
  });

  it('rejects a JSON line that gives the number under two keys', () => {
    const plan = planImport('{"number":"0612345678","phone":"0612345679"}\n', '31', NOW);
    expect(plan.rejected).toEqual([{ line: 1, reason: 'two keys give the number: keep one of them' }]);
  });

  it('reads a number a spreadsheet turned into a decimal as that number, in CSV and JSON lines', () => {
    const csv = planImport('number,name\n31612300020.0,A\n', '31', NOW);
    const lines = planImport('{"number":"31612300021.0","name":"B"}\n', '31', NOW);

    expect([csv.rows[0]?.callerKey, lines.rows[0]?.callerKey]).toEqual(['31612300020', '31612300021']);
  });

  it.each(['UTC', 'Europe/Amsterdam', 'America/New_York'])(
    'reads lastAgentAt as Amsterdam time when this machine runs in %s',
    (zone) => {
      const saved = process.env.TZ;
      process.env.TZ = zone;
      try {
        const plan = planImport(
          'number,lastAgent,lastAgentAt\n0612345678,1004,2026-11-20 10:00\n',
          '31',
          NOW,
        );
        expect(plan.rows[0]?.facts.lastAgentAt).toBe(Date.UTC(2026, 10, 20, 9));
      } finally {
        process.env.TZ = saved;
      }
    },
  );

  it.each([
    ['1/2/2026', 'is ambiguous'],
    ['March 7', 'lastAgentAt must be a time'],
    ['Foo 12', 'lastAgentAt must be a time'],
  ])('rejects lastAgentAt %j, naming the forms it takes', (at, reason) => {
    const plan = planImport(`number,lastAgent,lastAgentAt\n0612345678,1004,${at}\n`, '31', NOW);
    expect(plan.rejected).toEqual([{ line: 2, reason: expect.stringContaining(reason) }]);
  });
});
