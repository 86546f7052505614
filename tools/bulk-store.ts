/**
 * The caller table in bulk, for the tools: look up many callers at once, write new ones in
 * batches, list a company's callers. Never on the webhook's or the admin API's path.
 */
import {
  BatchGetItemCommand,
  BatchWriteItemCommand,
  type DynamoDBClient,
  ScanCommand,
} from '@aws-sdk/client-dynamodb';
import type { CallerFacts } from '../lambda/caller-facts';
import type { TableOptions } from '../lambda/store/call-recorder';
import {
  callerKey,
  callerKeyOf,
  expiresAtSeconds,
  type Item,
  isCallerOf,
  isExpired,
  type StoredCaller,
  toStoredCaller,
} from '../lambda/store/items';

/** The caller table as the import and export use it. */
export class BulkCallerStore {
  constructor(
    private readonly client: DynamoDBClient,
    private readonly table: TableOptions,
  ) {}

  /**
   * The live callers among `keys` (at most 100), for a bulk import to see what exists.
   * Retries keys DynamoDB left unprocessed.
   */
  async loadCallers(comId: string, keys: string[], nowMs: number): Promise<Map<string, StoredCaller>> {
    const found = new Map<string, StoredCaller>();
    let pending: Item[] = keys.map((key) => callerKey(comId, key));
    for (let attempt = 0; pending.length > 0; attempt++) {
      if (attempt > 0) await backOff(attempt);
      const result = await this.client.send(
        new BatchGetItemCommand({
          RequestItems: { [this.table.tableName]: { Keys: pending, ConsistentRead: true } },
        }),
      );
      for (const item of result.Responses?.[this.table.tableName] ?? []) {
        if (isExpired(item, nowMs)) continue;
        const caller = toStoredCaller(item, comId, callerKeyOf(item, comId));
        found.set(caller.callerKey, caller);
      }
      pending = result.UnprocessedKeys?.[this.table.tableName]?.Keys ?? [];
    }
    return found;
  }

  /**
   * Writes callers that do not exist yet, 25 to a BatchWriteItem, retrying unprocessed items
   * with back-off. Replaces whatever is under those keys: call it only for callers
   * `loadCallers` did not find. Returns the keys that could not be written.
   */
  async putNewCallers(
    comId: string,
    callers: { callerKey: string; facts: CallerFacts }[],
    nowMs: number,
  ): Promise<string[]> {
    let pending = callers.map(({ callerKey: key, facts }) => {
      const item: Item = {
        ...callerKey(comId, key),
        comId: { S: comId },
        calls: { N: '0' },
        expiresAt: { N: String(expiresAtSeconds(nowMs, this.table.retentionDays)) },
      };
      for (const [name, value] of Object.entries(facts)) {
        if (value === null || value === undefined) continue;
        item[name] = typeof value === 'number' ? { N: String(value) } : { S: value };
      }
      return { PutRequest: { Item: item } };
    });
    for (let attempt = 0; pending.length > 0 && attempt < 6; attempt++) {
      if (attempt > 0) await backOff(attempt);
      const result = await this.client.send(
        new BatchWriteItemCommand({ RequestItems: { [this.table.tableName]: pending } }),
      );
      pending = (result.UnprocessedItems?.[this.table.tableName] ?? []) as typeof pending;
    }
    return pending.map((request) => callerKeyOf(request.PutRequest.Item, comId));
  }

  /** Every live caller of a company, for export. Scans the table: an administration task, never the hot path. */
  async *listCallers(comId: string, nowMs: number): AsyncGenerator<StoredCaller> {
    let startKey: Item | undefined;
    do {
      const page = await this.client.send(
        new ScanCommand({
          TableName: this.table.tableName,
          FilterExpression: 'comId = :comId',
          ExpressionAttributeValues: { ':comId': { S: comId } },
          ...(startKey ? { ExclusiveStartKey: startKey } : {}),
        }),
      );
      for (const item of page.Items ?? []) {
        if (isExpired(item, nowMs) || !isCallerOf(item, comId)) continue;
        yield toStoredCaller(item, comId, callerKeyOf(item, comId));
      }
      startKey = page.LastEvaluatedKey;
    } while (startKey);
  }
}

function backOff(attempt: number): Promise<void> {
  return new Promise((resolve) =>
    setTimeout(resolve, Math.min(50 * 2 ** attempt, 2000) * (0.5 + Math.random())),
  );
}
