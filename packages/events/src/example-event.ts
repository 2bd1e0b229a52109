import type { EventEnvelope } from './event-envelope';

/**
 * The seed's example event (docs/design.md): what `pnpm start`'s printed curl
 * sends, what the tests and the bench send. Frozen: callers copy it.
 */
export const EXAMPLE_EVENT: Readonly<EventEnvelope> = Object.freeze({
  eventType: 'order.completed',
  occurredAt: '2026-05-26T14:21:08.493Z',
  source: 'billing-service',
  customerExternalId: 'acct_8K2zRq',
  idempotencyKey: 'order_38a91f-completed',
  correlationId: 'req_4f30b2',
  payload: { orderId: 'ord_38a91f', amount: 12900, currency: 'USD', items: [{ sku: 'PR-PRO-MONTHLY', qty: 1, price: 12900 }] },
  metadata: { tier: 'pro', region: 'us-east-1' },
});
