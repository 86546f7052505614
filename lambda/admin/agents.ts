/**
 * The admin API's agent roster: which colleagues cannot answer now, so that a caller is not
 * sent to them. An agent never put in the roster counts as available.
 *
 *   GET    /agents             the roster
 *   GET    /agents/{agent}
 *   PUT    /agents/{agent}     {"available": false, "until"?: ISO 8601 or epoch ms, "name"?}
 *   DELETE /agents/{agent}     forget the agent: available again
 */

import { type AgentStatus, agentStatusOf, availabilityOf } from '../domain/availability';
import { agentToken } from '../domain/caller-facts';
import { isoTime } from '../domain/times';
import { readJsonObject } from '../http/body';
import { type AdminRoute, companyOf, json } from './request';

export const listAgents: AdminRoute = async (context, admin) => {
  const roster = await context.stores.roster.getRoster(companyOf(context, admin));
  admin.entry.reason = 'agents';
  const agents = [...roster].map(([agent, status]) => agentView(agent, status, admin.nowMs));
  return json(200, { agents: agents.sort((a, b) => a.agent.localeCompare(b.agent)) });
};

export const getAgent: AdminRoute = async (context, admin) => {
  const agent = agentIn(admin.params[0]);
  const status = (await context.stores.roster.getRoster(companyOf(context, admin))).get(agent);
  admin.entry.reason = status ? 'agent' : 'agent:unknown';
  return status ? json(200, agentView(agent, status, admin.nowMs)) : unknownAgent();
};

export const putAgent: AdminRoute = async (context, admin) => {
  const agent = agentIn(admin.params[0]);
  const body = readJsonObject(admin.request);
  const status = agentStatusOf(body);
  await context.stores.roster.putAgent(companyOf(context, admin, body), agent, status, admin.nowMs);
  admin.entry.reason = status.available ? 'agent:available' : 'agent:unavailable';
  return json(200, agentView(agent, status, admin.nowMs));
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

/** An agent as the API shows it, with whether they can be routed to now. */
function agentView(agent: string, status: AgentStatus, nowMs: number) {
  return {
    agent,
    available: status.available,
    until: isoTime(status.untilMs),
    name: status.name,
    availableNow: availabilityOf(new Map([[agent, status]]), agent, nowMs).available,
  };
}

function unknownAgent() {
  return json(404, { error: 'unknown agent: not in the roster (so available)' });
}
