import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { Template } from 'aws-cdk-lib/assertions';
import { readSettings, SettingsError, WEBHOOK_TOKEN_MISSING } from '../../infra/settings';
import { mintToken, sha256Hex } from '../../lambda/http/access';
import { instructions } from '../../tools/token';
import { testApp } from '../support/cdk-app';

const WEBHOOK_DIGEST = sha256Hex('settings-test-webhook-token');
const ADMIN_DIGEST = sha256Hex('settings-test-admin-token');

/** The settings from `context` on top of a valid minimum. */
const settingsWith = (context: Record<string, unknown>) =>
  readSettings({ webhookTokenSha256: WEBHOOK_DIGEST, ...context });

/** The message of the SettingsError that `context` raises. */
function refusal(context: Record<string, unknown>): string {
  try {
    settingsWith(context);
  } catch (error) {
    expect(error).toBeInstanceOf(SettingsError);
    return (error as Error).message;
  }
  throw new Error(`settings were accepted: ${JSON.stringify(context)}`);
}

describe('deployment settings', () => {
  it('default to the documented values and leave unset function keys to the function', () => {
    const settings = settingsWith({});
    expect(settings).toMatchObject({
      stackName: 'CallvoipWebhook',
      memoryMb: 1024,
      reservedConcurrency: 10,
      provisionedConcurrency: 0,
      adminReservedConcurrency: 2,
      logRetentionDays: 30,
      logLevel: 'INFO',
      tableKms: false,
      alarmEmail: undefined,
      fallbackAlarmThreshold: 5,
      webhook: { belplanTimeoutMs: 2000, safetyMarginMs: 500 },
    });
    expect(settings.webhookEnvironment).toEqual({ WEBHOOK_TOKEN_SHA256: WEBHOOK_DIGEST });
    expect(settings.adminEnvironment).toEqual({});
  });

  it('read numbers and flags typed in cdk.json or given as text with -c', () => {
    const typed = settingsWith({ memoryMb: 1536, tableKms: true, killSwitch: true, belplanTimeoutMs: 3000 });
    const text = settingsWith({
      memoryMb: '1536',
      tableKms: 'true',
      killSwitch: 'on',
      belplanTimeoutMs: '3000',
    });
    for (const settings of [typed, text]) {
      expect(settings).toMatchObject({ memoryMb: 1536, tableKms: true, webhook: { belplanTimeoutMs: 3000 } });
      expect(settings.webhookEnvironment).toMatchObject({ KILL_SWITCH: 'on', BELPLAN_TIMEOUT_MS: '3000' });
    }
  });

  it.each([
    [{ belplanTimeoutMs: 12000 }, 'belplanTimeoutMs must be a whole number from 1000 to 10000, got "12000"'],
    [{ memoryMb: 100 }, 'memoryMb must be a whole number from 128 to 10240, got 100'],
    [{ memoryMb: 'lots' }, 'memoryMb must be a whole number from 128 to 10240, got "lots"'],
    [{ safetyMarginMs: 1900 }, 'safetyMarginMs must be a whole number from 0 to 1800, got "1900"'],
    [{ reservedConcurrency: -1 }, 'reservedConcurrency must be a whole number from 0 to 1000, got -1'],
    [{ provisionedConcurrency: 11 }, 'provisionedConcurrency (11) must not exceed reservedConcurrency (10)'],
    [{ logRetentionDays: 31 }, 'logRetentionDays must be one of'],
    [{ logLevel: 'LOUD' }, 'logLevel must be one of'],
    [{ alarmEmail: 'ops' }, 'alarmEmail must be an e-mail address, got "ops"'],
    [{ killSwitch: 'maybe' }, 'killSwitch must be on or off, got "maybe"'],
    [{ allowedSourceCidrs: '10.0.0.0/33' }, 'allowedSourceCidrs: "10.0.0.0/33" is not a CIDR'],
    [{ defaultCountryCode: '+31' }, 'defaultCountryCode must be 1-3 digits'],
    [{ stackName: 'my stack' }, 'stackName must start with a letter'],
    [{ tableKms: 'yes' }, 'tableKms must be true or false, got "yes"'],
  ])('refuse %j, naming the key and the value', (context, message) => {
    expect(refusal(context)).toContain(message);
  });

  it("refuse a profile rule that names an unknown field, with the function's own message", () => {
    const condition = refusal({
      profiles: {
        default: {
          rules: [
            { name: 'vip', when: { vip: true }, answer: 'x' },
            { name: 'rest', answer: 'y' },
          ],
        },
      },
    });
    expect(condition).toContain('profiles: profile "default", rule 1 ("vip"): when: unknown condition "vip"');
    const field = refusal({ profiles: '{"default":{"rules":[{"name":"all","answer":"{agentName}"}]}}' });
    expect(field).toContain('answer inserts unknown field "{agentName}"');
  });

  it('refuse to deploy without a webhook token digest, and say how to mint one', () => {
    // Every other command needs no token: the refusal is the template's, at deploy.
    expect(readSettings({}).webhookTokenMissing).toBe(true);
    expect(WEBHOOK_TOKEN_MISSING).toMatch(/^webhookTokenSha256 is not set: run `npm run token`/);
    const { stack } = testApp({ webhookTokenSha256: undefined });
    expect(Template.fromStack(stack).toJSON().Parameters.DeployRefused).toMatchObject({
      AllowedValues: ['ready'],
      ConstraintDescription: WEBHOOK_TOKEN_MISSING,
    });
    expect(settingsWith({}).webhookTokenMissing).toBe(false);
  });

  it('refuse a token given where its digest belongs', () => {
    expect(refusal({ webhookTokenSha256: 'MeqdtuGQyCeGxeSBFQEljCTrq8K0hoU8ovKH8SK7IpQ' })).toContain(
      'webhookTokenSha256 must hold SHA-256 hex digests (64 characters), not the token itself',
    );
  });

  it('accept two webhook digests for rotation, not three', () => {
    const next = sha256Hex('next');
    expect(
      settingsWith({ webhookTokenSha256: `${WEBHOOK_DIGEST},${next}` }).webhook.webhookTokens,
    ).toHaveLength(2);
    expect(
      settingsWith({ webhookTokenSha256: [WEBHOOK_DIGEST, next] }).webhookEnvironment.WEBHOOK_TOKEN_SHA256,
    ).toBe(`${WEBHOOK_DIGEST},${next}`);
    expect(refusal({ webhookTokenSha256: [WEBHOOK_DIGEST, next, sha256Hex('third')].join(',') })).toContain(
      'webhookTokenSha256 holds 3 digests; at most 2',
    );
  });

  it('bind tokens to companies: the companies a deployment serves and those each token opens', () => {
    const settings = settingsWith({
      companyIds: ['acme', 'globex'],
      webhookTokenSha256: [
        { sha256: WEBHOOK_DIGEST, companies: ['acme'] },
        { sha256: sha256Hex('globex-token'), companies: ['globex'] },
      ],
      adminTokenSha256: `${ADMIN_DIGEST}:acme+globex`,
    });
    expect(settings.webhookEnvironment).toMatchObject({
      COMPANY_IDS: 'acme,globex',
      WEBHOOK_TOKEN_SHA256: `${WEBHOOK_DIGEST}:acme,${sha256Hex('globex-token')}:globex`,
    });
    expect(settings.adminEnvironment).toMatchObject({
      COMPANY_IDS: 'acme,globex',
      ADMIN_TOKEN_SHA256: `${ADMIN_DIGEST}:acme+globex`,
    });
    expect(refusal({ companyIds: 'acme', webhookTokenSha256: `${WEBHOOK_DIGEST}:globex` })).toContain(
      'webhookTokenSha256 names company globex, which companyIds does not list',
    );
  });

  it('refuse one token for both the webhook and the admin API', () => {
    expect(refusal({ adminTokenSha256: WEBHOOK_DIGEST })).toContain(
      'webhookTokenSha256 and adminTokenSha256 share a token',
    );
  });

  it('give each function only its own keys: the admin API its token and its own source allowlist', () => {
    const settings = settingsWith({
      adminTokenSha256: ADMIN_DIGEST,
      allowedSourceCidrs: '203.0.113.0/24',
      adminAllowedSourceCidrs: '198.51.100.7/32',
      retentionDays: 90,
    });
    expect(settings.webhookEnvironment).toEqual({
      WEBHOOK_TOKEN_SHA256: WEBHOOK_DIGEST,
      ALLOWED_SOURCE_CIDRS: '203.0.113.0/24',
      RETENTION_DAYS: '90',
    });
    expect(settings.adminEnvironment).toEqual({
      ADMIN_TOKEN_SHA256: ADMIN_DIGEST,
      ALLOWED_SOURCE_CIDRS: '198.51.100.7/32',
      RETENTION_DAYS: '90',
    });
  });

  it('read profiles from a file, and refuse both a file and inline profiles', () => {
    const folder = mkdtempSync(path.join(tmpdir(), 'profiles-'));
    const file = path.join(folder, 'profiles.json');
    try {
      writeFileSync(
        file,
        JSON.stringify({ default: { rules: [{ name: 'all', answer: 'sales' }] } }, null, 2),
      );
      expect(settingsWith({ profilesFile: file }).webhookEnvironment.PROFILES).toBe(
        '{"default":{"rules":[{"name":"all","answer":"sales"}]}}',
      );
      expect(refusal({ profilesFile: file, profiles: '{}' })).toContain(
        'set either profiles or profilesFile',
      );
      expect(refusal({ profilesFile: `${file}.missing` })).toContain('cannot be read');
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  });

  it("refuse profiles that would not fit in Lambda's 4 KB environment", () => {
    const rules = Array.from({ length: 80 }, (_, i) => ({
      name: `rule-${i}`,
      when: { callsAtLeast: i + 1 },
      answer: `answer-${i}`,
    }));
    rules.push({ name: 'rest', answer: 'default' } as (typeof rules)[number]);
    expect(refusal({ profiles: { default: { rules } } })).toMatch(
      /environment would take up to \d+ bytes; Lambda allows 4096/,
    );
  });

  it('give the admin function the connectors declared in cdk.json, validated as it reads them', () => {
    const shop = {
      name: 'shop',
      auth: { scheme: 'token' },
      rules: [{ contact: 'customer.id', phones: 'customer.phone' }],
    };
    expect(settingsWith({ connectors: [shop] }).adminEnvironment.CONNECTORS).toBe(JSON.stringify([shop]));
    expect(settingsWith({ connectors: [shop] }).webhookEnvironment.CONNECTORS).toBeUndefined();
    expect(
      refusal({ connectors: [{ ...shop, rules: [{ contact: 'customer.id', phones: 'customer.phone[' }] }] }),
    ).toContain('connectors: connector "shop", rule 1: phones: "customer.phone[" is no JMESPath expression');
    expect(refusal({ connectors: [{ ...shop, name: 'zendesk' }] })).toContain(
      'connectors: CONNECTORS[0]: a connector named "zendesk" exists already',
    );
    const hmac = { scheme: 'hmac', header: 'X-Shop-Signature', algorithm: 'md5', encoding: 'hex' };
    expect(refusal({ connectors: [{ ...shop, auth: hmac }] })).toContain(
      'connectors: connector "shop": auth: algorithm must be one of sha256, sha1, sha512',
    );
    expect(
      refusal({
        connectors: [{ extends: 'hubspot', rules: [{ continue: 'yes', contact: 'objectId', phones: 'x' }] }],
      }),
    ).toContain('connectors: connector "hubspot", rule 1: continue must be true or false');
    expect(refusal({ connectors: [{ extends: 'salesforce', rules: shop.rules }] })).toContain(
      'connectors: CONNECTORS[0]: extends must name a shipped connector (moneybird, zendesk, hubspot, pipedrive)',
    );
  });

  it('catch a mistyped key instead of deploying its default', () => {
    expect(refusal({ memoryMB: 512 })).toContain('unknown context key "memoryMB": did you mean "memoryMb"?');
    expect(() =>
      settingsWith({ '@aws-cdk/core:newStyleStackSynthesis': true, 'cli-telemetry': false }),
    ).not.toThrow();
  });

  it('make synth fail with the same message', () => {
    expect(() => testApp({ belplanTimeoutMs: 12000 })).toThrow(
      /belplanTimeoutMs must be a whole number from 1000 to 10000, got "12000"/,
    );
  });
});

describe('npm run token', () => {
  it('mints a 256-bit URL-safe token whose digest the deployment accepts', () => {
    const minted = mintToken();
    expect(minted.token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(minted.sha256).toBe(sha256Hex(minted.token));
    expect(mintToken().token).not.toBe(minted.token);
    expect(settingsWith({ webhookTokenSha256: minted.sha256 }).webhook.webhookTokens).toHaveLength(1);
  });

  it('prints the token for the belplan URL and the digest to deploy with', () => {
    const minted = mintToken();
    const webhook = instructions(minted, 'webhook');
    expect(webhook).toContain(`?token=${minted.token}&profile=default`);
    expect(webhook).toContain(`-c webhookTokenSha256=${minted.sha256}`);
    expect(webhook).toContain(`-c webhookTokenSha256=<current>,${minted.sha256}`);
    const admin = instructions(minted, 'admin');
    expect(admin).toContain(`Authorization: Bearer ${minted.token}`);
    expect(admin).toContain(`-c adminTokenSha256=${minted.sha256}`);
  });
});
