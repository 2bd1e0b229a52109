import { isUuid } from '@pushrail/events';
import { Pool, type PoolConfig } from 'pg';
import type {
  DeadLetterFilter,
  DeadLetterRecord,
  DeadLetterSummary,
  DestinationRecord,
  DestinationRoute,
  NewDeadLetter,
  Tenant,
  WriteKeyOwner,
  WriteKeyRecord,
} from './records';
import * as SQL from './sql';
import type { DeadLetterListFilter, RedriveCandidate, RedriveScope } from './dead-letter-records';
import { deadLetterFilterParams, toDeadLetter, toDeadLetterSummary, toRedriveCandidate } from './dead-letter-rows';
import * as DEAD_LETTER_SQL from './dead-letter-sql';
import { toTenant } from './tenant-rows';

/* eslint-disable @typescript-eslint/no-explicit-any -- row mappers read pg's untyped rows in one place */
const toWriteKey = (r: any): WriteKeyRecord => ({
  id: r.id,
  tenantId: r.tenant_id,
  keyPrefix: r.key_prefix,
  createdAt: r.created_at,
  revokedAt: r.revoked_at,
});

const toDestination = (r: any): DestinationRecord => ({
  id: r.id,
  tenantId: r.tenant_id,
  type: r.type,
  name: r.name,
  config: r.config,
  secretsCiphertext: r.secrets_ciphertext,
  pausedAt: r.paused_at,
  pausedReason: r.paused_reason,
  pausedMessage: r.paused_message,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});

/* eslint-enable @typescript-eslint/no-explicit-any */

/** True when `id` can be a row id; other strings are "not found", never a SQL error. */
export { isUuid };

/** Typed access to the control database. One small pool per process. */
export class ControlDb {
  readonly pool: Pool;

  constructor(config: string | PoolConfig) {
    this.pool = new Pool(typeof config === 'string' ? { connectionString: config, max: 10 } : config);
    // An idle connection lost to a server restart must not crash the process: the next query reconnects.
    this.pool.on('error', () => undefined);
  }

  async ping(): Promise<void> {
    await this.pool.query('SELECT 1');
  }

  async close(): Promise<void> {
    await this.pool.end();
  }

  // --- tenants ---

  async createTenant(name: string): Promise<Tenant> {
    return toTenant((await this.pool.query(SQL.INSERT_TENANT, [name])).rows[0]);
  }

  async getTenant(id: string): Promise<Tenant | undefined> {
    if (!isUuid(id)) return undefined;
    const row = (await this.pool.query(SQL.SELECT_TENANT, [id])).rows[0];
    return row ? toTenant(row) : undefined;
  }

  async updateTenant(id: string, patch: { name?: string; rateLimitPerSec?: number | null }): Promise<Tenant | undefined> {
    if (!isUuid(id)) return undefined;
    const setsLimit = patch.rateLimitPerSec !== undefined;
    const row = (
      await this.pool.query(SQL.UPDATE_TENANT, [id, patch.name ?? null, setsLimit, setsLimit ? patch.rateLimitPerSec : null])
    ).rows[0];
    return row ? toTenant(row) : undefined;
  }

  // --- write keys ---

  async createWriteKey(tenantId: string, keyHash: string, keyPrefix: string): Promise<WriteKeyRecord> {
    return toWriteKey((await this.pool.query(SQL.INSERT_WRITE_KEY, [tenantId, keyHash, keyPrefix])).rows[0]);
  }

  /** True when the key existed (revoking twice is fine). */
  async revokeWriteKey(id: string): Promise<boolean> {
    if (!isUuid(id)) return false;
    return (await this.pool.query(SQL.REVOKE_WRITE_KEY, [id])).rowCount === 1;
  }

  async findWriteKeyOwner(keyHash: string): Promise<WriteKeyOwner | undefined> {
    const row = (await this.pool.query(SQL.SELECT_TENANT_BY_KEY_HASH, [keyHash])).rows[0];
    return row ? { keyId: row.key_id, tenantId: row.tenant_id, rateLimitPerSec: row.rate_limit_per_sec } : undefined;
  }

  // --- destinations ---

  async createDestination(d: {
    tenantId: string;
    type: string;
    name: string;
    config: Record<string, unknown>;
    secretsCiphertext: string;
  }): Promise<DestinationRecord> {
    const result = await this.pool.query(SQL.INSERT_DESTINATION, [d.tenantId, d.type, d.name, d.config, d.secretsCiphertext]);
    return toDestination(result.rows[0]);
  }

  async getDestination(id: string): Promise<DestinationRecord | undefined> {
    if (!isUuid(id)) return undefined;
    const row = (await this.pool.query(SQL.SELECT_DESTINATION, [id])).rows[0];
    return row ? toDestination(row) : undefined;
  }

  async listDestinations(tenantId?: string): Promise<DestinationRecord[]> {
    if (tenantId !== undefined && !isUuid(tenantId)) return [];
    return (await this.pool.query(SQL.SELECT_DESTINATIONS, [tenantId ?? null])).rows.map(toDestination);
  }

  /** The tenant's destinations and the event types each takes (`eventTypes`; undefined: all). */
  async tenantDestinationRoutes(tenantId: string): Promise<DestinationRoute[]> {
    return (await this.pool.query(SQL.SELECT_TENANT_DESTINATION_ROUTES, [tenantId])).rows.map((r) => ({
      id: r.id as string,
      eventTypes: Array.isArray(r.event_types) ? (r.event_types as string[]) : undefined,
    }));
  }

  async updateDestination(
    id: string,
    d: { name: string; config: Record<string, unknown>; secretsCiphertext: string },
  ): Promise<DestinationRecord | undefined> {
    if (!isUuid(id)) return undefined;
    const row = (await this.pool.query(SQL.UPDATE_DESTINATION, [id, d.name, d.config, d.secretsCiphertext])).rows[0];
    return row ? toDestination(row) : undefined;
  }

  /** Swaps one destination's ciphertext if it is still `expected` (key rotation). */
  async replaceDestinationSecrets(id: string, expected: string, next: string): Promise<boolean> {
    return (await this.pool.query(SQL.UPDATE_DESTINATION_SECRETS, [id, next, expected])).rowCount === 1;
  }

  async allDestinationSecrets(): Promise<Array<{ id: string; secretsCiphertext: string }>> {
    return (await this.pool.query(SQL.SELECT_ALL_DESTINATION_SECRETS)).rows.map((r) => ({
      id: r.id,
      secretsCiphertext: r.secrets_ciphertext,
    }));
  }

  async setDestinationPaused(
    id: string,
    pause: { reason: 'operator' | 'failures'; message?: string } | null,
  ): Promise<DestinationRecord | undefined> {
    if (!isUuid(id)) return undefined;
    const row = (await this.pool.query(SQL.UPDATE_DESTINATION_PAUSE, [id, pause?.reason ?? null, pause?.message ?? null])).rows[0];
    return row ? toDestination(row) : undefined;
  }

  async deleteDestination(id: string): Promise<boolean> {
    if (!isUuid(id)) return false;
    return (await this.pool.query(SQL.SOFT_DELETE_DESTINATION, [id])).rowCount === 1;
  }

  // --- dead letters ---

  /** Inserts dead letters; rows already mirrored are skipped. Returns how many were new. */
  async insertDeadLetters(rows: NewDeadLetter[]): Promise<number> {
    if (rows.length === 0) return 0;
    const result = await this.pool.query(SQL.INSERT_DEAD_LETTERS, [
      rows.map((r) => r.destinationId),
      rows.map((r) => r.eventId),
      rows.map((r) => r.jobId),
      rows.map((r) => r.eventJson),
      rows.map((r) => r.errorKind),
      rows.map((r) => r.errorCode),
      rows.map((r) => r.errorMessage),
      rows.map((r) => r.attempts),
      rows.map((r) => r.firstFailedAt.toISOString()),
      rows.map((r) => r.lastFailedAt.toISOString()),
    ]);
    return result.rowCount ?? 0;
  }

  async getDeadLetter(id: string): Promise<DeadLetterRecord | undefined> {
    if (!/^\d{1,18}$/.test(id)) return undefined;
    const row = (await this.pool.query(SQL.SELECT_DEAD_LETTER, [id])).rows[0];
    return row ? toDeadLetter(row) : undefined;
  }

  /** A page of whole dead letters (job and event text included) in id order; `afterId` is the cursor. */
  async listDeadLetters(filter: DeadLetterFilter, page: { limit: number; afterId?: string }): Promise<DeadLetterRecord[]> {
    if (filter.destinationId !== undefined && !isUuid(filter.destinationId)) return [];
    const result = await this.pool.query(DEAD_LETTER_SQL.SELECT_DEAD_LETTERS_PAGE, [
      ...deadLetterFilterParams(filter),
      page.afterId ?? null,
      page.limit,
      'all',
    ]);
    return result.rows.map(toDeadLetter);
  }

  /** Marks dead letters redriven now; returns the ids that were not redriven before. */
  async markDeadLettersRedriven(ids: string[]): Promise<string[]> {
    if (ids.length === 0) return [];
    return (await this.pool.query(SQL.MARK_DEAD_LETTERS_REDRIVEN, [ids])).rows.map((r) => String(r.id));
  }

  // --- dead letters: the operator's list and redrive ---

  /** A page of dead letters without their events, in id order after `afterId` (the cursor). */
  async listDeadLetterSummaries(filter: DeadLetterListFilter, page: { limit: number; afterId?: string }): Promise<DeadLetterSummary[]> {
    if (filter.destinationId !== undefined && !isUuid(filter.destinationId)) return [];
    const result = await this.pool.query(DEAD_LETTER_SQL.SELECT_DEAD_LETTER_SUMMARIES_PAGE, [
      ...deadLetterFilterParams(filter),
      page.afterId ?? null,
      page.limit,
      filter.status ?? 'all',
    ]);
    return result.rows.map(toDeadLetterSummary);
  }

  /** How many pending dead letters match `filter`, and the newest id among them. */
  async deadLetterRedriveScope(filter: DeadLetterListFilter): Promise<RedriveScope> {
    if (filter.destinationId !== undefined && !isUuid(filter.destinationId)) return { count: 0, maxId: null };
    const row = (await this.pool.query(DEAD_LETTER_SQL.SELECT_REDRIVE_SCOPE, deadLetterFilterParams(filter))).rows[0];
    return { count: Number(row.count), maxId: row.max_id === null ? null : String(row.max_id) };
  }

  /** A page of pending dead letters matching `filter`, ids in (`afterId`, `maxId`], in id order. */
  async deadLettersToRedrive(
    filter: DeadLetterListFilter,
    page: { limit: number; afterId?: string; maxId: string },
  ): Promise<RedriveCandidate[]> {
    if (filter.destinationId !== undefined && !isUuid(filter.destinationId)) return [];
    const result = await this.pool.query(DEAD_LETTER_SQL.SELECT_REDRIVE_PAGE, [
      ...deadLetterFilterParams(filter),
      page.afterId ?? null,
      page.maxId,
      page.limit,
    ]);
    return result.rows.map(toRedriveCandidate);
  }

  /** The dead letters with these ids (decimal strings), redriven or not; unknown ids are left out. */
  async deadLettersByIds(ids: string[]): Promise<RedriveCandidate[]> {
    const valid = ids.filter((id) => /^\d{1,18}$/.test(id));
    if (valid.length === 0) return [];
    return (await this.pool.query(DEAD_LETTER_SQL.SELECT_REDRIVE_CANDIDATES_BY_IDS, [valid])).rows.map(toRedriveCandidate);
  }
}
