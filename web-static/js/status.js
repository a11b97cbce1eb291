// The public status page: a referral code and the patient's IIN, no account. Built for a 360 px
// phone. The QR code on a talon links here with the code filled in.

import { h, clear } from './dom.js';
import { t, useLanguage, savedLanguage, stateName, profileName, formatDate, formatDateTime } from './i18n.js';
import { get, query } from './api.js';
import { field, showError, showFieldError, clearErrors } from './forms.js';
import { languageSwitch } from './layout.js';
import { iinProblem } from './iin.js';

let lastResult = null;

function resultCard(status) {
  const row = (label, value) => (value ? [h('dt', {}, label), h('dd', {}, value)] : null);
  return h('section', { class: 'card result', 'aria-labelledby': 'result-heading', dataset: { state: status.state } },
    h('h2', { id: 'result-heading' }, stateName(status.state)),
    h('p', { class: 'lead' }, t(`public.explain.${status.state}`)),
    h('dl', {},
      row(t('fields.referral_code'), status.code),
      row(t('fields.profile'), profileName(status.profile)),
      row(t('fields.queue_position'), status.queue_position ? String(status.queue_position) : null),
      row(t('fields.planned_date'), status.planned_date ? formatDate(status.planned_date) : null),
      row(t('fields.hospital_id'), status.hospital),
      row(t('public.decision_due'), status.decision_due ? formatDateTime(status.decision_due) : null),
      row(t('public.updated_at'), formatDateTime(status.updated_at))));
}

async function render() {
  const main = clear(document.getElementById('main'));
  clear(document.getElementById('language-slot')).append(languageSwitch(render));
  document.title = `${t('public.title')} — ${t('app.name')}`;
  const presetCode = new URLSearchParams(location.hash.slice(1)).get('code') || '';
  const result = h('div', { 'aria-live': 'polite' });
  const form = h('form', { class: 'card narrow', novalidate: true },
    field({ name: 'code', label: t('fields.referral_code'), required: true, value: presetCode, hint: t('public.code_hint'),
      attrs: { autocomplete: 'off', inputmode: 'numeric', spellcheck: 'false' } }),
    field({ name: 'iin', label: t('fields.iin'), required: true, hint: t('public.iin_hint'),
      attrs: { autocomplete: 'off', inputmode: 'numeric', maxlength: 12 } }),
    h('div', { class: 'form-actions' }, h('button', { type: 'submit', class: 'primary' }, t('public.check'))));
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    clearErrors(form);
    clear(result);
    const code = form.elements.code.value.trim();
    const iin = form.elements.iin.value.trim();
    if (!code) {
      showFieldError(form, 'code', t('errors.required'));
      return;
    }
    const problem = iinProblem(iin);
    if (problem) {
      showFieldError(form, 'iin', t(problem));
      return;
    }
    try {
      lastResult = await get(`/api/v1/public/status${query({ code, iin })}`);
      result.append(resultCard(lastResult));
    } catch (error) {
      showError(form, error.status === 404 ? { ...error, code: 'public_not_found' } : error);
      if (error.status === 404) form.querySelector('.form-error p').textContent = t('public.not_found');
    }
  });
  main.append(h('h1', {}, t('public.title')), h('p', { class: 'lead' }, t('public.intro')), form, result,
    h('p', {}, h('a', { href: '/places.html' }, t('places.link'))));
  if (lastResult) result.append(resultCard(lastResult));
}

await useLanguage(savedLanguage());
await render();
