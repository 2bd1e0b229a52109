import { Signer } from '@aws-sdk/rds-signer';
import { scrubSecrets } from '@pushrail/observability';
import { DeliveryError } from './delivery-error';
import { assertIamOverTls, classifySignerError, rdsIamPassword, type RdsIamTarget } from './rds-iam-token';

const IAM: RdsIamTarget = {
  host: 'db.example.com',
  port: 5432,
  tls: true,
  auth: { mode: 'RDS_IAM', username: 'pushrail_writer', region: 'us-east-1' },
};

/** A network error as Node reports it, under the wrapper fetch puts around it. */
function fetchFailure(code: string): Error {
  return new TypeError('fetch failed', { cause: Object.assign(new Error(`connect ${code} 169.254.170.2:80`), { code }) });
}

describe('RDS IAM tokens', () => {
  it('refuses to make tokens for a config that bypassed the schema with tls off', () => {
    const unchecked = { ...IAM, tls: false };
    expect(() => assertIamOverTls(unchecked)).toThrow(DeliveryError);
    expect(() => rdsIamPassword(unchecked)).toThrow(expect.objectContaining({ kind: 'permanent', code: 'IAM_NEEDS_TLS' }));
  });

  it('signs with the given credentials, one token per call, with no network', async () => {
    const config = IAM;
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
