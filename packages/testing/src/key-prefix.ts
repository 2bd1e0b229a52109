import crypto from 'node:crypto';

/**
 * A Redis key prefix no other test file uses, for BullMQ's `prefix` option:
 * `t` and 12 hex digits. No `:` (BullMQ adds its own), and no braces, which
 * would make it a cluster hash tag.
 */
export function freshKeyPrefix(): string {
  return `t${crypto.randomBytes(6).toString('hex')}`;
}
