import { randomUUID } from 'node:crypto';
import type { QueuedEvent } from '@pushrail/events';
import { DeliveryError, isDeliveryError } from './delivery-error';
import type { DestinationCheck, DestinationTestReport } from './destination';
import { isTlsFailure } from './network-errors';
import { ForbiddenDestinationHostError } from './ssrf-guard';

/**
 * A provider's error classifier with what every provider shares put in front:
 * a DeliveryError stays as it is, and a host the SSRF guard refuses is
 * permanent (`FORBIDDEN_HOST`); everything else is the provider's to say.
 */
export function deliveryErrorClassifier(classifyServerError: (error: unknown) => DeliveryError): (error: unknown) => DeliveryError {
  return (error) => {
    if (isDeliveryError(error)) return error;
    if (error instanceof ForbiddenDestinationHostError) {
      return new DeliveryError('permanent', error.message, 'FORBIDDEN_HOST', { cause: error });
    }
    return classifyServerError(error);
  };
}

/** The row a connection test's INSERT writes: inside a transaction that is always rolled back, or sent without its rows. */
export function connectionTestEvent(eventType: string): QueuedEvent {
  return {
    id: randomUUID(),
    receivedAt: Date.now(),
    event: { eventType, occurredAt: new Date().toISOString(), source: 'pushrail-test', payload: { probe: true } },
  };
}

/** The `tls` check of a provider whose connection fails when TLS is not as configured: it only says what was asked for. */
export function configuredTlsCheck(config: { tls: boolean; tlsMode?: string | undefined }): DestinationCheck {
  return { name: 'tls', ok: true, message: config.tls ? `TLS on (${config.tlsMode ?? 'verify-full'})` : 'TLS off (tls: false)' };
}

/** The steps of one provider's connection test; `Host` is what the host check yields (a pool), `Session` one connection. */
export interface ConnectionTestSteps<Host, Session> {
  /** The host as configured, for the `host` check's message. */
  host: string;
  /** The user the session logs in as, for the `connect` check's message. */
  username: string;
  classify: (error: unknown) => DeliveryError;
  /** Resolves the host through the SSRF guard (throws ForbiddenDestinationHostError). */
  checkHost: () => Promise<Host>;
  /** Opens one session: logs in, TLS handshake included. */
  open: (host: Host) => Promise<Session>;
  /** More to say in the `connect` check, from the session (the server's version). */
  connectedTo?: (session: Session) => string;
  tls: (session: Session) => DestinationCheck | Promise<DestinationCheck>;
  /** An INSERT into the destination's table that leaves nothing behind; returns what it showed. */
  insert: (session: Session) => Promise<string>;
  release: (session: Session) => void | Promise<void>;
}

/**
 * A connection test in the order every provider runs it (docs/design.md):
 * `host` (the SSRF guard), `connect` (a handshake or certificate failure is
 * reported as `tls`, where the fix is), `tls`, `insert`. A failed `host` or
 * `connect` ends the test; `tls` and `insert` are both reported. A failing
 * check's message is its classified error's, secrets scrubbed.
 */
export async function runConnectionTest<Host, Session>(steps: ConnectionTestSteps<Host, Session>): Promise<DestinationTestReport> {
  const checks: DestinationCheck[] = [];
  const failed = (name: string, error: unknown): DestinationTestReport => {
    checks.push({ name, ok: false, message: steps.classify(error).message });
    return { ok: false, checks };
  };
  let host: Host;
  try {
    host = await steps.checkHost();
    checks.push({ name: 'host', ok: true, message: `${steps.host} is an allowed address` });
  } catch (error) {
    return failed('host', error);
  }
  let session: Session;
  try {
    session = await steps.open(host);
  } catch (error) {
    return failed(isTlsFailure(steps.classify(error).code) ? 'tls' : 'connect', error);
  }
  try {
    checks.push({ name: 'connect', ok: true, message: `connected as ${steps.username}${steps.connectedTo ? ` ${steps.connectedTo(session)}` : ''}` });
    try {
      checks.push(await steps.tls(session));
    } catch (error) {
      checks.push({ name: 'tls', ok: false, message: steps.classify(error).message });
    }
    try {
      checks.push({ name: 'insert', ok: true, message: await steps.insert(session) });
    } catch (error) {
      checks.push({ name: 'insert', ok: false, message: steps.classify(error).message });
    }
  } finally {
    await steps.release(session);
  }
  return { ok: checks.every((c) => c.ok), checks };
}
