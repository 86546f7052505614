import { InvalidNumberError, maskCallerKey, normalizeCaller } from '../lambda/numbers';

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
    ['alice.smith', 'sip:alice.smith'],
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
  ])('treats %j as anonymous', (raw) => {
    expect(normalizeCaller(raw, '31')).toEqual({ kind: 'anonymous' });
  });

  it.each([
    ['012', 'digits'],
    ['+31', 'digits'],
    ['0000000000', 'digits'],
    ['1234567890123456', 'digits'],
    ['31 61+2345678', 'phone number'],
    ['hello world', 'phone number'],
    ['<script>', 'phone number'],
    ['sip:b c@x', 'SIP account'],
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
