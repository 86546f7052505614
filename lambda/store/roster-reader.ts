/**
 * Reading a company's roster: the one item that says which agents are away. The webhook reads
 * it through `RosterCache`, at most every AGENT_CACHE_SECONDS per execution environment.
 */
import type { Roster } from '../domain/availability';
import type { TableOptions } from './call-recorder';
import type { WebhookDynamo } from './dynamo-http';
import { rosterRead, toRoster } from './items';

/** Reads rosters: what the roster cache needs of the store. */
export interface RosterReader {
  /** The company's roster (empty when it has none). */
  loadRoster(comId: string, signal: AbortSignal): Promise<Roster>;
}

/** The `RosterReader` of the caller table. */
export class DynamoRosterReader implements RosterReader {
  constructor(
    private readonly dynamo: WebhookDynamo,
    private readonly table: Pick<TableOptions, 'tableName'>,
  ) {}

  async loadRoster(comId: string, signal: AbortSignal): Promise<Roster> {
    const result = await this.dynamo.getItem(rosterRead(this.table.tableName, comId), signal);
    return toRoster(result.Item);
  }
}
