import type { DeliveryErrorKind } from './delivery-error';

/**
 * Node's TLS handshake and certificate-check failures (plus TLS_NOT_SUPPORTED,
 * a server that refuses TLS): permanent, because a wrong CA or host name will
 * not fix itself, and reported by a connection test under its `tls` check,
 * because the fix is in the TLS settings, not the network.
 */
const TLS_ERROR_CODES = [
  'TLS_NOT_SUPPORTED', // the server will not speak TLS
  'TLS_VERIFICATION_FAILED', // recognised by message only (a driver that drops the code)
  'ERR_TLS_CERT_ALTNAME_INVALID', // the certificate does not name the host
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE', // signed by a CA we do not trust
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'UNABLE_TO_GET_ISSUER_CERT',
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
] as const;

const TLS_ERROR_CODE_SET: ReadonlySet<string> = new Set(TLS_ERROR_CODES);

/**
 * What a Node socket or resolver error means for delivery, for every
 * provider's classification table: the network may come back (transient), a
 * TLS failure will not (permanent).
 */
export const NODE_ERROR_KINDS: Readonly<Record<string, DeliveryErrorKind>> = {
  ECONNREFUSED: 'transient', // nothing listens (server down or restarting)
  ECONNRESET: 'transient', // connection cut
  ETIMEDOUT: 'transient', // TCP connect or read timeout
  EPIPE: 'transient', // wrote to a closed socket
  EHOSTUNREACH: 'transient', // route gone, often momentary
  ENETUNREACH: 'transient',
  EAI_AGAIN: 'transient', // DNS server did not answer: try again
  ENOTFOUND: 'transient', // DNS name not found: often a DNS outage; a typo shows at test time
  ...Object.fromEntries(TLS_ERROR_CODES.map((code) => [code, 'permanent' as const])),
};

/** True when a classified failure's code is one of a TLS handshake or certificate check. */
export function isTlsFailure(code: string | undefined): boolean {
  return code !== undefined && TLS_ERROR_CODE_SET.has(code);
}

/** Wording that tells an operator what to do about a TLS failure, or the message as it is. */
export function explainTlsFailure(code: string | undefined, message: string): string {
  switch (code) {
    case 'ERR_TLS_CERT_ALTNAME_INVALID':
      return `TLS: the server certificate does not name this host (${message})`;
    case 'DEPTH_ZERO_SELF_SIGNED_CERT':
    case 'SELF_SIGNED_CERT_IN_CHAIN':
    case 'UNABLE_TO_VERIFY_LEAF_SIGNATURE':
    case 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY':
    case 'UNABLE_TO_GET_ISSUER_CERT':
      return `TLS: the server certificate is not signed by a trusted CA; set tlsCa to your CA's PEM (${message})`;
    case 'TLS_NOT_SUPPORTED':
      return 'TLS: the server does not support TLS connections; enable TLS on the server or set tls: false';
    default:
      return message;
  }
}

/** The `code` of an error, when it has a string one. */
export function errorCodeOf(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null | undefined)?.code;
  return typeof code === 'string' ? code : undefined;
}
