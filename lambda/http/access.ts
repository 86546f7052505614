/**
 * Who may call, and for which companies: tokens compared in constant time with SHA-256
 * digests from the configuration, each token bound to the companies it opens, and an
 * optional allowlist of source networks.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { BlockList, isIPv4, isIPv6 } from 'node:net';
import type { PlainRequest } from './adapter';
import { HttpError } from './errors';

/** Company ids as the platform sends them (32 hex characters) and as integrators may type them. */
export const COMPANY_ID = /^[A-Za-z0-9_-]{1,64}$/;

/** One accepted token: its digest and the companies it opens. */
export interface TokenGrant {
  digest: Buffer;
  /** The companies this token opens; undefined: every company the deployment serves. */
  companies: ReadonlySet<string> | undefined;
}

/** The hex SHA-256 of a token, as the configuration holds it. */
export function sha256Hex(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

/** A fresh token and the digest the function compares against. */
export interface MintedToken {
  /** 32 random bytes, base64url: 43 characters, safe in a URL query without escaping. */
  token: string;
  sha256: string;
}

/** Mints a token from 256 bits of the system's secure random source. */
export function mintToken(): MintedToken {
  const token = randomBytes(32).toString('base64url');
  return { token, sha256: sha256Hex(token) };
}

/**
 * The grant whose digest is the SHA-256 of `given`, if any. Both sides are hashed to equal
 * length and every digest is compared, so the time taken tells nothing. No grants: no token is valid.
 */
export function grantOf(given: string | undefined, grants: readonly TokenGrant[]): TokenGrant | undefined {
  const candidate = createHash('sha256')
    .update(given ?? '', 'utf8')
    .digest();
  let matched: TokenGrant | undefined;
  for (const grant of grants) if (timingSafeEqual(candidate, grant.digest)) matched ??= grant;
  return given ? matched : undefined;
}

/** Whether `given` is one of the tokens of `grants`. */
export function tokenMatches(given: string | undefined, grants: readonly TokenGrant[]): boolean {
  return grantOf(given, grants) !== undefined;
}

/**
 * Whether a grant opens a company: the deployment serves it (no list: any company) and the
 * token names it (no list: every company of the deployment).
 */
export function opensCompany(
  grant: TokenGrant,
  deploymentCompanies: ReadonlySet<string> | undefined,
  comId: string,
): boolean {
  return (deploymentCompanies?.has(comId) ?? true) && (grant.companies?.has(comId) ?? true);
}

/** Where a route takes its token from: the URL (the platform can send nothing else) or a Bearer header. */
export type TokenPlace = 'query' | 'bearer';

/** What a route requires of a caller. */
export interface AccessPolicy {
  sources: SourceAllowlist;
  grants: readonly TokenGrant[];
  token: TokenPlace;
}

/**
 * The grant of a request's token, checked against its source network first.
 * @throws HttpError 403 for a source outside the allowlist, 401 for a missing or wrong token.
 */
export function authorize(request: PlainRequest, policy: AccessPolicy): TokenGrant {
  if (!policy.sources.allows(request.sourceIp)) {
    throw new HttpError(403, 'forbidden', {}, 'source-not-allowed');
  }
  const given =
    policy.token === 'query'
      ? request.query.token
      : /^Bearer (.+)$/i.exec(request.headers.authorization ?? '')?.[1];
  const grant = grantOf(given, policy.grants);
  if (!grant) {
    throw new HttpError(
      401,
      'unauthorized',
      policy.token === 'bearer' ? { 'www-authenticate': 'Bearer' } : {},
    );
  }
  return grant;
}

/**
 * Refuses a company the grant does not open, before anything is read or written.
 * @throws HttpError 403 naming the company.
 */
export function requireCompany(
  grant: TokenGrant,
  deploymentCompanies: ReadonlySet<string> | undefined,
  comId: string,
): void {
  if (!opensCompany(grant, deploymentCompanies, comId)) {
    throw new HttpError(403, `this token does not open com_id ${comId}`, {}, 'company-not-allowed');
  }
}

/** A list of source networks; `allows` answers whether an address is inside one of them. */
export interface SourceAllowlist {
  allows(address: string): boolean;
}

/**
 * Builds an allowlist from CIDRs such as `203.0.113.0/24` or `2001:db8::/32`. An empty list
 * allows every address.
 * @throws Error naming the first CIDR that is not valid.
 */
export function sourceAllowlist(cidrs: readonly string[]): SourceAllowlist {
  if (cidrs.length === 0) return { allows: () => true };
  const list = new BlockList();
  for (const cidr of cidrs) {
    const [address = '', prefixText = ''] = cidr.split('/');
    const type = isIPv4(address) ? 'ipv4' : isIPv6(address) ? 'ipv6' : undefined;
    const prefix = Number(prefixText);
    const maxPrefix = type === 'ipv4' ? 32 : 128;
    if (!type || !/^\d{1,3}$/.test(prefixText) || prefix > maxPrefix) {
      throw new Error(`"${cidr}" is not a CIDR such as 203.0.113.0/24 or 2001:db8::/32`);
    }
    list.addSubnet(address, prefix, type);
  }
  return {
    allows(address: string): boolean {
      if (isIPv4(address)) return list.check(address, 'ipv4');
      if (isIPv6(address)) return list.check(address, 'ipv6');
      return false;
    },
  };
}
