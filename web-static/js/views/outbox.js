// The outbox of messages to patients, as an administrator sees it: what was sent, what waits,
// what was given up on — each recipient masked and no text shown — and a message given up on
// sent again after a question.

import { h, clear, announce } from '../dom.js';
import { t, formatDateTime } from '../i18n.js';
import { api, get, query } from '../api.js';
import { field, explain, confirmAction } from '../forms.js';

const STATES = ['pending', 'sent', 'failed', 'dead'];

export async function outboxView(main, current) {
  clear(main);
  const state = STATES.includes(current.query.get('state')) ? current.query.get('state') : '';
  main.append(h('h1', {}, t('outbox.title')));
  main.append(h('p', { class: 'hint' }, t('outbox.about')));
  const form = h('form', { class: 'filters', novalidate: true },
    field({ name: 'state', label: t('outbox.state'), value: state,
      options: [{ value: '', label: t('outbox.every_state') }, ...STATES.map((s) => ({ value: s, label: t(`outbox.states.${s}`) }))] }),
    h('div', { class: 'form-actions' }, h('button', { type: 'submit', class: 'primary' }, t('outbox.show'))));
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    location.hash = `#/admin/outbox${query({ state: form.elements.state.value })}`;
  });
  main.append(form);

  let page;
  try {
    page = await get(`/api/v1/outbox${query({ state, limit: 200 })}`);
  } catch (error) {
    main.append(h('p', { class: 'form-error', role: 'alert' }, explain(error)));
    return;
  }
  if (!page.items.length) {
    main.append(h('p', { class: 'empty' }, t('outbox.none')));
    return;
  }
  const status = h('div', { 'aria-live': 'polite' });
  const columns = ['outbox.created', 'outbox.channel', 'outbox.to', 'outbox.kind', 'outbox.state', 'outbox.attempts', 'outbox.last_error', 'outbox.action'];
  const row = (m) => h('tr', { dataset: { id: m.id, state: m.state } },
    h('td', {}, h('time', { datetime: m.created_at }, formatDateTime(m.created_at))),
    h('td', {}, t(`outbox.channels.${m.channel}`)),
    h('td', { class: 'nowrap' }, m.to),
    h('td', {}, t(`outbox.kinds.${m.kind}`)),
    h('td', {}, h('span', { class: `badge outbox-${m.state}` }, t(`outbox.states.${m.state}`)),
      m.next_attempt_at ? [h('br'), h('span', { class: 'muted' }, t('outbox.next', { at: formatDateTime(m.next_attempt_at) }))] : null),
    h('td', { class: 'number' }, String(m.attempts)),
    h('td', { class: 'prewrap' }, m.last_error || '—'),
    h('td', {}, m.state === 'dead'
      ? h('button', { type: 'button', class: 'secondary', dataset: { retry: m.id },
        'aria-label': t('outbox.retry_label', { to: m.to }) }, t('outbox.retry'))
      : null));
  const body = h('tbody', {}, page.items.map(row));
  body.addEventListener('click', async (event) => {
    const button = event.target.closest('button[data-retry]');
    if (!button) return;
    const id = button.dataset.retry;
    if (!(await confirmAction(t('outbox.retry'), t('outbox.retry_question'), t('outbox.retry'), { danger: false }))) return;
    try {
      const { data } = await api('POST', `/api/v1/outbox/${id}/retry`, { body: {} });
      const fresh = row(data);
      button.closest('tr').replaceWith(fresh);
      fresh.querySelector('td').setAttribute('tabindex', '-1');
      fresh.querySelector('td').focus();
      clear(status).append(h('p', { role: 'status' }, t('outbox.retried')));
      announce(t('outbox.retried'));
    } catch (error) {
      clear(status).append(h('p', { class: 'form-error', role: 'alert' }, explain(error)));
    }
  });
  main.append(status, h('div', { class: 'table-scroll', tabindex: 0, role: 'region', 'aria-labelledby': 'outbox-caption' },
    h('table', { class: 'worklist', id: 'outbox' },
      h('caption', { id: 'outbox-caption' }, t('outbox.caption', { n: page.items.length })),
      h('thead', {}, h('tr', {}, columns.map((k) => h('th', { scope: 'col' }, t(k))))),
      body)));
}
