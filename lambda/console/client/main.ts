/**
 * The console's start: sign in with the admin token (kept in this tab only), then one view per
 * `#hash`: agents, a caller, the connectors, the set-up. No framework: the views build the page
 * from the admin API's answers with the DOM's own calls, text always as text.
 */
import { ApiError, lastCompany, request, session, signIn, signOut } from './api';
import { field, h, show } from './dom';
import { LANGUAGE, t } from './i18n';
import { activityView, agentsView, callerView, type Setup, setupView } from './views';

const VIEWS = ['agents', 'caller', 'connectors', 'setup'] as const;
type View = (typeof VIEWS)[number];

const root = document.getElementById('app') as HTMLElement;
let setup: Setup | undefined;

document.documentElement.lang = LANGUAGE;
document.title = t('title');

function signInView(message?: string): void {
  const token = field(
    'token',
    t('token'),
    { type: 'password', required: true, autocomplete: 'off' },
    t('tokenHelp'),
  );
  const company = field('company', t('company'), {
    required: true,
    autocomplete: 'organization',
    value: lastCompany(),
  });
  const said = h('p', { class: message ? 'status error' : 'status', role: 'alert' }, message ?? '');
  const form = h(
    'form',
    {
      onsubmit: (event: Event) => {
        event.preventDefault();
        const candidate = { token: token.input.value.trim(), company: company.input.value.trim() };
        void request<Setup>('GET', '/setup', { session: candidate })
          .then((answer) => {
            signIn(candidate);
            setup = answer;
            location.hash = '#agents';
            return route();
          })
          .catch((error: unknown) => {
            said.textContent = refusal(error, candidate.company);
            said.className = 'status error';
          });
      },
    },
    token.element,
    company.element,
    h('button', { type: 'submit', class: 'primary' }, t('signIn')),
  );
  show(root, h('main', { id: 'main' }, h('h1', {}, t('title')), said, form));
  token.input.focus();
}

function refusal(error: unknown, company: string): string {
  if (!(error instanceof ApiError)) return t('unreachable');
  if (error.status === 401) return t('wrongToken');
  if (error.status === 403) return t('otherCompany', { company });
  return error.status === 0 ? t('unreachable') : error.message;
}

function layout(current: View): HTMLElement {
  const main = h('main', { id: 'main' });
  show(
    root,
    h('a', { href: '#main', class: 'skip' }, t('skip')),
    h(
      'header',
      {},
      h('p', { class: 'brand' }, t('title')),
      h(
        'nav',
        { 'aria-label': t('title') },
        h(
          'ul',
          {},
          ...VIEWS.map((view) =>
            h(
              'li',
              {},
              h('a', { href: `#${view}`, ...(view === current ? { 'aria-current': 'page' } : {}) }, t(view)),
            ),
          ),
        ),
      ),
      h(
        'button',
        {
          type: 'button',
          class: 'sign-out',
          onclick: () => {
            signOut();
            signInView();
          },
        },
        t('signOut'),
      ),
    ),
    main,
  );
  return main;
}

async function route(): Promise<void> {
  if (!session()) return signInView();
  try {
    setup ??= await request<Setup>('GET', '/setup');
  } catch (error) {
    if (error instanceof ApiError && (error.status === 401 || error.status === 403)) {
      signOut();
      return signInView(refusal(error, session()?.company ?? ''));
    }
    return signInView(t('unreachable'));
  }
  const [name = 'agents', argument = ''] = location.hash.replace(/^#/, '').split('/');
  const view: View = (VIEWS as readonly string[]).includes(name) ? (name as View) : 'agents';
  const main = layout(view);
  if (view === 'agents') await agentsView(main, setup);
  else if (view === 'caller') await callerView(main, setup, decodeURIComponent(argument));
  else if (view === 'connectors') await activityView(main);
  else setupView(main, setup);
  main.querySelector('h1')?.focus();
}

window.addEventListener('hashchange', () => {
  // The caller view writes its number into the hash itself; that is no new view.
  if (!location.hash.startsWith('#caller/') || !document.querySelector('#number')) void route();
});
void route();
