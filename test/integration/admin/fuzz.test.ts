/**
 * Every admin route, fuzzed: 5 000 requests each, close to what a CRM, an agent tool or the
 * platform sends and with what an attacker would put in their place. Against a DynamoDB that
 * is up, no answer is a 5xx, none holds a stack trace, and no error body or log line repeats
 * a whole number or more of a caller's text than the excerpt rule allows.
 */
import fc from 'fast-check';
import type { RequestLog } from '../../../lambda/http/request-log';
import { DEMO_COMPANY } from '../../../local/demo';
import { ADMIN_TOKEN, adminUnderTest, INGEST_TOKEN, useDynalite } from '../../support/harness';
import { leaksIn, stringsOf } from '../../support/leaks';

const RUNS = 5000;
const dynamo = useDynalite();
let api: Awaited<ReturnType<typeof adminUnderTest>>;
beforeAll(async () => {
  api = await adminUnderTest(dynamo().endpoint);
});
afterAll(() => api.destroy());

const PROTO = ['constructor', '__proto__', 'toString', 'hasOwnProperty', 'valueOf', 'prototype'];
const longText = fc
  .integer({ min: 60, max: 3000 })
  .chain((length) =>
    fc
      .constantFrom('x', 'Klant belt over factuur ', 'é', '0612345678 ')
      .map((unit) => unit.repeat(length).slice(0, length)),
  );
const hostile = fc.oneof(
  fc.string(),
  fc.string({ unit: 'binary', maxLength: 80 }),
  longText,
  fc.constantFrom(
    ...PROTO,
    '',
    ' ',
    '*****',
    'anonymous',
    'Nul\u0000BV',
    '\u001b[31m',
    '{{ticket.id}}',
    '%00',
    '\r\nX: y',
  ),
  fc.stringMatching(/^[a-z0-9_.:+@-]{1,70}$/),
);
const numberLike = fc.oneof(
  fc.constantFrom(
    '0612345678',
    '+31 (0)20-123 45 67',
    '0031 20 1234567',
    '31612300020.0',
    '3.16123E+10',
    '0612300062a',
  ),
  fc.constantFrom('1003', 'sip:alice@pbx', 'sip:0612345678@pbx', '+44 20 7946 0958', '612345678'),
  fc.stringMatching(/^\+?[0-9()\-. ]{7,18}$/),
  hostile,
);
const timeLike = fc.oneof(
  fc.constantFrom(
    '2026-11-30T09:00:00Z',
    '2026-11-30 10:00',
    '30-11-2026 10:00',
    '1/2/2026',
    'March 7',
    '2026-09-31T10:00:00Z',
  ),
  fc.constantFrom(
    '2026-11-28T10:15:00+23:59',
    '2026-10-25 02:30',
    'gisteren',
    '1795857300',
    '17958573000000',
  ),
  fc.constantFrom(1e20, 8.7e15, -1, 0, 1.5, Number.MAX_SAFE_INTEGER),
  fc.integer({ min: 978_307_200_000, max: Date.now() }),
  hostile,
);
const agent = fc.oneof(fc.constantFrom('1003', '1004', 'sip:alice', '+31687654321'), hostile);
const anyValue = fc.oneof(
  hostile,
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
  fc.jsonValue({ maxDepth: 3 }),
);
const withExtras = <T extends Record<string, unknown>>(record: fc.Arbitrary<T>) =>
  fc
    .tuple(record, fc.dictionary(fc.oneof(fc.constantFrom(...PROTO), hostile), anyValue, { maxKeys: 2 }))
    .map(([known, extra]) => (Math.random() < 0.8 ? known : { ...extra, ...known }));
const tags = fc.oneof(
  fc.array(fc.oneof(fc.stringMatching(/^[a-z0-9][a-z0-9_.:-]{0,31}$/), hostile), { maxLength: 25 }),
  fc.record(
    { add: fc.array(hostile, { maxLength: 3 }), remove: fc.array(hostile, { maxLength: 3 }) },
    { requiredKeys: [] },
  ),
  anyValue,
);
const attributes = fc.oneof(
  fc.dictionary(
    fc.oneof(fc.stringMatching(/^[a-zA-Z][a-zA-Z0-9_]{0,31}$/), fc.constantFrom(...PROTO), hostile),
    fc.oneof(hostile, fc.constant(null)),
    {
      maxKeys: 22,
    },
  ),
  anyValue,
);
const facts = withExtras(
  fc.record(
    {
      openInvoices: fc.oneof(
        fc.integer({ min: -2, max: 2_000_000 }),
        fc.constantFrom('3', '1e3', null),
        anyValue,
      ),
      ticketAgent: fc.oneof(agent, fc.constant(null)),
      lastAgent: fc.oneof(agent, fc.constant(null)),
      lastAgentAt: timeLike,
      name: fc.oneof(hostile, fc.constant(null)),
      tags,
      attributes,
      com_id: fc.oneof(fc.constant(DEMO_COMPANY), hostile),
    },
    { requiredKeys: [] },
  ),
);
const rawBody = fc.oneof(
  fc.string(),
  fc
    .integer({ min: 30, max: 6000 })
    .map((depth) => `{"tags":{"add":${'['.repeat(depth)}${']'.repeat(depth)}}}`),
  fc.constant('{"name": "Klant belt over factuur 2026-118" "x": 1}'),
  fc.constant('{"name":"a","name":"b"}'),
);
const asBody = (json: fc.Arbitrary<unknown>) =>
  fc.oneof(
    { weight: 9, arbitrary: json.map((value) => JSON.stringify(value)) },
    { weight: 1, arbitrary: rawBody },
  );

interface Route {
  method: string;
  path: fc.Arbitrary<string>;
  body?: fc.Arbitrary<string>;
  /** The notulist takes its token in the URL. */
  ingest?: boolean;
}

const segment = (values: fc.Arbitrary<string>) => values.map((value) => encodeURIComponent(value));
const ROUTES: Route[] = [
  {
    method: 'POST',
    path: fc.constant('/handled'),
    body: asBody(
      withExtras(
        fc.record(
          {
            caller_number: numberLike,
            agent,
            uuid: hostile,
            at: timeLike,
            com_id: fc.oneof(fc.constant(DEMO_COMPANY), hostile),
          },
          { requiredKeys: [] },
        ),
      ),
    ),
  },
  {
    method: 'POST',
    path: fc.constant('/notulist'),
    ingest: true,
    body: asBody(
      withExtras(
        fc.record(
          {
            title: hostile,
            overview: longText,
            outcomes: fc.array(hostile, { maxLength: 3 }),
            call: fc.oneof(
              fc.record(
                { from: numberLike, to: numberLike, via: numberLike, dated: timeLike },
                { requiredKeys: [] },
              ),
              anyValue,
            ),
          },
          { requiredKeys: [] },
        ),
      ),
    ),
  },
  { method: 'GET', path: fc.constant('/agents') },
  { method: 'GET', path: segment(agent).map((a) => `/agents/${a}`) },
  {
    method: 'PUT',
    path: segment(agent).map((a) => `/agents/${a}`),
    body: asBody(
      withExtras(
        fc.record(
          {
            available: fc.oneof(fc.boolean(), anyValue),
            until: timeLike,
            name: fc.oneof(hostile, fc.constant(null)),
          },
          { requiredKeys: [] },
        ),
      ),
    ),
  },
  { method: 'DELETE', path: segment(agent).map((a) => `/agents/${a}`) },
  { method: 'GET', path: segment(numberLike).map((n) => `/callers/${n}`) },
  { method: 'PUT', path: segment(numberLike).map((n) => `/callers/${n}`), body: asBody(facts) },
  { method: 'DELETE', path: segment(numberLike).map((n) => `/callers/${n}`) },
  { method: 'GET', path: segment(numberLike).map((n) => `/callers/${n}/route`) },
];

const DEADLINE_MS = 240_000;

for (const route of ROUTES) {
  const example = fc.sample(route.path, 1)[0] ?? '';
  const name = `${route.method} ${example.replace(/^\/(\w+)\/.*?(\/route)?$/, (_, room: string, tail = '') => `/${room}/{…}${tail}`)}`;
  it(
    `${name}: ${RUNS} requests, no 5xx, no stack, nothing repeated that must not be`,
    async () => {
      const statuses = new Map<number, number>();
      const problems: string[] = [];
      await fc.assert(
        fc.asyncProperty(
          route.path,
          route.body ?? fc.constant(undefined),
          fc.constantFrom(DEMO_COMPANY, 'x#y', ''),
          async (path, body, comId) => {
            const logs = api.adminLogs.length;
            const query: Record<string, string> = route.ingest ? { token: INGEST_TOKEN } : {};
            if (comId) query.com_id = comId;
            const headers = route.ingest ? { authorization: '' } : undefined;
            const result = await api.admin(route.method, path, {
              body,
              query,
              ...(headers ? { headers } : {}),
            });
            const status = result.statusCode ?? 0;
            statuses.set(status, (statuses.get(status) ?? 0) + 1);
            const inputs = [
              ...stringsOf(body === undefined ? undefined : safeParse(body)),
              ...(body ? [body] : []),
              decodeSafely(path),
            ];
            const allowed = [path, decodeSafely(path), ADMIN_TOKEN, INGEST_TOKEN, DEMO_COMPANY];
            if (status >= 500)
              problems.push(
                `${status} for ${route.method} ${path.slice(0, 60)}: ${result.body?.slice(0, 120)}`,
              );
            if (status >= 400) {
              for (const leak of leaksIn(result.body ?? '', inputs, allowed))
                problems.push(`${status} body repeats ${leak}: ${result.body?.slice(0, 300)}`);
            }
            for (const line of api.adminLogs.slice(logs) as RequestLog[]) {
              for (const leak of leaksIn(JSON.stringify(line), inputs, [DEMO_COMPANY]))
                problems.push(`log line repeats ${leak}`);
            }
          },
        ),
        { numRuns: RUNS, interruptAfterTimeLimit: DEADLINE_MS, markInterruptAsFailure: true },
      );
      expect([...new Set(problems)].slice(0, 10)).toEqual([]);
      // The generators get past validation too: some requests reach the table and succeed.
      expect([...statuses.keys()].some((status) => status < 300)).toBe(true);
    },
    DEADLINE_MS + 30_000,
  );
}

function safeParse(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

function decodeSafely(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}
