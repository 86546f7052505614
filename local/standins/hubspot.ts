/**
 * HubSpot as our tests meet it, built from its documented formats: app webhook events
 * (`eventId, subscriptionId, portalId, appId, occurredAt, subscriptionType, attemptNumber,
 * objectId`, and `propertyName, propertyValue, changeSource` for a property change, the merge
 * fields of the merge subscription), delivered as a JSON list and signed
 * `X-HubSpot-Signature-v3` (base64 HMAC-SHA256 of method, URI, body and the ms timestamp).
 */
import { createHmac } from 'node:crypto';
import type { Delivery } from './moneybird';

/** The portal and app our stand-in events come from. */
const PORTAL = 62515;
const APP = 1160452;
let eventIds = 3816279340;

interface HubspotEvent {
  objectId: number;
  subscriptionType: string;
  occurredAt: number;
  [field: string]: unknown;
}

function event(subscriptionType: string, objectId: number, occurredAt: number, fields: object = {}) {
  return {
    eventId: eventIds++,
    subscriptionId: 25,
    portalId: PORTAL,
    appId: APP,
    occurredAt,
    subscriptionType,
    attemptNumber: 0,
    objectId,
    changeSource: 'CRM_UI',
    ...fields,
  } satisfies HubspotEvent;
}

/** `contact.propertyChange`: one property of one contact, its new value as text ("" when cleared). */
export function propertyChange(
  objectId: number,
  propertyName: string,
  propertyValue: string,
  occurredAt: number,
) {
  return event('contact.propertyChange', objectId, occurredAt, { propertyName, propertyValue });
}

/** `contact.creation`: the contact's id only, no properties. */
export function contactCreation(objectId: number, occurredAt: number) {
  return event('contact.creation', objectId, occurredAt, { changeFlag: 'CREATED' });
}

/** `contact.deletion`. */
export function contactDeletion(objectId: number, occurredAt: number) {
  return event('contact.deletion', objectId, occurredAt, { changeFlag: 'DELETED' });
}

/** `contact.merge`: `primaryObjectId` survives, `mergedObjectIds` are gone. */
export function contactMerge(primaryObjectId: number, mergedObjectIds: number[], occurredAt: number) {
  return event('contact.merge', primaryObjectId, occurredAt, {
    primaryObjectId,
    mergedObjectIds,
    newObjectId: primaryObjectId,
    numberOfPropertiesMoved: 3,
  });
}

/**
 * A delivery as HubSpot sends one to `url` (the full URL with its query string, as HubSpot
 * calls it), signed at `atMs` with the app's client secret.
 */
export function hubspotDelivery(
  events: readonly object[],
  secret: string,
  url: string,
  atMs = Date.now(),
): Delivery {
  const body = JSON.stringify(events);
  const timestamp = String(atMs);
  const signature = createHmac('sha256', secret).update(`POST${url}${body}${timestamp}`).digest('base64');
  return {
    headers: {
      'content-type': 'application/json',
      'x-hubspot-signature-v3': signature,
      'x-hubspot-request-timestamp': timestamp,
      'x-hubspot-signature-version': 'v3',
      'x-hubspot-timeout-millis': '10000',
    },
    body,
  };
}
