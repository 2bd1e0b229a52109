import { z } from 'zod';

/** How long a portal link may wait to be opened, in seconds (15 minutes). */
export const DEFAULT_PORTAL_LINK_TTL_SEC = 15 * 60;

/** How long a portal session lasts once its link is opened, in seconds (24 hours). */
export const DEFAULT_PORTAL_SESSION_TTL_SEC = 24 * 60 * 60;

/**
 * PUSHRAIL_PUBLIC_URL: where customers reach ingest (`https://pushrail.example.com`),
 * the base of portal links; unset, a link uses the origin its request came to.
 * Kept without a trailing slash.
 */
export const publicUrl = z
  .string()
  .optional()
  .transform((v) => (v === undefined || v.trim() === '' ? undefined : v.trim().replace(/\/+$/, '')))
  .refine((v) => v === undefined || /^https?:\/\/[^\s/?#]+(\/[^\s?#]*)?$/i.test(v), {
    message: 'must be an http:// or https:// URL without query or fragment, e.g. https://pushrail.example.com',
  });

export const ttlSeconds = (fallback: number, max: number) => z.coerce.number().int().min(60).max(max).default(fallback);

/** One source of `frame-ancestors`: an origin (`https://app.example.com`, `https://*.example.com`) or `'self'`. */
const FRAME_ANCESTOR = /^(?:'self'|https?:\/\/(?:\*\.)?[A-Za-z0-9.-]+(?::\d{1,5})?)$/;

/**
 * PUSHRAIL_PORTAL_FRAME_ANCESTORS: the origins that may embed the portal in a
 * frame, separated by spaces or commas; empty (the default) lets none.
 */
export const frameAncestors = z
  .string()
  .default('')
  .transform((v) => v.split(/[\s,]+/).filter((s) => s.length > 0))
  .refine((list) => list.every((s) => FRAME_ANCESTOR.test(s)), {
    message: "must be origins such as https://app.example.com (or 'self'), separated by spaces or commas",
  });

/** The portal's variables, part of ingest's schema. */
export const portalEnvShape = {
  PUSHRAIL_PUBLIC_URL: publicUrl,
  PUSHRAIL_PORTAL_LINK_TTL_SEC: ttlSeconds(DEFAULT_PORTAL_LINK_TTL_SEC, 7 * 24 * 60 * 60),
  PUSHRAIL_PORTAL_SESSION_TTL_SEC: ttlSeconds(DEFAULT_PORTAL_SESSION_TTL_SEC, 30 * 24 * 60 * 60),
  PUSHRAIL_PORTAL_FRAME_ANCESTORS: frameAncestors,
};

const portalEnvSchema = z.object(portalEnvShape);

/** The customer portal's settings (docs/portal.md). */
export interface PortalConfig {
  /** Base of portal links; undefined: the origin the request for a link came to. */
  publicUrl: string | undefined;
  /** How long a link may wait to be opened, in seconds. */
  linkTtlSec: number;
  /** How long a session lasts, in seconds. */
  sessionTtlSec: number;
  /** Sources of the CSP `frame-ancestors`; empty: no one may frame the portal. */
  frameAncestors: string[];
}

export function portalConfigOf(env: z.output<typeof portalEnvSchema>): PortalConfig {
  return {
    publicUrl: env.PUSHRAIL_PUBLIC_URL,
    linkTtlSec: env.PUSHRAIL_PORTAL_LINK_TTL_SEC,
    sessionTtlSec: env.PUSHRAIL_PORTAL_SESSION_TTL_SEC,
    frameAncestors: env.PUSHRAIL_PORTAL_FRAME_ANCESTORS,
  };
}

/** The settings with every variable unset: the schema's defaults (for tests that build the app directly). */
export function defaultPortalConfig(): PortalConfig {
  return portalConfigOf(portalEnvSchema.parse({}));
}
