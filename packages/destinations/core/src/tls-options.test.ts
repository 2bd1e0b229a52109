import { rootCertificates } from 'node:tls';
import { tlsOptionsFor, type TlsSettings } from './tls-options';

const PEM = '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n';

function config(overrides: Partial<TlsSettings>): TlsSettings {
  return { host: 'db.example.com', tls: true, ...overrides };
}

describe('tlsOptionsFor', () => {
  it('is off with tls false', () => {
    expect(tlsOptionsFor(config({ tls: false }))).toBe(false);
  });

  it('defaults to verify-full with Node roots, SNI and a host check against the configured name', () => {
    const options = tlsOptionsFor(config({}));
    expect(options).toMatchObject({ rejectUnauthorized: true, servername: 'db.example.com' });
    if (!options) throw new Error('expected options');
    expect(options.ca).toBeUndefined(); // Node's default roots
    expect(typeof options.checkServerIdentity).toBe('function');
  });

  it('adds tlsCa to the Node roots rather than replacing them', () => {
    const options = tlsOptionsFor(config({ tlsCa: PEM }));
    if (!options) throw new Error('expected options');
    expect(options.ca).toEqual([...rootCertificates, PEM]);
  });

  it.each([
    ['10.1.2.3', '10.1.2.3'],
    ['2001:db8::5', '2001:db8::5'],
  ])('sends no SNI for the IP literal %s (RFC 6066) and checks the certificate against it', (host, checked) => {
    const options = tlsOptionsFor(config({ host }));
    if (!options) throw new Error('expected options');
    expect(options.servername).toBeUndefined();
    // A certificate for another address fails, naming the configured host, whatever address was connected to.
    const error = options.checkServerIdentity?.('192.0.2.99', { subjectaltname: 'IP Address:192.0.2.1', subject: {} } as never);
    expect(error).toMatchObject({ code: 'ERR_TLS_CERT_ALTNAME_INVALID' });
    expect(error?.message).toBe(`host "${checked}" is not among the names the certificate is for: IP Address:192.0.2.1`);
    expect(options.checkServerIdentity?.('192.0.2.99', { subjectaltname: `IP Address:${checked}`, subject: {} } as never)).toBeUndefined();
  });

  it('checks a DNS host against the certificate, not against the address connected to', () => {
    const options = tlsOptionsFor(config({}));
    if (!options) throw new Error('expected options');
    const check = options.checkServerIdentity!;
    expect(check('192.0.2.1', { subjectaltname: 'DNS:db.example.com', subject: {} } as never)).toBeUndefined();
    expect(check('192.0.2.1', { subjectaltname: 'DNS:*.example.com', subject: {} } as never)).toBeUndefined();
    expect(check('192.0.2.1', { subjectaltname: 'IP Address:192.0.2.1', subject: {} } as never)?.message).toBe(
      'host "db.example.com" is not among the names the certificate is for: IP Address:192.0.2.1',
    );
    expect(check('db.example.com', { subject: { CN: 'other.example.com' } } as never)?.message).toBe(
      'host "db.example.com" is not among the names the certificate is for: CN=other.example.com',
    );
  });

  it('with tlsMode require encrypts without verifying, still sending SNI', () => {
    expect(tlsOptionsFor(config({ tlsMode: 'require', tlsCa: PEM }))).toEqual({ rejectUnauthorized: false, servername: 'db.example.com' });
  });
});
