import { api, unwrap, type Schemas } from '../api/client';
import { h, liveRegion, replace, time, uid } from '../dom';
import type { PageContext } from '../main';

/** Dead letters redriven per request of "redrive all matching": the progress bar moves once per page. */
const REDRIVE_PAGE = 100;

const ERROR_KINDS = ['permanent', 'transient', 'bad_row'] as const;

function labelled(label: string, control: HTMLElement): HTMLElement {
  const id = control.id || uid('field');
  control.id = id;
  return h('div', { className: 'field' }, h('label', { htmlFor: id }, label), control);
}

/** `datetime-local` (the person's time zone) → an instant with its zone, as the API wants it. */
function instant(value: string): string | undefined {
  return value ? new Date(value).toISOString() : undefined;
}

export async function deadLettersPage(context: PageContext): Promise<void> {
  const { main, params, session } = context;
  const { items: destinations } = await unwrap(api.GET('/portal/api/destinations'));
  if (destinations.length === 0) {
    replace(main, h('h1', {}, 'Dead letters'), h('p', {}, 'No destinations yet.'));
    return;
  }
  const destination = h(
    'select',
    {},
    h('option', { value: '' }, 'All destinations'),
    ...destinations.map((d) => h('option', { value: d.id, selected: d.id === params.get('destination') }, d.name)),
  );
  const nameOf = new Map(destinations.map((d) => [d.id, d.name]));
  const kind = h('select', {}, h('option', { value: '' }, 'Any'), ...ERROR_KINDS.map((k) => h('option', { value: k, selected: k === params.get('errorKind') }, k)));
  const since = h('input', { type: 'datetime-local', value: params.get('since') ?? '' });
  const until = h('input', { type: 'datetime-local', value: params.get('until') ?? '' });
  const status = h('select', {}, ...['pending', 'redriven', 'all'].map((s) => h('option', { value: s, selected: s === (params.get('status') ?? 'pending') }, s)));
  const filterForm = h(
    'form',
    { className: 'filters', 'aria-label': 'Filter dead letters' },
    labelled('Destination', destination),
    labelled('Error kind', kind),
    labelled('Dead-lettered from', since),
    labelled('Dead-lettered before', until),
    labelled('Status', status),
    h('button', { type: 'submit', className: 'secondary' }, 'Apply filter'),
  );
  const filter = () => ({
    ...(destination.value ? { destinationId: destination.value } : {}),
    ...(kind.value ? { errorKind: kind.value as (typeof ERROR_KINDS)[number] } : {}),
    ...(instant(since.value) ? { since: instant(since.value)! } : {}),
    ...(instant(until.value) ? { until: instant(until.value)! } : {}),
  });
  filterForm.addEventListener('submit', (event) => {
    event.preventDefault();
    const q = new URLSearchParams({ status: status.value });
    if (destination.value) q.set('destination', destination.value);
    if (kind.value) q.set('errorKind', kind.value);
    if (since.value) q.set('since', since.value);
    if (until.value) q.set('until', until.value);
    window.location.hash = `#/dead-letters?${q}`;
  });

  const list = await unwrap(api.GET('/portal/api/dead-letters', { params: { query: { ...filter(), status: status.value as 'pending', limit: '100' } } }));
  const detail = h('section', { 'aria-live': 'polite', className: 'dead-letter-detail' });
  const progressText = liveRegion();
  const progress = h('progress', { max: 1, value: 0, hidden: true, 'aria-label': 'Redrive progress' });
  const boxes: Array<[HTMLInputElement, Schemas['DeadLetterSummary']]> = [];

  const open = async (id: string) => {
    const dl = await unwrap(api.GET('/portal/api/dead-letters/{id}', { params: { path: { id } } }));
    const event = 'event' in dl ? JSON.stringify(dl.event, null, 2) : dl.eventJson;
    replace(
      detail,
      h('h2', { tabIndex: -1 }, `Dead letter ${dl.id}`),
      h('p', {}, h('strong', {}, 'Error: '), `${dl.errorKind}${dl.errorCode ? ` (${dl.errorCode})` : ''}: ${dl.errorMessage}`),
      h('p', {}, `Attempts: ${dl.attempts}; dead-lettered ${time(dl.deadLetteredAt)}${dl.redrivenAt ? `; redriven ${time(dl.redrivenAt)}` : ''}`),
      h('h3', {}, 'Event'),
      h('pre', { tabIndex: 0, 'aria-label': 'The event' }, event),
    );
    detail.querySelector('h2')!.focus();
  };

  const rows = list.items.map((dl) => {
    const box = h('input', { type: 'checkbox', id: uid('select'), disabled: dl.redrivenAt !== null || session.readOnly });
    boxes.push([box, dl]);
    const openButton = h('button', { type: 'button', className: 'link' }, `Open ${dl.id}`);
    openButton.addEventListener('click', () => void open(dl.id));
    return h(
      'tr',
      {},
      h('td', {}, box, h('label', { htmlFor: box.id, className: 'visually-hidden' }, `Select dead letter ${dl.id}`)),
      h('td', {}, openButton),
      h('td', {}, nameOf.get(dl.destinationId) ?? dl.destinationId),
      h('td', {}, dl.errorKind),
      h('td', {}, dl.errorMessage),
      h('td', {}, time(dl.deadLetteredAt)),
      h('td', {}, dl.redrivenAt ? `redriven ${time(dl.redrivenAt)}` : 'pending'),
    );
  });

  const reload = () => deadLettersPage(context);
  const redriveSelected = h('button', { type: 'button', disabled: session.readOnly }, 'Redrive selected');
  redriveSelected.addEventListener('click', async () => {
    const ids = boxes.filter(([b]) => b.checked).map(([, dl]) => dl.id);
    if (ids.length === 0) {
      progressText.textContent = 'Select dead letters first.';
      return;
    }
    const outcome = await unwrap(api.POST('/portal/api/dead-letters/redrive', { body: { ids } }));
    await reload();
    main.querySelector('.status')!.textContent = `Redriven ${outcome.redriven} of ${ids.length} selected.`;
  });

  const redriveAll = h('button', { type: 'button', className: 'secondary', disabled: session.readOnly }, 'Redrive all matching');
  redriveAll.addEventListener('click', async () => {
    redriveAll.disabled = true;
    const scope = await unwrap(api.GET('/portal/api/dead-letter-scope', { params: { query: filter() } }));
    if (scope.count === 0 || scope.maxId === null) {
      progressText.textContent = 'Nothing pending matches the filter.';
      redriveAll.disabled = false;
      return;
    }
    progress.hidden = false;
    progress.max = scope.count;
    let done = 0;
    let redriven = 0;
    let cursor: string | undefined;
    // Page through what was pending when it started (ids up to maxId), redriving each page by ids.
    for (;;) {
      const page = await unwrap(
        api.GET('/portal/api/dead-letters', { params: { query: { ...filter(), status: 'pending', limit: String(REDRIVE_PAGE), ...(cursor ? { cursor } : {}) } } }),
      );
      const ids = page.items.map((d) => d.id).filter((id) => BigInt(id) <= BigInt(scope.maxId!));
      if (ids.length > 0) {
        const outcome = await unwrap(api.POST('/portal/api/dead-letters/redrive', { body: { ids } }));
        redriven += outcome.redriven;
      }
      done += ids.length;
      progress.value = done;
      progressText.textContent = `Redriving: ${done} of ${scope.count}…`;
      if (!page.nextCursor || ids.length < page.items.length) break;
      cursor = page.nextCursor;
    }
    await reload();
    main.querySelector('.status')!.textContent = `Redriven ${redriven} of ${scope.count} matching.`;
  });

  replace(
    main,
    h('h1', {}, 'Dead letters'),
    filterForm,
    h('div', { className: 'actions' }, redriveSelected, redriveAll),
    progress,
    progressText,
    list.items.length === 0
      ? h('p', {}, 'No dead letters match.')
      : h(
          'table',
          {},
          h('caption', {}, `Dead letters of ${destination.value ? nameOf.get(destination.value) : 'all destinations'}${list.nextCursor ? ' (first 100)' : ''}`),
          h('thead', {}, h('tr', {}, ...['Select', 'Dead letter', 'Destination', 'Error kind', 'Error', 'Dead-lettered', 'Status'].map((c) => h('th', { scope: 'col' }, c)))),
          h('tbody', {}, ...rows),
        ),
    detail,
  );
}
