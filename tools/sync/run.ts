/**
 * `npm run callers -- sync SOURCE`: reads what a source holds already through its API and
 * applies each entity as its webhook's event would be applied (the same declaration, the same
 * version rule), so a sync racing webhooks loses nothing and a second run changes nothing. It
 * keeps its place in a checkpoint after every page, prints progress, ends with a summary per
 * reason and exits 1 when anything was left.
 */
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { connectorDeclarations } from '../../lambda/connectors/config';
import { readDelivery, resolveAgents } from '../../lambda/connectors/engine';
import { ValidationError } from '../../lambda/domain/errors';
import { localDataDir } from '../../local/state';
import { CliError } from '../cli';
import type { CallerTables } from '../tables';
import { moneybirdReader, type SourceReader, zendeskReader } from './readers';

/** The flags of `sync`. */
export interface SyncFlags {
  table?: string;
  apiUrl?: string;
  administration?: string;
  subdomain?: string;
  since?: number;
  checkpoint: string;
  restart?: boolean;
}

/** What a checkpoint keeps: where the next page starts, and the counts so far. */
interface Checkpoint {
  source: string;
  comId: string;
  position: string | undefined;
  counts: Record<string, number>;
}

const READERS: Record<string, (env: NodeJS.ProcessEnv, flags: SyncFlags) => SourceReader> = {
  moneybird: moneybirdReader,
  zendesk: zendeskReader,
};

export async function syncSource(tables: CallerTables, source: string, flags: SyncFlags): Promise<void> {
  const connector = connectorDeclarations(process.env.CONNECTORS).get(source);
  const readerOf = READERS[source];
  if (!connector || !readerOf) {
    throw new CliError(
      `sync reads ${Object.keys(READERS).join(' and ')}; "${source.slice(0, 24)}" has no API this tool reads`,
    );
  }
  const reader = readerOf(process.env, flags);
  const file =
    flags.checkpoint || join(flags.table ? '.' : localDataDir(), `sync-${source}-${tables.comId}.json`);
  const resumed = flags.restart ? undefined : readCheckpoint(file, source, tables.comId);
  const checkpoint: Checkpoint = resumed ?? { source, comId: tables.comId, position: undefined, counts: {} };
  if (resumed) console.error(`${source}: going on from the checkpoint in ${file}`);
  const directory = await tables.stores.directory.getDirectory(tables.comId);
  const count = (reason: string) => {
    checkpoint.counts[reason] = (checkpoint.counts[reason] ?? 0) + 1;
  };
  let pages = 0;
  let left = false;
  do {
    const page = await reader.page(checkpoint.position);
    const changes: Extract<ReturnType<typeof readDelivery>[number], { change: unknown }>[] = [];
    for (const event of page.events) {
      let readings: ReturnType<typeof readDelivery>;
      try {
        readings = readDelivery(connector, event.body, {
          signedAtMs: event.signedAtMs,
          nowMs: Date.now(),
          defaultCountryCode: tables.country,
        });
      } catch (error) {
        if (!(error instanceof ValidationError)) throw error;
        count('unreadable');
        left = true;
        continue;
      }
      for (const reading of readings) {
        if ('ignored' in reading) count(`ignored: ${reading.ignored}`);
        else changes.push(reading);
      }
    }
    try {
      // A page's changes a few at a time: those of one contact race, and the version rule orders them.
      await inPool(changes, APPLYING_AT_ONCE, async (reading) => {
        const result = await tables.stores.contacts.apply(
          tables.comId,
          resolveAgents(reading, directory),
          Date.now(),
        );
        count(
          result.numbers === 0
            ? 'kept: no phone number yet'
            : result.outcome === 'applied'
              ? 'applied'
              : 'unchanged',
        );
      });
    } catch (error) {
      // The table failing: the checkpoint keeps this page, so the next run reads it again.
      writeCheckpoint(file, checkpoint);
      throw tables.explain(error);
    }
    pages++;
    checkpoint.position = page.next;
    writeCheckpoint(file, checkpoint);
    const read = Object.values(checkpoint.counts).reduce((sum, value) => sum + value, 0);
    console.error(`${source}: page ${pages}, ${read} ${reader.what} read`);
  } while (checkpoint.position !== undefined);
  rmSync(file, { force: true });
  console.log(
    `${source}: ${reader.what} synced in ${reader.client.stats.requests} requests${reader.client.stats.throttled ? ` (${reader.client.stats.throttled} times asked to wait)` : ''}`,
  );
  for (const [reason, value] of Object.entries(checkpoint.counts).sort())
    console.log(`  ${reason}: ${value}`);
  if (left) {
    console.log('  some could not be read: see the source for those entities');
    process.exitCode = 1;
  }
}

/** How many changes are applied at once. */
const APPLYING_AT_ONCE = 8;

async function inPool<T>(items: readonly T[], size: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await work(items[next++] as T);
  };
  await Promise.all(Array.from({ length: Math.min(size, items.length) }, worker));
}

function readCheckpoint(file: string, source: string, comId: string): Checkpoint | undefined {
  if (!existsSync(file)) return undefined;
  const held = JSON.parse(readFileSync(file, 'utf8')) as Checkpoint;
  if (held.source !== source || held.comId !== comId) {
    throw new CliError(
      `${file} is a checkpoint of ${held.source} for company ${held.comId}: give another --checkpoint, or --restart`,
    );
  }
  return held;
}

function writeCheckpoint(file: string, checkpoint: Checkpoint): void {
  writeFileSync(file, `${JSON.stringify(checkpoint)}\n`, { mode: 0o600 });
}
