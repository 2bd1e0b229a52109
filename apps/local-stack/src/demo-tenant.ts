import crypto from 'node:crypto';
import path from 'node:path';
import { z } from 'zod';
import type { AdminClient, DestinationSummary } from './admin-client';
import { DEMO_DATABASE, DEMO_SCHEMA, DEMO_TABLE, WRITER_ROLE } from './demo-database';
import { readPrivateJsonFile, writePrivateJsonFile } from './private-json-file';

const DEMO_TENANT_NAME = 'Acme (pnpm start demo)';

/** Random bytes in the writer role's generated password (base64url, 32 characters). */
const WRITER_PASSWORD_BYTES = 24;

/**
 * What `<home>/demo.json` keeps between runs. The write key is in it
 * because the API shows a key only once; hence mode 0600.
 */
const demoRecordSchema = z.object({
  tenantId: z.string(),
  writeKeyId: z.string(),
  writeKey: z.string(),
  destinationId: z.string(),
  writerPassword: z.string(),
});

export type DemoRecord = z.infer<typeof demoRecordSchema>;

/** Where the demo database is, as a destination reaches it. */
export interface DemoTarget {
  host: string;
  port: number;
  writerPassword: string;
}

/** What {@link ensureDemoTenant} found or made, and whether each piece is from an earlier run. */
export interface DemoSetup {
  record: DemoRecord;
  reused: { tenant: boolean; writeKey: boolean; destination: boolean };
}

function demoFile(home: string): string {
  return path.join(home, 'demo.json');
}

export function loadDemoRecord(home: string): DemoRecord | undefined {
  return readPrivateJsonFile(demoFile(home), demoRecordSchema);
}

/** The writer role's password: the one the last run gave it, or a new one. */
export function writerPasswordFor(previous: DemoRecord | undefined): string {
  return previous?.writerPassword ?? crypto.randomBytes(WRITER_PASSWORD_BYTES).toString('base64url');
}

/**
 * The seed's destination (docs/design.md) pointed at the demo database: TLS off
 * (the local server has no certificate) and the writer's password.
 */
function demoDestinationConfig(target: DemoTarget): Record<string, unknown> {
  return {
    type: 'POSTGRES',
    name: 'Customer Postgres',
    host: target.host,
    port: target.port,
    database: DEMO_DATABASE,
    schema: DEMO_SCHEMA,
    table: DEMO_TABLE,
    tls: false,
    auth: { mode: 'PASSWORD', username: WRITER_ROLE, password: target.writerPassword },
    batchSize: 1000,
    flushIntervalSec: 1,
  };
}

/**
 * The demo tenant, its write key and its destination, through the admin
 * API. What the last run recorded is reused while it still exists (the
 * control database may have been replaced since); the rest is created, and
 * the record saved again.
 */
export async function ensureDemoTenant(
  admin: AdminClient,
  home: string,
  previous: DemoRecord | undefined,
  target: DemoTarget,
): Promise<DemoSetup> {
  const tenantReused = previous !== undefined && (await admin.tenantExists(previous.tenantId));
  const tenantId = tenantReused ? previous.tenantId : (await admin.createTenant(DEMO_TENANT_NAME)).id;

  const writeKeyReused = tenantReused && (await admin.writeKeyWorks(previous.writeKey));
  const writeKey = writeKeyReused ? { id: previous.writeKeyId, key: previous.writeKey } : await admin.createWriteKey(tenantId);

  const existing = tenantReused ? await admin.getDestination(previous.destinationId) : undefined;
  const destinationReused = existing !== undefined && existing.tenantId === tenantId;
  const destination = destinationReused
    ? await bringUpToDate(admin, existing, target)
    : await admin.createDestination({ tenantId, ...demoDestinationConfig(target) });

  const record: DemoRecord = {
    tenantId,
    writeKeyId: writeKey.id,
    writeKey: writeKey.key,
    destinationId: destination.id,
    writerPassword: target.writerPassword,
  };
  writePrivateJsonFile(demoFile(home), record);
  return {
    record,
    reused: { tenant: tenantReused, writeKey: writeKeyReused, destination: destinationReused },
  };
}

/**
 * A destination from an earlier run, pointed again at where the demo
 * database is now (its port changes when the preferred one was taken) with
 * the writer's current password, and resumed if it was paused.
 */
async function bringUpToDate(admin: AdminClient, existing: DestinationSummary, target: DemoTarget): Promise<DestinationSummary> {
  const config = existing.config;
  let current = existing;
  if (config.host !== target.host || config.port !== target.port || config.database !== DEMO_DATABASE || config.auth.username !== WRITER_ROLE) {
    current = await admin.updateDestination(existing.id, {
      host: target.host,
      port: target.port,
      database: DEMO_DATABASE,
      auth: { mode: 'PASSWORD', username: WRITER_ROLE, password: target.writerPassword },
    });
  }
  if (current.paused) await admin.resumeDestination(current.id);
  return current;
}
