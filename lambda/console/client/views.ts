/**
 * The console's views, one function each: what the people who run the phones do here. Each
 * reads the admin API as it is and says in words what happened.
 */
import type { Explanation } from '../../admin/explanation';
import { ApiError, request } from './api';
import { field, h, onSubmit, show } from './dom';
import { sourcePhrase, t, today, when } from './i18n';

/** What `GET /setup` answers. */
export interface Setup {
  webhookUrl: string | null;
  belplanTimeoutMs: number;
  agentCacheSeconds: number;
  profiles: {
    name: string;
    answers: { answer: string; rule: string; kind: 'literal' | 'agent' | 'attribute' }[];
    fallback: string;
    anonymous: string;
  }[];
}

interface Agent {
  agent: string;
  available: boolean;
  availableNow: boolean;
  until?: string;
  /** Who makes the agent away now: by hand, Teams presence or automatic replies (the presence sync). */
  awayVia?: 'manual' | 'presence' | 'replies';
  awayUntil?: string;
  name?: string;
  aliases: string[];
}

/** Where the view tells what it did: read out by screen readers as it changes. */
function status(): HTMLElement {
  return h('p', { class: 'status', role: 'status', 'aria-live': 'polite' });
}

function errorText(error: unknown): string {
  if (error instanceof ApiError) return error.status === 0 ? t('unreachable') : error.message;
  return t('unreachable');
}

function section(title: string, ...children: (Node | undefined)[]): HTMLElement {
  return h('section', {}, h('h2', {}, title), ...children);
}

export async function agentsView(main: HTMLElement, setup: Setup): Promise<void> {
  const said = status();
  const table = h('tbody');
  const saved = () =>
    setup.agentCacheSeconds > 0 ? t('saved', { seconds: setup.agentCacheSeconds }) : t('savedNow');
  const change = async (agent: string, body: Record<string, unknown>) => {
    try {
      await request('PUT', `/agents/${encodeURIComponent(agent)}`, { body });
      said.textContent = saved();
      said.classList.remove('error');
      await load();
    } catch (error) {
      said.textContent = errorText(error);
      said.classList.add('error');
    }
  };
  const row = (agent: Agent) => {
    const date = h('input', {
      type: 'date',
      id: `until-${agent.agent}`,
      min: today(),
      'aria-label': `${t('backOn')} (${agent.agent})`,
    });
    const away = agent.awayUntil ? t('awayUntil', { time: when(agent.awayUntil) }) : t('awayForGood');
    const state = agent.availableNow
      ? t('available')
      : agent.awayVia === 'presence'
        ? t('awayByPresence')
        : agent.awayVia === 'replies'
          ? `${away} ${t('byReplies')}`
          : away;
    return h(
      'tr',
      {},
      h('th', { scope: 'row' }, agent.agent),
      h('td', {}, agent.name ?? ''),
      h('td', { class: agent.availableNow ? 'ok' : 'away' }, state),
      h('td', {}, agent.aliases.join(', ')),
      h(
        'td',
        { class: 'actions' },
        h(
          'button',
          {
            type: 'button',
            onclick: () =>
              change(agent.agent, { available: false, until: `${today()} 23:59:59`, ...named(agent) }),
          },
          t('awayToday'),
        ),
        h(
          'span',
          { class: 'inline' },
          date,
          h(
            'button',
            {
              type: 'button',
              onclick: () =>
                date.value
                  ? change(agent.agent, {
                      available: false,
                      until: `${date.value} 00:00:00`,
                      ...named(agent),
                    })
                  : date.focus(),
            },
            t('awayUntilDate'),
          ),
        ),
        h(
          'button',
          { type: 'button', onclick: () => change(agent.agent, { available: false, ...named(agent) }) },
          t('untilFurtherNotice'),
        ),
        agent.availableNow
          ? undefined
          : h(
              'button',
              {
                type: 'button',
                class: 'primary',
                onclick: () => change(agent.agent, { available: true, ...named(agent) }),
              },
              t('back'),
            ),
      ),
    );
  };
  const load = async () => {
    try {
      const { agents } = await request<{ agents: Agent[] }>('GET', '/agents');
      show(
        table,
        ...(agents.length ? agents.map(row) : [h('tr', {}, h('td', { colspan: 5 }, t('noAgents')))]),
      );
    } catch (error) {
      said.textContent = errorText(error);
    }
  };
  const agentField = field(
    'agent',
    t('agent'),
    { required: true, autocomplete: 'off', inputmode: 'text' },
    t('agentHelp'),
  );
  const nameField = field('agent-name', t('name'), { autocomplete: 'off' });
  const aliasField = field('agent-aliases', t('aliases'), { autocomplete: 'off' }, t('aliasesHelp'));
  const form = h(
    'form',
    {
      onsubmit: (event: Event) => {
        event.preventDefault();
        const aliases = aliasField.input.value
          .split(',')
          .map((alias) => alias.trim())
          .filter(Boolean);
        void change(agentField.input.value.trim(), {
          available: true,
          ...(nameField.input.value.trim() ? { name: nameField.input.value.trim() } : {}),
          aliases,
        });
      },
    },
    agentField.element,
    nameField.element,
    aliasField.element,
    h('button', { type: 'submit', class: 'primary' }, t('save')),
  );
  show(
    main,
    h('h1', { tabindex: -1 }, t('agents')),
    said,
    h(
      'div',
      { class: 'scroll', tabindex: 0, role: 'region', 'aria-label': t('agents') },
      h(
        'table',
        {},
        h(
          'thead',
          {},
          h(
            'tr',
            {},
            ...['agent', 'name', 'status', 'aliases', 'actions'].map((key) =>
              h('th', { scope: 'col' }, t(key as 'agent')),
            ),
          ),
        ),
        table,
      ),
    ),
    section(t('editAgent'), form),
  );
  await load();
}

function named(agent: Agent): Record<string, string> {
  return agent.name ? { name: agent.name } : {};
}

export async function callerView(main: HTMLElement, setup: Setup, number = ''): Promise<void> {
  const said = status();
  const results = h('div');
  const numberField = field(
    'number',
    t('number'),
    { required: true, type: 'tel', autocomplete: 'off', value: number },
    t('numberHelp'),
  );
  const look = async (value: string) => {
    show(results, h('p', {}, t('loading')));
    said.textContent = '';
    try {
      const explanations = await Promise.all(
        setup.profiles.map((profile) =>
          request<Explanation>('GET', `/callers/${encodeURIComponent(value)}/route`, {
            query: { profile: profile.name },
          }),
        ),
      );
      show(results, ...callerDetails(value, explanations, async () => look(value), said));
      location.hash = `#caller/${encodeURIComponent(value)}`;
    } catch (error) {
      show(results);
      said.textContent = errorText(error);
      said.classList.add('error');
    }
  };
  const form = h(
    'form',
    {
      role: 'search',
      onsubmit: onSubmit(() => look(numberField.input.value.trim())),
    },
    numberField.element,
    h('button', { type: 'submit', class: 'primary' }, t('look')),
  );
  show(main, h('h1', { tabindex: -1 }, t('caller')), form, said, results);
  if (number) await look(number);
}

function callerDetails(
  number: string,
  explanations: Explanation[],
  reload: () => Promise<void>,
  said: HTMLElement,
): Node[] {
  const [first] = explanations;
  const facts = first?.facts;
  const put = async (body: Record<string, unknown>) => {
    try {
      await request('PUT', `/callers/${encodeURIComponent(number)}`, { body });
      said.textContent = t('savedNow');
      said.classList.remove('error');
      await reload();
    } catch (error) {
      said.textContent = errorText(error);
      said.classList.add('error');
    }
  };
  const sourceOf = (key: 'openInvoices' | 'ticketAgent') => {
    const sources = first?.sources;
    if (!sources) return '';
    if (key === 'openInvoices') {
      return sources.openInvoices
        .map(
          (entry) =>
            `${entry.count} ${sourcePhrase(entry.source)}${entry.invoices ? ` (${entry.invoices.map((invoice) => `${invoice.id} ${invoice.state ?? ''}`.trim()).join(', ')})` : ''}`,
        )
        .join('; ');
    }
    const ticket = sources.ticketAgent;
    if (!ticket) return '';
    return `${sourcePhrase(ticket.source)}${ticket.ticket ? ` #${ticket.ticket}` : ''}${ticket.agent === null && ticket.why ? `, ${t('noAgentBecause', { why: ticket.why })}` : ''}`;
  };
  const rows: [string, unknown, string][] = facts
    ? [
        [t('openInvoices'), facts.openInvoices, sourceOf('openInvoices')],
        [t('ticketAgent'), facts.ticketAgent, sourceOf('ticketAgent')],
        [
          t('lastAgent'),
          facts.lastAgent ? `${facts.lastAgent} (${when(facts.lastAgentAt as string)})` : undefined,
          facts.lastAgentVia ? sourcePhrase(String(facts.lastAgentVia)) : '',
        ],
        [t('name'), facts.name, ''],
        [t('calls'), facts.calls, ''],
        [t('lastCall'), facts.lastCallAt ? when(facts.lastCallAt as string) : undefined, ''],
      ]
    : [];
  const tags = facts?.tags ?? [];
  const attributes = facts?.attributes ?? {};
  const tagField = field('tag', t('addTag'), { autocomplete: 'off' });
  const attributeName = field('attribute-name', t('attributeName'), { autocomplete: 'off' });
  const attributeValue = field('attribute-value', t('attributeValue'), { autocomplete: 'off' });
  const invoiceField = field('invoices', t('openInvoices'), {
    type: 'number',
    min: 0,
    inputmode: 'numeric',
    value: String(facts?.openInvoices ?? ''),
  });
  const ticketField = field('ticket-agent', t('ticketAgent'), {
    autocomplete: 'off',
    value: String(facts?.ticketAgent ?? ''),
  });
  const dialog = h(
    'dialog',
    { 'aria-labelledby': 'erase-title' },
    h('p', { id: 'erase-title' }, t('eraseConfirm', { number })),
    h(
      'form',
      { method: 'dialog' },
      h('button', { value: 'cancel' }, t('cancel')),
      h('button', { value: 'erase', class: 'danger' }, t('erase')),
    ),
  );
  dialog.addEventListener('close', () => {
    if (dialog.returnValue !== 'erase') return;
    void request('DELETE', `/callers/${encodeURIComponent(number)}`)
      .then(() => {
        said.textContent = t('erased');
        return reload();
      })
      .catch((error: unknown) => {
        said.textContent = errorText(error);
      });
  });
  return [
    first && !first.known ? h('p', {}, t('unknownCaller')) : undefined,
    section(
      t('facts'),
      h(
        'dl',
        {},
        ...rows.flatMap(([label, value, source]) => [
          h('dt', {}, label),
          h(
            'dd',
            {},
            value === undefined || value === null ? t('none') : String(value),
            source ? h('span', { class: 'source' }, ` — ${source}`) : undefined,
          ),
        ]),
      ),
      h('h3', {}, t('tags')),
      h(
        'ul',
        { class: 'chips' },
        ...(tags.length
          ? tags.map((tag) =>
              h(
                'li',
                {},
                tag,
                h(
                  'button',
                  {
                    type: 'button',
                    'aria-label': t('removeTag', { tag }),
                    onclick: () => put({ tags: { remove: [tag] } }),
                  },
                  '×',
                ),
              ),
            )
          : [h('li', {}, t('none'))]),
      ),
      h(
        'form',
        {
          onsubmit: onSubmit(() => put({ tags: { add: [tagField.input.value.trim()] } })),
        },
        tagField.element,
        h('button', { type: 'submit' }, t('addTag')),
      ),
      h('h3', {}, t('attributes')),
      h(
        'ul',
        { class: 'chips' },
        ...(Object.keys(attributes).length
          ? Object.entries(attributes).map(([name, value]) =>
              h(
                'li',
                {},
                `${name} = ${value}`,
                h(
                  'button',
                  {
                    type: 'button',
                    'aria-label': t('removeAttribute', { name }),
                    onclick: () => put({ attributes: { [name]: null } }),
                  },
                  '×',
                ),
              ),
            )
          : [h('li', {}, t('none'))]),
      ),
      h(
        'form',
        {
          onsubmit: onSubmit(() =>
            put({ attributes: { [attributeName.input.value.trim()]: attributeValue.input.value } }),
          ),
        },
        attributeName.element,
        attributeValue.element,
        h('button', { type: 'submit' }, t('setAttribute')),
      ),
      h('h3', {}, t('edit')),
      h(
        'form',
        {
          onsubmit: (event: Event) => {
            event.preventDefault();
            const invoices = invoiceField.input.value.trim();
            const agent = ticketField.input.value.trim();
            void put({
              openInvoices: invoices === '' ? null : Number(invoices),
              ticketAgent: agent === '' ? null : agent,
            });
          },
        },
        invoiceField.element,
        ticketField.element,
        h('button', { type: 'submit', class: 'primary' }, t('save')),
      ),
    ),
    section(
      t('routes'),
      h(
        'div',
        { class: 'scroll', tabindex: 0, role: 'region', 'aria-label': t('routes') },
        h(
          'table',
          {},
          h(
            'thead',
            {},
            h(
              'tr',
              {},
              ...[t('profile'), t('answer'), t('rule'), t('skipped')].map((title) =>
                h('th', { scope: 'col' }, title),
              ),
            ),
          ),
          h(
            'tbody',
            {},
            ...explanations.map((explanation) =>
              h(
                'tr',
                {},
                h('th', { scope: 'row' }, explanation.profile),
                h('td', {}, h('code', {}, explanation.answer)),
                h('td', {}, explanation.rule ?? ''),
                h(
                  'td',
                  {},
                  ...explanation.skipped.map((skip) => h('div', {}, `${skip.rule}: ${skip.because}`)),
                ),
              ),
            ),
          ),
        ),
      ),
    ),
    first?.known
      ? h(
          'p',
          {},
          h('button', { type: 'button', class: 'danger', onclick: () => dialog.showModal() }, t('erase')),
          dialog,
        )
      : undefined,
  ].filter((node): node is HTMLElement => node !== undefined);
}

interface SourceActivity {
  source: string;
  lastAtMs: number;
  lastOutcome: string;
  counts: Record<'accepted' | 'duplicate' | 'ignored' | 'refused' | 'unreadable' | 'failed', number>;
}

export async function activityView(main: HTMLElement): Promise<void> {
  const said = status();
  show(main, h('h1', { tabindex: -1 }, t('connectors')), said, h('p', {}, t('loading')));
  try {
    const { sources } = await request<{ sources: SourceActivity[] }>('GET', '/activity');
    const outcomes = ['accepted', 'duplicate', 'ignored', 'refused', 'unreadable', 'failed'] as const;
    const warnings = sources.flatMap((source) => {
      if (source.counts.refused + source.counts.failed > 0)
        return [h('p', { class: 'warning' }, t('troubled', { source: source.source }))];
      if (Date.now() - source.lastAtMs > 86_400_000)
        return [h('p', { class: 'warning' }, t('stale', { source: source.source }))];
      return [];
    });
    show(
      main,
      h('h1', { tabindex: -1 }, t('connectors')),
      said,
      ...warnings,
      sources.length === 0
        ? h('p', {}, t('noActivity'))
        : h(
            'div',
            { class: 'scroll', tabindex: 0, role: 'region', 'aria-label': t('connectors') },
            h(
              'table',
              {},
              h(
                'thead',
                {},
                h(
                  'tr',
                  {},
                  h('th', { scope: 'col' }, t('source')),
                  h('th', { scope: 'col' }, t('lastEvent')),
                  ...outcomes.map((outcome) => h('th', { scope: 'col' }, `${t(outcome)} (${t('last24h')})`)),
                ),
              ),
              h(
                'tbody',
                {},
                ...sources.map((source) =>
                  h(
                    'tr',
                    {},
                    h('th', { scope: 'row' }, source.source),
                    h('td', {}, `${when(source.lastAtMs)} (${t(source.lastOutcome as 'accepted')})`),
                    ...outcomes.map((outcome) =>
                      h(
                        'td',
                        {
                          class:
                            (outcome === 'refused' || outcome === 'failed') && source.counts[outcome] > 0
                              ? 'away'
                              : '',
                        },
                        String(source.counts[outcome]),
                      ),
                    ),
                  ),
                ),
              ),
            ),
          ),
    );
  } catch (error) {
    said.textContent = errorText(error);
  }
}

export function setupView(main: HTMLElement, setup: Setup): void {
  const said = status();
  const base = setup.webhookUrl ?? `${new URL('/', location.href).href}`;
  const profile = (entry: Setup['profiles'][number]) => {
    const url = `${base}?token=<YOUR TOKEN>&profile=${encodeURIComponent(entry.name)}`;
    const id = `url-${entry.name}`;
    const answers = [
      ...entry.answers.map((answer) =>
        answer.kind === 'literal'
          ? `${answer.answer} (${answer.rule})`
          : `${t(answer.kind === 'agent' ? 'anAgent' : 'anAttribute', { field: answer.answer })} (${answer.rule})`,
      ),
      `${entry.fallback}: ${t('fallback')}`,
      `${entry.anonymous}: ${t('anonymous')}`,
    ];
    return section(
      `${t('profile')} ${entry.name}`,
      h('label', { for: id }, t('webhookUrl')),
      h(
        'div',
        { class: 'copy-row' },
        h('input', { id, readonly: true, value: url, 'aria-describedby': `${id}-hint`, class: 'url' }),
        h(
          'button',
          {
            type: 'button',
            onclick: () =>
              void navigator.clipboard?.writeText(url).then(() => {
                said.textContent = t('copied');
              }),
          },
          t('copy'),
        ),
      ),
      h('p', { class: 'hint', id: `${id}-hint` }, t('webhookHelp')),
      h('h3', {}, t('branches')),
      h(
        'ul',
        {},
        ...[...new Set(answers)].map((answer) => h('li', {}, answer)),
        h('li', {}, t('emptyBranch')),
      ),
    );
  };
  show(
    main,
    h('h1', { tabindex: -1 }, t('setup')),
    said,
    h('p', {}, `${t('timeout')}: `, h('strong', {}, `${setup.belplanTimeoutMs / 1000} s`)),
    ...setup.profiles.map(profile),
  );
}
