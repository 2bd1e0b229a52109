import { createHash, hash, timingSafeEqual } from 'node:crypto';

/**
 * Hex SHA-256 of a secret, for storing write keys and tokens.
 *
 * A fast hash is right here, unlike for passwords: write keys carry 256 bits
 * of randomness, so no amount of hashing speed makes guessing feasible, and a
 * slow KDF would only add latency to every ingest request. Node's one-shot
 * `crypto.hash` (Node >= 20.12; the repository needs 20.19) costs about a
 * quarter of a `createHash` object, which matters because ingest hashes the
 * write key of every request (bench/RESULTS.md).
 */
export function hashSecret(secret: string): string {
  return hash('sha256', secret, 'hex');
}

/**
 * Constant-time string comparison that does not leak the length of either
 * input: both are hashed to 32-byte SHA-256 digests first, which
 * `timingSafeEqual` (which requires equal lengths) then compares.
 */
export function safeEqual(a: string, b: string): boolean {
  const digestA = createHash('sha256').update(a, 'utf8').digest();
  const digestB = createHash('sha256').update(b, 'utf8').digest();
  return timingSafeEqual(digestA, digestB);
}
