import { api, unwrap, type PortalDestination } from '../api/client';
import { h, replace, time } from '../dom';
import type { PageContext } from '../main';

/** A status as words: paused with its reason, backing off, or active. */
export function stateText(d: PortalDestination): string {
  const s = d.status;
  if (s.state === 'paused') return `Paused (${s.pausedReason === 'failures' ? 'by Pushrail after failures' : 'by hand'})${s.pausedMessage ? `: ${s.pausedMessage}` : ''}`;
  return s.state === 'backing_off' ? 'Retrying after errors' : 'Active';
}

export async function destinationsPage({ main, session }: PageContext): Promise<void> {
  const { items } = await unwrap(api.GET('/portal/api/destinations'));
  const rows = items.map((d) =>
    h(
      'tr',
      {},
      h('th', { scope: 'row' }, h('a', { href: `#/destinations/${d.id}` }, d.name)),
      h('td', {}, d.type),
      h('td', {}, `${d.target.host}:${d.target.port} / ${d.target.database} / ${d.target.table}`),
      h('td', {}, stateText(d)),
      h('td', { className: 'number' }, d.status.queueDepth, d.status.oldestWaitingSec > 0 ? ` (oldest ${d.status.oldestWaitingSec} s)` : ''),
      h('td', {}, time(d.status.lastDeliveredAt)),
      h('td', {}, d.status.lastError ? `${d.status.lastError.message} (${time(d.status.lastError.at)})` : '—'),
      h('td', { className: 'number' }, d.status.delivered24h),
      h('td', { className: 'number' }, d.status.deadLettered24h),
    ),
  );
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
