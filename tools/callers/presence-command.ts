/**
 * `npm run callers -- presence [--apply]`: one pass of the presence sync for the company, as
 * the schedule runs it (PRESENCE names the tenant and app; the client secret is the company's
 * `microsoft365` secret), printing which agents it would make away or available. A dry run
 * unless --apply: then the roster's presence layer is written as the schedule would.
 */
import type { Command } from 'commander';
import { ConnectorSecrets } from '../../lambda/connectors/secrets';
import { microsoftEndpoints, type PresenceLogLine, PresenceSync } from '../../lambda/presence/run';
import { parsePresenceSettings } from '../../lambda/presence/settings';
import { CliError } from '../cli';
import { type CallerTables, withTables } from '../tables';
import { secretStore } from './connector-commands';

/** What one pass may take from the command line. */
const PASS_BUDGET_MS = 60_000;

interface PresenceFlags {
  apply?: boolean;
  secretId?: string;
  table?: string;
}

export function registerPresenceCommand(cli: Command): void {
  withTables(
    cli
      .command('presence')
      .description(
        'one pass of the presence sync from Microsoft 365 (PRESENCE names tenant and app): prints who it would make away or available; --apply writes it',
      )
      .option('--apply', 'write the result into the roster, as the scheduled sync does')
      .option('--secret-id <arn>', "with --table: the stack's ConnectorSecretsArn output"),
    presencePassCommand as (tables: CallerTables, _: string, flags: PresenceFlags) => Promise<void>,
  );
}

async function presencePassCommand(tables: CallerTables, _: string, flags: PresenceFlags): Promise<void> {
  const settings = parsePresenceSettings(process.env.PRESENCE);
  if (!settings) {
    throw new CliError(
      'PRESENCE is not set: give it as the stack\'s presence setting, e.g. PRESENCE=\'{"companies":[{"comId":"…","tenantId":"…","appId":"…"}]}\'',
    );
  }
  const companies = settings.companies.filter((company) => company.comId === tables.comId);
  if (companies.length === 0) throw new CliError(`PRESENCE names no company ${tables.comId}: give --com-id`);
  const store = secretStore(tables, flags);
  const lines: PresenceLogLine[] = [];
  try {
    const sync = new PresenceSync({
      settings: { ...settings, companies },
      stores: tables.stores,
      secrets: new ConnectorSecrets(() => store.read(), 0),
      endpoints: microsoftEndpoints(process.env),
      log: (line) => lines.push(line),
      ...(flags.apply ? {} : { dryRun: true }),
    });
    const [result] = await sync.run(PASS_BUDGET_MS);
    const line = lines[0];
    if (!result || !line)
      throw new CliError(`the pass failed: ${line?.reason ?? 'no answer'}; nothing was written`);
    for (const change of result.changes) console.log(`${change.agent}: ${change.from} → ${change.to}`);
    console.log(
      `${result.agents} agents with a Microsoft 365 alias, ${result.found} known to Graph, ${result.away} away; ` +
        `${result.changes.length} change${result.changes.length === 1 ? '' : 's'}` +
        (flags.apply
          ? result.outcome === 'written'
            ? ', written'
            : ', nothing to write'
          : ' (a dry run: --apply writes them)'),
    );
  } finally {
    store.close();
  }
}
