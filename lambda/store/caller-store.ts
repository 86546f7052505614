/**
 * The admin side's reads and writes of caller items: facts from a CRM, who handled a call,
 * erasure. Every write of a caller is one conditional UpdateItem (tried again only after a
 * lost race), so a write lands whole or not at all, and never replaces what a call or another
 * writer stored meanwhile. Not part of the webhook's bundle.
 */
import {
  DeleteItemCommand,
  type DynamoDBClient,
  GetItemCommand,
  UpdateItemCommand,
} from '@aws-sdk/client-dynamodb';
import { applyCrmData, type CallerFacts, CRM_DATA_LIMITS, withFactTimes } from '../domain/caller-facts';
import type { HandledOutcome, HandledReport } from '../domain/handled-calls';
import type { TableOptions } from './call-recorder';
import { isConditionFailure } from './errors';
import {
  CALLER_TABLE,
  callerItemKey,
  callerRead,
  EMPTY_SLOT,
  expiresAtSeconds,
  factAttributes,
  type Item,
  isExpired,
  isRememberedReport,
  manualFactsOf,
  NOT_EXPIRED,
  nowSecondsValue,
  REPORT_SLOTS,
  type StoredCaller,
  shiftRegister,
  TTL,
  toStoredCaller,
} from './items';
import type { TableRequests } from './requests';

/** Who handled the caller last, as a write reports it; without an id it cannot be told apart from a re-delivery. */
export type AgentReport = Omit<HandledReport, 'id'> & Partial<Pick<HandledReport, 'id'>>;

/** One write of a caller: facts to merge, and who handled them (`null`: forget the last agent). */
export interface CallerWrite {
  facts: Omit<CallerFacts, 'lastAgent' | 'lastAgentAt'>;
  report?: AgentReport | null;
}

/** What a write did: the caller as stored after it, and what became of its report. */
export interface WriteOutcome {
  caller: StoredCaller;
  /** `older` and `duplicate`: the report was not stored (a newer one, or this one, was held). */
  report?: HandledOutcome;
}

/**
 * Splits validated facts into a write: a last agent is a report of who handled the caller,
 * at `lastAgentAt` or now, so every door stores it by the same rule as `/handled`.
 */
export function callerWriteOf(facts: CallerFacts, nowMs: number, id?: string): CallerWrite {
  const { lastAgent, lastAgentAt, ...rest } = withFactTimes(facts, nowMs);
  if (lastAgent === undefined) return { facts: rest };
  if (lastAgent === null || lastAgentAt === undefined || lastAgentAt === null)
    return { facts: rest, report: null };
  return { facts: rest, report: { agent: lastAgent, atMs: lastAgentAt, ...(id ? { id } : {}) } };
}

/** The caller items of one table. */
export class CallerStore {
  constructor(
    private readonly client: DynamoDBClient,
    private readonly table: TableOptions,
    private readonly requests: TableRequests,
  ) {}

  /** The same store with every request within `deadline`. */
  within(deadline: AbortSignal): CallerStore {
    return new CallerStore(this.client, this.table, this.requests.within(deadline));
  }

  /** The caller's item, or undefined when there is none or it has expired. */
  async getCaller(comId: string, key: string, nowMs: number): Promise<StoredCaller | undefined> {
    const item = await this.getItem(comId, key);
    if (!item || isExpired(item, nowMs)) return undefined;
    return toStoredCaller(item, comId, key);
  }

  /**
   * Writes facts and a report in one request and returns the caller as stored. An expired
   * item is erased first, so stale facts and counts do not come back to life. Tags and
   * attributes are changed on the item as it is (their limits checked on the result) and
   * written only if no other fact write came in between; a report is stored unless a newer
   * one (or this one) is held, and the rest of the write lands regardless.
   * @throws ValidationError when the tags or attributes would exceed their limits.
   * @throws ContentionError when other writers kept winning until the deadline.
   */
  async writeCaller(comId: string, key: string, write: CallerWrite, nowMs: number): Promise<WriteOutcome> {
    const crmChange = write.facts.tags !== undefined || write.facts.attributes !== undefined;
    const backOff = this.requests.backOff();
    const added = tagsAddedOnly(write);
    if (added) {
      const caller = await this.addTags(comId, key, write, added, nowMs);
      if (caller) return { caller };
    }
    // Without a change of tags or attributes nothing needs reading first.
    let current = crmChange ? await this.getItem(comId, key) : undefined;
    let report = write.report;
    let reportOutcome: HandledOutcome | undefined = report ? 'recorded' : undefined;
    for (;;) {
      if (current && isExpired(current, nowMs)) {
        await this.eraseExpired(comId, key, current);
        current = undefined;
      }
      const input = this.updateOf(comId, key, write, report, crmChange ? { current } : undefined, nowMs);
      try {
        const result = await this.requests.send((abortSignal) =>
          this.client.send(new UpdateItemCommand(input), { abortSignal }),
        );
        return { caller: toStoredCaller(result.Attributes ?? {}, comId, key), report: reportOutcome };
      } catch (error) {
        if (!isConditionFailure(error)) throw error;
      }
      // The item as it now is says why the condition failed; each cause is met on its own.
      const now = await this.getItem(comId, key);
      if (report && now && !isExpired(now, nowMs)) {
        const held = reportHeld(now, report);
        if (held) {
          reportOutcome = held;
          report = undefined;
          current = now;
          continue;
        }
      }
      if (now && isExpired(now, nowMs)) {
        current = now;
        continue;
      }
      await backOff.wait();
      current = now;
    }
  }

  /**
   * Adds tags without reading the item first: one request that no racing writer makes fail,
   * unless the item is expired or the tags could exceed their limit, when it answers
   * undefined and the write takes the reading path, which checks the limit exactly.
   */
  private async addTags(
    comId: string,
    key: string,
    write: CallerWrite,
    tags: string[],
    nowMs: number,
  ): Promise<StoredCaller | undefined> {
    const { tags: _tags, attributes: _attributes, ...plain } = write.facts;
    const update = new UpdateBuilder();
    update.set(TTL, { N: String(expiresAtSeconds(nowMs, this.table.retentionDays)) });
    update.set('comId', { S: comId });
    for (const [name, value] of factAttributes(plain)) update.setOrRemove(name, value);
    update.add('tags', { SS: tags });
    // A racing read-change-write of tags or attributes sees the version move, and reads again.
    update.add('factsVersion', { N: '1' });
    update.values[':room'] = { N: String(CRM_DATA_LIMITS.tags - tags.length) };
    Object.assign(update.values, nowSecondsValue(nowMs));
    const condition = `${NOT_EXPIRED} AND (attribute_not_exists(#tags) OR size(#tags) <= :room)`;
    try {
      const result = await this.requests.send((abortSignal) =>
        this.client.send(
          new UpdateItemCommand(update.input(this.table.tableName, callerItemKey(comId, key), condition)),
          {
            abortSignal,
          },
        ),
      );
      return toStoredCaller(result.Attributes ?? {}, comId, key);
    } catch (error) {
      if (isConditionFailure(error)) return undefined;
      throw error;
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
  ): Promise<HandledOutcome> {
    const outcome = await this.writeCaller(comId, key, { facts: {}, report }, nowMs);
    return outcome.report ?? 'recorded';
  }

  /**
   * Erases everything we hold about a caller of a company. Returns whether there was a live
   * record (an expired one is erased too, but was already unknown).
   */
  async deleteCaller(comId: string, key: string, nowMs: number): Promise<boolean> {
    const result = await this.requests.send((abortSignal) =>
      this.client.send(
        new DeleteItemCommand({
          TableName: this.table.tableName,
          Key: callerItemKey(comId, key),
          ReturnValues: 'ALL_OLD',
        }),
        { abortSignal },
      ),
    );
    return result.Attributes !== undefined && !isExpired(result.Attributes, nowMs);
  }

  /**
   * The UpdateItem of a write: SET and REMOVE of the facts, the report with its conditions,
   * and — for a change of tags or attributes — the result on `current` with a version of the
   * item's facts that must still be the one read.
   */
  private updateOf(
    comId: string,
    key: string,
    write: CallerWrite,
    report: AgentReport | null | undefined,
    crm: { current: Item | undefined } | undefined,
    nowMs: number,
  ) {
    const update = new UpdateBuilder();
    update.set(TTL, { N: String(expiresAtSeconds(nowMs, this.table.retentionDays)) });
    update.set('comId', { S: comId });
    const { tags, attributes, ...plain } = write.facts;
    const conditions = [NOT_EXPIRED];
    if (crm) {
      const result = applyCrmData(crm.current ? manualFactsOf(crm.current) : {}, { tags, attributes });
      for (const [name, value] of factAttributes(plain, result)) update.setOrRemove(name, value);
      const version = Number(crm.current?.factsVersion?.N ?? 0);
      update.set('factsVersion', { N: String(version + 1) });
      if (!crm.current) conditions.splice(0, 1, `attribute_not_exists(${CALLER_TABLE.partitionKey})`);
      else if (version === 0) conditions.push('attribute_not_exists(factsVersion)');
      else {
        conditions.push('factsVersion = :seenVersion');
        update.values[':seenVersion'] = { N: String(version) };
      }
    } else {
      for (const [name, value] of factAttributes(plain)) update.setOrRemove(name, value);
    }
    if (report === null) {
      update.setOrRemove('lastAgent', undefined);
      update.setOrRemove('lastAgentAt', undefined);
      update.setOrRemove('lastAgentVia', undefined);
    } else if (report) {
      update.set('lastAgent', { S: report.agent });
      update.set('lastAgentAt', { N: String(report.atMs) });
      update.setOrRemove('lastAgentVia', { S: report.via ?? 'manual' });
      // A held report newer than every reading of this one's time wins; otherwise this one does.
      update.values[':reportLatest'] = { N: String(report.latestAtMs ?? report.atMs) };
      conditions.push('(attribute_not_exists(lastAgentAt) OR lastAgentAt <= :reportLatest)');
      if (report.id) {
        update.expressions.push(shiftRegister(REPORT_SLOTS, ':reportId'));
        update.values[':reportId'] = { S: report.id };
        update.values[':emptySlot'] = { S: EMPTY_SLOT };
        conditions.push(`NOT (${REPORT_SLOTS.map((slot) => `${slot} = :reportId`).join(' OR ')})`);
      }
    }
    if (conditions.includes(NOT_EXPIRED)) Object.assign(update.values, nowSecondsValue(nowMs));
    return update.input(this.table.tableName, callerItemKey(comId, key), conditions.join(' AND '));
  }

  private async getItem(comId: string, key: string): Promise<Item | undefined> {
    const result = await this.requests.send((abortSignal) =>
      this.client.send(new GetItemCommand(callerRead(this.table.tableName, comId, key)), { abortSignal }),
    );
    return result.Item;
  }

  /** Deletes an expired item, unless another writer already replaced it. */
  private async eraseExpired(comId: string, key: string, expired: Item): Promise<void> {
    try {
      await this.requests.send((abortSignal) =>
        this.client.send(
          new DeleteItemCommand({
            TableName: this.table.tableName,
            Key: callerItemKey(comId, key),
            ConditionExpression: `${TTL} = :seen`,
            ExpressionAttributeValues: { ':seen': expired[TTL] ?? { N: '0' } },
          }),
          { abortSignal },
        ),
      );
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
    }
  }
}

/** The tags a write only adds (no removal, no other change of tags or attributes, no report), or undefined. */
function tagsAddedOnly(write: CallerWrite): string[] | undefined {
  const { tags, attributes } = write.facts;
  if (write.report !== undefined || attributes !== undefined || !tags || 'set' in tags) return undefined;
  return tags.remove.length === 0 && tags.add.length > 0 ? tags.add : undefined;
}

/** Why the item holds a report that this one must not replace: the same report, or a newer one. */
function reportHeld(item: Item, report: AgentReport): 'duplicate' | 'older' | undefined {
  if (report.id && isRememberedReport(item, report.id)) return 'duplicate';
  if (Number(item.lastAgentAt?.N ?? 0) > (report.latestAtMs ?? report.atMs)) return 'older';
  return undefined;
}

/** An UpdateItem being built: SET and REMOVE actions, names (every one a placeholder) and values. */
class UpdateBuilder {
  readonly expressions: string[] = [];
  readonly values: Item = {};
  private readonly removals: string[] = [];
  private readonly additions: string[] = [];
  private readonly names: Record<string, string> = {};

  set(name: string, value: Item[string]): void {
    this.setOrRemove(name, value);
  }

  /** SET the attribute to `value`, or REMOVE it when `value` is undefined. */
  setOrRemove(name: string, value: Item[string] | undefined): void {
    // Names go through placeholders: `name` is a DynamoDB reserved word.
    const placeholder = `#${name}`;
    this.names[placeholder] = name;
    if (value === undefined) this.removals.push(placeholder);
    else {
      this.expressions.push(`${placeholder} = :${name}`);
      this.values[`:${name}`] = value;
    }
  }

  /** ADD `value` to a number or a set. */
  add(name: string, value: Item[string]): void {
    this.names[`#${name}`] = name;
    this.additions.push(`#${name} :${name}`);
    this.values[`:${name}`] = value;
  }

  input(tableName: string, key: Item, condition: string) {
    const remove = this.removals.length ? ` REMOVE ${this.removals.join(', ')}` : '';
    const add = this.additions.length ? ` ADD ${this.additions.join(', ')}` : '';
    return {
      TableName: tableName,
      Key: key,
      UpdateExpression: `SET ${this.expressions.join(', ')}${remove}${add}`,
      ConditionExpression: condition,
      ExpressionAttributeNames: this.names,
      ExpressionAttributeValues: this.values,
      ReturnValues: 'ALL_NEW' as const,
    };
  }
}
