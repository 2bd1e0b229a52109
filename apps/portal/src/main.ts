import './style.css';
import { api, ApiError, setCsrfToken, unwrap, type Schemas } from './api/client';
import { h, replace } from './dom';
import { deadLettersPage } from './pages/dead-letters';
import { destinationFormPage } from './pages/destination-form';
import { destinationPage } from './pages/destination';
import { destinationsPage } from './pages/destinations';
import { writeKeysPage } from './pages/write-keys';

export interface PageContext {
  session: Schemas['PortalSession'];
  main: HTMLElement;
  /** Query parameters of the page's hash (`#/dead-letters?destination=…`). */
  params: URLSearchParams;
}

type Page = (context: PageContext, ...parts: string[]) => Promise<void>;

/** Hash routes: the server serves one page; the hash picks what it shows. */
const ROUTES: Array<[RegExp, Page]> = [
  [/^\/destinations\/new$/, (c) => destinationFormPage(c)],
  [/^\/destinations\/([0-9a-f-]{36})\/edit$/, (c, id) => destinationFormPage(c, id)],
  [/^\/destinations\/([0-9a-f-]{36})$/, (c, id) => destinationPage(c, id!)],
  [/^\/dead-letters$/, (c) => deadLettersPage(c)],
  [/^\/write-keys$/, (c) => writeKeysPage(c)],
  [/^\/?$|^\/destinations$/, (c) => destinationsPage(c)],
];

function navigation(current: string): HTMLElement {
  const link = (href: string, text: string) =>
    h('a', { href, 'aria-current': current.startsWith(href.slice(1)) || (href === '#/destinations' && current === '/') ? 'page' : null }, text);
  return h('nav', { 'aria-label': 'Portal' }, h('ul', {}, h('li', {}, link('#/destinations', 'Destinations')), h('li', {}, link('#/dead-letters', 'Dead letters')), h('li', {}, link('#/write-keys', 'Write keys'))));
}

function signedOut(message: string): void {
  replace(document.getElementById('app')!, h('main', { id: 'main' }, h('h1', {}, 'Pushrail portal'), h('p', { role: 'alert' }, message)));
}

async function show(session: Schemas['PortalSession']): Promise<void> {
  const [path = '/', query = ''] = window.location.hash.replace(/^#/, '').split('?');
  const main = h('main', { id: 'main', tabIndex: -1 });
  const logout = h('button', { type: 'button', className: 'secondary' }, 'Sign out');
  logout.addEventListener('click', async () => {
    await unwrap(api.POST('/portal/api/session/logout'));
    signedOut('You have signed out. Open a new portal link to come back.');
  });
  replace(
    document.getElementById('app')!,
    h('a', { href: '#main', className: 'skip' }, 'Skip to content'),
    h(
      'header',
      {},
      h('p', { className: 'brand' }, 'Pushrail'),
      h('p', { className: 'tenant' }, session.tenant.name, session.readOnly ? h('span', { className: 'badge' }, 'read-only') : null),
      navigation(path),
      logout,
    ),
    main,
  );
  const route = ROUTES.find(([pattern]) => pattern.test(path));
  try {
    if (!route) {
      replace(main, h('h1', {}, 'Not found'), h('p', {}, h('a', { href: '#/destinations' }, 'Back to destinations')));
      return;
    }
    await route[1]({ session, main, params: new URLSearchParams(query) }, ...(route[0].exec(path)!.slice(1) as string[]));
  } catch (error) {
    if (error instanceof ApiError && error.status === 401) return signedOut('Your portal session has ended. Open a new portal link.');
    replace(main, h('h1', {}, 'Something went wrong'), h('p', { role: 'alert' }, error instanceof Error ? error.message : String(error)));
  }
}

async function start(): Promise<void> {
  let session: Schemas['PortalSession'];
  try {
    session = await unwrap(api.GET('/portal/api/session'));
  } catch {
    return signedOut('No portal session: open the portal through the link you were given (links work once, for 15 minutes).');
  }
  setCsrfToken(session.csrfToken);
  window.addEventListener('hashchange', () => void show(session));
  await show(session);
}

void start();
