/**
 * `POST /connectors/<source>?com_id=…`: a system's own webhook. The delivery is checked by the
 * source's scheme with that company's secret, read by the source's declaration, and each event
 * applied to its contact by the version rule. The answers tell the source whether to retry:
 * 200 for accepted, duplicate and ignored events (the reason in the body; so too before the
 * company set its secret, applying nothing), 401 for a bad or stale signature, 403 for a company
 * the deployment does not serve, 400/413 for a body that cannot be read, 503 with `Retry-After`
 * only when the table or the secret store did not answer.
 */
import type { AdminContext, AdminRequest } from '../admin/request';
import { json } from '../admin/request';
import { ValidationError } from '../domain/errors';
import { readJson } from '../domain/json';
import { COMPANY_ID } from '../http/access';
import type { PlainAnswer } from '../http/adapter';
import { bodyText } from '../http/body';
import { HttpError } from '../http/errors';
import type { ActivityOutcome } from '../store/activity-store';
import type { ChangeOutcome } from '../store/contact-store';
import type { ConnectorDeclaration } from './declaration';
import { type EventReading, readDelivery, resolveAgents, unplacedAgent } from './engine';
import { verifyDelivery } from './schemes';
import { type ConnectorSecrets, SecretStoreError } from './secrets';

/** The connectors of a deployment: their declarations by name and the secrets of each company. */
export interface Connectors {
  declarations: ReadonlyMap<string, ConnectorDeclaration>;
  secrets: ConnectorSecrets;
}

/** The largest delivery a connector reads: an invoice with its contact, lines and history. */
export const CONNECTOR_BODY_LIMIT_BYTES = 256 * 1024;

/** What became of one event, as the answer lists it. */
interface EventOutcome {
  event: string;
  outcome: 'accepted' | 'duplicate' | 'ignored';
  reason?: string;
}

/** The route: every step a refusal can come from runs before anything is written. */
export async function connectorDelivery(context: AdminContext, admin: AdminRequest): Promise<PlainAnswer> {
  const { request, entry, nowMs } = admin;
  const connectors = context.connectors;
  const source = admin.params[0] ?? '';
  const connector = connectors?.declarations.get(source);
  if (!connectors || !connector) {
    const known = [...(connectors?.declarations.keys() ?? [])].join(', ') || 'none';
    throw new HttpError(404, `no connector is named "${source.slice(0, 24)}"; this deployment has ${known}`);
  }
  entry.connector = source;
  const comId = request.query.com_id;
  if (comId === undefined || !COMPANY_ID.test(comId)) {
    throw new ValidationError(
      'com_id',
      'is required in the URL: add ?com_id=<company id> to the webhook URL',
    );
  }
  if (context.config.companies && !context.config.companies.has(comId)) {
    throw new HttpError(403, `company ${comId} is not served by this deployment`);
  }
  try {
    const text = bodyText(request, CONNECTOR_BODY_LIMIT_BYTES);
    const secret = await secretOf(connectors, comId, source);
    if (!secret) {
      // A source that checks its URL while the webhook is made (Moneybird wants a 200) hands out the
      // secret only afterwards: until it is set, deliveries are acknowledged and nothing is applied.
      entry.outcome = 'ignored';
      entry.reason = 'no-secret-yet';
      await context.stores.activity.record(comId, source, 'refused', nowMs);
      return json(200, {
        outcome: 'ignored',
        reason: `no ${source} secret is set for company ${comId} yet: nothing was applied; set it with npm run callers -- secret ${source}`,
        events: [],
      });
    }
    const verdict = verifyDelivery(connector.auth, request, request.body ?? new Uint8Array(), secret, nowMs);
    if (!verdict.ok) throw new HttpError(401, verdict.message, {}, verdict.reason);
    const readings = readDelivery(connector, readJson(text), {
      signedAtMs: verdict.signedAtMs,
      nowMs,
      defaultCountryCode: context.config.defaultCountryCode,
    });
    entry.event = readings.length === 1 ? readings[0]?.event : `${readings.length}-events`;
    const needsDirectory = readings.some(
      (reading) =>
        'change' in reading &&
        (Object.keys(reading.assignees).length > 0 || Object.keys(reading.owners ?? {}).length > 0),
    );
    const directory = needsDirectory
      ? await context.stores.directory.getDirectory(comId)
      : new Map<string, string>();
    const outcomes = await appliedAll(readings, (reading) =>
      applied(context, comId, reading, directory, nowMs),
    );
    const outcome = summary(outcomes);
    entry.outcome = outcome;
    entry.reason = outcomes.find((event) => event.reason)?.reason ?? outcome;
    await context.stores.activity.record(comId, source, outcome, nowMs);
    return json(200, { outcome, events: outcomes });
  } catch (error) {
    // Counted for the console before the frame answers it; a table that failed fails this too.
    await context.stores.activity.record(comId, source, activityOf(error), nowMs);
    throw error;
  }
}

/** How the console counts a delivery that was not answered 200. */
function activityOf(error: unknown): ActivityOutcome {
  if (error instanceof HttpError && (error.status === 401 || error.status === 403)) return 'refused';
  if (error instanceof ValidationError || error instanceof HttpError) return 'unreadable';
  return 'failed';
}

async function secretOf(connectors: Connectors, comId: string, source: string) {
  try {
    return await connectors.secrets.secretOf(comId, source);
  } catch (error) {
    if (error instanceof SecretStoreError) throw new SecretsUnavailable(error.message);
    throw error;
  }
}

/** The secret store did not answer: the source should retry. */
export class SecretsUnavailable extends Error {
  override name = 'SecretsUnavailable';
}

async function applied(
  context: AdminContext,
  comId: string,
  reading: EventReading,
  directory: ReadonlyMap<string, string>,
  nowMs: number,
): Promise<EventOutcome> {
  if ('ignored' in reading) return { event: reading.event, outcome: 'ignored', reason: reading.ignored };
  const change = resolveAgents(reading, directory);
  const result: ChangeOutcome = await context.stores.contacts.apply(comId, change, nowMs);
  const outcome: EventOutcome = {
    event: reading.event,
    outcome: result.outcome === 'applied' ? 'accepted' : 'duplicate',
  };
  // Kept for when a number is known (a later event, the first sync): nothing to route on yet.
  if (result.numbers === 0)
    return {
      ...outcome,
      outcome: 'ignored',
      reason: reading.unreadableNumbers > 0 ? 'no-readable-phone-number' : 'no-phone-number',
    };
  const unplaced = unplacedAgent(change);
  if (unplaced) outcome.reason = `${unplaced}-not-in-directory`;
  if (result.beyondLimits) outcome.reason = `${result.beyondLimits}-facts-beyond-limits`;
  return outcome;
}

/** How many contacts of one delivery are applied at once (a HubSpot batch names up to 100). */
const CONTACTS_AT_ONCE = 8;

/**
 * The outcome of each event, in the delivery's order: the events of one contact one after
 * another, those of different contacts a few at a time, so a large batch answers well inside
 * the source's timeout.
 */
async function appliedAll(
  readings: readonly EventReading[],
  apply: (reading: EventReading) => Promise<EventOutcome>,
): Promise<EventOutcome[]> {
  const outcomes: EventOutcome[] = new Array(readings.length);
  const byContact = new Map<string, number[]>();
  readings.forEach((reading, index) => {
    const key = 'change' in reading ? reading.change.contact : `#${index}`;
    byContact.set(key, [...(byContact.get(key) ?? []), index]);
  });
  const queue = [...byContact.values()];
  const worker = async () => {
    for (let next = queue.shift(); next; next = queue.shift()) {
      for (const index of next) outcomes[index] = await apply(readings[index] as EventReading);
    }
  };
  await Promise.all(Array.from({ length: Math.min(CONTACTS_AT_ONCE, queue.length) }, worker));
  return outcomes;
}

function summary(outcomes: readonly EventOutcome[]): EventOutcome['outcome'] {
  if (outcomes.some((event) => event.outcome === 'accepted')) return 'accepted';
  if (outcomes.some((event) => event.outcome === 'duplicate')) return 'duplicate';
  return 'ignored';
}
