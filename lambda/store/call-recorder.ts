/**
 * The webhook's one round trip: record a call and load the caller as they were before it,
 * in one UpdateItem. The webhook depends on the `CallRecorder` interface only.
 */
import type { UpdateItemCommandInput } from '@aws-sdk/client-dynamodb';
import type { CallerRecord } from '../domain/facts';
import type { WebhookDynamo } from './dynamo-http';
import { isConditionFailure } from './errors';
import {
  CALL_SLOTS,
  callEntry,
  callEntryPrefix,
  callerItemKey,
  callerRead,
  EMPTY_SLOT,
  expiresAtSeconds,
  type Item,
  isExpired,
  NOT_EXPIRED,
  nowSecondsValue,
  RACE_TRIES,
  REMEMBERED_CALLS,
  recordBeforeCall,
  rememberedCallSlot,
  shiftRegister,
  TTL,
  toRecord,
} from './items';

/** What the hot path records about one call. */
export interface CallToRecord {
  comId: string;
  callerKey: string;
  /** The platform's call id; a call delivered again (among the caller's last 8) counts once. */
  uuid: string | undefined;
  nowMs: number;
  /** Aborts the DynamoDB requests when the deadline comes. */
  signal: AbortSignal;
}

/** Records calls: the only store operation the webhook needs. */
export interface CallRecorder {
  /**
   * Records a call and returns the caller as we knew them before it (undefined: unknown
   * caller). A re-delivered call is not counted again and gets the record its first delivery got.
   */
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
    private readonly dynamo: WebhookDynamo,
    private readonly table: TableOptions,
  ) {}

  /**
   * One UpdateItem (`ReturnValues: ALL_OLD`) for a live or new record: the count is an atomic
   * ADD. When its condition fails, the item as it then is says why, each cause handled on
   * its own: an expired record is replaced with this call as its first, a re-delivery is
   * answered from its first delivery, a record that changed under us is written again.
   */
  async recordCallAndLoadCaller(call: CallToRecord): Promise<CallerRecord | undefined> {
    for (let tries = 1; ; tries++) {
      let refused: unknown;
      try {
        const result = await this.dynamo.updateItem(recordCallInput(this.table, call), call.signal);
        return result.Attributes ? toRecord(result.Attributes) : undefined;
      } catch (error) {
        if (!isConditionFailure(error) || tries === RACE_TRIES) throw error;
        refused = error;
      }
      const current = (refused as { Item?: Item }).Item ?? (await this.getItem(call));
      // Gone (erased, or deleted by TTL) since: the next try creates it.
      if (!current) continue;
      if (isExpired(current, call.nowMs)) {
        if (await this.replaceExpired(current, call)) return undefined;
        continue;
      }
      const slot = call.uuid ? rememberedCallSlot(current, call.uuid) : -1;
      if (slot >= 0) return recordBeforeCall(current, slot);
    }
  }

  private async getItem(call: CallToRecord): Promise<Item | undefined> {
    const result = await this.dynamo.getItem(
      callerRead(this.table.tableName, call.comId, call.callerKey),
      call.signal,
    );
    return result.Item;
  }

  /**
   * Replaces the expired item we saw with a fresh one holding this call. False when another
   * writer replaced it first: then this call is recorded on theirs.
   */
  private async replaceExpired(expired: Item, call: CallToRecord): Promise<boolean> {
    const item: Item = {
      ...callerItemKey(call.comId, call.callerKey),
      comId: { S: call.comId },
      calls: { N: '1' },
      lastCallAt: { N: String(call.nowMs) },
      [CALL_SLOTS[0] as string]: { S: callEntry(call.uuid, call.nowMs) },
      [TTL]: { N: String(expiresAtSeconds(call.nowMs, this.table.retentionDays)) },
    };
    try {
      await this.dynamo.putItem(
        {
          TableName: this.table.tableName,
          Item: item,
          ConditionExpression: `${TTL} = :seen`,
          ExpressionAttributeValues: { ':seen': expired[TTL] ?? { N: '0' } },
        },
        call.signal,
      );
      return true;
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
      return false;
    }
  }
}

/**
 * The hot path's one request: record the call (atomic count, time, the call register,
 * expiry) unless the item has expired or remembers this uuid, and return the item as it was.
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
    ':entry': { S: callEntry(call.uuid, call.nowMs) },
    ':emptySlot': { S: EMPTY_SLOT },
    ...nowSecondsValue(call.nowMs),
  };
  const conditions = [NOT_EXPIRED];
  if (call.uuid) {
    values[':uuid'] = { S: callEntryPrefix(call.uuid) };
    const remembered = CALL_SLOTS.slice(0, REMEMBERED_CALLS).map((slot) => `begins_with(${slot}, :uuid)`);
    conditions.push(`NOT (${remembered.join(' OR ')})`);
  }
  const set = `SET ${shiftRegister(CALL_SLOTS, ':entry')}, lastCallAt = :now, ${TTL} = :expires, comId = :comId`;
  return {
    TableName: table.tableName,
    Key: callerItemKey(call.comId, call.callerKey),
    UpdateExpression: `${set} ADD calls :one`,
    ConditionExpression: conditions.join(' AND '),
    ExpressionAttributeValues: values,
    ReturnValues: 'ALL_OLD',
    ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
  };
}
