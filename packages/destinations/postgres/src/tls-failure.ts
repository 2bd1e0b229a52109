/**
 * Codes (from {@link classifyPgError}) of failures in the TLS handshake or
 * certificate check, so `/test` can report them under a `tls` check rather
 * than a generic `connect` one: the fix is in the TLS settings, not the network.
 */
const TLS_FAILURE_CODES: ReadonlySet<string> = new Set([
  'TLS_NOT_SUPPORTED', // the server answered "N" to SSLRequest
  'TLS_VERIFICATION_FAILED', // recognised by message only
  'ERR_TLS_CERT_ALTNAME_INVALID', // the certificate does not name the host
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE', // signed by a CA we do not trust
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'UNABLE_TO_GET_ISSUER_CERT',
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
]);

/** True when a classified failure's code is one of a TLS handshake or certificate check. */
export function isTlsFailure(code: string | undefined): boolean {
  return code !== undefined && TLS_FAILURE_CODES.has(code);
}
