/** `npm run callers -- agent AGENT --unavailable | --available` and `agents`: the roster. */
import type { Command } from 'commander';
import { type AgentStatus, agentStatusOf, availabilityOf } from '../../lambda/domain/availability';
import { agentToken } from '../../lambda/domain/caller-facts';
import { aliasesOf, aliasesOfAgent } from '../../lambda/domain/directory';
import { CliError } from '../cli';
import { type CallerTables, withTables } from '../tables';

/** The flags of `agent`. */
export interface AgentFlags {
  available?: boolean;
  unavailable?: boolean;
  until?: string;
  name?: string;
  alias?: string[];
  forget?: boolean;
}

/** Adds `agent` and `agents` to `cli`. */
export function registerAgentCommands(cli: Command): void {
  withTables(
    cli
      .command('agent <agent>')
      .description('mark an agent unavailable (callers skip them) or available again')
      .option('--unavailable', 'away: rules with agentAvailable pass them over')
      .option('--available', 'back: routed to again')
      .option(
        '--until <time>',
        'with --unavailable: when they are back (ISO 8601, or "2026-12-24 09:00" local time)',
      )
      .option('--name <name>', 'a name to recognise them by')
      .option(
        '--alias <alias>',
        'a name another system knows them by (an email, or hubspot:<owner id>); repeat for more; replaces their aliases',
        (value: string, previous: string[]) => [...previous, value],
        [] as string[],
      )
      .option('--forget', 'remove them from the roster (available)'),
    setAgent,
  );
  withTables(cli.command('agents').description('list the roster: who is away, and until when'), listAgents);
}

async function setAgent(tables: CallerTables, agentText: string, flags: AgentFlags): Promise<void> {
  const agent = agentToken(agentText, 'AGENT');
  if (flags.forget) {
    const existed = await tables.stores.roster.deleteAgent(tables.comId, agent);
    console.log(existed ? `forgot ${agent}: available` : `${agent} was not in the roster: available`);
    return;
  }
  const aliases = flags.alias?.length ? aliasesOf(flags.alias, '--alias') : undefined;
  const status = aliases && flags.available === flags.unavailable ? undefined : agentStatusOfFlags(flags);
  if (aliases) {
    await tables.stores.directory.setAliases(tables.comId, agent, aliases);
    console.log(`${agent}: aliases ${aliases.join(', ')}`);
  }
  if (!status) return;
  await tables.stores.roster.putAgent(tables.comId, agent, status, Date.now());
  const until = status.untilMs === undefined ? '' : ` until ${new Date(status.untilMs).toISOString()}`;
  console.log(`${agent}: ${status.available ? 'available' : `unavailable${until}`}`);
}

/**
 * The roster entry `agent` sets, validated as the admin API validates `PUT /agents/{agent}`.
 * @throws CliError without --available or --unavailable; ValidationError for a bad --until or --name.
 */
export function agentStatusOfFlags(flags: AgentFlags): AgentStatus {
  if (flags.available === flags.unavailable)
    throw new CliError('say --available or --unavailable (or --forget)');
  return agentStatusOf({
    available: flags.available === true,
    ...(flags.until ? { until: flags.until } : {}),
    ...(flags.name ? { name: flags.name } : {}),
  });
}

async function listAgents(tables: CallerTables): Promise<void> {
  const nowMs = Date.now();
  const [roster, directory] = await Promise.all([
    tables.stores.roster.getRoster(tables.comId),
    tables.stores.directory.getDirectory(tables.comId),
  ]);
  const agents = [...new Set([...roster.keys(), ...directory.values()])].sort((a, b) => a.localeCompare(b));
  if (agents.length === 0) console.log('no agents in the roster: every agent counts as available');
  for (const agent of agents) {
    const status = roster.get(agent);
    const now = availabilityOf(roster, agent, nowMs).available ? 'available' : 'unavailable';
    const until = status?.untilMs === undefined ? '' : ` (until ${new Date(status.untilMs).toISOString()})`;
    const aliases = aliasesOfAgent(directory, agent);
    const also = aliases.length ? `  aka ${aliases.join(', ')}` : '';
    console.log(
      `${agent.padEnd(12)} ${now.padEnd(11)}${until}${status?.name ? `  ${status.name}` : ''}${also}`,
    );
  }
}
