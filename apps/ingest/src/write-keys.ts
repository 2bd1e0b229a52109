import type { ControlDb } from '@pushrail/control-db';
import { generateWriteKey } from '@pushrail/crypto';
import type { WriteKeyCreatedResponse } from './routes/admin/tenant-schemas';

/** Creates a write key for a tenant (the admin API and the portal both): stored hashed, so this answer is the only time it is shown. */
export async function issueWriteKey(db: ControlDb, tenantId: string): Promise<WriteKeyCreatedResponse> {
  const { key, prefix, hash } = generateWriteKey();
  const record = await db.createWriteKey(tenantId, hash, prefix);
  return { id: record.id, key, prefix, tenantId, createdAt: record.createdAt.toISOString() };
}
