/**
 * Callers with everything a caller can carry: 20 tags and 20 attributes of the longest size,
 * a name, and a colleague who answered them yesterday and is in the company's roster, so
 * the default profile answers them from the roster. The bench's "full record" rows call them.
 */
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DEFAULTS } from '../../lambda/config';
import { CRM_DATA_LIMITS } from '../../lambda/domain/caller-facts';
import { normalizeCaller } from '../../lambda/domain/numbers';
import { adminStores } from '../../lambda/store/admin-stores';
import { callerWriteOf } from '../../lambda/store/caller-store';
import { DEMO_COMPANY } from '../../local/demo';
import { TOOL_RETRY_POLICY } from '../tables';
import { BENCH_TABLE } from './context';

/** The agent who answered every full-record caller, and what the webhook answers them. */
export const FULL_RECORD_AGENT = '1004';
const ROSTER_SIZE = 20;
const DAY_MS = 86_400_000;

/** The number of the `index`th full-record caller, as the platform sends it. */
export function fullRecordCaller(index: number): string {
  return `062${String(index).padStart(7, '0')}`;
}

/** Writes `count` full-record callers and a roster of 20 agents, one of them away. */
export async function seedFullRecords(client: DynamoDBClient, count: number): Promise<void> {
  const table = { tableName: BENCH_TABLE, retentionDays: DEFAULTS.retentionDays };
  const { callers, roster } = adminStores(client, table, TOOL_RETRY_POLICY);
  const nowMs = Date.now();
  const tags = Array.from({ length: CRM_DATA_LIMITS.tags }, (_, i) =>
    `tag-${i}`.padEnd(CRM_DATA_LIMITS.tagChars, 'x'),
  );
  const attributes = Object.fromEntries(
    Array.from({ length: CRM_DATA_LIMITS.attributes }, (_, i) => [
      `attribute${i}`,
      'v'.repeat(CRM_DATA_LIMITS.attributeValueChars),
    ]),
  );
  for (let agent = 0; agent < ROSTER_SIZE; agent++) {
    const id = String(1000 + agent);
    await roster.putAgent(DEMO_COMPANY, id, { available: id !== '1005', name: `Agent ${id}` }, nowMs);
  }
  for (let index = 0; index < count; index++) {
    const key = normalizeCaller(fullRecordCaller(index), DEFAULTS.defaultCountryCode);
    if (key.kind === 'anonymous') throw new Error('a full-record caller cannot be anonymous');
    const facts = { name: 'Full Record BV', tags: { set: tags }, attributes };
    await callers.writeCaller(DEMO_COMPANY, key.key, callerWriteOf(facts, nowMs), nowMs);
    await callers.recordHandled(
      DEMO_COMPANY,
      key.key,
      { agent: FULL_RECORD_AGENT, id: `bench-full-${index}`, atMs: nowMs - DAY_MS },
      nowMs,
    );
  }
}
