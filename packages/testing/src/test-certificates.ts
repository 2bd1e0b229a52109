import crypto from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { runCommand } from './processes';

/** Options for {@link makeTestCertificates}. */
export interface TestCertificateOptions {
  /** Names the server certificate is valid for: DNS names and IP addresses, e.g. `['localhost', '127.0.0.1']`. */
  hostnames: string[];
  /** Directory to write into (created if missing). */
  dir: string;
  /** Validity, in days. Default 2: long enough for any run, short enough to never matter if leaked. */
  days?: number;
}

/** PEM files of a private CA and a server certificate it signed. */
export interface TestCertificates {
  caFile: string;
  /** The CA's private key, to sign further certificates (e.g. a client's). */
  caKeyFile: string;
  certFile: string;
  keyFile: string;
  /** Contents of `caFile`, as a destination's `tlsCa` takes it. */
  caPem: string;
}

/**
 * Makes a private CA and a server certificate for `hostnames` with openssl,
 * so TLS tests run against a real chain with `verify-full` semantics
 * (subjectAltName, not the deprecated CN match). P-256 keys: quick to make.
 */
export async function makeTestCertificates(options: TestCertificateOptions): Promise<TestCertificates> {
  const [firstName] = options.hostnames;
  if (firstName === undefined) throw new Error('makeTestCertificates needs at least one hostname');
  const days = String(options.days ?? 2);
  fs.mkdirSync(options.dir, { recursive: true });
  const file = (name: string): string => path.join(options.dir, name);
  const ecKey = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];

  await runCommand('openssl', [
    'req', '-x509', ...ecKey, '-keyout', file('ca.key'), '-out', file('ca.crt'), '-days', days,
    '-subj', '/CN=Pushrail Test CA',
    '-addext', 'basicConstraints=critical,CA:TRUE',
    '-addext', 'keyUsage=critical,keyCertSign,cRLSign',
  ]);
  await runCommand('openssl', [
    'req', '-new', ...ecKey, '-keyout', file('server.key'), '-out', file('server.csr'), '-subj', `/CN=${firstName}`,
  ]);
  const altNames = options.hostnames.map((h) => (net.isIP(h) ? `IP:${h}` : `DNS:${h}`)).join(',');
  fs.writeFileSync(
    file('server.ext'),
    [
      `subjectAltName=${altNames}`,
      'basicConstraints=CA:FALSE',
      'keyUsage=critical,digitalSignature,keyEncipherment',
      'extendedKeyUsage=serverAuth',
      '',
    ].join('\n'),
  );
  await runCommand('openssl', [
    'x509', '-req', '-in', file('server.csr'), '-CA', file('ca.crt'), '-CAkey', file('ca.key'),
    '-set_serial', `0x${crypto.randomBytes(8).toString('hex')}`, '-days', days,
    '-extfile', file('server.ext'), '-out', file('server.crt'),
  ]);
  fs.chmodSync(file('server.key'), 0o600);
  fs.chmodSync(file('ca.key'), 0o600);
  return {
    caFile: file('ca.crt'),
    caKeyFile: file('ca.key'),
    certFile: file('server.crt'),
    keyFile: file('server.key'),
    caPem: fs.readFileSync(file('ca.crt'), 'utf8'),
  };
}
