import { Signer } from '@aws-sdk/rds-signer';
import { scrubSecrets, toError } from '@pushrail/observability';
import { DeliveryError } from './delivery-error';
import { errorCodeOf, NODE_ERROR_KINDS } from './network-errors';

/** What signing an RDS IAM token needs of a destination config (PostgreSQL and MySQL alike). */
export interface RdsIamTarget {
  host: string;
  port: number;
  tls: boolean;
  auth: { mode: 'PASSWORD' } | { mode: 'RDS_IAM'; username: string; region: string };
}

/**
 * Error names and codes from the AWS SDK that mean "these credentials will
 * not work until someone changes them": none (the default provider chain found
 * nothing), or ones AWS refuses.
 */
const PERMANENT_SIGNER_FAILURE =
  /CredentialsProviderError|Could not load credentials|InvalidClientTokenId|UnrecognizedClient|SignatureDoesNotMatch|InvalidSignature|AccessDenied|ExpiredToken/i;

/** How deep to follow `cause` looking for a network error (the SDK nests them a few levels). */
const MAX_CAUSE_DEPTH = 5;

/** The error and its causes, outermost first. */
function causeChain(error: unknown): unknown[] {
  const chain: unknown[] = [];
  for (let e = error; e !== undefined && e !== null && chain.length < MAX_CAUSE_DEPTH; e = (e as { cause?: unknown }).cause) {
    chain.push(e);
  }
  return chain;
}

/** `Name CODE: message` of one error; read by property, so errors of another realm (Node's fetch under jest) read the same. */
function describe(error: unknown): string {
  const { name, code } = (typeof error === 'object' && error !== null ? error : {}) as { name?: unknown; code?: unknown };
  return `${typeof name === 'string' ? name : 'Error'}${typeof code === 'string' ? ` ${code}` : ''}: ${toError(error).message}`;
}

/**
 * Classifies a failure to sign an IAM token.
 *
 * - A network failure anywhere in the cause chain (the credential endpoint,
 *   IMDS or STS unreachable: ECONNREFUSED, ETIMEDOUT, EAI_AGAIN… by the same
 *   table as database errors) is transient: the next attempt may get through.
 * - Missing or refused credentials are permanent: retrying will not make them appear.
 *   Note: the SDK's default provider chain reports every failure of every link,
 *   an unreachable IMDS included, as one "Could not load credentials from any
 *   providers", so with the default chain that case is permanent too.
 * - Anything else is transient, as for database errors the table does not know.
 */
export function classifySignerError(error: unknown): DeliveryError {
  const chain = causeChain(error);
  const network = chain.find((e) => {
    const code = errorCodeOf(e);
    return code !== undefined && NODE_ERROR_KINDS[code] === 'transient';
  });
  const text = chain.map(describe).join(' <- ');
  if (network === undefined && chain.some((e) => PERMANENT_SIGNER_FAILURE.test(describe(e)))) {
    return new DeliveryError(
      'permanent',
      scrubSecrets(
        `RDS IAM: no usable AWS credentials to sign a token (${text}); give the worker credentials ` +
          'through the default provider chain: environment, shared config, web identity, or an ECS/EC2 role',
      ),
      'IAM_CREDENTIALS',
      { cause: error },
    );
  }
  const code = network === undefined ? 'IAM_SIGNER' : `IAM_SIGNER_${(network as { code: string }).code}`;
  return new DeliveryError('transient', scrubSecrets(`RDS IAM: could not sign a login token (${text})`), code, { cause: error });
}

/**
 * RDS accepts IAM tokens only over TLS, and a token sent in clear could be
 * replayed for its 15 minutes. The config schema refuses RDS_IAM with
 * `tls: false`; this is the same rule where the token is about to be used.
 */
export function assertIamOverTls(config: RdsIamTarget): void {
  if (config.auth.mode === 'RDS_IAM' && !config.tls) {
    throw new DeliveryError('permanent', 'RDS IAM: tls must be true; IAM tokens are never sent without TLS', 'IAM_NEEDS_TLS');
  }
}

/**
 * A password source for a driver that calls it each time a new
 * connection authenticates: a fresh RDS IAM token every time. Tokens are
 * valid for 15 minutes and are only ever needed at login, so one per
 * connection is never stale and none is kept. Credentials come from the default AWS
 * provider chain unless a signer is given (tests).
 */
export function rdsIamPassword(config: RdsIamTarget, signer?: Signer): () => Promise<string> {
  if (config.auth.mode !== 'RDS_IAM') throw new Error('not an RDS_IAM destination');
  assertIamOverTls(config);
  const tokenSigner =
    signer ?? new Signer({ hostname: config.host, port: config.port, username: config.auth.username, region: config.auth.region });
  return async () => {
    try {
      return await tokenSigner.getAuthToken();
    } catch (error) {
      throw classifySignerError(error);
    }
  };
}
