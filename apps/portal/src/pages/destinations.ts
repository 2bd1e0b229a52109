import { api, unwrap, type PortalDestination } from '../api/client';
import { h, replace, time } from '../dom';
import type { PageContext } from '../main';

/** What the page shows for figures it cannot read now: the queue (Redis) does not answer. */
export const UNAVAILABLE = 'unavailable';

/** A status as words: paused with its reason (the control database's), backing off (the queue's), or active. */
export function stateText(d: PortalDestination): string {
  if (d.paused) return `Paused (${d.pausedReason === 'failures' ? 'by Pushrail after failures' : 'by hand'})${d.pausedMessage ? `: ${d.pausedMessage}` : ''}`;
  return d.status?.state === 'backing_off' ? 'Retrying after errors' : 'Active';
}

export async function destinationsPage({ main, session }: PageContext): Promise<void> {
  const { items } = await unwrap(api.GET('/portal/api/destinations'));
  const rows = items.map((d) => {
    const s = d.status;
    return h(
      'tr',
      {},
      h('th', { scope: 'row' }, h('a', { href: `#/destinations/${d.id}` }, d.name)),
      h('td', {}, d.type),
      h('td', {}, `${d.target.host}:${d.target.port} / ${d.target.database} / ${d.target.table}`),
      h('td', {}, stateText(d)),
      ...(s
        ? [
            h('td', { className: 'number' }, s.queueDepth, s.oldestWaitingSec > 0 ? ` (oldest ${s.oldestWaitingSec} s)` : ''),
            h('td', {}, time(s.lastDeliveredAt)),
            h('td', {}, s.lastError ? `${s.lastError.message} (${time(s.lastError.at)})` : '—'),
            h('td', { className: 'number' }, s.delivered24h),
            h('td', { className: 'number' }, s.deadLettered24h),
          ]
        : [h('td', { colSpan: 5 }, `Figures ${UNAVAILABLE}: the event queue does not answer now; delivery goes on when it does`)]),
    );
  });
  replace(
    main,
    h('h1', {}, 'Destinations'),
    session.readOnly ? null : h('p', {}, h('a', { href: '#/destinations/new', className: 'button' }, 'Add destination')),
    items.length === 0
      ? h('p', {}, 'No destinations yet.')
      : h(
          'table',
          {},
          h('caption', {}, 'Where your events are delivered'),
          h(
            'thead',
            {},
            h('tr', {}, ...['Name', 'Type', 'Target (host / database / table)', 'State', 'Queue depth', 'Last delivery', 'Last error', 'Delivered 24 h', 'Dead letters 24 h'].map((c) => h('th', { scope: 'col' }, c))),
          ),
          h('tbody', {}, ...rows),
        ),
  );
}
