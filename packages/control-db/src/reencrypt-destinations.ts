import type { Keyring } from '@pushrail/crypto';
import type { ControlDb } from './control-db';

/** What one run of {@link reencryptDestinations} did. */
export interface ReencryptReport {
  /** Destinations whose secrets are now under the current key and were not before. */
  reencrypted: number;
  /** Destinations that were under the current key already. */
  alreadyCurrent: number;
  /** Destinations changed by someone else (an admin PATCH) between read and write; run again. */
  changedMeanwhile: number;
  /** Destinations whose secrets could not be decrypted: unknown key id, or tampered. */
  failed: Array<{ id: string; error: Error }>;
}

/**
 * Re-encrypts every destination's secrets under the keyring's current key,
 * one row at a time. A row is replaced only if it still holds the ciphertext
 * that was read (compare and set), so a concurrent update is never lost. A
 * row that fails to decrypt is reported and left as it is; the others go on,
 * so one bad row does not hold a rotation up. Running it again is harmless.
 */
export async function reencryptDestinations(db: ControlDb, keyring: Keyring): Promise<ReencryptReport> {
  const report: ReencryptReport = { reencrypted: 0, alreadyCurrent: 0, changedMeanwhile: 0, failed: [] };
  for (const { id, secretsCiphertext } of await db.allDestinationSecrets()) {
    let next: string;
    try {
      if (!keyring.needsReencryption(secretsCiphertext)) {
        // Authenticate it all the same: a rotation is when tampering must come to light.
        keyring.decrypt(secretsCiphertext);
        report.alreadyCurrent++;
        continue;
      }
      next = keyring.reencrypt(secretsCiphertext);
    } catch (error) {
      report.failed.push({ id, error: error instanceof Error ? error : new Error(String(error)) });
      continue;
    }
    if (await db.replaceDestinationSecrets(id, secretsCiphertext, next)) report.reencrypted++;
    else report.changedMeanwhile++;
  }
  return report;
}
