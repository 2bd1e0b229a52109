import type { z } from 'zod';
import type { DestinationConfigBase } from './config-fields';
import type { DestinationWriter } from './destination';
import type { SecretPath } from './secrets';

/** Where a destination writes, for listings, the CLI and the portal. */
export interface DestinationTarget {
  host: string;
  port: number;
  database: string;
  /** The table, schema-qualified where the server has schemas. */
  table: string;
}

/** How a writer may connect. */
export interface WriterOptions {
  /** PUSHRAIL_ALLOW_PRIVATE_HOSTS: skip the SSRF guard's range check. */
  allowPrivateHosts: boolean;
  /** Connections this writer may open; defaults to the config's `maxConnections` (the fleet-wide budget, held under a lease). */
  maxConnections?: number;
  /** Told about errors of idle connections (a server restart), so they get logged rather than crash the process. */
  onConnectionError?: (error: Error) => void;
}

/**
 * One destination type (docs/design.md, "Destinations are providers"): its
 * config schema and secrets, where it connects, its set-up guide and its
 * writer. A provider lives in its own folder, `packages/destinations/<type>`,
 * and the registry (`@pushrail/destinations`) is the one place that lists
 * them; nothing else names a type.
 */
export interface DestinationProvider<C extends DestinationConfigBase = DestinationConfigBase> {
  /** The `type` field of its configs: `POSTGRES`, `MYSQL`, … */
  readonly type: C['type'];
  /** The name people know it by, for forms and listings: `PostgreSQL`. */
  readonly label: string;
  /**
   * The config as the API takes it: a zod object whose `type` is the literal
   * above, so the registry can join every provider's into one union
   * discriminated by `type`. Defaults live here.
   */
  readonly configSchema: z.ZodObject<z.ZodRawShape, z.core.$strict> & z.ZodType<C>;
  /** Fields that are secrets: encrypted at rest, never shown back. */
  readonly secretPaths: readonly SecretPath[];
  /** Host names the SSRF guard must allow before a config is saved or used. */
  hostsOf(config: C): string[];
  /** Where it writes, for listings. */
  targetOf(config: C): DestinationTarget;
  /** The table an event of `eventType` goes to (its table mode applied). */
  tableFor(config: C, eventType: string): string;
  /** The DDL and grants the customer runs, for these tables; safe to run twice. */
  setupGuide(config: C, tables: readonly string[]): string;
  /** A writer for the config (secrets included). Connects lazily. */
  createWriter(config: C, options: WriterOptions): DestinationWriter;
}
