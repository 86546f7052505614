/**
 * `npm run callers -- secret SOURCE` (a connector's secret, read from standard input, never a
 * flag) and `sync SOURCE` (the open invoices or unsolved tickets a source holds already, read
 * through its API). Against `npm start`'s data folder, or with --table and --secret-id a
 * deployment's table and Secrets Manager secret.
 */
import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { connectorDeclarations } from '../../lambda/connectors/config';
import { parseSecretDocument, secretDocumentText, withSecret } from '../../lambda/connectors/secrets';
import { PRESENCE_SECRET_SOURCE } from '../../lambda/presence/settings';
import { SecretsManagerSecret } from '../../lambda/store/secrets-manager';
import { ensureLocalSecrets, localSecretsFile, writeLocalSecrets } from '../../local/secrets';
import { localDataDir } from '../../local/state';
import { CliError, wholeNumber } from '../cli';
import { type SyncFlags, syncSource } from '../sync/run';
import { type CallerTables, withTables } from '../tables';

interface SecretFlags {
  secretId?: string;
  fromFile?: string;
  legacyToken?: boolean;
  dropPrevious?: boolean;
}

/** Adds `secret` and `sync` to `cli`. */
export function registerConnectorCommands(cli: Command): void {
  withTables(
    cli
      .command('secret <source>')
      .description(
        "set a connector's secret for the company, read from standard input (the one it replaces stays valid beside it until --drop-previous)",
      )
      .option('--secret-id <arn>', "with --table: the stack's ConnectorSecretsArn output")
      .option('--from-file <file>', 'read the secret from this file instead of standard input')
      .option('--legacy-token', "Moneybird: set the webhook's token instead (for a webhook without a secret)")
      .option(
        '--drop-previous',
        'end a rotation: only the newest secret stays valid (reads nothing from standard input)',
      ),
    setSecret,
  );
  withTables(
    cli
      .command('sync <source>')
      .description(
        'read what a source holds already (open invoices, unsolved tickets, contacts and their owners) through its API, by the same version rule as its webhook',
      )
      .option('--api-url <url>', "the source's API (default: Moneybird's or your Zendesk's)")
      .option('--administration <id>', 'Moneybird: the administration id (in your Moneybird URL)')
      .option('--subdomain <name>', 'Zendesk: your subdomain (<name>.zendesk.com)')
      .option('--company-domain <name>', 'Pipedrive: your company domain (<name>.pipedrive.com)')
      .option(
        '--properties <names>',
        'HubSpot: the properties your CONNECTORS mapping reads besides phone, mobilephone and hubspot_owner_id (comma-separated)',
        (value: string) =>
          value
            .split(',')
            .map((name) => name.trim())
            .filter(Boolean),
      )
      .option(
        '--since <year>',
        'Moneybird: the year of the oldest unpaid invoice to look for',
        wholeNumber('--since', 2000, 2100),
      )
      .option('--checkpoint <file>', 'where progress is kept, so a stopped sync goes on where it was', '')
      .option('--restart', 'ignore a checkpoint and start from the beginning'),
    syncSource as (tables: CallerTables, source: string, flags: SyncFlags) => Promise<void>,
  );
}

async function setSecret(
  tables: CallerTables,
  source: string,
  flags: SecretFlags & { table?: string },
): Promise<void> {
  if (source !== PRESENCE_SECRET_SOURCE && !connectorDeclarations(process.env.CONNECTORS).has(source)) {
    throw new CliError(
      `no connector is named "${source.slice(0, 24)}" (the presence sync's client secret is ${PRESENCE_SECRET_SOURCE})`,
    );
  }
  const value = flags.dropPrevious ? undefined : readSecret(flags.fromFile);
  const store = secretStore(tables, flags);
  try {
    const change = flags.dropPrevious
      ? { dropPrevious: true }
      : flags.legacyToken
        ? { token: value as string }
        : { secret: value as string };
    const document = withSecret(parseSecretDocument(await store.read()), tables.comId, source, change);
    // Validated as the functions will read it, before it is stored.
    const text = secretDocumentText(parseSecretDocument(JSON.stringify(document)));
    await store.write(text);
    const held = document[tables.comId]?.[source];
    const valid = held?.secrets.length ?? 0;
    console.log(
      flags.legacyToken
        ? `${source}: the legacy webhook token of company ${tables.comId} is set`
        : `${source}: ${valid} secret${valid === 1 ? '' : 's'} of company ${tables.comId} valid` +
            (valid > 1 ? ' (the new one and the previous; end the rotation with --drop-previous)' : ''),
    );
  } finally {
    store.close();
  }
}

/** Where the secret document is: the local file, or the deployment's Secrets Manager secret. */
export function secretStore(tables: CallerTables, flags: { secretId?: string; table?: string }) {
  if (!flags.table) {
    const dataDir = localDataDir();
    ensureLocalSecrets(dataDir, tables.comId);
    return {
      read: async () => readFileSync(localSecretsFile(dataDir), 'utf8'),
      write: async (text: string) => writeLocalSecrets(dataDir, text),
      close: () => undefined,
    };
  }
  if (!flags.secretId)
    throw new CliError("--secret-id is required with --table: the stack's ConnectorSecretsArn output");
  const secretId = flags.secretId;
  let secret: SecretsManagerSecret | undefined;
  const open = async () => {
    secret ??= new SecretsManagerSecret({
      secretId,
      region: await tables.client.config.region(),
      // As the SDK's clients read it: a stand-in of Secrets Manager, or none (AWS's).
      ...(process.env.AWS_ENDPOINT_URL_SECRETS_MANAGER
        ? { endpoint: process.env.AWS_ENDPOINT_URL_SECRETS_MANAGER }
        : {}),
      credentials: await tables.client.config.credentials(),
    });
    return secret;
  };
  return {
    read: async () => (await open()).read(),
    write: async (text: string) => (await open()).write(text),
    close: () => secret?.destroy(),
  };
}

/** The secret as piped, typed or kept in a file: one line, without the line end. */
function readSecret(file: string | undefined): string {
  if (!file && process.stdin.isTTY) process.stderr.write('the secret (then Enter and Ctrl-D): ');
  const text = readFileSync(file ?? 0, 'utf8').trim();
  if (text === '') {
    throw new CliError(
      `${file ?? 'standard input'} held no secret: pipe it in, e.g. pbpaste | npm run callers -- secret moneybird`,
    );
  }
  return text;
}
