import { api, unwrap } from '../api/client';
import { copyButton, h, liveRegion, replace, time, uid } from '../dom';
import type { PageContext } from '../main';

export async function writeKeysPage(context: PageContext): Promise<void> {
  const { main, session } = context;
  const { items } = await unwrap(api.GET('/portal/api/write-keys'));
  const created = h('div', { className: 'created-key', 'aria-live': 'polite' });
  const status = liveRegion();

  const create = h('button', { type: 'button', disabled: session.readOnly }, 'Create write key');
  create.addEventListener('click', async () => {
    const key = await unwrap(api.POST('/portal/api/write-keys'));
    await writeKeysPage(context);
    const id = uid('field');
    const field = h('input', { id, type: 'text', readOnly: true, value: key.key, className: 'key' });
    replace(
      main.querySelector('.created-key')!,
      h('h2', {}, 'Your new write key'),
      h('p', { className: 'warning' }, 'This is the only time the key is shown: copy it now. Pushrail keeps only a hash of it.'),
      h('label', { htmlFor: id }, 'Write key'),
      field,
      copyButton('Copy key', () => key.key),
    );
    field.focus();
    field.select();
  });

  const rows = items.map((k) => {
    const revoke = h('button', { type: 'button', className: 'secondary', disabled: k.revokedAt !== null || session.readOnly }, `Revoke ${k.prefix}…`);
    const cell = h('td', {}, revoke);
    revoke.addEventListener('click', () => {
      const confirm = h('button', { type: 'button', className: 'danger' }, `Confirm revoking ${k.prefix}…`);
      const cancel = h('button', { type: 'button', className: 'secondary' }, 'Cancel');
      replace(cell, confirm, cancel);
      confirm.focus();
      cancel.addEventListener('click', () => {
        replace(cell, revoke);
        revoke.focus();
      });
      confirm.addEventListener('click', async () => {
        await unwrap(api.DELETE('/portal/api/write-keys/{id}', { params: { path: { id: k.id } } }));
        await writeKeysPage(context);
        main.querySelector('.status')!.textContent = `Revoked ${k.prefix}…: it stops working at once.`;
      });
    });
    return h('tr', {}, h('th', { scope: 'row' }, h('code', {}, `${k.prefix}…`)), h('td', {}, time(k.createdAt)), h('td', {}, k.revokedAt ? `revoked ${time(k.revokedAt)}` : 'active'), cell);
  });

  replace(
    main,
    h('h1', {}, 'Write keys'),
    h('p', {}, 'Your services send events with a write key: ', h('code', {}, 'Authorization: Bearer <write key>'), '.'),
    h('div', { className: 'actions' }, create),
    created,
    status,
    h(
      'table',
      {},
      h('caption', {}, 'Keys by prefix, newest first'),
      h('thead', {}, h('tr', {}, ...['Key', 'Created', 'Status', 'Action'].map((c) => h('th', { scope: 'col' }, c)))),
      h('tbody', {}, ...rows),
    ),
  );
}
