/**
 * Reading a company's roster: the one item that says which agents are away. The webhook reads
 * it through `RosterCache`, at most every AGENT_CACHE_SECONDS per execution environment.
 */
import { type DynamoDBClient, GetItemCommand } from '@aws-sdk/client-dynamodb';
import type { Roster } from '../domain/availability';
import type { TableOptions } from './call-recorder';
import { rosterRead, toRoster } from './items';

/** Reads rosters: what the roster cache needs of the store. */
export interface RosterReader {
  /** The company's roster (empty when it has none). */
  loadRoster(comId: string, signal: AbortSignal): Promise<Roster>;
}

/** The `RosterReader` of the caller table. */
export class DynamoRosterReader implements RosterReader {
  constructor(
    private readonly client: DynamoDBClient,
    private readonly table: Pick<TableOptions, 'tableName'>,
  ) {}

  async loadRoster(comId: string, signal: AbortSignal): Promise<Roster> {
    const result = await this.client.send(new GetItemCommand(rosterRead(this.table.tableName, comId)), {
      abortSignal: signal,
    });
    return toRoster(result.Item);
  }
}
