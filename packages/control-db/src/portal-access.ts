import { isUuid } from '@pushrail/events';
import type { ControlDb } from './control-db';
import * as SQL from './portal-sql';
import type { WriteKeyRecord } from './records';

/** Whose a portal session is, and what it may do. */
export interface PortalSession {
  tenantId: string;
  tenantName: string;
  readOnly: boolean;
  expiresAt: Date;
}

/**
 * The control database's side of the customer portal: single-use links and
 * the sessions they open (each stored as a hash of its token), and the
 * tenant-scoped lookups the portal needs beyond ControlDb's.
 */
export class PortalAccess {
  constructor(private readonly db: ControlDb) {}

  async createLink(link: { tokenHash: string; tenantId: string; readOnly: boolean; expiresAt: Date }): Promise<void> {
    await this.db.pool.query(SQL.INSERT_PORTAL_LINK, [link.tokenHash, link.tenantId, link.readOnly, link.expiresAt]);
  }

  /** Whether a link may still be used, without using it (its page, before the person opens it). */
  async isUsableLink(tokenHash: string): Promise<boolean> {
    return (await this.db.pool.query(SQL.SELECT_USABLE_PORTAL_LINK, [tokenHash])).rowCount === 1;
  }

  /** Uses a link up; undefined when it is unknown, used or expired. */
  async takeLink(tokenHash: string): Promise<{ tenantId: string; readOnly: boolean } | undefined> {
    const row = (await this.db.pool.query(SQL.TAKE_PORTAL_LINK, [tokenHash])).rows[0];
    return row ? { tenantId: row.tenant_id, readOnly: row.read_only } : undefined;
  }

  async createSession(session: { tokenHash: string; tenantId: string; readOnly: boolean; expiresAt: Date }): Promise<void> {
    await this.db.pool.query(SQL.INSERT_PORTAL_SESSION, [session.tokenHash, session.tenantId, session.readOnly, session.expiresAt]);
  }

  /** The live session with this token hash; undefined when unknown or expired. */
  async findSession(tokenHash: string): Promise<PortalSession | undefined> {
    const row = (await this.db.pool.query(SQL.SELECT_PORTAL_SESSION, [tokenHash])).rows[0];
    return row ? { tenantId: row.tenant_id, tenantName: row.tenant_name, readOnly: row.read_only, expiresAt: row.expires_at } : undefined;
  }

  async deleteSession(tokenHash: string): Promise<void> {
    await this.db.pool.query(SQL.DELETE_PORTAL_SESSION, [tokenHash]);
  }

  async deleteExpired(): Promise<void> {
    await this.db.pool.query(SQL.DELETE_EXPIRED_PORTAL_ACCESS);
  }

  /** The tenant's write keys, newest first, revoked ones included (never a key or its hash). */
  async listWriteKeys(tenantId: string): Promise<WriteKeyRecord[]> {
    if (!isUuid(tenantId)) return [];
    return (await this.db.pool.query(SQL.SELECT_TENANT_WRITE_KEYS, [tenantId])).rows.map((r) => ({
      id: r.id,
      tenantId: r.tenant_id,
      keyPrefix: r.key_prefix,
      createdAt: r.created_at,
      revokedAt: r.revoked_at,
    }));
  }

  /** Revokes a key of this tenant; false when the tenant has no such key. */
  async revokeWriteKey(tenantId: string, keyId: string): Promise<boolean> {
    if (!isUuid(keyId)) return false;
    return (await this.db.pool.query(SQL.REVOKE_TENANT_WRITE_KEY, [keyId, tenantId])).rowCount === 1;
  }

  /** The id of the newest dead letter of an event in a destination, if it has one. */
  async deadLetterIdOfEvent(destinationId: string, eventId: string): Promise<string | undefined> {
    if (!isUuid(destinationId) || !isUuid(eventId)) return undefined;
    const row = (await this.db.pool.query(SQL.SELECT_DEAD_LETTER_ID_OF_EVENT, [destinationId, eventId])).rows[0];
    return row ? String(row.id) : undefined;
  }
}
