import { api, unwrap, type PortalDestination } from '../api/client';
import { copyButton, h, liveRegion, replace, time, uid } from '../dom';
import type { PageContext } from '../main';
import { stateText, UNAVAILABLE } from './destinations';

/** How often a sent test event is looked up, in milliseconds, and for how long at most. */
const WATCH_EVERY_MS = 500;
const WATCH_FOR_MS = 120_000;
/** How long the status is re-read after a test event's fate is known, until the worker's counters show it (ms). */
const STATUS_SETTLE_MS = 5_000;

type TestEventFate = 'delivered' | 'dead_lettered';

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function statusList(d: PortalDestination): HTMLElement {
  const s = d.status;
  const row = (term: string, value: string | number) => [h('dt', {}, term), h('dd', {}, String(value))];
  return h(
    'dl',
    { className: 'status-list' },
    ...row('State', stateText(d)),
    ...row('Target', `${d.target.host}:${d.target.port} / ${d.target.database} / ${d.target.table}`),
    ...(s
      ? [
          ...row('Queue depth', `${s.queueDepth}${s.oldestWaitingSec > 0 ? ` (oldest waiting ${s.oldestWaitingSec} s)` : ''}`),
          ...row('Last delivery', time(s.lastDeliveredAt)),
          ...row('Last error', s.lastError ? `${s.lastError.kind}: ${s.lastError.message} (${time(s.lastError.at)})` : '—'),
          ...row('Delivered, last 24 h', s.delivered24h),
          ...row('Dead-lettered, last 24 h', s.deadLettered24h),
        ]
      : row('Delivery figures', `${UNAVAILABLE}: the event queue does not answer now; delivery goes on when it does`)),
  );
}

/** The set-up guide: the DDL and grants for the table (of one event type in per_event_type mode), with a copy button. */
function setupGuide(d: PortalDestination): HTMLElement {
  const perType = d.config.tableMode === 'per_event_type';
  const sql = h('pre', { className: 'sql', tabIndex: 0, 'aria-label': 'Set-up SQL' });
  const section = h('section', { 'aria-labelledby': 'guide-heading' }, h('h2', { id: 'guide-heading' }, 'Set-up guide'));
  const load = async (eventType?: string) => {
    const guide = await unwrap(api.GET('/portal/api/destinations/{id}/setup-guide', { params: { path: { id: d.id }, query: eventType ? { eventType } : {} } }));
    sql.textContent = guide.sql;
    caption.textContent = `Run this on your database as an administrator, for table ${guide.table}. It is safe to run twice.`;
  };
  const caption = h('p');
  if (perType) {
    const inputId = uid('field');
    const exact = (d.config.eventTypes ?? []).find((t) => !t.endsWith('*')) ?? '';
    const input = h('input', { id: inputId, type: 'text', value: exact, 'aria-describedby': `${inputId}-hint` });
    const form = h('form', { className: 'inline' }, h('label', { htmlFor: inputId }, 'Event type'), input, h('button', { type: 'submit', className: 'secondary' }, 'Show its table'), h('p', { className: 'hint', id: `${inputId}-hint` }, 'Each event type has its own table in per-event-type mode.'));
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      void load(input.value.trim() || undefined);
    });
    section.append(form);
    void load(exact || undefined);
  } else {
    void load();
  }
  section.append(caption, sql, copyButton('Copy SQL', () => sql.textContent ?? ''));
  return section;
}

/** Send a test event and watch it arrive: delivered, or its dead letter with the error. */
function testEvent(d: PortalDestination, readOnly: boolean, settled: (fate: TestEventFate) => Promise<void>): HTMLElement {
  const inputId = uid('field');
  const firstExact = (d.config.eventTypes ?? []).find((t) => !t.endsWith('*'));
  const input = h('input', { id: inputId, type: 'text', value: firstExact ?? 'pushrail.test' });
  const status = liveRegion('status test-event-status');
  const button = h('button', { type: 'submit', disabled: readOnly }, 'Send test event');
  const form = h('form', { className: 'inline' }, h('label', { htmlFor: inputId }, 'Test event type'), input, button, status);
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    button.disabled = true;
    status.className = 'status test-event-status';
    status.textContent = 'Sending…';
    try {
      const sent = await unwrap(api.POST('/portal/api/destinations/{id}/test-events', { params: { path: { id: d.id } }, body: { eventType: input.value.trim() || 'pushrail.test' } }));
      const started = Date.now();
      for (;;) {
        const fate = await unwrap(api.GET('/portal/api/destinations/{id}/test-events/{eventId}', { params: { path: { id: d.id, eventId: sent.eventId }, query: { jobId: sent.jobId } } }));
        if (fate.state === 'delivered') {
          status.className = 'status test-event-status ok';
          status.textContent = `Delivered: event ${sent.eventId} is in your table.`;
          await settled('delivered');
          break;
        }
        if (fate.state === 'dead_lettered') {
          status.className = 'status test-event-status failed';
          status.replaceChildren(`Dead-lettered: ${fate.error?.message ?? 'unknown error'}. `, h('a', { href: `#/dead-letters?destination=${d.id}` }, 'See dead letters'));
          await settled('dead_lettered');
          break;
        }
        status.textContent = `Waiting for delivery… (${fate.attempts} attempt${fate.attempts === 1 ? '' : 's'}${fate.error ? `, last error: ${fate.error.message}` : ''})`;
        if (Date.now() - started > WATCH_FOR_MS) {
          status.textContent += ' Still waiting: the destination may be paused.';
          break;
        }
        await pause(WATCH_EVERY_MS);
      }
    } catch (error) {
      status.textContent = error instanceof Error ? error.message : String(error);
    } finally {
      button.disabled = readOnly;
    }
  });
  return h('section', { 'aria-labelledby': 'test-heading' }, h('h2', { id: 'test-heading' }, 'Send a test event'), h('p', {}, 'The event goes to this destination only; its row is delivered or it becomes a dead letter with the error.'), form);
}

export async function destinationPage(context: PageContext, id: string): Promise<void> {
  const { main, session } = context;
  const d = await unwrap(api.GET('/portal/api/destinations/{id}', { params: { path: { id } } }));
  const pauseStatus = liveRegion();
  const paused = d.paused;
  const toggle = h('button', { type: 'button', className: 'secondary', disabled: session.readOnly }, paused ? 'Resume' : 'Pause');
  toggle.addEventListener('click', async () => {
    toggle.disabled = true;
    const path = { params: { path: { id } } };
    await unwrap(paused ? api.POST('/portal/api/destinations/{id}/resume', path) : api.POST('/portal/api/destinations/{id}/pause', path));
    await destinationPage(context, id);
    main.querySelector<HTMLElement>('.status')!.textContent = paused ? 'Resumed' : 'Paused';
  });
  const statusSection = h('section', { 'aria-labelledby': 'status-heading' }, h('h2', { id: 'status-heading' }, 'Status'), statusList(d));
  let shown = d.status;
  /** Re-reads the status after a test event until its count moves (the worker counts just after it commits), for a bounded time. */
  const refreshStatus = async (fate: TestEventFate) => {
    const before = shown;
    const started = Date.now();
    for (;;) {
      const fresh = await unwrap(api.GET('/portal/api/destinations/{id}', { params: { path: { id } } }));
      shown = fresh.status;
      statusSection.replaceChildren(h('h2', { id: 'status-heading' }, 'Status'), statusList(fresh));
      const count = (status: typeof shown) => (fate === 'delivered' ? status?.delivered24h : status?.deadLettered24h) ?? 0;
      const moved = count(shown) > count(before);
      if (moved || Date.now() - started > STATUS_SETTLE_MS) return;
      await pause(WATCH_EVERY_MS);
    }
  };
  replace(
    main,
    h('p', { className: 'breadcrumb' }, h('a', { href: '#/destinations' }, 'Destinations')),
    h('h1', {}, d.name),
    h(
      'div',
      { className: 'actions' },
      session.readOnly ? null : h('a', { href: `#/destinations/${id}/edit`, className: 'button' }, 'Edit'),
      toggle,
      h('a', { href: `#/dead-letters?destination=${id}`, className: 'button secondary' }, 'Dead letters'),
    ),
    pauseStatus,
    statusSection,
    testEvent(d, session.readOnly, refreshStatus),
    setupGuide(d),
  );
}
