/**
 * The only module that knows DynamoDB: the caller item, its expressions and the one round
 * trip of the hot path, plus the writes that administration needs.
 */
import {
  type AttributeValue,
  BatchGetItemCommand,
  BatchWriteItemCommand,
  ConditionalCheckFailedException,
  DeleteItemCommand,
  DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
  ScanCommand,
  UpdateItemCommand,
  type UpdateItemCommandInput,
} from '@aws-sdk/client-dynamodb';
import type { CallerRecord } from './decide';
import { type CALLER_TABLE, callerItemKey } from './table';

type Item = Record<string, AttributeValue>;

// Expressions below spell these names out; the types fail the build if the schema renames them.
const PK: typeof CALLER_TABLE.partitionKey = 'pk';
const TTL: typeof CALLER_TABLE.ttlAttribute = 'expiresAt';

/** Where and how to reach the table. */
export interface StoreOptions {
  tableName: string;
  retentionDays: number;
}

/** What the hot path records about one call. */
export interface CallToRecord {
  comId: string;
  callerKey: string;
  /** The platform's call id; the same id recorded twice counts once. */
  uuid: string | undefined;
  nowMs: number;
  /** Aborts the DynamoDB request when the deadline comes. */
  signal: AbortSignal;
}

/** CRM facts about a caller; `null` removes a fact. */
export interface CallerFacts {
  openInvoices?: number | null;
  ticketAgent?: string | null;
  lastAgent?: string | null;
  lastAgentAt?: number | null;
  name?: string | null;
}

/** A caller item as administration sees it. */
export interface StoredCaller extends CallerRecord {
  comId: string;
  callerKey: string;
  expiresAt: number;
}

/** Whether a handled-call report changed the record or was already known. */
export type HandledOutcome = 'recorded' | 'duplicate' | 'older';

/** Options of the DynamoDB client shared by every request of a process. */
export interface ClientOptions {
  region: string;
  endpoint: string | undefined;
  maxAttempts: number;
}

/**
 * Creates the DynamoDB client; call once per process (module scope) so connections are reused.
 *
 * Every setting the SDK would otherwise look up on the first request (environment variable,
 * then `~/.aws/config` and `~/.aws/credentials`, building a ProviderError with a stack trace
 * at each miss) is given here, with the SDK's own default: that lookup is first-invocation
 * time on a cold start. Consequently the `AWS_USE_FIPS_ENDPOINT`, `AWS_USE_DUALSTACK_ENDPOINT`,
 * `AWS_RETRY_MODE`, `AWS_DEFAULTS_MODE`, `AWS_ACCOUNT_ID_ENDPOINT_MODE`, `AWS_AUTH_SCHEME_PREFERENCE`,
 * `AWS_SDK_UA_APP_ID`, `AWS_DISABLE_CLOCK_SKEW_CORRECTION`, `AWS_ENABLE_ENDPOINT_DISCOVERY` and
 * `AWS_ENDPOINT_URL`/`AWS_IGNORE_CONFIGURED_ENDPOINT_URLS` switches (and their config-file keys)
 * no longer apply to this client.
 */
export function createDynamoClient(options: ClientOptions): DynamoDBClient {
  return new DynamoDBClient({
    region: options.region,
    maxAttempts: options.maxAttempts,
    ...(options.endpoint ? { endpoint: options.endpoint } : {}),
    // Config already read AWS_ENDPOINT_URL_DYNAMODB; without an endpoint (in AWS) the SDK would
    // look for one again in the environment and ~/.aws/config on the first request.
    ignoreConfiguredEndpointUrls: true,
    retryMode: 'standard',
    defaultsMode: 'legacy',
    useFipsEndpoint: false,
    useDualstackEndpoint: false,
    // The regional endpoint: Lambda's environment credentials carry no account id anyway.
    accountIdEndpointMode: 'disabled',
    authSchemePreference: [],
    endpointDiscoveryEnabled: false,
    disableClockSkewCorrection: false,
    userAgentAppId: async () => undefined,
    streamCollector: collectNodeStream,
  });
}

/**
 * Collects a response body. The SDK's collector first asks whether the body is a web
 * `ReadableStream`, and that first touch of the global loads Node's web streams (~2 ms of a
 * cold invocation); the node:http handler's bodies are always Node streams.
 */
function collectNodeStream(stream: NodeJS.ReadableStream): Promise<Uint8Array> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    stream.on('data', (chunk: Buffer) => chunks.push(chunk));
    stream.on('error', reject);
    // A connection cut mid-body (an abort at the deadline) closes without an end.
    stream.on('close', () => reject(new Error('the response closed before its end')));
    stream.on('end', () => {
      const body = Buffer.concat(chunks);
      resolve(new Uint8Array(body.buffer, body.byteOffset, body.byteLength));
    });
  });
}

/** The caller table. */
export class CallerStore {
  constructor(
    private readonly client: DynamoDBClient,
    private readonly options: StoreOptions,
  ) {}

  /**
   * Records a call and returns the caller as we knew them before it, in one UpdateItem
   * (`ReturnValues: ALL_OLD`). The count is an atomic ADD. An expired item counts as absent
   * and is replaced; a repeated uuid is not counted again. Those two rare cases cost a second
   * request where DynamoDB does not return the old item with the failed condition.
   */
  async recordCallAndLoadCaller(call: CallToRecord): Promise<CallerRecord | undefined> {
    const pk = callerItemKey(call.comId, call.callerKey);
    const nowSeconds = Math.floor(call.nowMs / 1000);
    try {
      const result = await this.client.send(new UpdateItemCommand(recordCallInput(this.options, call)), {
        abortSignal: call.signal,
      });
      return result.Attributes ? toRecord(result.Attributes) : undefined;
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
      const current = error.Item ?? (await this.getItem(pk, call.signal));
      if (!current) return undefined;
      if (isExpired(current, nowSeconds)) {
        await this.replaceExpired(pk, current, call);
        return undefined;
      }
      // A repeated delivery of a call already counted: answer as the first delivery did.
      const record = toRecord(current);
      return { ...record, calls: Math.max(record.calls - 1, 0), lastCallAt: undefined };
    }
  }

  /** The caller's item, or undefined when there is none or it has expired. */
  async getCaller(comId: string, callerKey: string, nowMs: number): Promise<StoredCaller | undefined> {
    const item = await this.getItem(callerItemKey(comId, callerKey));
    if (!item || isExpired(item, Math.floor(nowMs / 1000))) return undefined;
    return toStoredCaller(item, comId, callerKey);
  }

  /**
   * Merges CRM facts into the caller's item (creating it) and returns the result. One
   * request, unless the item had expired: then it is erased first, so stale facts and
   * counts do not come back to life.
   */
  async mergeFacts(
    comId: string,
    callerKey: string,
    facts: CallerFacts,
    nowMs: number,
  ): Promise<StoredCaller> {
    const set = ['expiresAt = :expires', 'comId = :comId'];
    const remove: string[] = [];
    const values: Item = {
      ':expires': { N: String(this.expiresAt(nowMs)) },
      ':comId': { S: comId },
      ':nowSeconds': { N: String(Math.floor(nowMs / 1000)) },
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
      TableName: this.options.tableName,
      Key: itemKey(callerItemKey(comId, callerKey)),
      UpdateExpression: `SET ${set.join(', ')}${remove.length ? ` REMOVE ${remove.join(', ')}` : ''}`,
      ConditionExpression: NOT_EXPIRED,
      ...(Object.keys(names).length ? { ExpressionAttributeNames: names } : {}),
      ExpressionAttributeValues: values,
      ReturnValues: 'ALL_NEW',
    });
    const result = await this.sendUnlessExpired(comId, callerKey, nowMs, () => this.client.send(command));
    const item = result.Attributes ?? {};
    return toStoredCaller(item, comId, callerKey);
  }

  /**
   * Records which agent handled a call. Idempotent on the call's uuid, and a report older
   * than the one we hold does not replace it.
   */
  async recordHandled(
    comId: string,
    callerKey: string,
    handled: { agent: string; uuid: string; atMs: number },
    nowMs: number,
  ): Promise<HandledOutcome> {
    const command = new UpdateItemCommand({
      TableName: this.options.tableName,
      Key: itemKey(callerItemKey(comId, callerKey)),
      UpdateExpression:
        'SET lastAgent = :agent, lastAgentAt = :at, lastHandledUuid = :uuid, expiresAt = :expires, comId = :comId',
      ConditionExpression: `${NOT_EXPIRED} AND (attribute_not_exists(lastHandledUuid) OR lastHandledUuid <> :uuid) AND (attribute_not_exists(lastAgentAt) OR lastAgentAt <= :at)`,
      ExpressionAttributeValues: {
        ':agent': { S: handled.agent },
        ':at': { N: String(handled.atMs) },
        ':uuid': { S: handled.uuid },
        ':expires': { N: String(this.expiresAt(nowMs)) },
        ':comId': { S: comId },
        ':nowSeconds': { N: String(Math.floor(nowMs / 1000)) },
      },
    });
    try {
      await this.sendUnlessExpired(comId, callerKey, nowMs, () => this.client.send(command));
      return 'recorded';
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
      const item = await this.getItem(callerItemKey(comId, callerKey));
      return item?.lastHandledUuid?.S === handled.uuid ? 'duplicate' : 'older';
    }
  }

  /** Erases everything we hold about a caller of a company. Returns whether there was anything. */
  async deleteCaller(comId: string, callerKey: string): Promise<boolean> {
    const result = await this.client.send(
      new DeleteItemCommand({
        TableName: this.options.tableName,
        Key: itemKey(callerItemKey(comId, callerKey)),
        ReturnValues: 'ALL_OLD',
      }),
    );
    return result.Attributes !== undefined;
  }

  /**
   * The live callers among `callerKeys` (at most 100), for a bulk import to see what
   * exists. Retries keys DynamoDB left unprocessed.
   */
  async loadCallers(comId: string, callerKeys: string[], nowMs: number): Promise<Map<string, StoredCaller>> {
    const found = new Map<string, StoredCaller>();
    let keys: Item[] = callerKeys.map((key) => itemKey(callerItemKey(comId, key)));
    for (let attempt = 0; keys.length > 0; attempt++) {
      if (attempt > 0) await backOff(attempt);
      const result = await this.client.send(
        new BatchGetItemCommand({
          RequestItems: { [this.options.tableName]: { Keys: keys, ConsistentRead: true } },
        }),
      );
      for (const item of result.Responses?.[this.options.tableName] ?? []) {
        if (isExpired(item, Math.floor(nowMs / 1000))) continue;
        const caller = toStoredCaller(item, comId, callerKeyOf(item, comId));
        found.set(caller.callerKey, caller);
      }
      keys = result.UnprocessedKeys?.[this.options.tableName]?.Keys ?? [];
    }
    return found;
  }

  /**
   * Writes callers that do not exist yet, 25 to a BatchWriteItem, retrying unprocessed items
   * with back-off. Replaces whatever is under those keys: call it only for callers
   * `loadCallers` did not find. Returns the keys that could not be written.
   */
  async putNewCallers(
    comId: string,
    callers: { callerKey: string; facts: CallerFacts }[],
    nowMs: number,
  ): Promise<string[]> {
    let pending = callers.map(({ callerKey, facts }) => {
      const item: Item = {
        [PK]: { S: callerItemKey(comId, callerKey) },
        comId: { S: comId },
        calls: { N: '0' },
        expiresAt: { N: String(this.expiresAt(nowMs)) },
      };
      for (const [name, value] of Object.entries(facts)) {
        if (value === null || value === undefined) continue;
        item[name] = typeof value === 'number' ? { N: String(value) } : { S: value };
      }
      return { PutRequest: { Item: item } };
    });
    for (let attempt = 0; pending.length > 0 && attempt < 6; attempt++) {
      if (attempt > 0) await backOff(attempt);
      const result = await this.client.send(
        new BatchWriteItemCommand({ RequestItems: { [this.options.tableName]: pending } }),
      );
      pending = (result.UnprocessedItems?.[this.options.tableName] ?? []) as typeof pending;
    }
    return pending.map((request) => callerKeyOf(request.PutRequest.Item, comId));
  }

  /** Every live caller of a company, for export. Scans the table: an administration task, never the hot path. */
  async *listCallers(comId: string, nowMs: number): AsyncGenerator<StoredCaller> {
    const nowSeconds = Math.floor(nowMs / 1000);
    let startKey: Item | undefined;
    do {
      const page = await this.client.send(
        new ScanCommand({
          TableName: this.options.tableName,
          FilterExpression: 'comId = :comId',
          ExpressionAttributeValues: { ':comId': { S: comId } },
          ...(startKey ? { ExclusiveStartKey: startKey } : {}),
        }),
      );
      for (const item of page.Items ?? []) {
        if (isExpired(item, nowSeconds) || !item[PK]?.S?.startsWith(callerItemKey(comId, ''))) continue;
        yield toStoredCaller(item, comId, callerKeyOf(item, comId));
      }
      startKey = page.LastEvaluatedKey;
    } while (startKey);
  }

  private expiresAt(nowMs: number): number {
    return expiresAtSeconds(nowMs, this.options.retentionDays);
  }

  private async getItem(pk: string, signal?: AbortSignal): Promise<Item | undefined> {
    const result = await this.client.send(
      new GetItemCommand({ TableName: this.options.tableName, Key: itemKey(pk), ConsistentRead: true }),
      signal ? { abortSignal: signal } : {},
    );
    return result.Item;
  }

  private async replaceExpired(pk: string, expired: Item, call: CallToRecord): Promise<void> {
    const item: Item = {
      [PK]: { S: pk },
      comId: { S: call.comId },
      calls: { N: '1' },
      lastCallAt: { N: String(call.nowMs) },
      expiresAt: { N: String(this.expiresAt(call.nowMs)) },
      ...(call.uuid ? { lastUuid: { S: call.uuid } } : {}),
    };
    try {
      await this.client.send(
        new PutItemCommand({
          TableName: this.options.tableName,
          Item: item,
          // Only replace the expired item we saw, never a fresh one a concurrent call wrote.
          ConditionExpression: 'expiresAt = :seen',
          ExpressionAttributeValues: { ':seen': expired.expiresAt ?? { N: '0' } },
        }),
        { abortSignal: call.signal },
      );
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
    }
  }

  /**
   * Sends a write conditioned on NOT_EXPIRED. When the condition fails because the item has
   * expired, erases it and sends once more; any other condition failure is the caller's.
   */
  private async sendUnlessExpired<T>(
    comId: string,
    callerKey: string,
    nowMs: number,
    send: () => Promise<T>,
  ): Promise<T> {
    try {
      return await send();
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
      const pk = callerItemKey(comId, callerKey);
      const item = error.Item ?? (await this.getItem(pk));
      if (!item || !isExpired(item, Math.floor(nowMs / 1000))) throw error;
      await this.client
        .send(
          new DeleteItemCommand({
            TableName: this.options.tableName,
            Key: itemKey(pk),
            ConditionExpression: 'expiresAt = :seen',
            ExpressionAttributeValues: { ':seen': item.expiresAt ?? { N: '0' } },
          }),
        )
        .catch((deleteError: unknown) => {
          if (!(deleteError instanceof ConditionalCheckFailedException)) throw deleteError;
        });
      return send();
    }
  }
}

/** A write condition: the item is new, or has not reached its expiry (`:nowSeconds`). */
const NOT_EXPIRED = '(attribute_not_exists(expiresAt) OR expiresAt > :nowSeconds)';

/**
 * The hot path's one request: record the call (atomic count, time, uuid, expiry) unless the
 * item has expired or already holds this uuid, and return the item as it was.
 */
export function recordCallInput(
  options: StoreOptions,
  call: Omit<CallToRecord, 'signal'>,
): UpdateItemCommandInput {
  const nowSeconds = Math.floor(call.nowMs / 1000);
  const values: Item = {
    ':one': { N: '1' },
    ':now': { N: String(call.nowMs) },
    ':nowSeconds': { N: String(nowSeconds) },
    ':expires': { N: String(expiresAtSeconds(call.nowMs, options.retentionDays)) },
    ':comId': { S: call.comId },
  };
  const conditions = [NOT_EXPIRED];
  let set = 'SET lastCallAt = :now, expiresAt = :expires, comId = :comId';
  if (call.uuid) {
    values[':uuid'] = { S: call.uuid };
    conditions.push('(attribute_not_exists(lastUuid) OR lastUuid <> :uuid)');
    set += ', lastUuid = :uuid';
  } else {
    set = `${set} REMOVE lastUuid`;
  }
  return {
    TableName: options.tableName,
    Key: itemKey(callerItemKey(call.comId, call.callerKey)),
    UpdateExpression: `${set} ADD calls :one`,
    ConditionExpression: conditions.join(' AND '),
    ExpressionAttributeValues: values,
    ReturnValues: 'ALL_OLD',
    ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
  };
}

/** When an item written at `nowMs` expires, in epoch seconds (DynamoDB's TTL unit). */
function expiresAtSeconds(nowMs: number, retentionDays: number): number {
  return Math.floor(nowMs / 1000) + retentionDays * 86_400;
}

/** The caller key of a company's item: its partition key after `<com_id>#`. */
function callerKeyOf(item: Item, comId: string): string {
  return (item[PK]?.S ?? '').slice(callerItemKey(comId, '').length);
}

function toStoredCaller(item: Item, comId: string, callerKey: string): StoredCaller {
  return { ...toRecord(item), comId, callerKey, expiresAt: Number(item[TTL]?.N ?? 0) };
}

/** The key of an item; attribute names come from the table schema the stack deploys. */
function itemKey(pk: string): Item {
  return { [PK]: { S: pk } };
}

function backOff(attempt: number): Promise<void> {
  return new Promise((resolve) =>
    setTimeout(resolve, Math.min(50 * 2 ** attempt, 2000) * (0.5 + Math.random())),
  );
}

function isExpired(item: Item, nowSeconds: number): boolean {
  const expiresAt = item[TTL]?.N;
  return expiresAt !== undefined && Number(expiresAt) <= nowSeconds;
}

function toRecord(item: Item): CallerRecord {
  const record: CallerRecord = { calls: Number(item.calls?.N ?? 0) };
  const number = (name: string) => (item[name]?.N === undefined ? undefined : Number(item[name]?.N));
  const text = (name: string) => item[name]?.S;
  record.lastCallAt = number('lastCallAt');
  record.lastUuid = text('lastUuid');
  record.openInvoices = number('openInvoices');
  record.ticketAgent = text('ticketAgent');
  record.lastAgent = text('lastAgent');
  record.lastAgentAt = number('lastAgentAt');
  record.name = text('name');
  for (const key of Object.keys(record) as (keyof CallerRecord)[]) {
    if (record[key] === undefined) delete record[key];
  }
  return record;
}
