/**
 * The admin API's single-item reads and writes of the caller table: CRM facts, who handled a
 * call, erasure, the agent roster. Not part of the webhook's bundle.
 */
import {
  DeleteItemCommand,
  type DynamoDBClient,
  GetItemCommand,
  UpdateItemCommand,
} from '@aws-sdk/client-dynamodb';
import type { AgentStatus } from '../domain/availability';
import { applyCrmData, type CallerFacts } from '../domain/caller-facts';
import type { HandledOutcome, HandledReport } from '../domain/handled-calls';
import type { TableOptions } from './call-recorder';
import { isConditionFailure } from './errors';
import {
  AGENT_ATTRIBUTE_PREFIX,
  agentValue,
  CALLER_TABLE,
  callerItemKey,
  callerRead,
  EMPTY_SLOT,
  expiresAtSeconds,
  factAttributes,
  type Item,
  isExpired,
  isRememberedReport,
  NOT_EXPIRED,
  nowSecondsValue,
  RACE_TRIES,
  REPORT_SLOTS,
  rosterItemKey,
  rosterRead,
  type StoredCaller,
  shiftRegister,
  TTL,
  toRecord,
  toRoster,
  toStoredCaller,
} from './items';

/** A condition of an update and the values it reads. */
interface Condition {
  expression: string;
  values: Item;
}

/** The item is as it was read: absent still, or live with the same version of its facts. */
function unchangedSince(current: Item | undefined, version: number, nowMs: number): Condition {
  if (!current) return { expression: `attribute_not_exists(${CALLER_TABLE.partitionKey})`, values: {} };
  if (version === 0) {
    return {
      expression: `${NOT_EXPIRED} AND attribute_not_exists(factsVersion)`,
      values: nowSecondsValue(nowMs),
    };
  }
  return {
    expression: `${NOT_EXPIRED} AND factsVersion = :seenVersion`,
    values: { ...nowSecondsValue(nowMs), ':seenVersion': { N: String(version) } },
  };
}

/** An UpdateItem of facts being built: SET and REMOVE actions, names and values. */
function factUpdate(
  facts: Omit<CallerFacts, 'tags' | 'attributes'>,
  comId: string,
  nowMs: number,
  retentionDays: number,
) {
  const set = [`${TTL} = :expires`, 'comId = :comId'];
  const remove: string[] = [];
  const values: Item = {
    ':expires': { N: String(expiresAtSeconds(nowMs, retentionDays)) },
    ':comId': { S: comId },
  };
  // Names go through placeholders: `name` is a DynamoDB reserved word.
  const names: Record<string, string> = {};
  const setOrRemove = (name: string, value: Item[string] | undefined) => {
    names[`#${name}`] = name;
    if (value === undefined) remove.push(`#${name}`);
    else {
      set.push(`#${name} = :${name}`);
      values[`:${name}`] = value;
    }
  };
  for (const [name, value] of factAttributes(facts)) setOrRemove(name, value);
  return {
    setOrRemove,
    input: (tableName: string, key: Item, condition: Condition) => ({
      TableName: tableName,
      Key: key,
      UpdateExpression: `SET ${set.join(', ')}${remove.length ? ` REMOVE ${remove.join(', ')}` : ''}`,
      ConditionExpression: condition.expression,
      ...(Object.keys(names).length ? { ExpressionAttributeNames: names } : {}),
      ExpressionAttributeValues: { ...values, ...condition.values },
      ReturnValues: 'ALL_NEW' as const,
    }),
  };
}

/** Per-request options of the writes the tools make in bulk. */
export interface RequestOptions {
  /** Aborts the requests (a timeout of the caller's choosing). */
  signal?: AbortSignal;
}

function sendOptions(options: RequestOptions): { abortSignal?: AbortSignal } {
  return options.signal ? { abortSignal: options.signal } : {};
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
   * Merges CRM facts into the caller's item (creating it) and returns the result. An expired
   * item is erased first, so stale facts and counts do not come back to life. Plain facts take
   * one request; a change of tags or attributes reads the item first, checks the limits on
   * the result, and writes only if no other fact write came in between.
   */
  async mergeFacts(
    comId: string,
    key: string,
    facts: CallerFacts,
    nowMs: number,
    options: RequestOptions = {},
  ): Promise<StoredCaller> {
    const { tags, attributes, ...plain } = facts;
    if (tags !== undefined || attributes !== undefined) {
      return this.mergeCrmData(comId, key, facts, nowMs, options);
    }
    const update = factUpdate(plain, comId, nowMs, this.table.retentionDays);
    const live = { expression: NOT_EXPIRED, values: nowSecondsValue(nowMs) };
    const send = () =>
      this.client.send(
        new UpdateItemCommand(update.input(this.table.tableName, callerItemKey(comId, key), live)),
        sendOptions(options),
      );
    const result = await this.writeLive(comId, key, nowMs, options, send);
    return toStoredCaller(result?.Attributes ?? {}, comId, key);
  }

  /** Read, change, write if unchanged meanwhile (a version of the item's facts): tags and attributes. */
  private async mergeCrmData(
    comId: string,
    key: string,
    facts: CallerFacts,
    nowMs: number,
    options: RequestOptions,
  ): Promise<StoredCaller> {
    const { tags, attributes, ...plain } = facts;
    for (let tries = 1; ; tries++) {
      const current = await this.getItem(comId, key, options);
      if (current && isExpired(current, nowMs)) {
        await this.eraseExpired(comId, key, current, options);
        continue;
      }
      const crm = applyCrmData(current ? toRecord(current) : {}, { tags, attributes });
      const update = factUpdate(plain, comId, nowMs, this.table.retentionDays);
      for (const [name, value] of factAttributes({}, crm)) update.setOrRemove(name, value);
      const version = Number(current?.factsVersion?.N ?? 0);
      update.setOrRemove('factsVersion', { N: String(version + 1) });
      try {
        const result = await this.client.send(
          new UpdateItemCommand(
            update.input(
              this.table.tableName,
              callerItemKey(comId, key),
              unchangedSince(current, version, nowMs),
            ),
          ),
          sendOptions(options),
        );
        return toStoredCaller(result.Attributes ?? {}, comId, key);
      } catch (error) {
        if (!isConditionFailure(error) || tries === RACE_TRIES) throw error;
      }
    }
  }

  /**
   * Records which agent handled a call. A report delivered again (among the caller's last 8)
   * changes nothing, and a report older than the one we hold does not replace it.
   */
  async recordHandled(
    comId: string,
    key: string,
    report: HandledReport,
    nowMs: number,
    options: RequestOptions = {},
  ): Promise<HandledOutcome> {
    const command = new UpdateItemCommand({
      TableName: this.table.tableName,
      Key: callerItemKey(comId, key),
      UpdateExpression: `SET ${shiftRegister(REPORT_SLOTS, ':id')}, lastAgent = :agent, lastAgentAt = :at, ${TTL} = :expires, comId = :comId`,
      ConditionExpression: `${NOT_EXPIRED} AND NOT (${REPORT_SLOTS.map((slot) => `${slot} = :id`).join(' OR ')}) AND (attribute_not_exists(lastAgentAt) OR lastAgentAt <= :at)`,
      ExpressionAttributeValues: {
        ':agent': { S: report.agent },
        ':at': { N: String(report.atMs) },
        ':id': { S: report.uuid },
        ':emptySlot': { S: EMPTY_SLOT },
        ':expires': { N: String(expiresAtSeconds(nowMs, this.table.retentionDays)) },
        ':comId': { S: comId },
        ...nowSecondsValue(nowMs),
      },
    });
    let outcome: HandledOutcome = 'recorded';
    const send = () => this.client.send(command, sendOptions(options));
    await this.writeLive(comId, key, nowMs, options, send, (current) => {
      if (isRememberedReport(current, report.uuid)) outcome = 'duplicate';
      else if (Number(current.lastAgentAt?.N ?? 0) > report.atMs) outcome = 'older';
      return outcome !== 'recorded';
    });
    return outcome;
  }

  /** The company's roster: every agent it told us about. */
  async getRoster(comId: string): Promise<Map<string, AgentStatus>> {
    const result = await this.client.send(new GetItemCommand(rosterRead(this.table.tableName, comId)));
    return toRoster(result.Item);
  }

  /** Sets one agent's status in the company's roster (creating the roster). */
  async putAgent(comId: string, agent: string, status: AgentStatus, nowMs: number): Promise<void> {
    await this.client.send(
      new UpdateItemCommand({
        TableName: this.table.tableName,
        Key: rosterItemKey(comId),
        UpdateExpression: 'SET #agent = :status, comId = :comId',
        ExpressionAttributeNames: { '#agent': `${AGENT_ATTRIBUTE_PREFIX}${agent}` },
        ExpressionAttributeValues: { ':status': agentValue(status, nowMs), ':comId': { S: comId } },
      }),
    );
  }

  /** Forgets an agent (available again). Returns whether the roster held them. */
  async deleteAgent(comId: string, agent: string): Promise<boolean> {
    try {
      await this.client.send(
        new UpdateItemCommand({
          TableName: this.table.tableName,
          Key: rosterItemKey(comId),
          UpdateExpression: 'REMOVE #agent',
          ConditionExpression: 'attribute_exists(#agent)',
          ExpressionAttributeNames: { '#agent': `${AGENT_ATTRIBUTE_PREFIX}${agent}` },
        }),
      );
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw error;
    }
  }

  /**
   * Erases everything we hold about a caller of a company. Returns whether there was a live
   * record (an expired one is erased too, but was already unknown).
   */
  async deleteCaller(comId: string, key: string, nowMs: number): Promise<boolean> {
    const result = await this.client.send(
      new DeleteItemCommand({
        TableName: this.table.tableName,
        Key: callerItemKey(comId, key),
        ReturnValues: 'ALL_OLD',
      }),
    );
    return result.Attributes !== undefined && !isExpired(result.Attributes, nowMs);
  }

  private async getItem(comId: string, key: string, options: RequestOptions = {}): Promise<Item | undefined> {
    const result = await this.client.send(
      new GetItemCommand(callerRead(this.table.tableName, comId, key)),
      sendOptions(options),
    );
    return result.Item;
  }

  /**
   * Sends a write conditioned on the item being live (NOT_EXPIRED, and whatever else the
   * write asks). When the condition fails, the item as it then is says why: expired → erased
   * (only the expiry we saw) and written again; `settled(current)` true → the write's own
   * condition answered and nothing is to be written; otherwise it changed under us → again.
   */
  private async writeLive<T>(
    comId: string,
    key: string,
    nowMs: number,
    options: RequestOptions,
    send: () => Promise<T>,
    settled: (current: Item) => boolean = () => false,
  ): Promise<T | undefined> {
    for (let tries = 1; ; tries++) {
      try {
        return await send();
      } catch (error) {
        if (!isConditionFailure(error) || tries === RACE_TRIES) throw error;
      }
      const current = await this.getItem(comId, key, options);
      if (!current) continue;
      if (isExpired(current, nowMs)) await this.eraseExpired(comId, key, current, options);
      else if (settled(current)) return undefined;
    }
  }

  /** Deletes an expired item, unless another writer already replaced it. */
  private async eraseExpired(
    comId: string,
    key: string,
    expired: Item,
    options: RequestOptions,
  ): Promise<void> {
    try {
      await this.client.send(
        new DeleteItemCommand({
          TableName: this.table.tableName,
          Key: callerItemKey(comId, key),
          ConditionExpression: `${TTL} = :seen`,
          ExpressionAttributeValues: { ':seen': expired[TTL] ?? { N: '0' } },
        }),
        sendOptions(options),
      );
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
    }
  }
}
