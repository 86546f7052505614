/**
 * Writing an import's rows: each hundred looked up at once, then only what changed written,
 * one request per row (so a row lands whole or not at all) and many rows at a time, with
 * merging writes only, so a call or a report that lands on the same caller during the import
 * is never overwritten. Transient failures are retried by the stores; the result accounts for
 * every row.
 */
import type { CallerFacts } from '../lambda/domain/caller-facts';
import { applyCrmData, withFactTimes } from '../lambda/domain/caller-facts';
import { ValidationError } from '../lambda/domain/errors';
import { FACT_NAMES } from '../lambda/domain/facts';
import { type CallerStore, callerWriteOf } from '../lambda/store/caller-store';
import type { StoredCaller } from '../lambda/store/items';
import type { BulkCallerStore } from './bulk-store';
import type { ImportPlan, ImportRow, RejectedRow } from './import';

/** The stores an import writes through. */
export interface ImportStores {
  bulk: BulkCallerStore;
  callers: CallerStore;
}

/** How an import writes: when, and how many rows at once. */
export interface WriteOptions {
  nowMs: number;
  /** Rows written at the same time. */
  concurrency?: number;
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

  constructor(
    private readonly stores: ImportStores,
    private readonly comId: string,
    private readonly options: WriteOptions,
  ) {}

  async writeChunk(chunk: ImportRow[], result: ImportResult): Promise<void> {
    let existing: Map<string, StoredCaller>;
    try {
      existing = await this.stores.bulk.loadCallers(
        this.comId,
        chunk.map((row) => row.callerKey),
        this.options.nowMs,
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
   * Writes what a row changes in one request: its facts merged into the item (never replacing
   * it), and a last agent recorded as a handled report, so a newer report stored meanwhile is
   * kept. Returns whether anything was written.
   */
  private async writeRow(row: ImportRow, current: StoredCaller | undefined): Promise<boolean> {
    const { nowMs } = this.options;
    const facts = current ? changedFacts(row.facts, current, nowMs) : withFactTimes(row.facts, nowMs);
    if (current && Object.keys(facts).length === 0) return false;
    const reportId =
      typeof facts.lastAgent === 'string' ? `import:${facts.lastAgent}:${facts.lastAgentAt}` : undefined;
    const write = callerWriteOf(facts, nowMs, reportId);
    const outcome = await this.stores.callers.writeCaller(this.comId, row.callerKey, write, nowMs);
    const factsChanged = Object.keys(write.facts).length > 0 || write.report === null || !current;
    return factsChanged || outcome.report === 'recorded';
  }
}

/**
 * The facts of a row that differ from what is stored. A last agent is compared with its time
 * only when the file gives one; a changed agent without one was handled "now".
 */
function changedFacts(facts: CallerFacts, stored: StoredCaller, nowMs: number): CallerFacts {
  // A file is compared with what was written by hand, not with what connectors keep beside it.
  const current = stored.manual;
  const { tags, attributes, ...plain } = facts;
  const changed: Record<string, unknown> = {};
  for (const name of FACT_NAMES) {
    const value = plain[name];
    if (value !== undefined && (value ?? undefined) !== current[name]) changed[name] = value;
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
  return withFactTimes(
    { ...changed, lastAgent: facts.lastAgent, ...(lastAgentAt === undefined ? {} : { lastAgentAt }) },
    nowMs,
  );
}

/** Why a row failed: what was wrong with it, or the name of the store's error. */
function errorName(error: unknown): string {
  if (error instanceof ValidationError) return error.columnMessage;
  return error instanceof Error ? error.name : String(error);
}
