/**
 * Who answered a call, as the admin API learns it: from a CRM or an agent tool (`/handled`,
 * admin token), or from the platform's AI Notulist webhook (`/notulist`, ingest token, which
 * opens nothing else). Both record the agent as the caller's last one, never replacing a
 * newer report, and a report delivered again counts once.
 *
 *   POST /handled    {"caller_number", "agent", "uuid", "com_id"?, "at"?}
 *   POST /notulist   the AI Notulist payload; only its `call` object is read
 */

import { agentToken, text } from '../domain/caller-facts';
import { maskCallerKey } from '../domain/numbers';
import { epochMs } from '../domain/times';
import { readJsonObject } from '../http/body';
import { readNotulist } from './notulist';
import { type AdminRoute, callerKeyLogged, companyOf, json } from './request';

const MAX_UUID_CHARS = 128;
/** The AI Notulist as the console's activity names it. */
const NOTULIST_SOURCE = 'notulist';

export const handled: AdminRoute = async (context, admin) => {
  const body = readJsonObject(admin.request);
  const comId = companyOf(context, admin, body);
  const key = callerKeyLogged(context, admin, body.caller_number, 'caller_number');
  const report = {
    agent: agentToken(body.agent, 'agent'),
    id: text(body.uuid, 'uuid', MAX_UUID_CHARS),
    atMs: body.at === undefined ? admin.nowMs : epochMs(body.at, 'at', admin.nowMs),
    via: 'handled' as const,
  };
  const outcome = await context.stores.callers.recordHandled(comId, key, report, admin.nowMs);
  admin.entry.reason = `handled:${outcome}`;
  return json(200, { result: outcome });
};

/**
 * The AI Notulist webhook: `call.to` handled `call.from` at `call.dated`. The summary is
 * neither read nor stored nor logged; a call not answered by a colleague is acknowledged as
 * ignored, with the reason.
 */
export const notulist: AdminRoute = async (context, admin) => {
  const body = readJsonObject(admin.request);
  const comId = companyOf(context, admin);
  const outcome = readNotulist(body, context.config.defaultCountryCode, admin.nowMs);
  if (outcome.kind === 'ignored') {
    admin.entry.reason = 'notulist:ignored';
    await context.stores.activity.record(comId, NOTULIST_SOURCE, 'ignored', admin.nowMs);
    return json(200, { result: 'ignored', reason: outcome.reason });
  }
  admin.entry.caller = maskCallerKey(outcome.callerKey);
  const result = await context.stores.callers.recordHandled(
    comId,
    outcome.callerKey,
    { ...outcome.report, via: 'notulist' },
    admin.nowMs,
  );
  admin.entry.reason = `notulist:${result}`;
  await context.stores.activity.record(
    comId,
    NOTULIST_SOURCE,
    result === 'recorded' ? 'accepted' : 'duplicate',
    admin.nowMs,
  );
  return json(200, { result });
};
