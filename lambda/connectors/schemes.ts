/**
 * How each source proves a delivery is its own, checked against that company's secrets for
 * that source: every comparison in constant time, every timestamp within its window, a secret
 * rotation (two secrets valid at once) accepted. Pure but for the clock it is given.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { PlainRequest } from '../http/adapter';
import type { AuthDeclaration, HmacDeclaration } from './declaration';
import type { ConnectorSecret } from './secrets';

/** What a check found. */
export type Verdict =
  | {
      ok: true /** When the source signed it, epoch ms (when it says; else when it arrived). */;
      signedAtMs: number;
    }
  | { ok: false; reason: 'missing-signature' | 'bad-signature' | 'stale-signature'; message: string };

/** How far a signed timestamp may be from our clock, by default (Moneybird's documented window). */
export const SIGNATURE_WINDOW_SECONDS = 300;

/**
 * Checks a delivery. `body` is the raw bytes as they arrived: a signature is over those, not
 * over the JSON read from them.
 */
export function verifyDelivery(
  auth: AuthDeclaration,
  request: PlainRequest,
  body: Uint8Array,
  secret: ConnectorSecret,
  nowMs: number,
): Verdict {
  switch (auth.scheme) {
    case 'moneybird':
      return moneybird(request, body, secret, nowMs);
    case 'zendesk':
      return zendesk(request, body, secret, nowMs);
    case 'hubspot-v3':
      return hubspot(request, body, secret, nowMs);
    case 'basic':
      return basic(request, secret, nowMs);
    case 'token':
      return anyEqual(request.query.token, secret.secrets)
        ? { ok: true, signedAtMs: nowMs }
        : refused(
            request.query.token === undefined ? 'missing-signature' : 'bad-signature',
            'the URL has no valid ?token=',
          );
    case 'hmac':
      return hmac(auth, request, body, secret, nowMs);
  }
}

/**
 * `Moneybird-Signature: t=<seconds>,v1=<hex>[,v1=<hex>…]`, each v1 an HMAC-SHA256 of
 * `<t>.<body>` with one active secret. Without the header, the legacy `webhook_token` in the
 * body, only where the company set no secret (a webhook made before Moneybird signed).
 */
function moneybird(request: PlainRequest, body: Uint8Array, secret: ConnectorSecret, nowMs: number): Verdict {
  const header = request.headers['moneybird-signature'];
  if (header === undefined) {
    if (secret.secrets.length > 0 || secret.token === undefined) {
      return refused('missing-signature', 'the Moneybird-Signature header is missing');
    }
    return anyEqual(legacyToken(body), [secret.token])
      ? { ok: true, signedAtMs: nowMs }
      : refused('bad-signature', 'the webhook_token does not match');
  }
  const parts = header.split(',').map((part) => part.trim().split('='));
  const t = parts.find(([name]) => name === 't')?.[1];
  const signatures = parts.filter(([name]) => name === 'v1').map(([, value]) => value ?? '');
  if (t === undefined || !/^\d{1,12}$/.test(t) || signatures.length === 0) {
    return refused('bad-signature', 'the Moneybird-Signature header is not t=<seconds>,v1=<hex>');
  }
  const signedAtMs = Number(t) * 1000;
  const stale = staleness(signedAtMs, nowMs, SIGNATURE_WINDOW_SECONDS);
  if (stale) return stale;
  const expected = secret.secrets.map((key) => mac('sha256', key, [`${t}.`, body]).toString('hex'));
  return signatures.some((signature) => anyEqual(signature.toLowerCase(), expected))
    ? { ok: true, signedAtMs }
    : refused('bad-signature', 'no v1 signature matches a secret set for Moneybird');
}

/**
 * `X-Zendesk-Webhook-Signature`: base64 HMAC-SHA256 with the signing secret over
 * `X-Zendesk-Webhook-Signature-Timestamp` followed by the body, as Zendesk documents it today;
 * an earlier version of that page (with a worked example) signs the body followed by the
 * timestamp, so both orders are accepted.
 */
function zendesk(request: PlainRequest, body: Uint8Array, secret: ConnectorSecret, nowMs: number): Verdict {
  const signature = request.headers['x-zendesk-webhook-signature'];
  const timestamp = request.headers['x-zendesk-webhook-signature-timestamp'];
  if (signature === undefined || timestamp === undefined) {
    return refused('missing-signature', 'the X-Zendesk-Webhook-Signature headers are missing');
  }
  const signedAtMs = Date.parse(timestamp);
  if (!Number.isFinite(signedAtMs)) return refused('bad-signature', 'the signature timestamp is no time');
  const stale = staleness(signedAtMs, nowMs, SIGNATURE_WINDOW_SECONDS);
  if (stale) return stale;
  const expected = secret.secrets.flatMap((key) => [
    mac('sha256', key, [timestamp, body]).toString('base64'),
    mac('sha256', key, [body, timestamp]).toString('base64'),
  ]);
  return anyEqual(signature, expected)
    ? { ok: true, signedAtMs }
    : refused('bad-signature', 'the signature matches no secret set for Zendesk');
}

/**
 * `X-HubSpot-Signature-v3`: base64 HMAC-SHA256 with the app's client secret over method, the
 * full URI as HubSpot called it, the body and `X-HubSpot-Request-Timestamp` (ms). Whether the
 * URI is signed with its percent-encodings decoded is not confirmed: both readings are accepted.
 */
function hubspot(request: PlainRequest, body: Uint8Array, secret: ConnectorSecret, nowMs: number): Verdict {
  const signature = request.headers['x-hubspot-signature-v3'];
  const timestamp = request.headers['x-hubspot-request-timestamp'];
  if (signature === undefined || timestamp === undefined) {
    return refused('missing-signature', 'the X-HubSpot-Signature-v3 headers are missing');
  }
  if (!/^\d{13}$/.test(timestamp)) return refused('bad-signature', 'the request timestamp is not epoch ms');
  const signedAtMs = Number(timestamp);
  const stale = staleness(signedAtMs, nowMs, SIGNATURE_WINDOW_SECONDS);
  if (stale) return stale;
  const uris = [...new Set([requestUri(request, false), requestUri(request, true)])];
  const expected = secret.secrets.flatMap((key) =>
    uris.map((uri) => mac('sha256', key, [`${request.method}${uri}`, body, timestamp]).toString('base64')),
  );
  return anyEqual(signature, expected)
    ? { ok: true, signedAtMs }
    : refused('bad-signature', 'the signature matches no secret set for HubSpot');
}

/**
 * HTTP basic credentials: a secret `user:password` is compared whole; a secret without a colon
 * (one `npm start` or `callers secret` minted) is the password, under any user name.
 */
function basic(request: PlainRequest, secret: ConnectorSecret, nowMs: number): Verdict {
  const header = request.headers.authorization;
  const match = header === undefined ? null : /^basic\s+([A-Za-z0-9+/=]+)$/i.exec(header.trim());
  if (!match) return refused('missing-signature', 'the Authorization: Basic header is missing');
  const given = Buffer.from(match[1] as string, 'base64').toString('utf8');
  const password = given.slice(given.indexOf(':') + 1);
  const pairs = secret.secrets.filter((candidate) => candidate.includes(':'));
  const passwords = secret.secrets.filter((candidate) => !candidate.includes(':'));
  // Both compared every time, so the time taken says nothing of which kind of secret matched.
  const pairMatches = anyEqual(given, pairs);
  const passwordMatches = anyEqual(password, passwords);
  return pairMatches || passwordMatches
    ? { ok: true, signedAtMs: nowMs }
    : refused('bad-signature', 'the basic credentials match none set for this source');
}

function hmac(
  auth: HmacDeclaration,
  request: PlainRequest,
  body: Uint8Array,
  secret: ConnectorSecret,
  nowMs: number,
): Verdict {
  const header = request.headers[auth.header];
  if (header === undefined) return refused('missing-signature', `the ${auth.header} header is missing`);
  const given = auth.prefix && header.startsWith(auth.prefix) ? header.slice(auth.prefix.length) : header;
  let signedAtMs = nowMs;
  let timestamp = '';
  if (auth.timestampHeader !== undefined) {
    timestamp = request.headers[auth.timestampHeader.toLowerCase()] ?? '';
    signedAtMs = timestampMs(timestamp);
    if (!Number.isFinite(signedAtMs))
      return refused('bad-signature', `the ${auth.timestampHeader} header is no time`);
    const stale = staleness(signedAtMs, nowMs, auth.windowSeconds ?? SIGNATURE_WINDOW_SECONDS);
    if (stale) return stale;
  }
  const parts: (string | Uint8Array)[] =
    auth.signs === 'timestamp+body' ? [timestamp, auth.separator ?? '', body] : [body];
  const expected = secret.secrets.map((key) => mac(auth.algorithm, key, parts).toString(auth.encoding));
  const normalized = auth.encoding === 'hex' ? given.trim().toLowerCase() : given.trim();
  return anyEqual(normalized, expected)
    ? { ok: true, signedAtMs }
    : refused('bad-signature', `the ${auth.header} signature matches no secret set for this source`);
}

/** Epoch seconds, epoch ms, or an ISO 8601 time, in ms; NaN for anything else. */
function timestampMs(text: string): number {
  if (/^\d{9,10}$/.test(text)) return Number(text) * 1000;
  if (/^\d{12,13}$/.test(text)) return Number(text);
  return /^\d{4}-\d{2}-\d{2}T/.test(text) ? Date.parse(text) : Number.NaN;
}

function staleness(signedAtMs: number, nowMs: number, windowSeconds: number): Verdict | undefined {
  const offSeconds = Math.round((nowMs - signedAtMs) / 1000);
  if (Math.abs(offSeconds) <= windowSeconds) return undefined;
  return refused(
    'stale-signature',
    `the delivery was signed ${Math.abs(offSeconds)} s ${offSeconds > 0 ? 'ago' : 'ahead of our clock'}; at most ${windowSeconds} s is accepted`,
  );
}

function mac(algorithm: string, key: string, parts: readonly (string | Uint8Array)[]): Buffer {
  const hmacOf = createHmac(algorithm, key);
  for (const part of parts) hmacOf.update(part);
  return hmacOf.digest();
}

/** Whether `given` equals one of `expected`, each comparison in constant time. */
function anyEqual(given: string | undefined, expected: readonly string[]): boolean {
  if (given === undefined) return false;
  const mine = Buffer.from(given);
  let found = false;
  for (const candidate of expected) {
    const theirs = Buffer.from(candidate);
    found = (mine.length === theirs.length && timingSafeEqual(mine, theirs)) || found;
  }
  return found;
}

/** The `webhook_token` of a Moneybird body, if it is JSON holding one. */
function legacyToken(body: Uint8Array): string | undefined {
  const match = /"webhook_token"\s*:\s*"([^"\\]{1,128})"/.exec(Buffer.from(body).toString('utf8'));
  return match?.[1];
}

/**
 * The URI HubSpot signed: `https://<host><path>?<query>` as the request arrived, or with the
 * twelve percent-encodings HubSpot's page lists decoded (`%3A` → `:`, `%2F` → `/`, …).
 */
function requestUri(request: PlainRequest, decoded: boolean): string {
  const uri = `https://${request.headers.host ?? ''}${request.path}${request.rawQuery ? `?${request.rawQuery}` : ''}`;
  return decoded
    ? uri.replace(/%(3A|2F|3F|40|21|24|27|28|29|2A|2C|3B)/gi, (_, hex: string) =>
        String.fromCharCode(Number.parseInt(hex, 16)),
      )
    : uri;
}

function refused(reason: Exclude<Verdict, { ok: true }>['reason'], message: string): Verdict {
  return { ok: false, reason, message };
}
