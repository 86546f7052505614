/**
 * The webhook's one round trip: record a call and load the caller as they were before it,
 * in one UpdateItem. The webhook depends on the `CallRecorder` interface only.
 */
import {
  type DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
  UpdateItemCommand,
  type UpdateItemCommandInput,
} from '@aws-sdk/client-dynamodb';
import type { CallerRecord } from '../decide';
import { isConditionFailure } from './errors';
import {
  CALLER_TABLE,
  callerKey,
  expiresAtSeconds,
  type Item,
  isExpired,
  NOT_EXPIRED,
  nowSecondsValue,
  toRecord,
} from './items';

/** What the hot path records about one call. */
export interface CallToRecord {
  comId: string;
  callerKey: string;
  /** The platform's call id; the same id recorded twice counts once. */
  uuid: string | undefined;
  nowMs: number;
  /** Aborts the DynamoDB request when the deadline comes. */
  signal: AbortSignal;
}

/** Records calls: the only store operation the webhook needs. */
export interface CallRecorder {
  /** Records a call and returns the caller as we knew them before it (undefined: unknown caller). */
  recordCallAndLoadCaller(call: CallToRecord): Promise<CallerRecord | undefined>;
}

/** Where and how long caller items are kept. */
export interface TableOptions {
  tableName: string;
  retentionDays: number;
}

/** The `CallRecorder` of the caller table. */
export class DynamoCallRecorder implements CallRecorder {
  constructor(
    private readonly client: DynamoDBClient,
    private readonly table: TableOptions,
  ) {}

  /**
   * One UpdateItem (`ReturnValues: ALL_OLD`): the count is an atomic ADD. An expired item
   * counts as absent and is replaced; a repeated uuid is not counted again. Those two rare
   * cases cost a second request where DynamoDB does not return the old item with the failed condition.
   */
  async recordCallAndLoadCaller(call: CallToRecord): Promise<CallerRecord | undefined> {
    try {
      const result = await this.client.send(new UpdateItemCommand(recordCallInput(this.table, call)), {
        abortSignal: call.signal,
      });
      return result.Attributes ? toRecord(result.Attributes) : undefined;
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
      const current = error.Item ?? (await this.getItem(call));
      if (!current) return undefined;
      if (isExpired(current, call.nowMs)) {
        await this.replaceExpired(current, call);
        return undefined;
      }
      // A repeated delivery of a call already counted: answer as the first delivery did.
      const record = toRecord(current);
      return { ...record, calls: Math.max(record.calls - 1, 0), lastCallAt: undefined };
    }
  }

  private async getItem(call: CallToRecord): Promise<Item | undefined> {
    const result = await this.client.send(
      new GetItemCommand({
        TableName: this.table.tableName,
        Key: callerKey(call.comId, call.callerKey),
        ConsistentRead: true,
      }),
      { abortSignal: call.signal },
    );
    return result.Item;
  }

  private async replaceExpired(expired: Item, call: CallToRecord): Promise<void> {
    const item: Item = {
      ...callerKey(call.comId, call.callerKey),
      comId: { S: call.comId },
      calls: { N: '1' },
      lastCallAt: { N: String(call.nowMs) },
      [CALLER_TABLE.ttlAttribute]: { N: String(expiresAtSeconds(call.nowMs, this.table.retentionDays)) },
      ...(call.uuid ? { lastUuid: { S: call.uuid } } : {}),
    };
    try {
      await this.client.send(
        new PutItemCommand({
          TableName: this.table.tableName,
          Item: item,
          // Only replace the expired item we saw, never a fresh one a concurrent call wrote.
          ConditionExpression: 'expiresAt = :seen',
          ExpressionAttributeValues: { ':seen': expired.expiresAt ?? { N: '0' } },
        }),
        { abortSignal: call.signal },
      );
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
    }
  }
}

/**
 * The hot path's one request: record the call (atomic count, time, uuid, expiry) unless the
 * item has expired or already holds this uuid, and return the item as it was.
 */
export function recordCallInput(
  table: TableOptions,
  call: Omit<CallToRecord, 'signal'>,
): UpdateItemCommandInput {
  const values: Item = {
    ':one': { N: '1' },
    ':now': { N: String(call.nowMs) },
    ':expires': { N: String(expiresAtSeconds(call.nowMs, table.retentionDays)) },
    ':comId': { S: call.comId },
    ...nowSecondsValue(call.nowMs),
  };
  const conditions = [NOT_EXPIRED];
  let set = 'SET lastCallAt = :now, expiresAt = :expires, comId = :comId';
  if (call.uuid) {
    values[':uuid'] = { S: call.uuid };
    conditions.push('(attribute_not_exists(lastUuid) OR lastUuid <> :uuid)');
    set += ', lastUuid = :uuid';
  } else {
    set = `${set} REMOVE lastUuid`;
  }
  return {
    TableName: table.tableName,
    Key: callerKey(call.comId, call.callerKey),
    UpdateExpression: `${set} ADD calls :one`,
    ConditionExpression: conditions.join(' AND '),
    ExpressionAttributeValues: values,
    ReturnValues: 'ALL_OLD',
    ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
  };
}
