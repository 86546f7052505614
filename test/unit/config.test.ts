import { ConfigError, parseConfig } from '../../lambda/config';
import { sha256Hex } from '../../lambda/http/access';

const TOKEN_DIGEST = sha256Hex('a-token');
const base = { TABLE_NAME: 'callers', WEBHOOK_TOKEN_SHA256: TOKEN_DIGEST };

describe('parseConfig', () => {
  it('gives the documented defaults', () => {
    const config = parseConfig(base);
    expect(config).toMatchObject({
      tableName: 'callers',
      region: 'eu-west-1',
      dynamodbEndpoint: undefined,
      belplanTimeoutMs: 2000,
      safetyMarginMs: 500,
      dynamodbMaxAttempts: 2,
      retentionDays: 400,
      defaultCountryCode: '31',
      killSwitch: false,
    });
    expect(config.webhookTokens.map((grant) => grant.digest)).toEqual([Buffer.from(TOKEN_DIGEST, 'hex')]);
    expect(config.adminTokens).toEqual([]);
    expect([...config.profiles.keys()]).toEqual(['default']);
    expect(config.sources.allows('192.0.2.1')).toBe(true);
  });

  it('reads every key', () => {
    const config = parseConfig({
      ...base,
      AWS_REGION: 'eu-central-1',
      AWS_ENDPOINT_URL_DYNAMODB: 'http://127.0.0.1:8000',
      BELPLAN_TIMEOUT_MS: '10000',
      SAFETY_MARGIN_MS: '800',
      DYNAMODB_MAX_ATTEMPTS: '1',
      RETENTION_DAYS: '30',
      DEFAULT_COUNTRY_CODE: '32',
      WEBHOOK_TOKEN_SHA256: `${TOKEN_DIGEST}, ${sha256Hex('b')}`,
      ADMIN_TOKEN_SHA256: sha256Hex('admin').toUpperCase(),
      ALLOWED_SOURCE_CIDRS: '192.0.2.0/24',
      PROFILES: '{"default":{"rules":[{"name":"all","answer":"x"}]}}',
      KILL_SWITCH: 'on',
    });
    expect(config).toMatchObject({
      region: 'eu-central-1',
      dynamodbEndpoint: 'http://127.0.0.1:8000',
      belplanTimeoutMs: 10000,
      safetyMarginMs: 800,
      dynamodbMaxAttempts: 1,
      retentionDays: 30,
      defaultCountryCode: '32',
      killSwitch: true,
    });
    expect(config.webhookTokens).toHaveLength(2);
    expect(config.adminTokens).toHaveLength(1);
    expect(config.sources.allows('192.0.2.1')).toBe(true);
    expect(config.sources.allows('198.51.100.1')).toBe(false);
    expect(config.profiles.get('default')?.rules[0]?.answer).toBe('x');
  });

  it.each<[Record<string, string>, string]>([
    [{ TABLE_NAME: '' }, 'TABLE_NAME is required'],
    [
      { BELPLAN_TIMEOUT_MS: '12000' },
      'BELPLAN_TIMEOUT_MS must be a whole number from 1000 to 10000, got "12000"',
    ],
    [{ BELPLAN_TIMEOUT_MS: '2s' }, 'BELPLAN_TIMEOUT_MS must be a whole number'],
    [{ SAFETY_MARGIN_MS: '1900' }, 'SAFETY_MARGIN_MS must be a whole number from 0 to 1800'],
    [{ DYNAMODB_MAX_ATTEMPTS: '0' }, 'DYNAMODB_MAX_ATTEMPTS must be a whole number from 1 to 5'],
    [{ RETENTION_DAYS: '-1' }, 'RETENTION_DAYS must be'],
    [{ DEFAULT_COUNTRY_CODE: '+31' }, 'DEFAULT_COUNTRY_CODE must be 1-3 digits'],
    [{ WEBHOOK_TOKEN_SHA256: 'my-secret-token' }, 'not the token itself'],
    [{ WEBHOOK_TOKEN_SHA256: [1, 2, 3].map((n) => sha256Hex(String(n))).join(',') }, 'at most 2'],
    [{ ADMIN_TOKEN_SHA256: TOKEN_DIGEST }, 'share a token'],
    [{ ALLOWED_SOURCE_CIDRS: '10.0.0.0/33' }, 'ALLOWED_SOURCE_CIDRS: "10.0.0.0/33" is not a CIDR'],
    [{ ALLOWED_SOURCE_CIDRS: 'example.com' }, 'is not a CIDR'],
    [{ PROFILES: '{nope' }, 'PROFILES is not valid JSON'],
    [
      {
        PROFILES:
          '{"default":{"rules":[{"name":"a","when":{"bogus":1},"answer":"x"},{"name":"b","answer":"y"}]}}',
      },
      'PROFILES: profile "default", rule 1 ("a"): when: unknown condition "bogus"',
    ],
    [{ KILL_SWITCH: 'maybe' }, 'KILL_SWITCH must be on or off'],
    [{ AWS_ENDPOINT_URL_DYNAMODB: 'localhost:8000' }, 'AWS_ENDPOINT_URL_DYNAMODB must be an http(s) URL'],
  ])('rejects %j', (env, message) => {
    expect(() => parseConfig({ ...base, ...env })).toThrow(ConfigError);
    expect(() => parseConfig({ ...base, ...env })).toThrow(message);
  });

  it('lists every problem at once', () => {
    expect(() => parseConfig({ BELPLAN_TIMEOUT_MS: '1', KILL_SWITCH: 'x' })).toThrow(
      /TABLE_NAME is required\n- BELPLAN_TIMEOUT_MS .*\n- KILL_SWITCH/,
    );
  });
});

describe('companies and tokens', () => {
  const digest = (token: string) => sha256Hex(token);

  it('read the companies a deployment serves and the companies each token opens', () => {
    const config = parseConfig({
      ...base,
      COMPANY_IDS: 'acme, globex',
      WEBHOOK_TOKEN_SHA256: `${digest('a')}:acme,${digest('g')}:globex+acme,${digest('any')}`,
    });
    expect(config.companies).toEqual(new Set(['acme', 'globex']));
    expect(config.webhookTokens.map((grant) => grant.companies && [...grant.companies])).toEqual([
      ['acme'],
      ['globex', 'acme'],
      undefined,
    ]);
  });

  it('leave the companies open when none are listed', () => {
    expect(parseConfig(base).companies).toBeUndefined();
  });

  it.each<[Record<string, string>, string]>([
    [{ COMPANY_IDS: 'acme,a#b' }, 'COMPANY_IDS holds "a#b"'],
    [
      { COMPANY_IDS: 'acme', WEBHOOK_TOKEN_SHA256: `${digest('a')}:globex` },
      'names company globex, which COMPANY_IDS does not list',
    ],
    [{ WEBHOOK_TOKEN_SHA256: `${digest('a')}:a b` }, 'names company "a b"'],
    [
      { WEBHOOK_TOKEN_SHA256: ['1', '2', '3'].map((n) => `${digest(n)}:acme`).join(',') },
      'holds 3 digests; at most 2 (old and new) are allowed for the same companies',
    ],
  ])('refuse %j', (env, message) => {
    expect(() => parseConfig({ ...base, ...env })).toThrow(message);
  });

  it('allow two digests for each set of companies, so each company can rotate its own token', () => {
    const tokens = ['a1', 'a2', 'g1', 'g2'].map(
      (token) => `${digest(token)}:${token.startsWith('a') ? 'acme' : 'globex'}`,
    );
    expect(parseConfig({ ...base, WEBHOOK_TOKEN_SHA256: tokens.join(',') }).webhookTokens).toHaveLength(4);
  });
});

describe('PROFILES as a user may get it wrong', () => {
  const base = { TABLE_NAME: 'callers' };
  const problemOf = (profiles: string) => {
    try {
      parseConfig({ ...base, PROFILES: profiles });
    } catch (error) {
      return (error as ConfigError).message;
    }
    return 'no problem';
  };

  it('names PROFILES and the depth for JSON nested 20 000 deep, without running out of stack', () => {
    expect(problemOf(`{"default":${'['.repeat(20_000)}${']'.repeat(20_000)}}`)).toContain(
      'PROFILES is not valid JSON: JSON nests deeper than 32 levels',
    );
  });

  it('quotes only a short excerpt of a huge value', () => {
    const huge = JSON.stringify({ default: { rules: [{ name: 'x'.repeat(100_000), answer: 'a' }] } });
    const message = problemOf(huge);
    expect(message).toContain('PROFILES: profile "default", rule 1: name must be');
    expect(message.length).toBeLessThan(500);
  });

  it('refuses a profile given twice', () => {
    const twice =
      '{"default":{"rules":[{"name":"a","answer":"x"}]},"default":{"rules":[{"name":"b","answer":"y"}]}}';
    expect(problemOf(twice)).toContain('PROFILES is not valid JSON: field default is given more than once');
  });
});
