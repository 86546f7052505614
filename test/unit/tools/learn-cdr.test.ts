import { ImportFileError } from '../../../tools/csv';
import { planCdr } from '../../../tools/learn-cdr';

const NOW = Date.UTC(2026, 10, 29, 12);
const header = 'Datum;Tijd;Van;Naar;Duur;Status';

describe('planCdr', () => {
  it('refuses a header row that names a field twice, naming both columns', () => {
    expect(() => planCdr(`Datum;Tijd;Van;From;Naar;Duur\n`, '31', NOW)).toThrow(ImportFileError);
    expect(() => planCdr(`Datum;Tijd;Van;From;Naar;Duur\n`, '31', NOW)).toThrow(
      'the header row names from twice, in columns "Van" and "From"',
    );
  });

  it('says what is wrong with a caller number without showing it', () => {
    const plan = planCdr(`${header}\n29-11-2026;09:12:03;0612300062a;1003;00:03:10;Beantwoord\n`, '31', NOW);

    expect(plan.bad).toEqual([
      {
        line: 2,
        reason:
          'from "061230****a" is not a phone number, extension or SIP account (write a SIP account as sip:061230****a)',
      },
    ]);
  });

  it('reads a number a spreadsheet turned into a decimal as that number', () => {
    const plan = planCdr(
      `${header}\n29-11-2026;09:12:03;31612300020.0;1003;00:03:10;Beantwoord\n`,
      '31',
      NOW,
    );
    expect(plan.reports.map((report) => report.callerKey)).toEqual(['31612300020']);
  });

  it('carries the later reading of a time of the hour the clocks show twice', () => {
    const plan = planCdr(`${header}\n25-10-2026;02:10:00;0612345678;1003;00:03:10;Beantwoord\n`, '31', NOW);
    expect(plan.reports[0]?.report).toMatchObject({
      atMs: Date.UTC(2026, 9, 25, 0, 10),
      latestAtMs: Date.UTC(2026, 9, 25, 1, 10),
    });
  });
});
