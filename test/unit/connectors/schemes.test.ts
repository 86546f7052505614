import { createHmac } from 'node:crypto';
import { MONEYBIRD, ZENDESK } from '../../../lambda/connectors/builtin';
import type { AuthDeclaration } from '../../../lambda/connectors/declaration';
import { verifyDelivery } from '../../../lambda/connectors/schemes';
import type { PlainRequest } from '../../../lambda/http/adapter';
import { moneybirdDelivery } from '../../../local/standins/moneybird';
import { zendeskDelivery } from '../../../local/standins/zendesk';
import { fixture } from '../../support/paths';

const NOW = Date.UTC(2026, 11, 1, 12);
const SECRET = 'current-secret-0123';
const PREVIOUS = 'previous-secret-0123';
const request = (headers: Record<string, string>, parts: Partial<PlainRequest> = {}): PlainRequest => ({
  method: 'POST',
  path: '/connectors/x',
  headers,
  query: {},
  rawQuery: 'com_id=demo',
  body: undefined,
  bodyLength: 0,
  sourceIp: '203.0.113.7',
  receivedAtMs: NOW,
  requestId: 'r',
  ...parts,
});
const verify = (auth: AuthDeclaration, req: PlainRequest, body: string, secrets = [SECRET], token?: string) =>
  verifyDelivery(auth, req, Buffer.from(body), { secrets, ...(token ? { token } : {}) }, NOW);
const reasonOf = (verdict: ReturnType<typeof verify>) => (verdict.ok ? 'ok' : verdict.reason);

describe('Moneybird-Signature', () => {
  const event = { entity_type: 'SalesInvoice', webhook_token: 'legacy-token-0123' };
  const signed = (secrets: string[], atMs = NOW) => moneybirdDelivery(event, secrets, atMs);

  it.each([
    ['signed with the secret', signed([SECRET]), [SECRET], 'ok'],
    ['signed with both secrets during a rotation', signed([SECRET, PREVIOUS]), [SECRET], 'ok'],
    ['signed with the previous secret we still accept', signed([PREVIOUS]), [SECRET, PREVIOUS], 'ok'],
    ['signed with another secret', signed(['another-secret-0123']), [SECRET], 'bad-signature'],
    ['signed 4 minutes ago', signed([SECRET], NOW - 240_000), [SECRET], 'ok'],
    ['signed 6 minutes ago', signed([SECRET], NOW - 360_000), [SECRET], 'stale-signature'],
    ['signed 6 minutes ahead', signed([SECRET], NOW + 360_000), [SECRET], 'stale-signature'],
    ['without the header where a secret is set', signed([]), [SECRET], 'missing-signature'],
  ])('%s: %s', (_case, delivery, secrets, expected) => {
    expect(reasonOf(verify(MONEYBIRD.auth, request(delivery.headers), delivery.body, secrets))).toBe(
      expected,
    );
  });

  it('ignores schemes it does not know beside v1, and refuses a header that is not t=…,v1=…', () => {
    const delivery = signed([SECRET]);
    const header = `${delivery.headers['moneybird-signature']},v2=abc`;
    expect(reasonOf(verify(MONEYBIRD.auth, request({ 'moneybird-signature': header }), delivery.body))).toBe(
      'ok',
    );
    expect(
      reasonOf(verify(MONEYBIRD.auth, request({ 'moneybird-signature': 'sha256=abc' }), delivery.body)),
    ).toBe('bad-signature');
  });

  it('takes the legacy webhook_token only where no secret is set', () => {
    const delivery = moneybirdDelivery(event, []);
    expect(
      reasonOf(verify(MONEYBIRD.auth, request(delivery.headers), delivery.body, [], 'legacy-token-0123')),
    ).toBe('ok');
    expect(
      reasonOf(verify(MONEYBIRD.auth, request(delivery.headers), delivery.body, [], 'other-token-0123')),
    ).toBe('bad-signature');
    expect(
      reasonOf(
        verify(MONEYBIRD.auth, request(delivery.headers), delivery.body, [SECRET], 'legacy-token-0123'),
      ),
    ).toBe('missing-signature');
  });
});

describe('X-Zendesk-Webhook-Signature', () => {
  it("verifies the example of Zendesk's earlier page (body, then timestamp)", () => {
    const example = JSON.parse(fixture('connectors/zendesk/signature-example.json'));
    const verdict = verifyDelivery(
      ZENDESK.auth,
      request({
        'x-zendesk-webhook-signature': example.signature,
        'x-zendesk-webhook-signature-timestamp': example.timestamp,
      }),
      Buffer.from(example.body),
      { secrets: [example.secret] },
      Date.parse(example.timestamp) + 1000,
    );
    expect(verdict).toEqual({ ok: true, signedAtMs: Date.parse(example.timestamp) });
  });

  it.each([
    ['timestamp then body, as the page says today', zendeskDelivery({ a: 1 }, SECRET, NOW), 'ok'],
    ['body then timestamp', zendeskDelivery({ a: 1 }, SECRET, NOW, 'body+timestamp'), 'ok'],
    ['another secret', zendeskDelivery({ a: 1 }, 'another-secret-0123', NOW), 'bad-signature'],
    ['signed 10 minutes ago', zendeskDelivery({ a: 1 }, SECRET, NOW - 600_000), 'stale-signature'],
  ])('%s: %s', (_case, delivery, expected) => {
    expect(reasonOf(verify(ZENDESK.auth, request(delivery.headers), delivery.body))).toBe(expected);
  });
});

describe('X-HubSpot-Signature-v3', () => {
  const sign = (uri: string, body: string, timestamp = String(NOW)) =>
    createHmac('sha256', SECRET).update(`POST${uri}${body}${timestamp}`).digest('base64');
  const req = (signature: string, timestamp = String(NOW)) =>
    request(
      {
        host: 'abc.lambda-url.eu-west-1.on.aws',
        'x-hubspot-signature-v3': signature,
        'x-hubspot-request-timestamp': timestamp,
      },
      { path: '/connectors/hubspot', rawQuery: 'com_id=demo&x=a%3Ab' },
    );
  const raw = 'https://abc.lambda-url.eu-west-1.on.aws/connectors/hubspot?com_id=demo&x=a%3Ab';

  it.each([
    ['the URI as it arrived', sign(raw, '[]'), 'ok'],
    ['the URI with its listed encodings decoded', sign(raw.replace('%3A', ':'), '[]'), 'ok'],
    ['another body', sign(raw, '[{}]'), 'bad-signature'],
  ])('signed over %s: %s', (_case, signature, expected) => {
    expect(reasonOf(verify({ scheme: 'hubspot-v3' }, req(signature), '[]'))).toBe(expected);
  });

  it('refuses a timestamp over 5 minutes old', () => {
    const old = String(NOW - 301_000);
    expect(reasonOf(verify({ scheme: 'hubspot-v3' }, req(sign(raw, '[]', old), old), '[]'))).toBe(
      'stale-signature',
    );
  });
});

describe('basic credentials, a URL token and a declared HMAC', () => {
  const basic = (credentials: string) =>
    request({ authorization: `Basic ${Buffer.from(credentials).toString('base64')}` });
  it.each([
    [
      'basic, the user and password set',
      { scheme: 'basic' },
      basic('pipedrive:s3cret-password'),
      ['pipedrive:s3cret-password'],
      'ok',
    ],
    [
      'basic, another password',
      { scheme: 'basic' },
      basic('pipedrive:wrong'),
      ['pipedrive:s3cret-password'],
      'bad-signature',
    ],
    [
      'basic, a secret without a user: the password under any user',
      { scheme: 'basic' },
      basic('callvoip:s3cret-password'),
      ['s3cret-password'],
      'ok',
    ],
    [
      'basic, a secret without a user, another password',
      { scheme: 'basic' },
      basic('s3cret-password:x'),
      ['s3cret-password'],
      'bad-signature',
    ],
    [
      'basic, none given',
      { scheme: 'basic' },
      request({}),
      ['pipedrive:s3cret-password'],
      'missing-signature',
    ],
    ['a URL token', { scheme: 'token' }, request({}, { query: { token: SECRET } }), [SECRET], 'ok'],
    [
      'a wrong URL token',
      { scheme: 'token' },
      request({}, { query: { token: 'x' } }),
      [SECRET],
      'bad-signature',
    ],
  ] as const)('%s: %s', (_case, auth, req, secrets, expected) => {
    expect(reasonOf(verify(auth, req, '{}', [...secrets]))).toBe(expected);
  });

  it("an HMAC of timestamp and body in headers of the declaration's choosing", () => {
    const auth: AuthDeclaration = {
      scheme: 'hmac',
      header: 'x-shop-signature',
      algorithm: 'sha256',
      encoding: 'hex',
      prefix: 'sha256=',
      timestampHeader: 'x-shop-time',
      signs: 'timestamp+body',
      separator: '.',
    };
    const t = String(Math.floor(NOW / 1000));
    const mac = createHmac('sha256', SECRET).update(`${t}.{}`).digest('hex');
    const headers = { 'x-shop-signature': `sha256=${mac}`, 'x-shop-time': t };
    expect(reasonOf(verify(auth, request(headers), '{}'))).toBe('ok');
    expect(reasonOf(verify(auth, request({ ...headers, 'x-shop-time': String(Number(t) - 1) }), '{}'))).toBe(
      'bad-signature',
    );
  });
});
