/**
 * The admin API's single-item reads and writes of the caller table: CRM facts, who handled a
 * call, erasure. Not part of the webhook's bundle.
 */
import {
  DeleteItemCommand,
  type DynamoDBClient,
  GetItemCommand,
  UpdateItemCommand,
} from '@aws-sdk/client-dynamodb';
import type { CallerFacts } from '../caller-facts';
import type { TableOptions } from './call-recorder';
import { isConditionFailure } from './errors';
import {
  callerKey,
  expiresAtSeconds,
  type Item,
  isExpired,
  NOT_EXPIRED,
  nowSecondsValue,
  type StoredCaller,
  toStoredCaller,
} from './items';

/** Whether a handled-call report changed the record or was already known. */
export type HandledOutcome = 'recorded' | 'duplicate' | 'older';

/** A report that an agent handled a call of a caller. */
export interface HandledReport {
  agent: string;
  /** What identifies the report: the call's uuid; a report delivered twice counts once. */
  uuid: string;
  atMs: number;
}

/** The caller table as administration uses it. */
export class CallerAdminStore {
  constructor(
    private readonly client: DynamoDBClient,
    private readonly table: TableOptions,
  ) {}

  /** The caller's item, or undefined when there is none or it has expired. */
  async getCaller(comId: string, key: string, nowMs: number): Promise<StoredCaller | undefined> {
    const item = await this.getItem(comId, key);
    if (!item || isExpired(item, nowMs)) return undefined;
    return toStoredCaller(item, comId, key);
  }

  /**
   * Merges CRM facts into the caller's item (creating it) and returns the result. One
   * request, unless the item had expired: then it is erased first, so stale facts and
   * counts do not come back to life.
   */
  async mergeFacts(comId: string, key: string, facts: CallerFacts, nowMs: number): Promise<StoredCaller> {
    const set = ['expiresAt = :expires', 'comId = :comId'];
    const remove: string[] = [];
    const values: Item = {
      ':expires': { N: String(expiresAtSeconds(nowMs, this.table.retentionDays)) },
      ':comId': { S: comId },
      ...nowSecondsValue(nowMs),
    };
    // Names go through placeholders: `name` is a DynamoDB reserved word.
    const names: Record<string, string> = {};
    for (const [name, value] of Object.entries(facts)) {
      if (value === undefined) continue;
      names[`#${name}`] = name;
      if (value === null) {
        remove.push(`#${name}`);
        continue;
      }
      set.push(`#${name} = :${name}`);
      values[`:${name}`] = typeof value === 'number' ? { N: String(value) } : { S: value };
    }
    const command = new UpdateItemCommand({
      TableName: this.table.tableName,
      Key: callerKey(comId, key),
      UpdateExpression: `SET ${set.join(', ')}${remove.length ? ` REMOVE ${remove.join(', ')}` : ''}`,
      ConditionExpression: NOT_EXPIRED,
      ...(Object.keys(names).length ? { ExpressionAttributeNames: names } : {}),
      ExpressionAttributeValues: values,
      ReturnValues: 'ALL_NEW',
    });
    const result = await this.sendUnlessExpired(comId, key, nowMs, () => this.client.send(command));
    return toStoredCaller(result.Attributes ?? {}, comId, key);
  }

  /**
   * Records which agent handled a call. Idempotent on the report's uuid, and a report older
   * than the one we hold does not replace it.
   */
  async recordHandled(
    comId: string,
    key: string,
    report: HandledReport,
    nowMs: number,
  ): Promise<HandledOutcome> {
    const command = new UpdateItemCommand({
      TableName: this.table.tableName,
      Key: callerKey(comId, key),
      UpdateExpression:
        'SET lastAgent = :agent, lastAgentAt = :at, lastHandledUuid = :uuid, expiresAt = :expires, comId = :comId',
      ConditionExpression: `${NOT_EXPIRED} AND (attribute_not_exists(lastHandledUuid) OR lastHandledUuid <> :uuid) AND (attribute_not_exists(lastAgentAt) OR lastAgentAt <= :at)`,
      ExpressionAttributeValues: {
        ':agent': { S: report.agent },
        ':at': { N: String(report.atMs) },
        ':uuid': { S: report.uuid },
        ':expires': { N: String(expiresAtSeconds(nowMs, this.table.retentionDays)) },
        ':comId': { S: comId },
        ...nowSecondsValue(nowMs),
      },
    });
    try {
      await this.sendUnlessExpired(comId, key, nowMs, () => this.client.send(command));
      return 'recorded';
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
      const item = await this.getItem(comId, key);
      return item?.lastHandledUuid?.S === report.uuid ? 'duplicate' : 'older';
    }
  }

  /** Erases everything we hold about a caller of a company. Returns whether there was anything. */
  async deleteCaller(comId: string, key: string): Promise<boolean> {
    const result = await this.client.send(
      new DeleteItemCommand({
        TableName: this.table.tableName,
        Key: callerKey(comId, key),
        ReturnValues: 'ALL_OLD',
      }),
    );
    return result.Attributes !== undefined;
  }

  private async getItem(comId: string, key: string): Promise<Item | undefined> {
    const result = await this.client.send(
      new GetItemCommand({
        TableName: this.table.tableName,
        Key: callerKey(comId, key),
        ConsistentRead: true,
      }),
    );
    return result.Item;
  }

  /**
   * Sends a write conditioned on NOT_EXPIRED. When the condition fails because the item has
   * expired, erases it and sends once more; any other condition failure is the caller's.
   */
  private async sendUnlessExpired<T>(
    comId: string,
    key: string,
    nowMs: number,
    send: () => Promise<T>,
  ): Promise<T> {
    try {
      return await send();
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
      const item = error.Item ?? (await this.getItem(comId, key));
      if (!item || !isExpired(item, nowMs)) throw error;
      await this.client
        .send(
          new DeleteItemCommand({
            TableName: this.table.tableName,
            Key: callerKey(comId, key),
            ConditionExpression: 'expiresAt = :seen',
            ExpressionAttributeValues: { ':seen': item.expiresAt ?? { N: '0' } },
          }),
        )
        .catch((deleteError: unknown) => {
          if (!isConditionFailure(deleteError)) throw deleteError;
        });
      return send();
    }
  }
}
