/**
 * The caller table in bulk, for the tools: look up many callers at once and list a company's
 * callers. Never on the webhook's or the admin API's path; the tools write through the
 * admin's `CallerStore`, one item at a time.
 */
import { BatchGetItemCommand, type DynamoDBClient, ScanCommand } from '@aws-sdk/client-dynamodb';
import type { TableOptions } from '../lambda/store/call-recorder';
import {
  callerItemKey,
  callerKeyOfItem,
  type Item,
  isCallerOf,
  isExpired,
  type StoredCaller,
  toStoredCaller,
} from '../lambda/store/items';
import type { TableRequests } from '../lambda/store/requests';

/** BatchGetItem reads at most this many keys. */
const BATCH_GET_KEYS = 100;

/** The caller table as the import and export use it. */
export class BulkCallerStore {
  constructor(
    private readonly client: DynamoDBClient,
    private readonly table: TableOptions,
    private readonly requests: TableRequests,
  ) {}

  /**
   * The live callers among `keys` (at most 100), for an import to see what exists. Retries
   * keys DynamoDB left unprocessed.
   */
  async loadCallers(comId: string, keys: string[], nowMs: number): Promise<Map<string, StoredCaller>> {
    if (keys.length > BATCH_GET_KEYS) throw new RangeError(`at most ${BATCH_GET_KEYS} keys at a time`);
    const found = new Map<string, StoredCaller>();
    let pending: Item[] = keys.map((key) => callerItemKey(comId, key));
    // DynamoDB leaves keys unprocessed when it is busy: asked again after a growing pause.
    const backOff = this.requests.backOff();
    for (let attempt = 0; pending.length > 0; attempt++) {
      if (attempt >= UNPROCESSED_ROUNDS) throw new UnprocessedKeysError(pending.length);
      if (attempt > 0) await backOff.wait();
      const result = await this.requests.send((abortSignal) =>
        this.client.send(
          new BatchGetItemCommand({
            RequestItems: { [this.table.tableName]: { Keys: pending, ConsistentRead: true } },
          }),
          { abortSignal },
        ),
      );
      for (const item of result.Responses?.[this.table.tableName] ?? []) {
        if (isExpired(item, nowMs)) continue;
        const caller = toStoredCaller(item, comId, callerKeyOfItem(item, comId));
        found.set(caller.callerKey, caller);
      }
      pending = result.UnprocessedKeys?.[this.table.tableName]?.Keys ?? [];
    }
    return found;
  }

  /**
   * Every live caller of a company, for export, page by page (each page retried). Scans the
   * table: an administration task, never the hot path.
   */
  async *listCallers(comId: string, nowMs: number): AsyncGenerator<StoredCaller> {
    let startKey: Item | undefined;
    do {
      const from = startKey;
      const page = await this.requests.send((abortSignal) =>
        this.client.send(
          new ScanCommand({
            TableName: this.table.tableName,
            FilterExpression: 'comId = :comId',
            ExpressionAttributeValues: { ':comId': { S: comId } },
            ...(from ? { ExclusiveStartKey: from } : {}),
          }),
          { abortSignal },
        ),
      );
      for (const item of page.Items ?? []) {
        if (isExpired(item, nowMs) || !isCallerOf(item, comId)) continue;
        yield toStoredCaller(item, comId, callerKeyOfItem(item, comId));
      }
      startKey = page.LastEvaluatedKey;
    } while (startKey);
  }
}

/** Rounds of asking again for keys DynamoDB left unprocessed before giving up. */
const UNPROCESSED_ROUNDS = 8;

/** DynamoDB kept leaving keys unprocessed: the table is too busy for now. */
export class UnprocessedKeysError extends Error {
  override name = 'ThrottlingException';
  constructor(count: number) {
    super(`DynamoDB left ${count} keys unprocessed after ${UNPROCESSED_ROUNDS} rounds`);
  }
}
