/**
 * A company's agent directory: one item holding every alias (`alias:<alias>` → the agent's
 * token), read in one GetItem by the admin API and the connectors. Changes of one agent's
 * aliases are a read and a write conditioned on the directory being as read.
 */
import { type DynamoDBClient, GetItemCommand, UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import { AliasTakenError, type Directory } from '../domain/directory';
import type { TableOptions } from './call-recorder';
import { isConditionFailure } from './errors';
import type { Item } from './items';
import type { TableRequests } from './requests';

const ALIAS_PREFIX = 'alias:';

/** The key of a company's directory item. */
export function directoryItemKey(comId: string): Item {
  return { pk: { S: `${comId}#directory` } };
}

/** The directories of one table. */
export class DirectoryStore {
  constructor(
    private readonly client: DynamoDBClient,
    private readonly table: Pick<TableOptions, 'tableName'>,
    private readonly requests: TableRequests,
  ) {}

  /** The same store with every request within `deadline`. */
  within(deadline: AbortSignal): DirectoryStore {
    return new DirectoryStore(this.client, this.table, this.requests.within(deadline));
  }

  /** The company's directory: alias → agent. */
  async getDirectory(comId: string): Promise<Directory> {
    return directoryOf(await this.getItem(comId));
  }

  /**
   * Gives an agent exactly these aliases (others of theirs are removed).
   * @throws AliasTakenError when one names another agent already.
   */
  async setAliases(comId: string, agent: string, aliases: readonly string[]): Promise<void> {
    const backOff = this.requests.backOff();
    for (;;) {
      const item = await this.getItem(comId);
      const directory = directoryOf(item);
      for (const alias of aliases) {
        const owner = directory.get(alias);
        if (owner !== undefined && owner !== agent) throw new AliasTakenError(alias, owner);
      }
      const removed = [...directory].flatMap(([alias, owner]) =>
        owner === agent && !aliases.includes(alias) ? [alias] : [],
      );
      const names: Record<string, string> = {};
      const values: Item = { ':agent': { S: agent }, ':one': { N: '1' }, ':comId': { S: comId } };
      const set = aliases.map((alias, index) => {
        names[`#a${index}`] = `${ALIAS_PREFIX}${alias}`;
        return `#a${index} = :agent`;
      });
      const remove = removed.map((alias, index) => {
        names[`#r${index}`] = `${ALIAS_PREFIX}${alias}`;
        return `#r${index}`;
      });
      const revision = item?.rev?.N;
      if (revision !== undefined) values[':seen'] = { N: revision };
      try {
        await this.requests.send((abortSignal) =>
          this.client.send(
            new UpdateItemCommand({
              TableName: this.table.tableName,
              Key: directoryItemKey(comId),
              UpdateExpression: `SET ${[...set, 'comId = :comId'].join(', ')}${remove.length ? ` REMOVE ${remove.join(', ')}` : ''} ADD rev :one`,
              ConditionExpression: revision === undefined ? 'attribute_not_exists(rev)' : 'rev = :seen',
              ...(Object.keys(names).length ? { ExpressionAttributeNames: names } : {}),
              ExpressionAttributeValues: values,
            }),
            { abortSignal },
          ),
        );
        return;
      } catch (error) {
        if (!isConditionFailure(error)) throw error;
      }
      await backOff.wait();
    }
  }

  private async getItem(comId: string): Promise<Item | undefined> {
    const result = await this.requests.send((abortSignal) =>
      this.client.send(
        new GetItemCommand({
          TableName: this.table.tableName,
          Key: directoryItemKey(comId),
          ConsistentRead: true,
        }),
        { abortSignal },
      ),
    );
    return result.Item;
  }
}

/** The directory of its item (none: empty). */
export function directoryOf(item: Item | undefined): Directory {
  const directory = new Map<string, string>();
  for (const [name, value] of Object.entries(item ?? {})) {
    if (name.startsWith(ALIAS_PREFIX) && value.S !== undefined)
      directory.set(name.slice(ALIAS_PREFIX.length), value.S);
  }
  return directory;
}
