/**
 * `npm run callers`: caller data by hand and in bulk, against the table of `npm start` or,
 * with `--table` and AWS credentials, the deployed one. One subcommand per job (in
 * tools/callers/); each says what it does under `--help`.
 */
import { DEFAULTS } from '../lambda/config';
import { worstCaseMs } from '../lambda/store/requests';
import { registerAgentCommands } from './callers/agent-commands';
import { registerCallerCommands } from './callers/caller-commands';
import { registerConnectorCommands } from './callers/connector-commands';
import { registerExplainCommand } from './callers/explain-command';
import { registerLearnCommands } from './callers/learn-commands';
import { registerPresenceCommand } from './callers/presence-command';
import { CliError, program, runTool, wholeNumber } from './cli';
import { ImportFileError } from './csv';
import { TOOL_RETRY_POLICY } from './tables';

/** `npm run callers -- <argv>`. */
export async function main(argv: string[]): Promise<void> {
  const cli = program({
    script: 'callers',
    usage: '<command> [arguments] [--table NAME --com-id ID]',
    description:
      'Caller data of the local product (`npm start`), or with --table of a deployment (AWS credentials needed).',
    examples: [
      'npm run callers -- import crm-export.csv',
      'npm run callers -- put 0612345678 --openInvoices 2 --name "Jansen BV"',
      'npm run callers -- learn-cdr cdr-november.csv',
      'npm run callers -- agent 1005 --unavailable --until 2026-12-24',
      'npm run callers -- explain 0612345678',
      'pbpaste | npm run callers -- secret moneybird',
      'MONEYBIRD_API_TOKEN=… npm run callers -- sync moneybird --administration 116015326147118082',
      'npm run callers -- get 0612345678 --table CallvoipWebhook-CallersXXXX --com-id 42f30becd4ea93edd284e059427b5ee0',
    ],
  })
    .option('--table <name>', "a deployed table (the stack's TableName output) instead of the local one")
    .option('--com-id <id>', 'the company (com_id the platform sends); required with --table')
    .option('--country <code>', 'country code for national numbers', DEFAULTS.defaultCountryCode)
    .option(
      '--retention-days <days>',
      "the deployment's retentionDays: written callers expire this long after",
      wholeNumber('--retention-days', 1, 3650),
      DEFAULTS.retentionDays,
    )
    .option(
      '--timeout <ms>',
      `give each attempt of a DynamoDB request up after this long; a request is tried ${TOOL_RETRY_POLICY.attempts} times ` +
        `with growing pauses, so it takes at most about ${Math.round(worstCaseMs(TOOL_RETRY_POLICY) / 1000)} s at the default`,
      wholeNumber('--timeout', 100, 60_000),
      TOOL_RETRY_POLICY.attemptTimeoutMs,
    );
  registerCallerCommands(cli);
  registerLearnCommands(cli);
  registerAgentCommands(cli);
  registerExplainCommand(cli);
  registerConnectorCommands(cli);
  registerPresenceCommand(cli);
  try {
    await cli.parseAsync(argv, { from: 'user' });
  } catch (error) {
    if (error instanceof ImportFileError) throw new CliError(error.message);
    throw error;
  }
}

if (require.main === module) runTool('callers', main);
