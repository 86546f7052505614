import { createAdminHandler, isAdminPath, ROUTES } from '../../../lambda/admin/routes';
import type { AdminStores } from '../../../lambda/store/admin-stores';
import { functionUrlEvent } from '../../../local/events';
import { ADMIN_TOKEN, INGEST_TOKEN, testConfig } from '../../support/harness';

/** The router alone: none of these requests reaches a store. */
const unusedStores = {} as AdminStores;
const handler = createAdminHandler({
  config: testConfig('http://127.0.0.1:9'),
  stores: unusedStores,
  log: () => undefined,
});
const request = (method: string, path: string, token = ADMIN_TOKEN) =>
  handler(functionUrlEvent({ method, path, headers: { authorization: `Bearer ${token}` } }));

describe('the admin router', () => {
  it('says the admin API answers every path of its route table, and no other', () => {
    const concrete = ROUTES.map((route) => route.path.replace(/\{\w+\}/g, '0612345678'));
    expect(concrete.filter((path) => !isAdminPath(path))).toEqual([]);
    expect(['/', '/?token=x', '/webhook', '/handledx'].filter(isAdminPath)).toEqual([]);
  });

  it('answers an unknown path with the list of routes, derived from the table', async () => {
    const result = await request('GET', '/nothing');

    expect(result.statusCode).toBe(404);
    const listed = JSON.parse(result.body ?? '').error as string;
    for (const route of ROUTES) {
      expect(listed).toContain(`${Object.keys(route.methods).join(' ')} ${route.path}`);
    }
  });

  it('answers a method a route does not take with 405 and the methods it does', async () => {
    const result = await request('PATCH', '/callers/0612345678');

    expect([result.statusCode, result.headers?.allow]).toEqual([405, 'GET, PUT, DELETE']);
  });

  it('checks the token before the route: without it nobody learns whether a path exists', async () => {
    const [unknown, known] = await Promise.all([
      request('GET', '/nothing', 'wrong'),
      request('GET', '/agents', 'wrong'),
    ]);

    expect([unknown.statusCode, known.statusCode, unknown.body]).toEqual([401, 401, known.body]);
  });

  it('opens the notulist route with the ingest token only, and nothing else with it', async () => {
    const notulist = await handler(
      functionUrlEvent({ method: 'GET', path: '/notulist', query: { token: INGEST_TOKEN } }),
    );
    const agents = await request('GET', '/agents', INGEST_TOKEN);

    expect([notulist.statusCode, agents.statusCode]).toEqual([405, 401]);
  });
});
