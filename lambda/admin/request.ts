/**
 * What every admin route shares: the request with its token's grant, the company it names
 * (which the token must open), caller numbers from a path or a body, JSON answers.
 */

import type { Config } from '../config';
import type { Connectors } from '../connectors/endpoint';
import type { ConsoleAssets } from '../console/page';
import { callerKeyOfNumber } from '../domain/caller-facts';
import { ValidationError } from '../domain/errors';
import { maskCallerKey } from '../domain/numbers';
import { COMPANY_ID, requireCompany, type TokenGrant } from '../http/access';
import type { PlainAnswer, PlainRequest } from '../http/adapter';
import type { RequestLog } from '../http/request-log';
import type { AdminStores } from '../store/admin-stores';

/** What the admin routes work with. */
export interface AdminContext {
  config: Config;
  /** The stores, every request within this invocation's deadline. */
  stores: AdminStores;
  connectors?: Connectors;
  /** The console's assets; none: `/console` answers 404. */
  console?: ConsoleAssets;
}

/** One admin request as a route sees it. */
export interface AdminRequest {
  request: PlainRequest;
  entry: RequestLog;
  nowMs: number;
  /** The token's grant: which companies it opens. */
  grant: TokenGrant;
  /** The path's parameters (a number, an agent), decoded. */
  params: string[];
}

/** A route: what it answers to one request. */
export type AdminRoute = (context: AdminContext, admin: AdminRequest) => Promise<PlainAnswer>;

/** The company of the request, from `?com_id=` or the body (the same if both); refused (403) unless the token opens it. */
export function companyOf(
  context: AdminContext,
  admin: AdminRequest,
  body: Record<string, unknown> = {},
): string {
  const fromQuery = admin.request.query.com_id;
  if (fromQuery !== undefined && body.com_id !== undefined && fromQuery !== body.com_id) {
    throw new ValidationError('com_id', 'differs between the query and the body: give it once');
  }
  const comId = fromQuery ?? body.com_id;
  if (comId === undefined) {
    throw new ValidationError(undefined, 'com_id is required: add ?com_id=<company id> or a com_id field');
  }
  if (typeof comId !== 'string' || !COMPANY_ID.test(comId)) {
    throw new ValidationError('com_id', 'must be 1-64 of A-Z, a-z, 0-9, "-" or "_"');
  }
  requireCompany(admin.grant, context.config.companies, comId);
  return comId;
}

/** The caller key of a number, masked into the log line. */
export function callerKeyLogged(
  context: AdminContext,
  admin: AdminRequest,
  value: unknown,
  field: string,
): string {
  const key = callerKeyOfNumber(value, field, context.config.defaultCountryCode);
  admin.entry.caller = maskCallerKey(key);
  return key;
}

/** A path segment, percent-decoded. */
export function decodePath(segment: string, field: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    throw new ValidationError(field, 'is not valid percent-encoding');
  }
}

/** A JSON answer. */
export function json(status: number, body: unknown): PlainAnswer {
  return { status, body: JSON.stringify(body), contentType: 'application/json' };
}
