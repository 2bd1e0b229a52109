import type { Keyring } from '@pushrail/crypto';
import {
  joinPostgresSecrets,
  postgresDestinationConfigSchema,
  REDACTED,
  splitPostgresSecrets,
  type PostgresDestinationConfig,
} from '@pushrail/destination-postgres';
import type { z } from 'zod';
import type { ControlDb } from './control-db';
import type { DestinationRecord, PauseReason } from './records';

/** A destination as every API answer shows it: secrets redacted. */
export interface DestinationView {
  id: string;
  tenantId: string;
  name: string;
  type: string;
  config: PostgresDestinationConfig;
  paused: boolean;
  pausedReason: PauseReason | null;
  pausedMessage: string | null;
  pausedAt: string | null;
  createdAt: string;
  updatedAt: string;
}

/** A destination with its decrypted secrets: only the worker and `/test` hold one, and only in memory. */
export interface LoadedDestination {
  record: DestinationRecord;
  config: PostgresDestinationConfig;
}

/** The config failed validation; `issues` carry the path of each problem. */
export class InvalidDestinationConfigError extends Error {
  override readonly name = 'InvalidDestinationConfigError';
  constructor(readonly issues: z.core.$ZodIssue[]) {
    super('invalid destination config');
  }
}

function deepMerge(base: Record<string, unknown>, patch: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(patch)) {
    const current = out[key];
    out[key] =
      value !== null && typeof value === 'object' && !Array.isArray(value) && current !== null && typeof current === 'object'
        ? deepMerge(current as Record<string, unknown>, value as Record<string, unknown>)
        : value;
  }
  return out;
}

/**
 * Destinations with their secrets encrypted at rest: validates configs, keeps
 * only the password encrypted (AES-256-GCM, key id inside), redacts on the way out.
 */
export class DestinationStore {
  constructor(
    private readonly db: ControlDb,
    private readonly keyring: Keyring,
  ) {}

  /** Validates a config in the seed's shape; throws InvalidDestinationConfigError. */
  parse(input: unknown): PostgresDestinationConfig {
    const result = postgresDestinationConfigSchema.safeParse(input);
    if (!result.success) throw new InvalidDestinationConfigError(result.error.issues);
    return result.data;
  }

  async create(tenantId: string, config: PostgresDestinationConfig): Promise<DestinationRecord> {
    const { publicConfig, secrets } = splitPostgresSecrets(config);
    return this.db.createDestination({
      tenantId,
      type: config.type,
      name: config.name,
      config: publicConfig as unknown as Record<string, unknown>,
      secretsCiphertext: this.keyring.encryptJson(secrets),
    });
  }

  /**
   * The config a PATCH produces: the stored one (secrets included) with the
   * patch merged over it. A patch that leaves out `auth.password` keeps the
   * old one; one that sends "[REDACTED]" back is taken as "unchanged" too.
   */
  merge(current: PostgresDestinationConfig, patch: Record<string, unknown>): PostgresDestinationConfig {
    const merged = deepMerge(current as unknown as Record<string, unknown>, patch);
    const auth = merged.auth as Record<string, unknown> | undefined;
    if (auth && auth.password === REDACTED && current.auth.mode === 'PASSWORD') auth.password = current.auth.password;
    if (auth && auth.mode === 'RDS_IAM') delete auth.password;
    return this.parse(merged);
  }

  async update(id: string, config: PostgresDestinationConfig): Promise<DestinationRecord | undefined> {
    const { publicConfig, secrets } = splitPostgresSecrets(config);
    return this.db.updateDestination(id, {
      name: config.name,
      config: publicConfig as unknown as Record<string, unknown>,
      secretsCiphertext: this.keyring.encryptJson(secrets),
    });
  }

  /** The destination with its secrets decrypted. Throws if the ciphertext was tampered with. */
  reveal(record: DestinationRecord): LoadedDestination {
    const publicConfig = postgresDestinationConfigSchema.parse(record.config);
    const secrets = this.keyring.decryptJson<{ password?: string }>(record.secretsCiphertext);
    return { record, config: joinPostgresSecrets(publicConfig, secrets) };
  }

  async load(id: string): Promise<LoadedDestination | undefined> {
    const record = await this.db.getDestination(id);
    return record ? this.reveal(record) : undefined;
  }

  view(record: DestinationRecord): DestinationView {
    return {
      id: record.id,
      tenantId: record.tenantId,
      name: record.name,
      type: record.type,
      config: record.config as unknown as PostgresDestinationConfig,
      paused: record.pausedAt !== null,
      pausedReason: record.pausedReason,
      pausedMessage: record.pausedMessage,
      pausedAt: record.pausedAt?.toISOString() ?? null,
      createdAt: record.createdAt.toISOString(),
      updatedAt: record.updatedAt.toISOString(),
    };
  }
}
