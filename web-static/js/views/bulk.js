// Bulk work on a worklist: a commission approves several referrals under one protocol, a
// hospital accepts several talons with one date or prints them together. Each referral is
// still its own action (its own audited command with its own version check): one that is
// refused leaves the others done, and every line says what became of it.

import { h, clear, announce } from '../dom.js';
import { t, actionName, todayInKazakhstan } from '../i18n.js';
import { api } from '../api.js';
import { session } from '../state.js';
import { field, dialog, showFieldError, clearErrors, values, explain } from '../forms.js';

// What each role may do to several referrals at once, and in which state a row can be chosen.
const BULK = {
  commission: [{ action: 'approve', state: 'commission_review', fields: [{ name: 'protocol', required: true }, { name: 'comment', type: 'textarea' }] }],
  hospital: [{ action: 'accept', state: 'talon_issued', fields: [{ name: 'planned_date', type: 'date', required: true }] },
    { print: true }],
};

export function bulkActions(role) {
  return BULK[role] || null;
}

// Whether a row can be chosen for any of the role's bulk actions.
export function selectable(referral) {
  return (BULK[session.user.role] || []).some((b) => (b.print ? Boolean(referral.talon) : referral.state === b.state));
}

export function selectCell(referral) {
  if (!selectable(referral)) return h('td', { class: 'select' });
  return h('td', { class: 'select', 'data-label': t('bulk.select') },
    h('input', { type: 'checkbox', class: 'bulk-pick', value: String(referral.id), dataset: { state: referral.state, talon: referral.talon ? '1' : '', code: referral.code },
      'aria-label': t('bulk.select_one', { code: referral.code }) }));
}

// The bar above a list: how many are chosen and what can be done to them.
export function bulkBar(container, reload) {
  const actions = bulkActions(session.user.role);
  if (!actions) return null;
  const picked = () => [...container.querySelectorAll('input.bulk-pick:checked')];
  const count = h('span', { class: 'bulk-count', 'aria-live': 'polite' }, t('bulk.selected', { n: 0 }));
  const results = h('div', { class: 'bulk-results', 'aria-live': 'polite' });
  const buttons = actions.map((b) => h('button', { type: 'button', class: 'secondary', disabled: true, dataset: { bulk: b.print ? 'print' : b.action },
    onclick: () => (b.print ? printTalons(picked()) : run(b, picked().filter((i) => i.dataset.state === b.state), results, reload)) },
  b.print ? t('bulk.print') : t('bulk.action', { action: actionName(b.action) })));
  container.addEventListener('change', (event) => {
    if (!event.target.classList.contains('bulk-pick')) return;
    const chosen = picked();
    count.textContent = t('bulk.selected', { n: chosen.length });
    actions.forEach((b, i) => {
      buttons[i].disabled = !chosen.some((c) => (b.print ? c.dataset.talon : c.dataset.state === b.state));
    });
  });
  return h('div', { class: 'bulk' }, h('div', { class: 'bulk-bar' }, count, buttons), results);
}

function printTalons(chosen) {
  const ids = chosen.filter((c) => c.dataset.talon).map((c) => c.value);
  if (ids.length) location.hash = `#/talons?ids=${ids.join(',')}`;
}

// Asks once for what the action needs, then acts on each referral in turn.
async function run(bulk, chosen, results, reload) {
  if (!chosen.length) return;
  const body = await dialog(t('bulk.dialog_title', { action: actionName(bulk.action), n: chosen.length }), (close) => {
    const form = h('form', { novalidate: true, id: 'bulk-form' },
      bulk.fields.map((f) => field({ name: f.name, label: t(`fields.${f.name}`), type: f.type || 'text', required: f.required,
        attrs: f.type === 'date' ? { min: todayInKazakhstan() } : {} })),
      h('p', {}, t('bulk.each', { n: chosen.length })),
      h('div', { class: 'form-actions' },
        h('button', { type: 'submit', class: 'primary' }, t('bulk.action', { action: actionName(bulk.action) })),
        h('button', { type: 'button', class: 'secondary', onclick: () => close(null) }, t('common.cancel'))));
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      clearErrors(form);
      for (const f of bulk.fields) {
        if (f.required && !form.elements[f.name].value.trim()) {
          showFieldError(form, f.name, t('errors.required'));
          return;
        }
      }
      close(values(form));
    });
    return form;
  });
  if (!body) return;
  const list = h('ol', { class: 'bulk-results-list' });
  clear(results).append(h('h2', {}, t('bulk.results_title', { action: actionName(bulk.action) })), list);
  let done = 0;
  for (const input of chosen) {
    const line = h('li', { dataset: { id: input.value } }, `${input.dataset.code}: …`);
    list.append(line);
    try {
      const { data, version } = await api('GET', `/api/v1/referrals/${input.value}`);
      if (!data.allowed_actions.includes(bulk.action)) throw Object.assign(new Error('not allowed'), { code: 'invalid_transition' });
      await api('POST', `/api/v1/referrals/${input.value}/actions/${bulk.action}`, { body, ifMatch: version });
      line.textContent = `${data.code}: ${t('bulk.line_done')}`;
      line.className = 'done';
      done += 1;
    } catch (error) {
      line.textContent = `${input.dataset.code}: ${explain(error)}`;
      line.className = 'refused';
    }
  }
  const summary = t('bulk.summary', { done, n: chosen.length });
  results.append(h('p', { role: 'status' }, summary));
  if (done && body.protocol) {
    results.append(h('p', {}, h('a', { href: `#/protocols?number=${encodeURIComponent(body.protocol.trim())}`, id: 'bulk-protocol' },
      t('print.print_protocol', { number: body.protocol.trim() }))));
  }
  announce(summary);
  await reload(results);
}
