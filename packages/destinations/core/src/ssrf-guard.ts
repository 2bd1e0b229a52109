// The SSRF guard: a destination names a host the worker connects to, and a
// malicious customer could point it at internal services (the control
// database, Redis, cloud metadata at 169.254.169.254). Every destination host
// is resolved here, every address is checked, and the caller connects to the
// exact address that was checked, so DNS rebinding cannot swap in another
// address between the check and the connect.

import { promises as dns, type LookupAddress } from 'node:dns';
import { isIP } from 'node:net';

import ipaddr from 'ipaddr.js';

/** Outcome of {@link isForbiddenAddress}. */
export interface AddressVerdict {
  /** True unless the address is plain public unicast. */
  forbidden: boolean;
  /**
   * The ipaddr.js range name (`unicast`, `loopback`, `private`, `linkLocal`, …),
   * or one of ours: `ipv4Compatible`, `notGlobalUnicast`, `invalid`.
   */
  range?: string;
}

/**
 * The lookup {@link resolveDestinationHost} uses. `dns.promises.lookup` fits;
 * tests pass their own.
 */
export type DestinationHostLookup = (
  hostname: string,
  options: { all: true; verbatim: boolean },
) => Promise<LookupAddress[]>;

/** Options of {@link resolveDestinationHost}. */
export interface ResolveDestinationHostOptions {
  /** PUSHRAIL_ALLOW_PRIVATE_HOSTS: skip the range check (the host is still resolved). */
  allowPrivateHosts: boolean;
  /** Defaults to `dns.promises.lookup` (getaddrinfo: /etc/hosts, then DNS). */
  lookup?: DestinationHostLookup;
}

/** The address to connect to: the one that was checked. */
export interface ResolvedDestinationHost {
  address: string;
  family: 4 | 6;
}

/** The destination host is, or resolves to, an address that is not public unicast. */
export class ForbiddenDestinationHostError extends Error {
  constructor(
    readonly host: string,
    readonly address: string,
    readonly range: string,
  ) {
    super(
      `destination host "${host}" resolves to ${address} (${range}), which is not allowed; ` +
        'set PUSHRAIL_ALLOW_PRIVATE_HOSTS=true to allow private and loopback addresses',
    );
    this.name = 'ForbiddenDestinationHostError';
  }
}

/**
 * The destination host could not be resolved. `code` is the resolver's
 * (ENOTFOUND: no such name, permanent until the customer fixes it; EAI_AGAIN:
 * resolver temporarily failing, retry), so callers can classify it.
 */
export class DestinationHostLookupError extends Error {
  readonly code: string | undefined;

  constructor(
    readonly host: string,
    code: string | undefined,
    options?: { cause?: unknown },
  ) {
    super(`destination host "${host}" could not be resolved (${code ?? 'unknown error'})`, options);
    this.name = 'DestinationHostLookupError';
    this.code = code;
  }
}

// 2000::/3 is the only IPv6 space IANA allocates as global unicast; ipaddr.js
// calls anything outside its special ranges "unicast", including unallocated
// space, so this second check keeps the guard to "plain public" only.
const IPV6_GLOBAL_UNICAST = ipaddr.IPv6.parseCIDR('2000::/3');
// ::a.b.c.d, the deprecated IPv4-compatible form (RFC 4291 §2.5.5.1), which
// ipaddr.js neither unwraps nor classifies; some stacks route it to the IPv4 address.
const IPV6_IPV4_COMPATIBLE = ipaddr.IPv6.parseCIDR('::/96');

/**
 * Classifies one IP address. Anything but plain public unicast is forbidden:
 * loopback, private, link-local (incl. 169.254.169.254 cloud metadata),
 * unique-local, carrier-grade NAT, unspecified, broadcast, multicast,
 * reserved, 6to4, Teredo, NAT64 and the rest of ipaddr.js's special ranges.
 * IPv4-mapped IPv6 (`::ffff:127.0.0.1`) is judged as the IPv4 address it wraps.
 * A string that is not an IP address is forbidden (`range: 'invalid'`): fail closed.
 */
export function isForbiddenAddress(ip: string): AddressVerdict {
  if (!ipaddr.isValid(ip)) return { forbidden: true, range: 'invalid' };
  const address = ipaddr.process(ip);
  const range = address.range();
  if (range !== 'unicast') return { forbidden: true, range };
  if (address.kind() === 'ipv6') {
    if (address.match(IPV6_IPV4_COMPATIBLE)) return { forbidden: true, range: 'ipv4Compatible' };
    if (!address.match(IPV6_GLOBAL_UNICAST)) return { forbidden: true, range: 'notGlobalUnicast' };
  }
  return { forbidden: false, range };
}

/**
 * Resolves a destination host to the one address the worker must connect to.
 *
 * An IP literal (brackets allowed around IPv6) is checked as it is. A name is
 * resolved to ALL its addresses and refused if ANY is forbidden, because an
 * attacker-controlled name can return a public and a private record and let
 * the client pick. The first address is returned; connect to it, not to the
 * name, so a second resolution cannot return something else.
 *
 * With `allowPrivateHosts` the ranges are not checked, but the name is still
 * resolved, so behaviour (and errors) stay the same in both modes.
 *
 * @throws ForbiddenDestinationHostError when an address is not public unicast.
 * @throws DestinationHostLookupError when the name cannot be resolved (code kept).
 */
export async function resolveDestinationHost(
  host: string,
  opts: ResolveDestinationHostOptions,
): Promise<ResolvedDestinationHost> {
  const candidates = await addressesOf(host, opts.lookup ?? dns.lookup);
  if (!opts.allowPrivateHosts) {
    for (const candidate of candidates) {
      const verdict = isForbiddenAddress(candidate.address);
      if (verdict.forbidden) {
        throw new ForbiddenDestinationHostError(host, candidate.address, verdict.range ?? 'unknown');
      }
    }
  }
  // addressesOf never returns an empty list.
  return candidates[0] as ResolvedDestinationHost;
}

async function addressesOf(host: string, lookup: DestinationHostLookup): Promise<ResolvedDestinationHost[]> {
  const literal = /^\[.*\]$/.test(host) ? host.slice(1, -1) : host;
  const literalFamily = isIP(literal);
  if (literalFamily === 4 || literalFamily === 6) return [{ address: literal, family: literalFamily }];

  // Node's lookup answers an empty name with no addresses instead of an error.
  if (host.trim() === '') throw new DestinationHostLookupError(host, 'ENOTFOUND');

  let records: LookupAddress[];
  try {
    // verbatim: keep the resolver's order rather than putting IPv4 first, so
    // "the first address" means the same thing it means to getaddrinfo.
    records = await lookup(host, { all: true, verbatim: true });
  } catch (error) {
    throw new DestinationHostLookupError(host, codeOf(error), { cause: error });
  }
  if (records.length === 0) throw new DestinationHostLookupError(host, 'ENOTFOUND');

  return records.map((record) => {
    // The family is taken from the address itself, not from the record, so a
    // custom lookup that mislabels one cannot make us connect to the wrong kind.
    const family = isIP(record.address);
    if (family !== 4 && family !== 6) {
      // c-ares's name for "the resolver answered nonsense".
      throw new DestinationHostLookupError(host, 'EBADRESP');
    }
    return { address: record.address, family };
  });
}

function codeOf(error: unknown): string | undefined {
  if (typeof error === 'object' && error !== null && 'code' in error && typeof error.code === 'string') {
    return error.code;
  }
  return undefined;
}
