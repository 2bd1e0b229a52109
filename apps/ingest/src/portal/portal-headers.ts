import type { PortalConfig } from '@pushrail/config';
import type { RequestHandler } from 'express';

/**
 * The Content-Security-Policy of every portal answer: scripts, styles and
 * requests only from this origin (no inline script, nothing third-party, so
 * the page works offline), no plugins, forms post only here, and framing only
 * by the origins PUSHRAIL_PORTAL_FRAME_ANCESTORS lists (none by default).
 */
export function portalContentSecurityPolicy(config: PortalConfig): string {
  const ancestors = config.frameAncestors.length > 0 ? config.frameAncestors.join(' ') : "'none'";
  return [
    "default-src 'none'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "connect-src 'self'",
    "form-action 'self'",
    "base-uri 'none'",
    `frame-ancestors ${ancestors}`,
  ].join('; ');
}

/** Headers of everything under /portal: the CSP, no MIME sniffing, no referrer (a link's token never leaks onward). */
export function portalHeaders(config: PortalConfig): RequestHandler {
  const csp = portalContentSecurityPolicy(config);
  return (_req, res, next) => {
    // The CSP's frame-ancestors decides who may frame the portal; an X-Frame-Options set elsewhere would override it.
    res.removeHeader('X-Frame-Options');
    res.set({ 'Content-Security-Policy': csp, 'X-Content-Type-Options': 'nosniff', 'Referrer-Policy': 'no-referrer' });
    next();
  };
}
