import type { DestinationConfigBase, DestinationProvider } from '@pushrail/destination-core';
import { clickhouseProvider } from '@pushrail/destination-clickhouse';
import { mysqlProvider } from '@pushrail/destination-mysql';
import { postgresProvider } from '@pushrail/destination-postgres';
import { z } from 'zod';

/**
 * Every destination type Pushrail delivers to: the one place that lists
 * them. Adding a destination is a folder under packages/destinations/ and one
 * line here (docs/design.md, "Destinations are providers").
 */
export const PROVIDERS = [postgresProvider, mysqlProvider, clickhouseProvider] as const;

/** A destination config of any registered type, validated (secrets included). */
export type DestinationConfig = z.output<(typeof PROVIDERS)[number]['configSchema']>;

/** The type names, as the API spells them. */
export const DESTINATION_TYPES = PROVIDERS.map((p) => p.type);

const byType = new Map<string, DestinationProvider>(PROVIDERS.map((p) => [p.type, p as unknown as DestinationProvider]));

/** The provider of `type`; undefined for a type no provider has. */
export function findProvider(type: string): DestinationProvider | undefined {
  return byType.get(type);
}

/** The provider of a validated config (its type is registered, or it would not have validated). */
export function providerOf(config: DestinationConfigBase): DestinationProvider {
  const provider = byType.get(config.type);
  if (!provider) throw new Error(`no destination provider for type ${config.type}`);
  return provider;
}

/** Every provider's config schema, one union discriminated by `type`: what the API, OpenAPI and the CLI see. */
export const destinationConfigSchema = (
  (PROVIDERS as readonly unknown[]).length === 1 // read as a list: with more providers the tuple's length is never 1
    ? PROVIDERS[0]!.configSchema // a union of one is only noise in the OpenAPI document
    : z.discriminatedUnion('type', PROVIDERS.map((p) => p.configSchema) as unknown as [z.ZodObject<{ type: z.ZodLiteral<string> }>])
) as unknown as z.ZodType<DestinationConfig>;
