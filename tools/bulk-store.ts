/**
 * The caller table in bulk, for the tools: look up many callers at once and list a company's
 * callers, create callers that do not exist. Never on the webhook's or the admin API's path.
 * Every write is of one item and conditional, so it never replaces what a call wrote.
 */
import {
  BatchGetItemCommand,
  type DynamoDBClient,
  PutItemCommand,
  ScanCommand,
} from '@aws-sdk/client-dynamodb';
import { applyCrmData, type CallerFacts } from '../lambda/domain/caller-facts';
import type { TableOptions } from '../lambda/store/call-recorder';
import type { RequestOptions } from '../lambda/store/caller-store';
import { isConditionFailure } from '../lambda/store/errors';
import {
  CALLER_TABLE,
  callerItemKey,
  callerKeyOfItem,
  expiresAtSeconds,
  type Item,
  isCallerOf,
  isExpired,
  type StoredCaller,
  TTL,
  toStoredCaller,
} from '../lambda/store/items';
import { TOOL_RETRIES, withRetries } from './retry';

/** BatchGetItem reads at most this many keys. */
const BATCH_GET_KEYS = 100;

/** The caller table as the import and export use it. */
export class BulkCallerStore {
  constructor(
    private readonly client: DynamoDBClient,
    private readonly table: TableOptions,
  ) {}

  /**
   * The live callers among `keys` (at most 100), for an import to see what exists. Retries
   * keys DynamoDB left unprocessed.
   */
  async loadCallers(
    comId: string,
    keys: string[],
    nowMs: number,
    options: RequestOptions = {},
  ): Promise<Map<string, StoredCaller>> {
    if (keys.length > BATCH_GET_KEYS) throw new RangeError(`at most ${BATCH_GET_KEYS} keys at a time`);
    const found = new Map<string, StoredCaller>();
    let pending: Item[] = keys.map((key) => callerItemKey(comId, key));
    for (let attempt = 0; pending.length > 0; attempt++) {
      if (attempt > 0) await backOff(attempt);
      const result = await this.client.send(
        new BatchGetItemCommand({
          RequestItems: { [this.table.tableName]: { Keys: pending, ConsistentRead: true } },
        }),
        options.signal ? { abortSignal: options.signal } : {},
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
   * Creates a caller with these facts if there is no item under its key, in one conditional
   * PutItem (cheaper than an update). False when an item exists (written meanwhile, or
   * expired): merge into it instead. Null facts are left out.
   */
  async createCaller(
    comId: string,
    key: string,
    facts: CallerFacts,
    nowMs: number,
    options: RequestOptions = {},
  ): Promise<boolean> {
    const item: Item = {
      ...callerItemKey(comId, key),
      comId: { S: comId },
      [TTL]: { N: String(expiresAtSeconds(nowMs, this.table.retentionDays)) },
    };
    const { tags, attributes, ...plain } = facts;
    for (const [name, value] of Object.entries(plain)) {
      if (value === null || value === undefined) continue;
      item[name] = typeof value === 'number' ? { N: String(value) } : { S: value };
    }
    const crm = applyCrmData({}, { tags, attributes });
    if (crm.tags.length > 0) item.tags = { SS: crm.tags };
    const attributeMap = Object.entries(crm.attributes).map(([name, value]) => [name, { S: value }]);
    if (attributeMap.length > 0) item.attributes = { M: Object.fromEntries(attributeMap) };
    try {
      await this.client.send(
        new PutItemCommand({
          TableName: this.table.tableName,
          Item: item,
          ConditionExpression: `attribute_not_exists(${CALLER_TABLE.partitionKey})`,
        }),
        options.signal ? { abortSignal: options.signal } : {},
      );
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw error;
    }
  }

  /**
   * Every live caller of a company, for export, page by page (each page retried). Scans the
   * table: an administration task, never the hot path.
   */
  async *listCallers(comId: string, nowMs: number): AsyncGenerator<StoredCaller> {
    let startKey: Item | undefined;
    do {
      const from = startKey;
      const page = await withRetries(TOOL_RETRIES, (signal) =>
        this.client.send(
          new ScanCommand({
            TableName: this.table.tableName,
            FilterExpression: 'comId = :comId',
            ExpressionAttributeValues: { ':comId': { S: comId } },
            ...(from ? { ExclusiveStartKey: from } : {}),
          }),
          { abortSignal: signal },
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

function backOff(attempt: number): Promise<void> {
  return new Promise((resolve) =>
    setTimeout(resolve, Math.min(50 * 2 ** attempt, 2000) * (0.5 + Math.random())),
  );
}
