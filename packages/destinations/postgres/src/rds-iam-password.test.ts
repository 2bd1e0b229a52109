import { Signer } from '@aws-sdk/rds-signer';
import { DeliveryError } from '@pushrail/destination-core';
import { scrubSecrets } from '@pushrail/observability';
import { postgresDestinationConfigSchema, type PostgresDestinationConfig } from './postgres-destination-config';
import { assertIamOverTls, classifySignerError, rdsIamPassword } from './rds-iam-password';

const IAM = {
  type: 'POSTGRES',
  name: 'n',
  host: 'db.example.com',
  database: 'app',
  auth: { mode: 'RDS_IAM', username: 'pushrail_writer', region: 'us-east-1' },
};

/** A network error as Node reports it, under the wrapper fetch puts around it. */
function fetchFailure(code: string): Error {
  return new TypeError('fetch failed', { cause: Object.assign(new Error(`connect ${code} 169.254.170.2:80`), { code }) });
}

describe('RDS IAM configuration', () => {
  it('refuses RDS_IAM with tls false at the schema, on the tls path', () => {
    const result = postgresDestinationConfigSchema.safeParse({ ...IAM, tls: false });
    expect(result.success).toBe(false);
    expect(result.error?.issues).toEqual([
      expect.objectContaining({ path: ['tls'], message: 'must be true with RDS_IAM: RDS accepts IAM tokens only over TLS' }),
    ]);
  });

  it('defaults to TLS (verify-full) for RDS_IAM', () => {
    expect(postgresDestinationConfigSchema.parse(IAM)).toMatchObject({ tls: true });
  });

  it('refuses to make tokens for a config that bypassed the schema with tls off', () => {
    const unchecked = { ...postgresDestinationConfigSchema.parse(IAM), tls: false } as PostgresDestinationConfig;
    expect(() => assertIamOverTls(unchecked)).toThrow(DeliveryError);
    expect(() => rdsIamPassword(unchecked)).toThrow(expect.objectContaining({ kind: 'permanent', code: 'IAM_NEEDS_TLS' }));
  });

  it('signs with the given credentials, one token per call, with no network', async () => {
    const config = postgresDestinationConfigSchema.parse(IAM);
    const signer = new Signer({
      hostname: config.host,
      port: config.port,
      username: 'pushrail_writer',
      region: 'us-east-1',
      credentials: { accessKeyId: 'AKIAUNITTEST', secretAccessKey: 'unit-secret' },
    });
    const token = await rdsIamPassword(config, signer)();
    expect(token).toMatch(/^db\.example\.com:5432\/\?Action=connect&DBUser=pushrail_writer&X-Amz-Algorithm=AWS4-HMAC-SHA256&/);
    const scrubbed = scrubSecrets(token);
    expect(scrubbed).not.toContain(new URL(`https://${token}`).searchParams.get('X-Amz-Signature'));
    expect(scrubbed).not.toContain('AKIAUNITTEST');
  });
});

describe('classifySignerError', () => {
  it.each([
    ['no credentials in the chain', Object.assign(new Error('Could not load credentials from any providers'), { name: 'CredentialsProviderError' })],
    ['an unknown access key', Object.assign(new Error('The security token included in the request is invalid.'), { name: 'InvalidClientTokenId' })],
    ['expired session credentials', Object.assign(new Error('expired'), { name: 'ExpiredToken' })],
  ])('is permanent for %s', (_label, error) => {
    expect(classifySignerError(error)).toMatchObject({ kind: 'permanent', code: 'IAM_CREDENTIALS' });
    expect(classifySignerError(error).message).toMatch(/^RDS IAM: no usable AWS credentials to sign a token \(/);
  });

  it.each(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EAI_AGAIN', 'EHOSTUNREACH'])(
    'is transient for a network failure (%s) nested in the cause chain',
    (code) => {
      expect(classifySignerError(fetchFailure(code))).toMatchObject({ kind: 'transient', code: `IAM_SIGNER_${code}` });
    },
  );

  it('is transient for a network failure even when the SDK wraps it as a provider error', () => {
    const wrapped = Object.assign(new Error('Could not load credentials', { cause: fetchFailure('ETIMEDOUT') }), {
      name: 'CredentialsProviderError',
    });
    expect(classifySignerError(wrapped)).toMatchObject({ kind: 'transient', code: 'IAM_SIGNER_ETIMEDOUT' });
  });

  it('is transient for anything else, and keeps the cause', () => {
    const error = new Error('something odd');
    const classified = classifySignerError(error);
    expect(classified).toMatchObject({ kind: 'transient', code: 'IAM_SIGNER' });
    expect(classified.cause).toBe(error);
  });

  it('scrubs secrets from the SDK text', () => {
    const error = new Error('refused X-Amz-Signature=abcdef0123 for password=hunter2');
    const { message } = classifySignerError(error);
    expect(message).not.toContain('abcdef0123');
    expect(message).not.toContain('hunter2');
  });
});
