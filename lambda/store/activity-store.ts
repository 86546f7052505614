/**
 * What each source of facts did lately, kept so that reading it costs no scan: per company one
 * item (`<com_id>#activity`) counting deliveries per source, hour and outcome, and each
 * source's last delivery. A delivery adds to its hour's count in one UpdateItem (and drops the
 * hour a day before, so a steady source keeps the item small); reading sums the last 24 hours
 * and drops what is older. Counting is best effort: a delivery never fails for it.
 */
import { type DynamoDBClient, GetItemCommand, UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import type { TableOptions } from './call-recorder';
import { CALLER_TABLE, type Item } from './items';
import type { TableRequests } from './requests';

/** What became of a delivery, as the console counts it. */
export const ACTIVITY_OUTCOMES = [
  'accepted',
  'duplicate',
  'ignored',
  'refused',
  'unreadable',
  'failed',
] as const;
export type ActivityOutcome = (typeof ACTIVITY_OUTCOMES)[number];

/** One source's last day. */
export interface SourceActivity {
  source: string;
  /** The last delivery, epoch ms, and what became of it. */
  lastAtMs: number;
  lastOutcome: ActivityOutcome;
  /** Deliveries of the last 24 hours by outcome. */
  counts: Record<ActivityOutcome, number>;
}

const HOUR_MS = 3_600_000;
/** Hours summed by a read. */
const WINDOW_HOURS = 24;
/** Names one REMOVE drops at most, well inside DynamoDB's expression limits. */
const REMOVALS_PER_REQUEST = 50;

export function activityPartitionKey(comId: string): string {
  return `${comId}#activity`;
}

export class ActivityStore {
  constructor(
    private readonly client: DynamoDBClient,
    private readonly table: Pick<TableOptions, 'tableName'>,
    private readonly requests: TableRequests,
  ) {}

  within(deadline: AbortSignal): ActivityStore {
    return new ActivityStore(this.client, this.table, this.requests.within(deadline));
  }

  /** Counts one delivery; a failure to count is swallowed (the delivery itself decided its answer). */
  async record(comId: string, source: string, outcome: ActivityOutcome, nowMs: number): Promise<void> {
    const hour = Math.floor(nowMs / HOUR_MS);
    const names: Record<string, string> = { '#c': countName(source, hour, outcome), '#l': `last:${source}` };
    const removals = ACTIVITY_OUTCOMES.map((each, index) => {
      names[`#r${index}`] = countName(source, hour - WINDOW_HOURS - 1, each);
      return `#r${index}`;
    });
    try {
      await this.requests.send((abortSignal) =>
        this.client.send(
          new UpdateItemCommand({
            TableName: this.table.tableName,
            Key: { [CALLER_TABLE.partitionKey]: { S: activityPartitionKey(comId) } },
            UpdateExpression: `SET #l = :last, comId = :comId ADD #c :one REMOVE ${removals.join(', ')}`,
            ExpressionAttributeNames: names,
            ExpressionAttributeValues: {
              ':one': { N: '1' },
              ':comId': { S: comId },
              ':last': { M: { at: { N: String(nowMs) }, o: { S: outcome } } },
            },
          }),
          { abortSignal },
        ),
      );
    } catch {
      // Counting is for the console; the delivery's own answer stands.
    }
  }

  /** Each source's last delivery and its counts of the last 24 hours, sources by name. */
  async recent(comId: string, nowMs: number): Promise<SourceActivity[]> {
    const pk = { [CALLER_TABLE.partitionKey]: { S: activityPartitionKey(comId) } };
    const result = await this.requests.send((abortSignal) =>
      this.client.send(
        new GetItemCommand({ TableName: this.table.tableName, Key: pk, ConsistentRead: true }),
        {
          abortSignal,
        },
      ),
    );
    const item: Item = result.Item ?? {};
    const since = Math.floor(nowMs / HOUR_MS) - WINDOW_HOURS + 1;
    const sources = new Map<string, SourceActivity>();
    const stale: string[] = [];
    const sourceOf = (source: string) => {
      let held = sources.get(source);
      if (!held) {
        held = {
          source,
          lastAtMs: 0,
          lastOutcome: 'accepted',
          counts: Object.fromEntries(
            ACTIVITY_OUTCOMES.map((outcome) => [outcome, 0]),
          ) as SourceActivity['counts'],
        };
        sources.set(source, held);
      }
      return held;
    };
    for (const [name, value] of Object.entries(item)) {
      const count = /^c:(.+):(\d+):([a-z]+)$/.exec(name);
      if (count) {
        const [, source = '', hour = '0', outcome = ''] = count;
        if (Number(hour) < since) stale.push(name);
        else if ((ACTIVITY_OUTCOMES as readonly string[]).includes(outcome)) {
          sourceOf(source).counts[outcome as ActivityOutcome] += Number(value.N ?? 0);
        }
      } else if (name.startsWith('last:') && value.M) {
        const held = sourceOf(name.slice('last:'.length));
        held.lastAtMs = Number(value.M.at?.N ?? 0);
        held.lastOutcome = (value.M.o?.S ?? 'accepted') as ActivityOutcome;
      }
    }
    for (let index = 0; index < stale.length; index += REMOVALS_PER_REQUEST) {
      await this.drop(pk, stale.slice(index, index + REMOVALS_PER_REQUEST));
    }
    return [...sources.values()].sort((a, b) => a.source.localeCompare(b.source));
  }

  private async drop(key: Item, names: string[]): Promise<void> {
    const placeholders = Object.fromEntries(names.map((name, index) => [`#s${index}`, name]));
    await this.requests.send((abortSignal) =>
      this.client.send(
        new UpdateItemCommand({
          TableName: this.table.tableName,
          Key: key,
          UpdateExpression: `REMOVE ${Object.keys(placeholders).join(', ')}`,
          ExpressionAttributeNames: placeholders,
        }),
        { abortSignal },
      ),
    );
  }
}

function countName(source: string, hour: number, outcome: ActivityOutcome): string {
  return `c:${source}:${hour}:${outcome}`;
}
