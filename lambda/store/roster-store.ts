/**
 * The admin side's reads and writes of a company's roster: which agents are away and until
 * when. Not part of the webhook's bundle (it reads the roster through `roster-reader.ts`).
 */
import { type DynamoDBClient, GetItemCommand, UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import { type AgentStatus, MAX_AGENTS, RosterFullError } from '../domain/availability';
import type { PresenceLayer } from '../domain/presence';
import type { TableOptions } from './call-recorder';
import { isConditionFailure } from './errors';
import {
  AGENT_ATTRIBUTE_PREFIX,
  AGENT_COUNT,
  agentValue,
  type Item,
  PRESENCE_ATTRIBUTE,
  presenceLayerOf,
  presenceValue,
  rosterItemKey,
  rosterRead,
  toRoster,
} from './items';
import type { TableRequests } from './requests';

/** The rosters of one table. */
export class RosterStore {
  constructor(
    private readonly client: DynamoDBClient,
    private readonly table: Pick<TableOptions, 'tableName'>,
    private readonly requests: TableRequests,
  ) {}

  /** The same store with every request within `deadline`. */
  within(deadline: AbortSignal): RosterStore {
    return new RosterStore(this.client, this.table, this.requests.within(deadline));
  }

  /** The company's roster: every agent it told us about. */
  async getRoster(comId: string): Promise<Map<string, AgentStatus>> {
    return toRoster(await this.getItem(comId));
  }

  /**
   * Sets one agent's status in the company's roster (creating the roster). A change to an
   * agent it holds is one request; a new agent is counted, so the roster never outgrows
   * `MAX_AGENTS`. Writers of different agents never lose each other's write.
   * @throws RosterFullError for a new agent beyond the limit.
   */
  async putAgent(comId: string, agent: string, status: AgentStatus, nowMs: number): Promise<void> {
    const names = { '#agent': `${AGENT_ATTRIBUTE_PREFIX}${agent}` };
    const values = { ':status': agentValue(status, nowMs), ':comId': { S: comId } };
    const backOff = this.requests.backOff();
    for (;;) {
      const set = 'SET #agent = :status, comId = :comId';
      if (await this.tryUpdate(comId, set, 'attribute_exists(#agent)', names, values)) return;
      const added = await this.tryUpdate(
        comId,
        `${set} ADD ${AGENT_COUNT} :one`,
        `attribute_not_exists(#agent) AND ${AGENT_COUNT} < :max`,
        names,
        { ...values, ':one': { N: '1' }, ':max': { N: String(MAX_AGENTS) } },
      );
      if (added) return;
      // Neither: the agent was added meanwhile, the count is not kept yet, or the roster is full.
      const item = await this.getItem(comId);
      if (item?.[names['#agent']]) continue;
      const count = item?.[AGENT_COUNT]?.N;
      if (count === undefined) await this.startCount(comId, item);
      else if (Number(count) >= MAX_AGENTS) throw new RosterFullError();
      else await backOff.wait();
    }
  }

  /** The roster and the presence sync's layer of it, in one read. */
  async getRosterAndLayer(
    comId: string,
  ): Promise<{ roster: Map<string, AgentStatus>; layer?: PresenceLayer }> {
    const item = await this.getItem(comId);
    const layer = presenceLayerOf(item);
    return { roster: toRoster(item), ...(layer ? { layer } : {}) };
  }

  /**
   * Replaces the presence sync's layer in one request. Hand-set statuses are other attributes
   * of the item, so a sync and a person setting a status never lose each other's write.
   */
  async putPresenceLayer(comId: string, layer: PresenceLayer): Promise<void> {
    await this.requests.send((abortSignal) =>
      this.client.send(
        new UpdateItemCommand({
          TableName: this.table.tableName,
          Key: rosterItemKey(comId),
          UpdateExpression: 'SET #presence = :layer, comId = :comId',
          ExpressionAttributeNames: { '#presence': PRESENCE_ATTRIBUTE },
          ExpressionAttributeValues: { ':layer': presenceValue(layer), ':comId': { S: comId } },
        }),
        { abortSignal },
      ),
    );
  }

  /** Forgets an agent (available again). Returns whether the roster held them. */
  async deleteAgent(comId: string, agent: string): Promise<boolean> {
    const names = { '#agent': `${AGENT_ATTRIBUTE_PREFIX}${agent}` };
    const counted = `attribute_exists(#agent) AND attribute_exists(${AGENT_COUNT})`;
    const minusOne = { ':minusOne': { N: '-1' } };
    if (await this.tryUpdate(comId, `REMOVE #agent ADD ${AGENT_COUNT} :minusOne`, counted, names, minusOne)) {
      return true;
    }
    // Not held, or held in a roster whose count is not kept yet (the next new agent starts it).
    return this.tryUpdate(comId, 'REMOVE #agent', 'attribute_exists(#agent)', names);
  }

  /** Counts the agents of a roster written before the count was kept, unless another writer did. */
  private async startCount(comId: string, item: Item | undefined): Promise<void> {
    const count = Object.keys(item ?? {}).filter((name) => name.startsWith(AGENT_ATTRIBUTE_PREFIX)).length;
    await this.tryUpdate(
      comId,
      `SET ${AGENT_COUNT} = :count, comId = :comId`,
      `attribute_not_exists(${AGENT_COUNT})`,
      {},
      {
        ':count': { N: String(count) },
        ':comId': { S: comId },
      },
    );
  }

  private async getItem(comId: string): Promise<Item | undefined> {
    const result = await this.requests.send((abortSignal) =>
      this.client.send(new GetItemCommand(rosterRead(this.table.tableName, comId)), { abortSignal }),
    );
    return result.Item;
  }

  /** One conditional UpdateItem of the company's roster: whether its condition held. */
  private async tryUpdate(
    comId: string,
    update: string,
    condition: string,
    names: Record<string, string>,
    values: Item = {},
  ): Promise<boolean> {
    try {
      await this.requests.send((abortSignal) =>
        this.client.send(
          new UpdateItemCommand({
            TableName: this.table.tableName,
            Key: rosterItemKey(comId),
            UpdateExpression: update,
            ConditionExpression: condition,
            ...(Object.keys(names).length ? { ExpressionAttributeNames: names } : {}),
            ...(Object.keys(values).length ? { ExpressionAttributeValues: values } : {}),
          }),
          { abortSignal },
        ),
      );
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw error;
    }
  }
}
