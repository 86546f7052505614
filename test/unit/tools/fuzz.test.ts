/**
 * Every input of `npm run callers`, fuzzed 5 000 times each: the file of an import (CSV and
 * JSON lines) and of a CDR report, the flags of `put` and `agent`, a number argument. Each is
 * read, or refused with one of the errors the CLI prints as one line; no message repeats a
 * whole number or more of a caller's text than the excerpt rule allows.
 */
import fc from 'fast-check';
import { callerKeyOfNumber, factsOf } from '../../../lambda/domain/caller-facts';
import { ValidationError } from '../../../lambda/domain/errors';
import { agentStatusOfFlags } from '../../../tools/callers/agent-commands';
import { putBodyOf } from '../../../tools/callers/caller-commands';
import { CliError } from '../../../tools/cli';
import { ImportFileError } from '../../../tools/csv';
import { planImport } from '../../../tools/import';
import { planCdr } from '../../../tools/learn-cdr';
import { leaksIn, stringsOf } from '../../support/leaks';

const RUNS = 5000;
const NOW = Date.UTC(2026, 11, 1, 12);
const PROTO = ['constructor', '__proto__', 'toString', 'hasOwnProperty', 'valueOf'];
const hostile = fc.oneof(
  fc.string(),
  fc.integer({ min: 50, max: 1500 }).map((length) => 'Klant 0612345678 '.repeat(length).slice(0, length)),
  fc.constantFrom(
    ...PROTO,
    '',
    '*****',
    'anonymous',
    '31612300020.0',
    '3.16123E+10',
    '0612300062a',
    '1/2/2026',
    'March 7',
  ),
  fc.constantFrom(
    '2026-11-20 10:00',
    '20-11-2026 10:00',
    '2026-09-31T10:00:00Z',
    '1e20',
    '"',
    '=cmd|x',
    '\u0000',
  ),
  fc.stringMatching(/^\+?[0-9()\-. ]{7,18}$/),
);
const cell = fc.oneof(hostile, fc.constantFrom('0612345678', '+31 20 123 4567', '1003', 'vip|gold', '3', ''));
const header = fc.oneof(
  fc.constantFrom(
    'number',
    'phone',
    'telefoon',
    'openInvoices',
    'ticketAgent',
    'lastAgent',
    'lastAgentAt',
    'name',
    'naam',
    'tags',
  ),
  fc.constantFrom('attributes.language', 'Datum', 'Tijd', 'Van', 'Naar', 'Duur', 'Status', 'from', 'to'),
  hostile,
);
const separator = fc.constantFrom(',', ';', '\t');
const csv = fc
  .tuple(
    separator,
    fc.array(header, { minLength: 1, maxLength: 7 }),
    fc.array(fc.array(cell, { maxLength: 8 }), { maxLength: 6 }),
  )
  .map(([sep, head, rows]) =>
    [head, ...rows].map((row) => row.join(sep)).join(fc.sample(fc.constantFrom('\n', '\r\n'), 1)[0]),
  );
const jsonLines = fc
  .array(
    fc.oneof(
      fc
        .dictionary(header, fc.oneof(cell, fc.jsonValue({ maxDepth: 3 })), { maxKeys: 6 })
        .map((row) => JSON.stringify(row)),
      hostile,
    ),
    {
      maxLength: 6,
    },
  )
  .map((lines) => lines.join('\n'));

/** Reads `input` with `read`, and says what the CLI would print that it must not, or how it broke. */
function problemsOf(read: () => unknown, input: unknown): string[] {
  try {
    const result = read();
    return leaksIn(JSON.stringify(messagesOf(result)), stringsOf(input));
  } catch (error) {
    const printed =
      error instanceof ValidationError || error instanceof ImportFileError || error instanceof CliError;
    if (!printed) return [`threw ${(error as Error).name}: ${(error as Error).message}`];
    return leaksIn((error as Error).message, stringsOf(input));
  }
}

/** What the CLI prints of a plan: the reasons it gives for rows it does not write. */
function messagesOf(result: unknown): unknown {
  const plan = result as { rejected?: unknown; bad?: unknown; ignoredColumns?: unknown };
  return [plan?.rejected, plan?.bad, plan?.ignoredColumns];
}

const fuzz = <T>(input: fc.Arbitrary<T>, read: (value: T) => unknown) => {
  const problems = new Set<string>();
  fc.assert(
    fc.property(input, (value) => {
      for (const problem of problemsOf(() => read(value), value)) problems.add(problem);
    }),
    { numRuns: RUNS },
  );
  return [...problems].slice(0, 10);
};

describe(`npm run callers, every input fuzzed ${RUNS} times`, () => {
  it('import of a CSV file', () => {
    expect(fuzz(csv, (text) => planImport(text, '31', NOW))).toEqual([]);
  });

  it('import of a file of JSON lines', () => {
    expect(fuzz(jsonLines, (text) => planImport(text, '31', NOW))).toEqual([]);
  });

  it('learn-cdr of a CDR report', () => {
    expect(fuzz(csv, (text) => planCdr(text, '31', NOW))).toEqual([]);
  });

  it('put with its flags', () => {
    const flags = fc.record(
      {
        openInvoices: cell,
        ticketAgent: cell,
        lastAgent: cell,
        lastAgentAt: hostile,
        name: hostile,
        tag: fc.array(hostile, { maxLength: 3 }),
        untag: fc.array(hostile, { maxLength: 2 }),
        attribute: fc.array(
          fc.tuple(fc.oneof(fc.constantFrom(...PROTO), hostile), hostile).map(([k, v]) => `${k}=${v}`),
          { maxLength: 3 },
        ),
      },
      { requiredKeys: [] },
    );
    expect(fuzz(flags, (value) => factsOf(putBodyOf(value), NOW))).toEqual([]);
  });

  it('agent with its flags', () => {
    const flags = fc.record(
      { available: fc.boolean(), unavailable: fc.boolean(), until: hostile, name: hostile },
      { requiredKeys: [] },
    );
    expect(fuzz(flags, agentStatusOfFlags)).toEqual([]);
  });

  it('a number argument (get, put, delete, explain)', () => {
    expect(fuzz(fc.oneof(hostile, cell), (number) => callerKeyOfNumber(number, 'NUMBER', '31'))).toEqual([]);
  });
});
