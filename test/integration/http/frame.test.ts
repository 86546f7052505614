import fc from 'fast-check';
import { DEMO_COMPANY } from '../../../local/demo';
import { functionUrlEvent } from '../../../local/events';
import {
  ADMIN_TOKEN,
  adminUnderTest,
  INGEST_TOKEN,
  useDynalite,
  WEBHOOK_TOKEN,
  webhookUnderTest,
} from '../../support/harness';
import { leaksIn, stringsOf } from '../../support/leaks';

const dynamo = useDynalite();
let webhook: Awaited<ReturnType<typeof webhookUnderTest>>;

beforeAll(async () => {
  webhook = await webhookUnderTest(dynamo().endpoint);
});
afterAll(async () => {
  webhook.destroy();
});

const fieldValue = fc.oneof(
  fc.string(),
  fc.stringMatching(/^(sip:)?\+?[0-9()\-. ]{0,16}$/),
  fc.constantFrom('', 'anonymous', '+31152026057', '0612345678', '1003', 'sip:alice@pbx', '(015) 202 6057'),
  fc.integer(),
  fc.boolean(),
  fc.constant(null),
  fc.array(fc.string(), { maxLength: 3 }),
);
const callObject = fc.dictionary(
  fc.oneof(fc.constantFrom('com_id', 'caller_number', 'uuid', 'event_time', 'dp_id'), fc.string()),
  fieldValue,
);
// Calls close to what the platform sends, so that many requests get past parsing to the store.
const platformCall = fc.record({
  com_id: fc.constantFrom(DEMO_COMPANY, 'aaaabbbbccccddddeeeeffff00001111'),
  caller_number: fc.constantFrom('+31152026057', '0612345678', '1003', 'anonymous', '0031 20 123 4567'),
  uuid: fc.uuid(),
  event_time: fc.integer({ min: 0 }).map(String),
});
const body = fc.oneof(
  platformCall.map((value) => JSON.stringify(value)),
  platformCall.map((value) => new URLSearchParams(value).toString()),
  fc.string(),
  fc.string({ unit: 'binary' }),
  callObject.map((value) => JSON.stringify(value)),
  callObject.map((value) => JSON.stringify(value, null, 1).replace(/,\n/, '\n')),
  callObject.map((value) => new URLSearchParams(value as Record<string, string>).toString()),
  fc.constant(undefined),
);
const headers = fc.dictionary(
  fc.oneof(fc.constantFrom('content-type', 'Content-Type', 'x-forwarded-for'), fc.string({ minLength: 1 })),
  fc.oneof(
    fc.constantFrom(
      'application/json',
      'application/x-www-form-urlencoded',
      'text/plain',
      'multipart/form-data',
    ),
    fc.string(),
  ),
);
const query = fc.record(
  {
    token: fc.oneof(fc.constant(WEBHOOK_TOKEN), fc.string()),
    profile: fc.oneof(fc.constant('default'), fc.string()),
    caller: fc.string(),
  },
  { requiredKeys: [] },
);
const method = fc.constantFrom(
  'GET',
  'POST',
  'POST',
  'POST',
  'PUT',
  'DELETE',
  'PATCH',
  'HEAD',
  'OPTIONS',
  'post',
);

/** A body's JSON, or the body itself. */
function parsedOr(body: string | undefined): unknown {
  try {
    return body === undefined ? undefined : JSON.parse(body);
  } catch {
    return body;
  }
}

describe('whatever arrives', () => {
  it('the webhook answers 2xx or 4xx with plain text, and never throws', async () => {
    const statuses = new Set<number>();
    await fc.assert(
      fc.asyncProperty(
        method,
        body,
        headers,
        query,
        fc.boolean(),
        fc.string(),
        async (m, b, h, q, base64, ip) => {
          const logged = webhook.logs.length;
          const result = await webhook.handler(
            functionUrlEvent({ method: m, body: b, headers: h, query: q, base64, sourceIp: ip }),
          );
          statuses.add(result.statusCode ?? 0);
          // What the caller sent comes back in no error body and no log line, but as an excerpt.
          const inputs = [...stringsOf(parsedOr(b)), ...(b ? [b] : []), ...stringsOf(q), ...stringsOf(h)];
          if ((result.statusCode ?? 0) >= 400)
            expect(leaksIn(result.body ?? '', inputs, [DEMO_COMPANY])).toEqual([]);
          for (const line of webhook.logs.slice(logged)) {
            expect(leaksIn(JSON.stringify(line), inputs, [DEMO_COMPANY])).toEqual([]);
          }
          expect(result.statusCode).toBeGreaterThanOrEqual(200);
          expect(result.statusCode).toBeLessThan(500);
          expect(result.headers?.['content-type']).toBe('text/plain; charset=utf-8');
          expect(typeof result.body).toBe('string');
        },
      ),
      { numRuns: 3000 },
    );
    expect(webhook.logs.filter((entry) => entry.reason === 'internal-error')).toEqual([]);
    // The generators reach every outcome, so the property is tested beyond the token check.
    expect([...statuses].sort()).toEqual(
      [200, 400, 401, 405, 413, 415].filter((status) => statuses.has(status) || status < 413),
    );
    expect(
      webhook.logs.some((entry) => entry.reason.startsWith('rule:') && entry.callerKind === 'public'),
    ).toBe(true);
  });
});

describe('whatever reaches the admin API', () => {
  let api: Awaited<ReturnType<typeof adminUnderTest>>;
  beforeAll(async () => {
    api = await adminUnderTest(dynamo().endpoint);
  });
  afterAll(() => api.destroy());

  const path = fc.oneof(
    fc.constantFrom('/handled', '/notulist', '/agents', '/agents/1003', '/callers/0612345678', '/nope'),
    fc
      .constantFrom('/callers/', '/agents/')
      .chain((prefix) => fc.string().map((rest) => `${prefix}${encodeURIComponent(rest)}`)),
    fc.constantFrom('/callers/0612345678/route', '/callers/%E0%A4%A/route', '/agents/%'),
    fc.string().map((rest) => `/${rest}`),
  );
  const adminBody = fc.oneof(
    fc
      .record(
        {
          caller_number: fieldValue,
          agent: fieldValue,
          uuid: fieldValue,
          at: fc.oneof(fc.integer(), fc.string(), fc.constant(Date.now())),
          available: fc.oneof(fc.boolean(), fc.string()),
          until: fc.oneof(fc.string(), fc.integer(), fc.constant('2026-12-24')),
          openInvoices: fc.oneof(fc.integer(), fc.string()),
          name: fc.string(),
          com_id: fc.oneof(fc.constant(DEMO_COMPANY), fc.string()),
          call: fc.oneof(
            fc.record(
              { from: fieldValue, to: fieldValue, dated: fc.oneof(fc.string(), fc.integer()) },
              { requiredKeys: [] },
            ),
            fieldValue,
          ),
        },
        { requiredKeys: [] },
      )
      .map((value) => JSON.stringify(value)),
    fc.string(),
    fc.constant(undefined),
  );
  const token = fc.constantFrom('admin', 'ingest', 'none', 'webhook');

  it('answers 2xx or 4xx with JSON, and never throws', async () => {
    const statuses = new Set<number>();
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom('GET', 'PUT', 'POST', 'DELETE', 'PATCH'),
        path,
        adminBody,
        token,
        fc.record(
          { com_id: fc.oneof(fc.constant(DEMO_COMPANY), fc.string()), profile: fc.string() },
          { requiredKeys: [] },
        ),
        async (method, route, body, who, query) => {
          const tokens = { admin: ADMIN_TOKEN, ingest: INGEST_TOKEN, webhook: WEBHOOK_TOKEN, none: '' };
          const result = await api.admin(method, route, {
            ...(body === undefined ? {} : { body }),
            query: who === 'ingest' ? { ...query, token: INGEST_TOKEN } : query,
            headers: { authorization: who === 'ingest' ? '' : `Bearer ${tokens[who]}` },
          });
          statuses.add(result.statusCode ?? 0);
          expect(result.statusCode).toBeGreaterThanOrEqual(200);
          expect(result.statusCode).toBeLessThan(500);
        },
      ),
      { numRuns: 1500 },
    );
    expect(api.adminLogs.filter((entry) => entry.reason === 'store-error')).toEqual([]);
    // Past the token check: routes were found, refused and validated, not only 401s.
    expect([400, 401, 404, 405].filter((status) => statuses.has(status))).toEqual([400, 401, 404, 405]);
  });
});
