/**
 * Writing an import's rows: each hundred looked up at once, then only what changed written,
 * row by row and many at a time, with merging writes only, so a call or a report that
 * lands on the same caller during the import is never overwritten. Transient failures are
 * retried; the result accounts for every row.
 */
import type { CallerFacts } from '../lambda/domain/caller-facts';
import { applyCrmData, withAgentTime } from '../lambda/domain/caller-facts';
import { ValidationError } from '../lambda/domain/errors';
import type { CallerAdminStore } from '../lambda/store/caller-store';
import type { StoredCaller } from '../lambda/store/items';
import type { BulkCallerStore } from './bulk-store';
import type { ImportPlan, ImportRow, RejectedRow } from './import';
import { type RetryPolicy, TOOL_RETRIES, withRetries } from './retry';

/** The stores an import writes through. */
export interface ImportStores {
  bulk: BulkCallerStore;
  admin: CallerAdminStore;
}

/** How an import writes: when, how many rows at once, how each request is retried, progress. */
export interface WriteOptions {
  nowMs: number;
  /** Rows written at the same time. */
  concurrency?: number;
  retry?: RetryPolicy;
  onProgress?: (done: number, total: number) => void;
}

/** Where every row of the plan ended up. */
export interface ImportResult extends ImportPlan {
  /** Rows written: new callers and callers whose facts changed. */
  written: number;
  /** Rows whose facts were stored as they are (or a newer last agent was). */
  unchanged: number;
  /** Rows that could not be written, even after retries. */
  failed: RejectedRow[];
  /** Rows not tried because the table kept failing: run the import again to write them. */
  notAttempted: number;
}

const LOOKUP_BATCH = 100;
const DEFAULT_CONCURRENCY = 64;

/**
 * Writes the plan's rows. Running the same file again writes nothing (every row unchanged)
 * and finishes what an interrupted run did not write.
 */
export async function runImport(
  plan: ImportPlan,
  stores: ImportStores,
  comId: string,
  options: WriteOptions,
): Promise<ImportResult> {
  const writer = new RowWriter(stores, comId, options);
  const result: ImportResult = { ...plan, written: 0, unchanged: 0, failed: [], notAttempted: 0 };
  for (let start = 0; start < plan.rows.length; start += LOOKUP_BATCH) {
    const chunk = plan.rows.slice(start, start + LOOKUP_BATCH);
    if (writer.givenUp) {
      result.notAttempted += chunk.length;
      continue;
    }
    await writer.writeChunk(chunk, result);
    options.onProgress?.(Math.min(start + LOOKUP_BATCH, plan.rows.length), plan.rows.length);
  }
  result.failed.sort((a, b) => a.line - b.line);
  return result;
}

/** Writes chunks of rows, and gives up once every row of a chunk failed (the table is down). */
class RowWriter {
  givenUp = false;
  private readonly retry: RetryPolicy;

  constructor(
    private readonly stores: ImportStores,
    private readonly comId: string,
    private readonly options: WriteOptions,
  ) {
    this.retry = options.retry ?? TOOL_RETRIES;
  }

  async writeChunk(chunk: ImportRow[], result: ImportResult): Promise<void> {
    let existing: Map<string, StoredCaller>;
    try {
      existing = await withRetries(this.retry, (signal) =>
        this.stores.bulk.loadCallers(
          this.comId,
          chunk.map((row) => row.callerKey),
          this.options.nowMs,
          { signal },
        ),
      );
    } catch (error) {
      for (const row of chunk) result.failed.push({ line: row.line, reason: errorName(error) });
      this.givenUp = true;
      return;
    }
    let next = 0;
    let failures = 0;
    const work = async () => {
      while (next < chunk.length) {
        const row = chunk[next++] as ImportRow;
        try {
          const changed = await this.writeRow(row, existing.get(row.callerKey));
          if (changed) result.written++;
          else result.unchanged++;
        } catch (error) {
          failures++;
          result.failed.push({ line: row.line, reason: errorName(error) });
        }
      }
    };
    const workers = Math.min(this.options.concurrency ?? DEFAULT_CONCURRENCY, chunk.length);
    await Promise.all(Array.from({ length: workers }, work));
    if (failures === chunk.length) this.givenUp = true;
  }

  /**
   * Writes what a row changes. A caller the look-up did not find is created if still absent;
   * otherwise its facts are merged into the item (never replacing it), and a last agent is
   * recorded as a handled report, so a newer report stored meanwhile is kept. Returns whether
   * anything was written.
   */
  private async writeRow(row: ImportRow, current: StoredCaller | undefined): Promise<boolean> {
    const { nowMs } = this.options;
    if (!current) {
      const created = await withRetries(this.retry, (signal) =>
        this.stores.bulk.createCaller(this.comId, row.callerKey, withAgentTime(row.facts, nowMs), nowMs, {
          signal,
        }),
      );
      if (created) return true;
    }
    const facts = current ? changedFacts(row.facts, current, nowMs) : withAgentTime(row.facts, nowMs);
    const { lastAgent, lastAgentAt, ...rest } = facts;
    const merge: CallerFacts = lastAgent === null ? { ...rest, lastAgent, lastAgentAt } : rest;
    let written = false;
    if (Object.keys(merge).length > 0 || !current) {
      await withRetries(this.retry, (signal) =>
        this.stores.admin.mergeFacts(this.comId, row.callerKey, merge, nowMs, { signal }),
      );
      written = true;
    }
    if (typeof lastAgent === 'string' && typeof lastAgentAt === 'number') {
      const report = { agent: lastAgent, uuid: `import:${lastAgent}:${lastAgentAt}`, atMs: lastAgentAt };
      const outcome = await withRetries(this.retry, (signal) =>
        this.stores.admin.recordHandled(this.comId, row.callerKey, report, nowMs, { signal }),
      );
      written ||= outcome === 'recorded';
    }
    return written;
  }
}

/**
 * The facts of a row that differ from what is stored. A last agent is compared with its time
 * only when the file gives one; a changed agent without one was handled "now".
 */
function changedFacts(facts: CallerFacts, current: StoredCaller, nowMs: number): CallerFacts {
  const { tags, attributes, ...plain } = facts;
  const changed: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(plain)) {
    if ((value ?? undefined) !== current[name as keyof StoredCaller]) changed[name] = value;
  }
  const after = applyCrmData(current, { tags, attributes });
  if (tags && after.tags.join('|') !== (current.tags ?? []).join('|')) changed.tags = tags;
  if (
    attributes !== undefined &&
    JSON.stringify(after.attributes) !== JSON.stringify(current.attributes ?? {})
  ) {
    changed.attributes = attributes;
  }
  if (!('lastAgent' in changed) && !('lastAgentAt' in changed)) return changed as CallerFacts;
  const { lastAgentAt } = facts;
  return withAgentTime(
    { ...changed, lastAgent: facts.lastAgent, ...(lastAgentAt === undefined ? {} : { lastAgentAt }) },
    nowMs,
  );
}

/** Why a row failed: what was wrong with it, or the name of the store's error. */
function errorName(error: unknown): string {
  if (error instanceof ValidationError) return error.columnMessage;
  return error instanceof Error ? error.name : String(error);
}
