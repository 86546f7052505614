import {
  ConnectorSecrets,
  parseSecretDocument,
  SECRET_CACHE_MS,
  SecretStoreError,
  withSecret,
} from '../../../lambda/connectors/secrets';

const SECRET = 'sekrit-value-0123456789';

describe('the secret document', () => {
  it.each([
    ['no JSON', '{', 'the connector secrets are not JSON'],
    [
      'a company id that is none',
      JSON.stringify({ 'a b': {} }),
      'the connector secrets name company "a b", which is no company id',
    ],
    [
      'a source name that is none',
      JSON.stringify({ demo: { 'Money Bird': {} } }),
      'company demo, source Money Bird: no connector name',
    ],
    [
      'three secrets',
      JSON.stringify({ demo: { moneybird: { secrets: [SECRET, `${SECRET}1`, `${SECRET}2`] } } }),
      'secrets must be a list of at most 2',
    ],
    [
      'a short secret',
      JSON.stringify({ demo: { moneybird: { secrets: ['short'] } } }),
      'secrets must be a list of at most 2 texts of 8-512',
    ],
  ])('with %s is refused, quoting no secret', (_case, text, message) => {
    expect(() => parseSecretDocument(text)).toThrow(message);
    try {
      parseSecretDocument(text);
    } catch (error) {
      expect((error as Error).message).not.toContain('sekrit');
      expect(error).toBeInstanceOf(SecretStoreError);
    }
  });

  it('rotates: the new secret first, the one it replaces second, until it is dropped', () => {
    const first = withSecret({}, 'demo', 'moneybird', { secret: 'first-secret-000' });
    const rotated = withSecret(first, 'demo', 'moneybird', { secret: 'second-secret-000' });
    const thrice = withSecret(rotated, 'demo', 'moneybird', { secret: 'third-secret-000' });
    const dropped = withSecret(thrice, 'demo', 'moneybird', { dropPrevious: true });
    expect([first, rotated, thrice, dropped].map((document) => document.demo?.moneybird?.secrets)).toEqual([
      ['first-secret-000'],
      ['second-secret-000', 'first-secret-000'],
      ['third-secret-000', 'second-secret-000'],
      ['third-secret-000'],
    ]);
  });
});

describe('the secrets of a deployment', () => {
  it(`are read once and again after ${SECRET_CACHE_MS / 60_000} minutes, a failed read tried again next time`, async () => {
    let now = 0;
    let reads = 0;
    let fail = true;
    const secrets = new ConnectorSecrets(
      async () => {
        reads++;
        if (fail) throw new Error(`socket hang up ${SECRET}`);
        return JSON.stringify({ demo: { moneybird: { secrets: [SECRET] } } });
      },
      SECRET_CACHE_MS,
      () => now,
    );
    await expect(secrets.secretOf('demo', 'moneybird')).rejects.toThrow(
      'the connector secrets could not be read (Error)',
    );
    fail = false;
    await Promise.all([secrets.secretOf('demo', 'moneybird'), secrets.secretOf('demo', 'zendesk')]);
    now = SECRET_CACHE_MS - 1;
    expect(await secrets.secretOf('demo', 'moneybird')).toEqual({ secrets: [SECRET] });
    expect(await secrets.secretOf('other', 'moneybird')).toBeUndefined();
    expect(reads).toBe(2);
    now = SECRET_CACHE_MS + 1;
    await secrets.secretOf('demo', 'moneybird');
    expect(reads).toBe(3);
  });
});
