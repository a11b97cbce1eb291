// Quota planning: the region × profile table of a year, editable allocations, and the
// distribution of a national total by population with a preview.

import { h, clear, announce } from '../dom.js';
import { t, profileName, formatNumber, currentLanguage, todayInKazakhstan } from '../i18n.js';
import { api, get, query } from '../api.js';
import { session, loadProfiles, loadRegions, regionName } from '../state.js';
import { field, showError, clearErrors, explain } from '../forms.js';

function cellName(region, profile) {
  return `q-${region}-${profile}`;
}

async function matrix(period, regions, profiles, editable) {
  const rows = await get(`/api/v1/quotas${query({ period })}`);
  const byKey = new Map(rows.map((q) => [`${q.region}/${q.profile}`, q]));
  const language = currentLanguage();
  const table = h('table', { class: 'quota-matrix' },
    h('caption', {}, t('quota.matrix_caption', { year: period })),
    h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, t('fields.region')),
      profiles.map((p) => h('th', { scope: 'col' }, profileName(p.code))))),
    h('tbody', {}, regions.filter((r) => rows.some((q) => q.region === r.code) || editable).map((r) => h('tr', {},
      h('th', { scope: 'row' }, `${r.code} ${regionName(r.code, language)}`),
      profiles.map((p) => {
        const q = byKey.get(`${r.code}/${p.code}`) || { allocated: 0, reserved: 0, used: 0, available: 0 };
        const held = q.reserved + q.used;
        const label = t('quota.cell_label', { region: regionName(r.code, language), profile: profileName(p.code) });
        return h('td', { dataset: { region: r.code, profile: p.code } },
          editable
            ? h('input', { type: 'number', min: held, max: 1000000, step: 1, name: cellName(r.code, p.code), value: String(q.allocated),
              'aria-label': label, dataset: { original: String(q.allocated) } })
            : h('span', { 'aria-label': label }, formatNumber(q.allocated)),
          h('span', { class: 'held', title: t('quota.held_title') }, t('quota.held', { n: held })));
      })))));
  return table;
}

export async function quotasView(main, current) {
  clear(main);
  const role = session.user.role;
  const editable = role === 'republican' || role === 'admin';
  const [regions, profiles] = await Promise.all([loadRegions(), loadProfiles()]);
  const period = Number(current.query.get('period')) || Number(todayInKazakhstan().slice(0, 4));
  main.append(h('h1', {}, t(editable ? 'nav.quota_planning' : 'nav.quotas')));

  const choose = h('form', { class: 'filters' },
    field({ name: 'period', label: t('quota.period'), type: 'number', value: String(period), attrs: { min: 2000, max: 2999 } }),
    h('div', { class: 'form-actions' }, h('button', { type: 'submit', class: 'secondary' }, t('quota.show'))));
  choose.addEventListener('submit', (event) => {
    event.preventDefault();
    location.hash = `#/quotas?period=${choose.elements.period.value}`;
  });
  main.append(choose);

  const planning = h('form', { class: 'card scroll', novalidate: true });
  const status = h('div', { 'aria-live': 'polite', class: 'quota-status' });
  try {
    planning.append(await matrix(period, regions, profiles, editable));
  } catch (error) {
    planning.append(h('p', { class: 'form-error', role: 'alert' }, explain(error)));
  }
  if (editable) {
    planning.append(h('div', { class: 'form-actions' }, h('button', { type: 'submit', class: 'primary', id: 'save-quotas' }, t('quota.save'))));
    planning.addEventListener('submit', async (event) => {
      event.preventDefault();
      clearErrors(planning);
      const changed = [...planning.querySelectorAll('input[type=number]')].filter((i) => i.value !== i.dataset.original);
      const problems = [];
      let saved = 0;
      for (const input of changed) {
        const cell = input.closest('td');
        try {
          await api('PUT', `/api/v1/quotas/${period}/${cell.dataset.region}/${cell.dataset.profile}`, { body: { allocated: Number(input.value) } });
          input.dataset.original = input.value;
          input.removeAttribute('aria-invalid');
          saved += 1;
        } catch (error) {
          input.setAttribute('aria-invalid', 'true');
          problems.push(`${input.getAttribute('aria-label')}: ${explain(error)}`);
        }
      }
      clear(status).append(
        h('p', { role: 'status' }, t('quota.saved', { n: saved })),
        problems.length ? h('ul', { class: 'form-error', role: 'alert' }, problems.map((p) => h('li', {}, p))) : null);
      announce(t('quota.saved', { n: saved }));
    });
  }
  main.append(h('section', { 'aria-labelledby': 'matrix-heading' },
    h('h2', { id: 'matrix-heading' }, t('quota.allocations')), planning, status));

  if (role === 'republican') main.append(distribution(period, profiles, regions));
}

// Distributing a national total of one profile across the regions by population.
function distribution(period, profiles, regions) {
  const language = currentLanguage();
  const preview = h('div', { 'aria-live': 'polite' });
  const form = h('form', { class: 'card', novalidate: true },
    h('div', { class: 'row' },
      field({ name: 'profile', label: t('fields.profile'), required: true,
        options: [{ value: '', label: t('common.choose') }, ...profiles.map((p) => ({ value: p.code, label: profileName(p.code) }))] }),
      field({ name: 'total', label: t('quota.total'), type: 'number', required: true, attrs: { min: 0, max: 1000000 } })),
    h('div', { class: 'form-actions' },
      h('button', { type: 'submit', class: 'secondary', id: 'preview-distribution' }, t('quota.preview'))));
  const body = () => ({ period, profile: form.elements.profile.value, total: Number(form.elements.total.value) });
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    clearErrors(form);
    clear(preview);
    try {
      const current = await get(`/api/v1/quotas${query({ period, profile: body().profile })}`);
      const before = new Map(current.map((q) => [q.region, q.allocated]));
      const { data } = await api('POST', '/api/v1/quotas/distribute', { body: { ...body(), dry_run: true } });
      const sum = data.reduce((s, q) => s + q.allocated, 0);
      preview.append(
        h('table', { class: 'distribution' },
          h('caption', {}, t('quota.preview_caption', { profile: profileName(body().profile), total: formatNumber(sum) })),
          h('thead', {}, h('tr', {}, ['fields.region', 'quota.current', 'quota.proposed'].map((k) => h('th', { scope: 'col' }, t(k))))),
          h('tbody', {}, data.map((q) => h('tr', {},
            h('th', { scope: 'row' }, `${q.region} ${regionName(q.region, language)}`),
            h('td', {}, formatNumber(before.get(q.region) || 0)),
            h('td', {}, formatNumber(q.allocated)))))),
        h('button', { type: 'button', class: 'primary', id: 'apply-distribution', onclick: async (e) => {
          e.target.disabled = true;
          try {
            await api('POST', '/api/v1/quotas/distribute', { body: body() });
            announce(t('quota.applied'));
            location.hash = `#/quotas?period=${period}&applied=${Date.now()}`;
          } catch (error) {
            e.target.disabled = false;
            showError(form, error);
          }
        } }, t('quota.apply')));
    } catch (error) {
      showError(form, error);
    }
  });
  return h('section', { 'aria-labelledby': 'distribution-heading' },
    h('h2', { id: 'distribution-heading' }, t('quota.distribute_title')),
    h('p', { class: 'muted' }, t('quota.distribute_intro')), form, preview);
}
