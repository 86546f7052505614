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
import { aliasesOfAgent, type Directory } from '../../lambda/domain/directory';
import { ValidationError } from '../../lambda/domain/errors';
import type { ContactChange } from '../../lambda/store/contact-store';
import { localDataDir } from '../../local/state';
import { CliError } from '../cli';
import type { CallerTables } from '../tables';
import {
  hubspotReader,
  moneybirdReader,
  pipedriveReader,
  type SourceOwner,
  type SourceReader,
  zendeskReader,
} from './readers';

/** The flags of `sync`. */
export interface SyncFlags {
  table?: string;
  apiUrl?: string;
  administration?: string;
  subdomain?: string;
  companyDomain?: string;
  properties?: string[];
  since?: number;
  checkpoint: string;
  restart?: boolean;
}

/** What a checkpoint keeps: where the next page starts, and the counts so far. */
interface Checkpoint {
  source: string;
  comId: string;
  position: string | undefined;
  /** Entities read (a contact, an invoice); each may make several changes. */
  read?: number;
  counts: Record<string, number>;
}

const READERS: Record<string, (env: NodeJS.ProcessEnv, flags: SyncFlags) => SourceReader> = {
  moneybird: moneybirdReader,
  zendesk: zendeskReader,
  hubspot: hubspotReader,
  pipedrive: pipedriveReader,
};

export async function syncSource(tables: CallerTables, source: string, flags: SyncFlags): Promise<void> {
  const connector = connectorDeclarations(process.env.CONNECTORS).get(source);
  const readerOf = READERS[source];
  if (!connector || !readerOf) {
    throw new CliError(
      `sync reads ${Object.keys(READERS).join(', ')}; "${source.slice(0, 24)}" has no API this tool reads`,
    );
  }
  const reader = readerOf(process.env, flags);
  const file =
    flags.checkpoint || join(flags.table ? '.' : localDataDir(), `sync-${source}-${tables.comId}.json`);
  const resumed = flags.restart ? undefined : readCheckpoint(file, source, tables.comId);
  const checkpoint: Checkpoint = resumed ?? { source, comId: tables.comId, position: undefined, counts: {} };
  if (resumed) console.error(`${source}: going on from the checkpoint in ${file}`);
  const held = await tables.stores.directory.getDirectory(tables.comId);
  const directory = reader.owners ? await linkOwners(tables, source, held, await reader.owners()) : held;
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
      // A page's contacts a few at a time, each contact's changes in one write.
      const byContact = new Map<string, ContactChange[]>();
      for (const reading of changes) {
        const change = resolveAgents(reading, directory);
        byContact.set(change.contact, [...(byContact.get(change.contact) ?? []), change]);
      }
      await inPool([...byContact.values()], APPLYING_AT_ONCE, async (contact) => {
        const result = await tables.stores.contacts.applyAll(tables.comId, contact, Date.now());
        const reason =
          result.numbers === 0
            ? 'kept: no phone number yet'
            : result.outcome === 'applied'
              ? 'applied'
              : 'unchanged';
        for (const _ of contact) count(reason);
      });
    } catch (error) {
      // The table failing: the checkpoint keeps this page, so the next run reads it again.
      writeCheckpoint(file, checkpoint);
      throw tables.explain(error);
    }
    pages++;
    checkpoint.position = page.next;
    checkpoint.read = (checkpoint.read ?? 0) + page.events.length;
    writeCheckpoint(file, checkpoint);
    console.error(`${source}: page ${pages}, ${checkpoint.read} ${reader.what} read`);
  } while (checkpoint.position !== undefined);
  rmSync(file, { force: true });
  console.log(
    `${source}: ${reader.what} synced in ${reader.client.stats.requests} requests${reader.client.stats.throttled ? ` (${reader.client.stats.throttled} times asked to wait)` : ''}`,
  );
  for (const [reason, value] of Object.entries(checkpoint.counts).sort())
    console.log(`  ${reason}: ${value}`);
  for (const hint of (await reader.hints?.()) ?? []) console.log(`  ${hint}`);
  if (left) {
    console.log('  some could not be read: see the source for those entities');
    process.exitCode = 1;
  }
}

/**
 * Gives each agent whose email alias is a source user's email that user's alias too
 * (`hubspot:<owner id>`), so the owner a webhook names by id leads to them; returns the
 * directory as it then is.
 */
async function linkOwners(
  tables: CallerTables,
  source: string,
  held: Directory,
  owners: readonly SourceOwner[],
): Promise<Directory> {
  const counts = { linked: 0, already: 0, unknown: 0 };
  let directory = held;
  for (const owner of owners) {
    const agent = directory.get(owner.email.trim().toLowerCase());
    if (directory.has(owner.alias)) counts.already++;
    else if (agent === undefined) counts.unknown++;
    else {
      await tables.stores.directory.setAliases(tables.comId, agent, [
        ...aliasesOfAgent(directory, agent),
        owner.alias,
      ]);
      directory = new Map(directory).set(owner.alias, agent);
      counts.linked++;
    }
  }
  console.error(
    `${source}: ${owners.length} users who may own contacts: ${counts.linked} linked to an agent by email, ${counts.already} linked before, ${counts.unknown} with no agent of that email`,
  );
  return directory;
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
