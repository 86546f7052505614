/**
 * The caller table's schema: the one definition the stack, `npm start` and the store use.
 * One item per caller per company, keyed `<com_id>#<caller key>`.
 */

/** Key and TTL attribute names of the caller table. */
export const CALLER_TABLE = {
  partitionKey: 'pk',
  /** Epoch seconds after which DynamoDB may delete the item (it does so late; reads check it). */
  ttlAttribute: 'expiresAt',
} as const;

/** Company ids as the platform sends them (32 hex characters) and as integrators may type them. */
export const COMPANY_ID = /^[A-Za-z0-9_-]{1,64}$/;

/** The partition key of a caller of a company. Caller keys hold no `#`, so keys of two companies never meet. */
export function callerItemKey(comId: string, callerKey: string): string {
  return `${comId}#${callerKey}`;
}
