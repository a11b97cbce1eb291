// Quota planning: the region × profile table of a year, editable allocations, and the
// distribution of a national total by population with a preview.

import { h, clear, announce } from '../dom.js';
import { t, profileName, formatNumber, currentLanguage, todayInKazakhstan } from '../i18n.js';
import { api, get, query } from '../api.js';
import { session, loadProfiles, loadRegions, regionName } from '../state.js';
import { field, confirmAction, showError, showFieldError, clearErrors, explain } from '../forms.js';

function cellName(region, profile) {
  return `q-${region}-${profile}`;
}

// The region × profile table: each cell's allocation with what is held (reserved or used) and
// what is still available, totals per region and per profile; the header row and the region
// column stay in view while the table scrolls, and the scrolling box takes keyboard focus.
async function matrix(period, regions, profiles, editable) {
  const rows = await get(`/api/v1/quotas${query({ period })}`);
  const byKey = new Map(rows.map((q) => [`${q.region}/${q.profile}`, q]));
  const language = currentLanguage();
  const quota = (region, profile) => byKey.get(`${region}/${profile}`) || { allocated: 0, reserved: 0, used: 0, available: 0 };
  const shown = regions.filter((r) => rows.some((q) => q.region === r.code) || editable);
  const total = (list) => list.reduce((sum, q) => sum + q.allocated, 0);
  const usage = (list) => ({ held: list.reduce((s, q) => s + q.reserved + q.used, 0), available: list.reduce((s, q) => s + q.available, 0) });
  const totalCell = (list, attrs) => {
    const u = usage(list);
    return h('td', { class: 'total', ...attrs }, h('span', { class: 'total-number' }, formatNumber(total(list))),
      h('span', { class: 'held' }, t('quota.usage', { held: formatNumber(u.held), available: formatNumber(u.available) })));
  };
  const captionId = `quota-caption-${period}`;
  const table = h('table', { class: 'quota-matrix' },
    h('caption', { id: captionId }, t('quota.matrix_caption', { year: period })),
    h('thead', {}, h('tr', {}, h('th', { scope: 'col', class: 'corner' }, t('fields.region')),
      profiles.map((p) => h('th', { scope: 'col' }, profileName(p.code))),
      h('th', { scope: 'col' }, t('quota.total_column')))),
    h('tbody', {}, shown.map((r) => h('tr', { dataset: { region: r.code } },
      h('th', { scope: 'row' }, `${r.code} ${regionName(r.code, language)}`),
      profiles.map((p) => {
        const q = quota(r.code, p.code);
        const held = q.reserved + q.used;
        const label = t('quota.cell_label', { region: regionName(r.code, language), profile: profileName(p.code) });
        return h('td', { dataset: { region: r.code, profile: p.code, held: String(held) } },
          editable
            ? h('input', { type: 'number', min: held, max: 1000000, step: 1, name: cellName(r.code, p.code), value: String(q.allocated),
              'aria-label': label, dataset: { original: String(q.allocated) } })
            : h('span', { 'aria-label': label }, formatNumber(q.allocated)),
          h('span', { class: 'held', title: t('quota.held_title') }, t('quota.usage', { held: formatNumber(held), available: formatNumber(q.available) })));
      }),
      totalCell(profiles.map((p) => quota(r.code, p.code)), { dataset: { total: 'region' } })))),
    h('tfoot', {}, h('tr', {}, h('th', { scope: 'row' }, t('quota.total_row')),
      profiles.map((p) => totalCell(shown.map((r) => quota(r.code, p.code)), { dataset: { total: 'profile', profile: p.code } })),
      totalCell(shown.flatMap((r) => profiles.map((p) => quota(r.code, p.code))), { dataset: { total: 'all' } }))));
  if (editable) {
    // The totals follow what is typed, before it is saved.
    table.addEventListener('input', () => {
      const value = (input) => Number(input.value) || 0;
      for (const row of table.querySelectorAll('tbody tr')) {
        row.querySelector('[data-total="region"] .total-number').textContent = formatNumber([...row.querySelectorAll('input')].reduce((s, i) => s + value(i), 0));
      }
      for (const cell of table.querySelectorAll('[data-total="profile"]')) {
        const inputs = table.querySelectorAll(`tbody td[data-profile="${CSS.escape(cell.dataset.profile)}"] input`);
        cell.querySelector('.total-number').textContent = formatNumber([...inputs].reduce((s, i) => s + value(i), 0));
      }
      table.querySelector('[data-total="all"] .total-number').textContent = formatNumber([...table.querySelectorAll('tbody input')].reduce((s, i) => s + value(i), 0));
    });
  }
  return h('div', { class: 'table-scroll quota-scroll', tabindex: 0, role: 'region', 'aria-labelledby': captionId }, table);
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

  const planning = h('form', { class: 'card', novalidate: true });
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
          // The server kept its value: the cell shows it again, and the message says what was refused.
          const refused = input.value;
          input.value = input.dataset.original;
          input.setAttribute('aria-invalid', 'true');
          problems.push(t('quota.cell_refused', { region: regionName(cell.dataset.region, currentLanguage()),
            profile: profileName(cell.dataset.profile), value: refused, kept: input.dataset.original, reason: explain(error) }));
        }
      }
      refreshTotals(planning);
      clear(status).append(
        h('p', { role: 'status' }, t('quota.saved', { n: saved })),
        problems.length ? h('ul', { class: 'form-error', role: 'alert' }, problems.map((p) => h('li', {}, p))) : null);
      announce(t('quota.saved', { n: saved }));
    });
  }
  main.append(h('section', { 'aria-labelledby': 'matrix-heading' },
    h('h2', { id: 'matrix-heading' }, t('quota.allocations')), planning, status));

  const refreshMatrix = async () => {
    const fresh = await matrix(period, regions, profiles, editable);
    planning.querySelector('.quota-scroll').replaceWith(fresh);
  };
  if (role === 'republican') main.append(distribution(period, profiles, regions, refreshMatrix));
}

// Recomputes the totals after cells were set back to the server's values.
function refreshTotals(form) {
  const table = form.querySelector('table');
  if (table) table.dispatchEvent(new Event('input'));
}

// Distributing a national total of one profile across the regions by population: a preview
// with each region's change and the regions whose share is below what they already hold, a
// confirmation naming how many regions change, and the result reported beside the button.
function distribution(period, profiles, regions, refreshMatrix) {
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
  const signed = (n) => (n > 0 ? `+${formatNumber(n)}` : n < 0 ? `−${formatNumber(-n)}` : '0');
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    clearErrors(form);
    clear(preview);
    if (!form.elements.profile.value) {
      showFieldError(form, 'profile', t('errors.required'));
      return;
    }
    try {
      const current = await get(`/api/v1/quotas${query({ period, profile: body().profile })}`);
      const before = new Map(current.map((q) => [q.region, q.allocated]));
      const { data } = await api('POST', '/api/v1/quotas/distribute', { body: { ...body(), dry_run: true } });
      const sum = data.reduce((s, q) => s + q.allocated, 0);
      const changes = data.filter((q) => q.allocated !== (before.get(q.region) || 0));
      const blocking = data.filter((q) => q.allocated < q.reserved + q.used);
      const result = h('p', { role: 'status', class: 'distribution-result' });
      const apply = h('button', { type: 'button', class: 'primary', id: 'apply-distribution', disabled: blocking.length > 0 || changes.length === 0, onclick: async () => {
        const sure = await confirmAction(t('quota.confirm_title'), t('quota.confirm_text', { n: changes.length, profile: profileName(body().profile), year: period }), t('quota.apply'), { danger: false });
        if (!sure) { apply.focus(); return; }
        apply.disabled = true;
        try {
          await api('POST', '/api/v1/quotas/distribute', { body: body() });
          result.textContent = t('quota.applied_n', { n: changes.length });
          announce(result.textContent);
          await refreshMatrix();
          apply.focus();
        } catch (error) {
          apply.disabled = false;
          result.textContent = error.code === 'quota_below_usage' ? t('quota.blocked_retry') : explain(error);
        }
      } }, t('quota.apply'));
      preview.append(
        h('div', { class: 'table-scroll', tabindex: 0, role: 'region', 'aria-labelledby': 'distribution-caption' },
          h('table', { class: 'distribution' },
            h('caption', { id: 'distribution-caption' }, t('quota.preview_caption', { profile: profileName(body().profile), total: formatNumber(sum) })),
            h('thead', {}, h('tr', {}, ['fields.region', 'quota.current', 'quota.proposed', 'quota.change', 'quota.held_title'].map((k) => h('th', { scope: 'col' }, t(k))))),
            h('tbody', {}, data.map((q) => {
              const was = before.get(q.region) || 0;
              const blocked = q.allocated < q.reserved + q.used;
              return h('tr', { class: blocked ? 'blocked' : null, dataset: { region: q.region } },
                h('th', { scope: 'row' }, `${q.region} ${regionName(q.region, language)}`),
                h('td', {}, formatNumber(was)),
                h('td', {}, formatNumber(q.allocated)),
                h('td', { class: 'number' }, signed(q.allocated - was)),
                h('td', {}, formatNumber(q.reserved + q.used), blocked ? [' ', h('span', { class: 'badge badge-overdue' }, t('quota.blocks'))] : null));
            })))),
        blocking.length
          ? h('p', { class: 'form-error', role: 'alert', id: 'distribution-blocked' }, t('quota.blocked', {
            regions: blocking.map((q) => `${regionName(q.region, language)} (${t('quota.blocked_detail', { held: formatNumber(q.reserved + q.used), share: formatNumber(q.allocated) })})`).join('; ') }))
          : h('p', {}, t('quota.changes', { n: changes.length })),
        h('div', { class: 'form-actions' }, apply), result);
    } catch (error) {
      showError(form, error);
    }
  });
  return h('section', { 'aria-labelledby': 'distribution-heading' },
    h('h2', { id: 'distribution-heading' }, t('quota.distribute_title')),
    h('p', { class: 'muted' }, t('quota.distribute_intro')), form, preview);
}
