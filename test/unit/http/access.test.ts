import {
  authorize,
  grantOf,
  mintToken,
  opensCompany,
  requireCompany,
  sha256Hex,
  sourceAllowlist,
  type TokenGrant,
  tokenMatches,
} from '../../../lambda/http/access';
import type { PlainRequest } from '../../../lambda/http/adapter';
import { HttpError } from '../../../lambda/http/errors';

const grant = (token: string, companies?: string[]): TokenGrant => ({
  digest: Buffer.from(sha256Hex(token), 'hex'),
  companies: companies ? new Set(companies) : undefined,
});
const request = (parts: Partial<PlainRequest>): PlainRequest => ({
  method: 'POST',
  path: '/',
  headers: {},
  query: {},
  body: undefined,
  bodyLength: 0,
  rawQuery: '',
  sourceIp: '203.0.113.7',
  receivedAtMs: undefined,
  requestId: undefined,
  ...parts,
});

describe('tokens', () => {
  const grants = [grant('old-token'), grant('new-token', ['acme'])];

  it.each<[string, string | undefined, TokenGrant | undefined]>([
    ['the first of two tokens', 'old-token', grants[0]],
    ['the second of two tokens', 'new-token', grants[1]],
    ['a wrong token', 'guess', undefined],
    ['an empty token', '', undefined],
    ['no token', undefined, undefined],
  ])('%s', (_name, given, expected) => {
    expect(grantOf(given, grants)).toBe(expected);
    expect(tokenMatches(given, grants)).toBe(expected !== undefined);
  });

  it('match nothing when none are configured, not even the empty token', () => {
    expect([tokenMatches('', []), tokenMatches('x', [])]).toEqual([false, false]);
  });

  it('are minted as 43 URL-safe characters with their digest', () => {
    const minted = mintToken();
    expect(minted.token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(minted.sha256).toBe(sha256Hex(minted.token));
  });
});

describe('companies', () => {
  it.each<[string, string[] | undefined, string[] | undefined, string, boolean]>([
    ['any company for an unbound token in an open deployment', undefined, undefined, 'acme', true],
    ['a company the token names', ['acme'], undefined, 'acme', true],
    ['not a company the token does not name', ['acme'], undefined, 'globex', false],
    ['a company the deployment serves, for an unbound token', undefined, ['acme'], 'acme', true],
    ['not a company the deployment does not serve', undefined, ['acme'], 'globex', false],
    [
      'not a company the token names but the deployment does not serve',
      ['globex'],
      ['acme'],
      'globex',
      false,
    ],
  ])('open %s', (_name, tokenCompanies, deployment, comId, opens) => {
    const given = grant('t', tokenCompanies);
    const served = deployment ? new Set(deployment) : undefined;
    expect(opensCompany(given, served, comId)).toBe(opens);
    if (opens) expect(() => requireCompany(given, served, comId)).not.toThrow();
    else
      expect(() => requireCompany(given, served, comId)).toThrow(`this token does not open com_id ${comId}`);
  });
});

describe('authorize', () => {
  const policy = { sources: sourceAllowlist([]), grants: [grant('secret')] };

  it('takes the token from the query or a Bearer header, as the route says', () => {
    expect(authorize(request({ query: { token: 'secret' } }), { ...policy, token: 'query' })).toBe(
      policy.grants[0],
    );
    const bearer = request({ headers: { authorization: 'bearer secret' } });
    expect(authorize(bearer, { ...policy, token: 'bearer' })).toBe(policy.grants[0]);
  });

  it.each<[string, Partial<PlainRequest>, 'query' | 'bearer', number, Record<string, string>]>([
    ['a wrong query token', { query: { token: 'guess' } }, 'query', 401, {}],
    [
      'a query token where a Bearer header is required',
      { query: { token: 'secret' } },
      'bearer',
      401,
      { 'www-authenticate': 'Bearer' },
    ],
    [
      'a Bearer header where the query is required',
      { headers: { authorization: 'Bearer secret' } },
      'query',
      401,
      {},
    ],
  ])('refuses %s with %s', (_name, parts, place, status, headers) => {
    try {
      authorize(request(parts), { ...policy, token: place });
      throw new Error('accepted');
    } catch (error) {
      expect(error).toBeInstanceOf(HttpError);
      expect([(error as HttpError).status, (error as HttpError).headers]).toEqual([status, headers]);
    }
  });

  it('refuses a source outside the allowlist before looking at the token', () => {
    const narrow = { ...policy, sources: sourceAllowlist(['198.51.100.0/24']), token: 'query' as const };
    expect(() => authorize(request({ query: { token: 'secret' } }), narrow)).toThrow('forbidden');
    expect(
      authorize(request({ query: { token: 'secret' }, sourceIp: '198.51.100.9' }), narrow),
    ).toBeDefined();
  });
});

describe('sourceAllowlist', () => {
  it('allows addresses inside IPv4 and IPv6 networks only', () => {
    const list = sourceAllowlist(['198.51.100.0/24', '2001:db8::/32']);
    expect(
      ['198.51.100.20', '2001:db8::5', '203.0.113.7', 'not-an-ip', ''].map((ip) => list.allows(ip)),
    ).toEqual([true, true, false, false, false]);
  });

  it.each(['10.0.0.0/33', '10.0.0.0', 'example.com/8', '::1/129'])('refuses %s, naming it', (cidr) => {
    expect(() => sourceAllowlist([cidr])).toThrow(`"${cidr}" is not a CIDR`);
  });
});
