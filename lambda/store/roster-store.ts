/**
 * The admin side's reads and writes of a company's roster: which agents are away and until
 * when. Not part of the webhook's bundle (it reads the roster through `roster-reader.ts`).
 */
import { type DynamoDBClient, GetItemCommand, UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import type { AgentStatus } from '../domain/availability';
import type { TableOptions } from './call-recorder';
import { isConditionFailure } from './errors';
import { AGENT_ATTRIBUTE_PREFIX, agentValue, rosterItemKey, rosterRead, toRoster } from './items';
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
    const result = await this.requests.send((abortSignal) =>
      this.client.send(new GetItemCommand(rosterRead(this.table.tableName, comId)), { abortSignal }),
    );
    return toRoster(result.Item);
  }

  /** Sets one agent's status in the company's roster (creating the roster). */
  async putAgent(comId: string, agent: string, status: AgentStatus, nowMs: number): Promise<void> {
    await this.requests.send((abortSignal) =>
      this.client.send(
        new UpdateItemCommand({
          TableName: this.table.tableName,
          Key: rosterItemKey(comId),
          UpdateExpression: 'SET #agent = :status, comId = :comId',
          ExpressionAttributeNames: { '#agent': `${AGENT_ATTRIBUTE_PREFIX}${agent}` },
          ExpressionAttributeValues: { ':status': agentValue(status, nowMs), ':comId': { S: comId } },
        }),
        { abortSignal },
      ),
    );
  }

  /** Forgets an agent (available again). Returns whether the roster held them. */
  async deleteAgent(comId: string, agent: string): Promise<boolean> {
    try {
      await this.requests.send((abortSignal) =>
        this.client.send(
          new UpdateItemCommand({
            TableName: this.table.tableName,
            Key: rosterItemKey(comId),
            UpdateExpression: 'REMOVE #agent',
            ConditionExpression: 'attribute_exists(#agent)',
            ExpressionAttributeNames: { '#agent': `${AGENT_ATTRIBUTE_PREFIX}${agent}` },
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
