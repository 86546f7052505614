/**
 * The admin API's callers: their facts (read, merged, erased) and how the webhook would route
 * them now, with the rule, the reason and the facts it used.
 *
 *   GET    /callers/{number}
 *   PUT    /callers/{number}         {"openInvoices"?, "ticketAgent"?, "lastAgent"?, "lastAgentAt"?, "name"?,
 *                                      "tags"?, "attributes"?}: merged; null removes a fact
 *   DELETE /callers/{number}         erases everything held about the caller
 *   GET    /callers/{number}/route   ?profile=: the answer now, without recording a call
 */

import { availabilityOf, type Roster } from '../domain/availability';
import { factsOf } from '../domain/caller-facts';
import { decide } from '../domain/decide';
import { FACT_NAMES, shownFact } from '../domain/facts';
import { kindOfKey } from '../domain/numbers';
import { profileNamed } from '../domain/profiles';
import { MANUAL_SOURCE } from '../domain/records';
import { isoTime } from '../domain/times';
import { insertedValue, placeholders } from '../domain/tokens';
import { readJsonObject } from '../http/body';
import { callerWriteOf } from '../store/caller-store';
import type { HeldContact } from '../store/contact-store';
import type { StoredCaller } from '../store/items';
import type { CallerView, Explanation, Sources } from './explanation';
import { type AdminRoute, callerKeyLogged, companyOf, json } from './request';

export const getCaller: AdminRoute = async (context, admin) => {
  const key = callerKeyLogged(context, admin, admin.params[0], 'number in the path');
  const caller = await context.stores.callers.getCaller(companyOf(context, admin), key, admin.nowMs);
  admin.entry.reason = caller ? 'get' : 'get:unknown';
  return caller ? json(200, callerView(caller)) : unknownCaller();
};

export const putCaller: AdminRoute = async (context, admin) => {
  const key = callerKeyLogged(context, admin, admin.params[0], 'number in the path');
  const body = readJsonObject(admin.request);
  const write = callerWriteOf(factsOf(body, admin.nowMs), admin.nowMs);
  const { caller } = await context.stores.callers.writeCaller(
    companyOf(context, admin, body),
    key,
    write,
    admin.nowMs,
  );
  admin.entry.reason = 'put';
  return json(200, callerView(caller));
};

export const deleteCaller: AdminRoute = async (context, admin) => {
  const key = callerKeyLogged(context, admin, admin.params[0], 'number in the path');
  const existed = await context.stores.callers.deleteCaller(companyOf(context, admin), key, admin.nowMs);
  admin.entry.reason = existed ? 'delete' : 'delete:unknown';
  return existed ? { status: 204, body: '' } : unknownCaller();
};

/**
 * The answer the webhook would give this caller now, and why: the same `decide` on the record
 * and roster as they are, without recording a call. Behind the admin token, so it shows the facts.
 */
export const explainRoute: AdminRoute = async (context, admin) => {
  const key = callerKeyLogged(context, admin, admin.params[0], 'number in the path');
  const comId = companyOf(context, admin);
  const profileName = admin.request.query.profile || 'default';
  const profile = profileNamed(context.config.profiles, profileName);
  const [caller, roster] = await Promise.all([
    context.stores.callers.getCaller(comId, key, admin.nowMs),
    context.stores.roster.getRoster(comId),
  ]);
  const contacts = await Promise.all(
    (caller?.contributions ?? []).map((contribution) =>
      context.stores.contacts.getContact(comId, contribution.source, contribution.contact, admin.nowMs),
    ),
  );
  const decision = decide(profile, { kind: kindOfKey(key), record: caller, nowMs: admin.nowMs, roster });
  admin.entry.reason = 'route';
  return json(200, {
    number: key,
    profile: profileName,
    answer: decision.answer,
    rule: decision.rule,
    reason: decision.reason,
    skipped: decision.skipped ?? [],
    known: caller !== undefined,
    facts: caller ? callerView(caller) : undefined,
    sources: caller
      ? sourcesOf(
          caller,
          contacts.filter((contact) => contact !== undefined),
        )
      : undefined,
    agents: agentsOf(
      caller,
      roster,
      profile.rules.flatMap((rule) => placeholders(rule.answer)),
      admin.nowMs,
    ),
  } satisfies Explanation);
};

/** The availability of every agent the profile's answers could insert for this caller. */
function agentsOf(
  caller: StoredCaller | undefined,
  roster: Roster,
  fields: string[],
  nowMs: number,
): Explanation['agents'] {
  const agents = new Set<string>();
  for (const field of fields) {
    const value = insertedValue(caller, field);
    if (value !== undefined) agents.add(value);
  }
  return [...agents].map((agent) => {
    const availability = availabilityOf(roster, agent, nowMs);
    return { agent, available: availability.available, until: isoTime(availability.untilMs) };
  });
}

/** A caller as the API shows it: times as ISO text, the platform's call ids left out. */
export function callerView(caller: StoredCaller): CallerView {
  const facts = FACT_NAMES.map((name) => [name, shownFact(caller, name)]);
  return {
    comId: caller.comId,
    number: caller.callerKey,
    ...Object.fromEntries(facts),
    tags: caller.tags,
    attributes: caller.attributes,
    lastAgentVia: caller.lastAgent === undefined ? undefined : caller.lastAgentVia,
    calls: caller.calls,
    lastCallAt: isoTime(caller.lastCallAt),
    expiresAt: isoTime(caller.expiresAt * 1000),
  };
}

/**
 * Where each fact came from: what was written by hand, and for each contact of a connector
 * the entities that make it up (the open invoices, the ticket that gives the agent, or why it
 * gives none), each with its time.
 */
function sourcesOf(caller: StoredCaller, contacts: readonly HeldContact[]): Sources {
  const { manual } = caller;
  const openInvoices = [
    ...(manual.openInvoices === undefined ? [] : [{ source: MANUAL_SOURCE, count: manual.openInvoices }]),
    ...contacts.flatMap((contact) => {
      const invoices = contact.records.filter(
        (record) => record.kind === 'invoice' && record.open && !record.deleted,
      );
      if (invoices.length === 0) return [];
      const entities = invoices.map((invoice) => ({
        id: invoice.key,
        state: invoice.state,
        updatedAt: isoTime(invoice.atMs ?? invoice.storedAtMs),
      }));
      return [
        { source: contact.source, contact: contact.contact, count: invoices.length, invoices: entities },
      ];
    }),
  ];
  const tickets = caller.contributions.flatMap(({ source, contact, ticket }) =>
    ticket ? [{ source, contact, ...ticket }] : [],
  );
  const newest = tickets.reduce<(typeof tickets)[number] | undefined>(
    (held, ticket) => (held && held.atMs >= ticket.atMs ? held : ticket),
    undefined,
  );
  const manualTicket =
    manual.ticketAgent === undefined
      ? undefined
      : { source: MANUAL_SOURCE, agent: manual.ticketAgent, updatedAt: isoTime(manual.ticketAgentAt) };
  const ticketAgent =
    manualTicket && (newest === undefined || (manual.ticketAgentAt ?? 0) >= newest.atMs)
      ? manualTicket
      : newest && {
          source: newest.source,
          contact: newest.contact,
          ticket: newest.id,
          state: newest.state,
          updatedAt: isoTime(newest.atMs),
          agent: newest.agent ?? null,
          ...(newest.agent === undefined
            ? {
                why: newest.assignee
                  ? `its assignee ${newest.assignee} is no agent's alias: add it with PUT /agents/{agent}`
                  : 'it is assigned to nobody',
              }
            : {}),
        };
  const fromContacts = caller.contributions.filter(
    (contribution) => Object.keys(contribution.attributes).length > 0 || contribution.tags.length > 0,
  );
  return {
    openInvoices,
    ticketAgent: ticketAgent ?? null,
    attributes: [
      ...(manual.attributes ? [{ source: MANUAL_SOURCE, values: manual.attributes }] : []),
      ...fromContacts.flatMap(({ source, contact, attributes }) =>
        Object.keys(attributes).length === 0
          ? []
          : [
              {
                source,
                contact,
                values: Object.fromEntries(
                  Object.entries(attributes).map(([name, held]) => [name, held.value]),
                ),
              },
            ],
      ),
    ],
    tags: [
      ...(manual.tags ? [{ source: MANUAL_SOURCE, tags: manual.tags }] : []),
      ...fromContacts.flatMap(({ source, contact, tags }) =>
        tags.length === 0 ? [] : [{ source, contact, tags }],
      ),
    ],
    owners: contacts.flatMap((contact) =>
      contact.records.flatMap((record) =>
        record.kind === 'attribute' && record.assignee !== undefined && !record.deleted
          ? [
              {
                source: contact.source,
                contact: contact.contact,
                attribute: record.key,
                owner: record.assignee,
                agent: record.agent ?? null,
                ...(record.agent === undefined
                  ? {
                      why: `the owner ${record.assignee} is no agent's alias: add it with PUT /agents/{agent}`,
                    }
                  : {}),
              },
            ]
          : [],
      ),
    ),
  };
}

function unknownCaller() {
  return json(404, { error: 'unknown caller' });
}
