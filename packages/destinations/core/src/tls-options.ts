import { isIP } from 'node:net';
import { checkServerIdentity, rootCertificates, type ConnectionOptions, type PeerCertificate } from 'node:tls';

/** The TLS fields every provider's config has. */
export interface TlsSettings {
  host: string;
  tls: boolean;
  tlsMode?: 'verify-full' | 'require' | undefined;
  tlsCa?: string | undefined;
}

/** The destination host without IPv6 brackets: `[::1]` → `::1`. */
function bareHost(host: string): string {
  return /^\[.*\]$/.test(host) ? host.slice(1, -1) : host;
}

/**
 * Node TLS options for a destination's connection (node-postgres, mysql2 and
 * the ClickHouse client all take these):
 *
 * - `tls: false` → no TLS.
 * - `tlsMode: "require"` → encrypted, certificate not verified (the customer asked for it).
 * - otherwise verify-full: the chain must end at one of Node's public roots or
 *   at the destination's `tlsCa`, and the certificate must name the configured host.
 *
 * We connect to the address the SSRF guard checked, not to the name, so the
 * name to verify is given explicitly: `servername` (SNI) for a DNS name, and
 * `checkServerIdentity` against the configured host in every case, so an IP
 * literal host is checked against the certificate's IP SANs and a DNS host
 * never against the address we happened to connect to.
 */
export function tlsOptionsFor(config: TlsSettings): ConnectionOptions | false {
  if (!config.tls) return false;
  const host = bareHost(config.host);
  // RFC 6066 §3: SNI carries DNS names only, never an IP literal.
  const sni = isIP(host) === 0 ? { servername: host } : {};
  if ((config.tlsMode ?? 'verify-full') === 'require') return { rejectUnauthorized: false, ...sni };
  return {
    rejectUnauthorized: true,
    // Node's default roots plus the customer's private CA: `ca` replaces the
    // defaults, so both are listed to keep public CAs (RDS, Cloud SQL…) working.
    ...(config.tlsCa ? { ca: [...rootCertificates, config.tlsCa] } : {}),
    ...sni,
    checkServerIdentity: (_connectedTo: string, certificate: PeerCertificate) => verifyHostName(host, certificate),
  };
}

/**
 * Node's host name check, with an error that says both sides: Node's own
 * lists only the names of the kind asked for (IP SANs for an IP host, none
 * when there are none), which leaves an operator guessing what the
 * certificate is for. The code stays ERR_TLS_CERT_ALTNAME_INVALID.
 */
function verifyHostName(host: string, certificate: PeerCertificate): Error | undefined {
  const failure = checkServerIdentity(host, certificate);
  if (failure === undefined) return undefined;
  const names = certificate.subjectaltname || (certificate.subject?.CN ? `CN=${certificate.subject.CN}` : 'no names');
  const error = new Error(`host "${host}" is not among the names the certificate is for: ${names}`, { cause: failure });
  return Object.assign(error, { code: 'ERR_TLS_CERT_ALTNAME_INVALID', host });
}
