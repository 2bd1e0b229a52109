import type { ControlDb } from './control-db';

/** Dead letters pending (neither redriven nor discarded), per destination and error kind (a gauge for operators). */
export const COUNT_PENDING_DEAD_LETTERS = `
  SELECT destination_id, error_kind, count(*)::int AS n
    FROM dead_letters WHERE redriven_at IS NULL AND discarded_at IS NULL
   GROUP BY destination_id, error_kind`;

export async function countPendingDeadLetters(db: ControlDb): Promise<Array<{ destinationId: string; errorKind: string; count: number }>> {
  const result = await db.pool.query(COUNT_PENDING_DEAD_LETTERS);
  return result.rows.map((r) => ({ destinationId: r.destination_id, errorKind: r.error_kind, count: r.n }));
}
