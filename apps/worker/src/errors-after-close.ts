import type { EventEmitter } from 'node:events';
import type { Worker } from 'bullmq';

/**
 * Drops the errors a BullMQ worker's blocking connection reports after the
 * worker closed it.
 *
 * Why: BullMQ 5.81 (BULLMQ_CHECKED_VERSION; taskforcesh/bullmq#3546, open) reports a failed set-up of
 * that connection with `emit('error')`, even when the failure comes after
 * close() removed every listener: a worker closed while the set-up's INFO is
 * unanswered, whose socket ioredis then drops (it waits 2 s for a clean
 * close). An 'error' nobody listens to throws, here inside a promise: an
 * unhandled rejection, which ends the process. By then the connection is
 * closed and nothing waits on it, so there is nothing to tell. While the
 * worker is open BullMQ always listens (it passes the errors on to the
 * worker's own 'error' event), so no other error is affected.
 */
export function dropErrorsAfterClose(worker: Worker): void {
  // Private in BullMQ's types, so reached by name; a BullMQ without it fails here, at the first worker.
  const connection = (worker as unknown as { blockingConnection?: EventEmitter }).blockingConnection;
  if (typeof connection?.emit !== 'function') {
    throw new Error('BullMQ Worker has no blockingConnection: dropErrorsAfterClose needs updating for this BullMQ version');
  }
  const emit = connection.emit.bind(connection);
  connection.emit = (event: string | symbol, ...args: unknown[]): boolean =>
    event === 'error' && connection.listenerCount('error') === 0 ? false : emit(event, ...args);
}
