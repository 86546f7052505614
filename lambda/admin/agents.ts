/**
 * The admin API's agents: which colleagues cannot answer now, so that a caller is not sent to
 * them, and the aliases other systems know them by (an email in Zendesk, an owner in HubSpot).
 * An agent never put in the roster counts as available.
 *
 *   GET    /agents             the roster and the directory
 *   GET    /agents/{agent}
 *   PUT    /agents/{agent}     {"available": false, "until"?: a time, "name"?, "aliases"?: [...]}
 *   DELETE /agents/{agent}     forget the agent's status: available again (aliases stay)
 */
import { type AgentStatus, agentStatusOf, availabilityOf } from '../domain/availability';
import { agentToken } from '../domain/caller-facts';
import { aliasesOf, aliasesOfAgent, type Directory } from '../domain/directory';
import { ValidationError } from '../domain/errors';
import { isoTime } from '../domain/times';
import { readJsonObject } from '../http/body';
import { type AdminRoute, companyOf, json } from './request';

export const listAgents: AdminRoute = async (context, admin) => {
  const comId = companyOf(context, admin);
  const [roster, directory] = await Promise.all([
    context.stores.roster.getRoster(comId),
    context.stores.directory.getDirectory(comId),
  ]);
  admin.entry.reason = 'agents';
  const names = new Set([...roster.keys(), ...directory.values()]);
  const agents = [...names].map((agent) => agentView(agent, roster.get(agent), directory, admin.nowMs));
  return json(200, { agents: agents.sort((a, b) => a.agent.localeCompare(b.agent)) });
};

export const getAgent: AdminRoute = async (context, admin) => {
  const agent = agentIn(admin.params[0]);
  const comId = companyOf(context, admin);
  const [roster, directory] = await Promise.all([
    context.stores.roster.getRoster(comId),
    context.stores.directory.getDirectory(comId),
  ]);
  const status = roster.get(agent);
  const known = status !== undefined || aliasesOfAgent(directory, agent).length > 0;
  admin.entry.reason = known ? 'agent' : 'agent:unknown';
  return known ? json(200, agentView(agent, status, directory, admin.nowMs)) : unknownAgent();
};

export const putAgent: AdminRoute = async (context, admin) => {
  const agent = agentIn(admin.params[0]);
  const { aliases: given, ...body } = readJsonObject(admin.request);
  const comId = companyOf(context, admin, body);
  const aliases = given === undefined ? undefined : aliasesOf(given);
  const { com_id: _com, ...statusFields } = body;
  const status =
    Object.keys(statusFields).length > 0 || aliases === undefined ? agentStatusOf(body) : undefined;
  if (!status && !aliases) throw new ValidationError('available', 'must be true or false');
  if (aliases) await context.stores.directory.setAliases(comId, agent, aliases);
  if (status) await context.stores.roster.putAgent(comId, agent, status, admin.nowMs);
  const [roster, directory] = await Promise.all([
    context.stores.roster.getRoster(comId),
    context.stores.directory.getDirectory(comId),
  ]);
  admin.entry.reason = status
    ? status.available
      ? 'agent:available'
      : 'agent:unavailable'
    : 'agent:aliases';
  return json(200, agentView(agent, roster.get(agent), directory, admin.nowMs));
};

export const deleteAgent: AdminRoute = async (context, admin) => {
  const agent = agentIn(admin.params[0]);
  const existed = await context.stores.roster.deleteAgent(companyOf(context, admin), agent);
  admin.entry.reason = existed ? 'agent:forget' : 'agent:unknown';
  return existed ? { status: 204, body: '' } : unknownAgent();
};

function agentIn(segment: string | undefined): string {
  return agentToken(segment, 'agent in the path');
}

/** An agent as the API shows it, with whether they can be routed to now and their aliases. */
function agentView(agent: string, status: AgentStatus | undefined, directory: Directory, nowMs: number) {
  const handSet = status !== undefined && status.handSet !== false;
  const now = status ? availabilityOf(new Map([[agent, status]]), agent, nowMs) : { available: true };
  return {
    agent,
    // The status set by hand (none set: available), then what holds now, whoever says so.
    available: handSet ? status.available : true,
    until: handSet ? isoTime(status.untilMs) : undefined,
    name: status?.name,
    availableNow: now.available,
    ...(now.available ? {} : { awayVia: now.via, awayUntil: isoTime(now.untilMs) }),
    aliases: aliasesOfAgent(directory, agent),
  };
}

function unknownAgent() {
  return json(404, { error: 'unknown agent: not in the roster (so available)' });
}
