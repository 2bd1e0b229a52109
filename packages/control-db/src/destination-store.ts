import type { Keyring } from '@pushrail/crypto';
import { joinSecrets, mergeConfigPatch, splitSecrets, type DestinationTarget, type SecretValues } from '@pushrail/destination-core';
import { destinationConfigSchema, providerOf, type DestinationConfig } from '@pushrail/destinations';
import type { z } from 'zod';
import type { ControlDb } from './control-db';
import type { DestinationRecord, PauseReason } from './records';

/** A destination as every API answer shows it: secrets redacted. */
export interface DestinationView {
  id: string;
  tenantId: string;
  name: string;
  type: string;
  /** Where it writes (the provider's targetOf), so listings need not know each type's fields. */
  target: DestinationTarget;
  config: DestinationConfig;
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
  config: DestinationConfig;
}

/** The config failed validation; `issues` carry the path of each problem. */
export class InvalidDestinationConfigError extends Error {
  override readonly name = 'InvalidDestinationConfigError';
  constructor(readonly issues: z.core.$ZodIssue[]) {
    super('invalid destination config');
  }
}

/**
 * Secrets as stored: by dotted path (`{"auth.password": …}`). Destinations
 * saved before providers kept `{"password": …}`; that reads as `auth.password`.
 */
function storedSecrets(decrypted: Record<string, string>): SecretValues {
  const { password, ...byPath } = decrypted;
  return password !== undefined && byPath['auth.password'] === undefined ? { ...byPath, 'auth.password': password } : byPath;
}

/**
 * Destinations with their secrets encrypted at rest: validates configs against
 * their provider's schema, keeps the provider's secret fields encrypted
 * (AES-256-GCM, key id inside) and the rest redacted, redacts on the way out.
 */
export class DestinationStore {
  constructor(
    private readonly db: ControlDb,
    private readonly keyring: Keyring,
  ) {}

  /** Validates a config in the seed's shape; throws InvalidDestinationConfigError. */
  parse(input: unknown): DestinationConfig {
    const result = destinationConfigSchema.safeParse(input);
    if (!result.success) throw new InvalidDestinationConfigError(result.error.issues);
    return result.data;
  }

  async create(tenantId: string, config: DestinationConfig): Promise<DestinationRecord> {
    const { publicConfig, secrets } = splitSecrets(config, providerOf(config).secretPaths);
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
   * patch merged over it (mergeConfigPatch): a secret left out, or sent back
   * as "[REDACTED]", keeps the stored one.
   */
  merge(current: DestinationConfig, patch: Record<string, unknown>): DestinationConfig {
    return this.parse(mergeConfigPatch(current, patch, providerOf(current).secretPaths));
  }

  async update(id: string, config: DestinationConfig): Promise<DestinationRecord | undefined> {
    const { publicConfig, secrets } = splitSecrets(config, providerOf(config).secretPaths);
    return this.db.updateDestination(id, {
      name: config.name,
      config: publicConfig as unknown as Record<string, unknown>,
      secretsCiphertext: this.keyring.encryptJson(secrets),
    });
  }

  /** The destination with its secrets decrypted. Throws if the ciphertext was tampered with. */
  reveal(record: DestinationRecord): LoadedDestination {
    const publicConfig = destinationConfigSchema.parse(record.config);
    const secrets = storedSecrets(this.keyring.decryptJson<Record<string, string>>(record.secretsCiphertext));
    return { record, config: joinSecrets(publicConfig, secrets, providerOf(publicConfig).secretPaths) };
  }

  async load(id: string): Promise<LoadedDestination | undefined> {
    const record = await this.db.getDestination(id);
    return record ? this.reveal(record) : undefined;
  }

  view(record: DestinationRecord): DestinationView {
    const config = record.config as unknown as DestinationConfig;
    return {
      id: record.id,
      tenantId: record.tenantId,
      name: record.name,
      type: record.type,
      target: providerOf(config).targetOf(config),
      config,
      paused: record.pausedAt !== null,
      pausedReason: record.pausedReason,
      pausedMessage: record.pausedMessage,
      pausedAt: record.pausedAt?.toISOString() ?? null,
      createdAt: record.createdAt.toISOString(),
      updatedAt: record.updatedAt.toISOString(),
    };
  }
}
