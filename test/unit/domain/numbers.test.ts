import fc from 'fast-check';
import {
  displayNumber,
  InvalidNumberError,
  maskCallerKey,
  normalizeCaller,
} from '../../../lambda/domain/numbers';

describe('normalizeCaller', () => {
  it.each([
    ['31152026057', '31152026057'],
    ['+31152026057', '31152026057'],
    ['0031152026057', '31152026057'],
    ['0152026057', '31152026057'],
    ['(015) 202 6057', '31152026057'],
    ['+31 (0)15 202 6057', '31152026057'],
    ['+31 6 12345678', '31612345678'],
    ['06-12345678', '31612345678'],
    ['0031612345678', '31612345678'],
    ['31612345678', '31612345678'],
    [' 06.1234.5678 ', '31612345678'],
    ['+32 2 555 12 12', '3225551212'],
    ['sip:0612345678@pbx.example', '31612345678'],
  ])('treats %j as the public number %s', (raw, key) => {
    expect(normalizeCaller(raw, '31')).toEqual({ kind: 'public', key });
  });

  it('puts the configured country code in front of national numbers', () => {
    expect(normalizeCaller('022 555 1212', '32')).toEqual({ kind: 'public', key: '32225551212' });
  });

  it.each([
    ['1003', 'ext:1003'],
    ['12', 'ext:12'],
    ['sip:1003@company.pbx', 'ext:1003'],
    ['sip:alice.smith', 'sip:alice.smith'],
    ['sip:Alice@pbx', 'sip:alice'],
  ])('treats %j as the internal caller %s', (raw, key) => {
    expect(normalizeCaller(raw, '31')).toEqual({ kind: 'internal', key });
  });

  it.each([
    '',
    '   ',
    'anonymous',
    'Anonymous',
    'unknown',
    'withheld',
    'private',
    'sip:anonymous@anonymous.invalid',
    '*****',
    '***',
    'sip:*****@pbx',
  ])('treats %j as anonymous', (raw) => {
    expect(normalizeCaller(raw, '31')).toEqual({ kind: 'anonymous' });
  });

  it.each([
    ['012', 'digits'],
    ['(', 'no digits'],
    ['- -', 'no digits'],
    ['sip:(', 'no digits'],
    ['+31', 'digits'],
    ['0000000000', 'digits'],
    ['1234567890123456', 'digits'],
    ['31 61+2345678', 'phone number'],
    ['hello world', 'phone number'],
    ['<script>', 'phone number'],
    ['sip:b c@x', 'SIP account'],
    // One policy for every door: a bare word is no number, a SIP account is written sip:user.
    ['alice.smith', 'write a SIP account as sip:alice.smith'],
    ['Infinity', 'not a phone number, extension or SIP account'],
    ['null', 'not a phone number, extension or SIP account'],
    ['1e5', 'not a phone number'],
    ['0x1F', 'not a phone number'],
    ['-1', 'not a phone number'],
    ['.5', 'not a phone number'],
  ])('rejects %j, naming its %s', (raw, hint) => {
    expect(() => normalizeCaller(raw, '31')).toThrow(InvalidNumberError);
    expect(() => normalizeCaller(raw, '31')).toThrow(hint);
  });
});

describe('maskCallerKey', () => {
  it.each([
    ['31152026057', '3115202****'],
    ['31612345678', '3161234****'],
    ['ext:1003', 'ext:1***'],
    ['sip:alice', 'sip:a****'],
  ])('masks %s as %s', (key, masked) => {
    expect(maskCallerKey(key)).toBe(masked);
  });
});

describe('normalizeCaller on any text', () => {
  const numberish = fc.oneof(
    fc.string(),
    fc.stringMatching(/^(sips?:)?\+?[0-9()\-. ]{0,20}(@[a-z.]{0,10})?$/),
    fc.stringMatching(/^[a-z0-9._-]{1,12}$/),
  );

  it('gives a non-empty key that masks and reads back as itself, or says what is wrong', () => {
    fc.assert(
      fc.property(numberish, (raw) => {
        let caller: ReturnType<typeof normalizeCaller>;
        try {
          caller = normalizeCaller(raw, '31');
        } catch (error) {
          expect(error).toBeInstanceOf(InvalidNumberError);
          return;
        }
        if (caller.kind === 'anonymous') return;
        expect(caller.key.length).toBeGreaterThan(0);
        expect(maskCallerKey(caller.key)).toContain('*');
        expect(normalizeCaller(displayNumber(caller.key), '31')).toEqual(caller);
      }),
      { numRuns: 20_000 },
    );
  });
});

describe('numbers a spreadsheet rewrote', () => {
  it.each([
    ['31612300020.0', '31612300020'],
    ['+31612300020.00', '31612300020'],
    ['0612300020.0', '31612300020'],
  ])('reads %j, a number turned into a decimal, as the number', (raw, key) => {
    expect(normalizeCaller(raw, '31')).toEqual({ kind: 'public', key });
  });

  it.each(['3.16123E+10', '3,16123E+10', '6.12E8'])(
    'refuses %j, a number in scientific notation, with a hint',
    (raw) => {
      expect(() => normalizeCaller(raw, '31')).toThrow('scientific notation');
    },
  );

  it('hints at a SIP account without showing the number it was given', () => {
    expect(() => normalizeCaller('0612300062a', '31')).toThrow('(write a SIP account as sip:061230****a)');
  });
});
