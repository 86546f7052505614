/**
 * Who may call: a token from the URL compared in constant time with SHA-256 digests from
 * the configuration, and an optional allowlist of source networks.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { BlockList, isIPv4, isIPv6 } from 'node:net';

/** The hex SHA-256 of a token, as the configuration holds it. */
export function sha256Hex(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

/**
 * Whether `given` is one of the tokens whose SHA-256 digests are `digests`. Both sides are
 * hashed to equal length and every digest is compared, so the time taken tells nothing.
 * No digests configured means no token is valid.
 */
export function tokenMatches(given: string | undefined, digests: readonly Buffer[]): boolean {
  const candidate = createHash('sha256')
    .update(given ?? '', 'utf8')
    .digest();
  let matched = false;
  for (const digest of digests) matched = timingSafeEqual(candidate, digest) || matched;
  return matched && given !== undefined && given !== '';
}

/** A list of source networks; `allows` answers whether an address is inside one of them. */
export interface SourceAllowlist {
  allows(address: string): boolean;
}

/** A CIDR that cannot be read; the message names it. */
export class CidrError extends Error {
  override name = 'CidrError';
}

/**
 * Builds an allowlist from CIDRs such as `203.0.113.0/24` or `2001:db8::/32`. An empty list
 * allows every address.
 * @throws CidrError naming the first CIDR that is not valid.
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
      throw new CidrError(`"${cidr}" is not a CIDR such as 203.0.113.0/24 or 2001:db8::/32`);
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
