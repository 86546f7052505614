import { BUILTIN_CONNECTORS } from '../../../lambda/connectors/builtin';
import { connectorDeclarations } from '../../../lambda/connectors/config';
import { parseConnector } from '../../../lambda/connectors/declaration';

const valid = {
  name: 'shop',
  auth: { scheme: 'hmac', header: 'X-Shop-Signature', algorithm: 'sha256', encoding: 'hex' },
  kind: 'topic',
  rules: [
    {
      when: "topic == 'customer.deleted'",
      contact: 'id',
      phones: '`[]`',
      forgetContact: true,
      contactVersion: '$signedAt',
    },
    { contact: 'id', phones: 'phone', attributes: { segment: 'segment' }, tags: [{ tag: 'vip', on: 'vip' }] },
  ],
};

describe('a connector declaration', () => {
  it.each(BUILTIN_CONNECTORS.map((connector) => [connector.name, connector]))(
    'the shipped %s passes its own validation',
    (_name, connector) => {
      expect(parseConnector(JSON.parse(JSON.stringify(connector)))).toEqual(connector);
    },
  );

  it('a configured one is read, its header name in lower case', () => {
    expect(parseConnector(valid).auth).toMatchObject({ header: 'x-shop-signature' });
  });

  const rule = (change: object) => ({ ...valid, rules: [{ ...valid.rules[1], ...change }] });
  it.each([
    ['no name', { ...valid, name: 'Shop!' }, 'connector: name must be 2-24 of a-z, 0-9 and -'],
    [
      'an unknown key',
      { ...valid, colour: 'red' },
      'connector "shop": unknown key "colour"; known: name, extends, auth, events, kind, rules',
    ],
    [
      'an unknown scheme',
      { ...valid, auth: { scheme: 'magic' } },
      'connector "shop": auth: scheme must be one of',
    ],
    [
      'an HMAC without its header',
      { ...valid, auth: { scheme: 'hmac', algorithm: 'sha256', encoding: 'hex' } },
      'auth: header must be a header name',
    ],
    [
      'a timestamp+body HMAC without the timestamp header',
      { ...valid, auth: { ...valid.auth, signs: 'timestamp+body' } },
      'auth: signs timestamp+body needs timestampHeader',
    ],
    ['no rules', { ...valid, rules: [] }, 'connector "shop": rules must be a non-empty list'],
    [
      'a broken expression',
      rule({ phones: 'phone[' }),
      'connector "shop", rule 1: phones: "phone[" is no JMESPath expression',
    ],
    ['a rule that does nothing', { ...valid, rules: [{ when: 'x' }] }, 'rule 1: says nothing to do'],
    [
      'an attribute name that is none',
      rule({ attributes: { 'a b': 'x' } }),
      'rule 1: attributes: "a b" is no attribute name',
    ],
    ['a tag that is none', rule({ tags: [{ tag: 'VIP!', on: 'vip' }] }), 'rule 1: tags[0].tag must be a tag'],
    [
      'forgetContact without phones',
      rule({ forgetContact: true, phones: undefined }),
      'rule 1: forgetContact needs phones',
    ],
    [
      'an invoice without its open states',
      rule({ invoice: { id: 'id', version: 'v', state: 's' } }),
      'rule 1: invoice: open must be a list of the states that count',
    ],
  ])('with %s is refused, naming the connector and the field', (_case, declaration, message) => {
    expect(() => parseConnector(JSON.parse(JSON.stringify(declaration)))).toThrow(message);
  });
});

describe('CONNECTORS', () => {
  it('adds configured connectors to the shipped ones', () => {
    expect([...connectorDeclarations(JSON.stringify([valid])).keys()]).toEqual([
      'moneybird',
      'zendesk',
      'hubspot',
      'pipedrive',
      'shop',
    ]);
  });

  it.each([
    ['no JSON', '[{', 'CONNECTORS is not JSON'],
    ['no list', '{}', 'CONNECTORS must be a JSON list of connector declarations'],
    [
      'a shipped name',
      JSON.stringify([{ ...valid, name: 'moneybird' }]),
      'CONNECTORS[0]: a connector named "moneybird" exists already',
    ],
    ['a bad entry', JSON.stringify([valid, { name: 'x' }]), 'CONNECTORS[1]: name must be'],
  ])('with %s is refused', (_case, text, message) => {
    expect(() => connectorDeclarations(text)).toThrow(message);
  });
});
