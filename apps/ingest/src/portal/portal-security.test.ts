import { defaultPortalConfig, type PortalConfig } from '@pushrail/config';
import type { Request } from 'express';
import { sessionCookie, sessionTokenOf } from './portal-cookie';
import { portalContentSecurityPolicy } from './portal-headers';

const config = (overrides: Partial<PortalConfig> = {}): PortalConfig => ({ ...defaultPortalConfig(), ...overrides });
const request = (fields: Partial<Request> = {}) => ({ secure: false, headers: {}, ...fields }) as Request;

describe('the portal CSP', () => {
  it('allows only this origin, no inline script, and no framing by default', () => {
    const csp = portalContentSecurityPolicy(config());
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("connect-src 'self'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).not.toMatch(/unsafe-inline|unsafe-eval|https?:/);
  });

  it('lets the configured origins frame it', () => {
    expect(portalContentSecurityPolicy(config({ frameAncestors: ['https://app.example.com', "'self'"] }))).toContain(
      "frame-ancestors https://app.example.com 'self'",
    );
  });
});

describe('the session cookie', () => {
  it('is HttpOnly, SameSite=Lax, on /portal, and not Secure over plain HTTP', () => {
    expect(sessionCookie(config(), request(), 'tok', 60)).toBe('pushrail_portal=tok; Path=/portal; Max-Age=60; HttpOnly; SameSite=Lax');
  });

  it('is Secure behind HTTPS (the public URL says so, or the request came over TLS)', () => {
    expect(sessionCookie(config({ publicUrl: 'https://pushrail.example.com' }), request(), 'tok', 60)).toMatch(/; SameSite=Lax; Secure$/);
    expect(sessionCookie(config(), request({ secure: true }), 'tok', 60)).toMatch(/; Secure$/);
    expect(sessionCookie(config({ publicUrl: 'http://10.0.0.5:8080' }), request({ secure: true }), 'tok', 60)).not.toContain('Secure');
  });

  it('is SameSite=None (and Secure) when another site may frame the portal over HTTPS', () => {
    const framed = config({ publicUrl: 'https://pushrail.example.com', frameAncestors: ['https://app.example.com'] });
    expect(sessionCookie(framed, request(), 'tok', 60)).toMatch(/; SameSite=None; Secure$/);
  });

  it('is read back from the Cookie header among others', () => {
    expect(sessionTokenOf(request({ headers: { cookie: 'a=1; pushrail_portal=abc_-9; b=2' } }))).toBe('abc_-9');
    expect(sessionTokenOf(request({ headers: { cookie: 'pushrail_portalx=1' } }))).toBeUndefined();
  });
});
