// The public page of free places: planned hospitalization by region, care profile and hospital
// for the coming days, as the bureau's portal shows them. No account; built for a 360 px phone.

import { h, clear } from './dom.js';
import { t, useLanguage, savedLanguage, currentLanguage, profileName, formatDate, formatNumber } from './i18n.js';
import { get, query } from './api.js';
import { field, showError, clearErrors } from './forms.js';
import { languageSwitch } from './layout.js';
import { loadRegions, loadProfiles, regionName } from './state.js';

const DAY_CHOICES = [7, 14, 31];
let chosen = { region: '', profile: '', days: '7' };

function placesTable(rows, language) {
  if (!rows.length) return h('p', { class: 'muted', role: 'status' }, t('places.none'));
  return h('div', {},
    h('p', { class: 'muted', role: 'status' }, t('places.count', { n: formatNumber(rows.length) })),
    h('table', { class: 'worklist places' },
      h('caption', { class: 'visually-hidden' }, t('places.title')),
      h('thead', {}, h('tr', {},
        h('th', { scope: 'col' }, t('places.date')),
        h('th', { scope: 'col' }, t('places.hospital')),
        h('th', { scope: 'col' }, t('fields.profile')),
        h('th', { scope: 'col' }, t('places.free')))),
      h('tbody', {}, rows.map((row) => h('tr', { dataset: { hospital: row.hospital.id, date: row.date } },
        h('td', { 'data-label': t('places.date') }, h('time', { datetime: row.date }, formatDate(row.date))),
        h('td', { 'data-label': t('places.hospital') }, row.hospital.name,
          h('span', { class: 'muted block' }, `${regionName(row.hospital.region, language)}, ${t(`level.${row.hospital.level}`)}`)),
        h('td', { 'data-label': t('fields.profile') }, profileName(row.profile)),
        h('td', { 'data-label': t('places.free'), class: 'number' },
          `${formatNumber(row.free)} / ${formatNumber(row.capacity)}`))))));
}

async function render() {
  const main = clear(document.getElementById('main'));
  clear(document.getElementById('language-slot')).append(languageSwitch(render));
  document.title = `${t('places.title')} — ${t('app.name')}`;
  const language = currentLanguage();
  const [regions, profiles] = await Promise.all([loadRegions(), loadProfiles()]);
  const result = h('div', { 'aria-live': 'polite' });
  const form = h('form', { class: 'card', novalidate: true },
    field({ name: 'region', label: t('fields.region'), value: chosen.region,
      options: [{ value: '', label: t('places.any_region') }, ...regions.map((r) => ({ value: r.code, label: regionName(r.code, language) }))] }),
    field({ name: 'profile', label: t('fields.profile'), value: chosen.profile,
      options: [{ value: '', label: t('common.choose') }, ...profiles.map((p) => ({ value: p.code, label: profileName(p.code) }))] }),
    field({ name: 'days', label: t('places.days'), value: chosen.days,
      options: DAY_CHOICES.map((d) => ({ value: String(d), label: String(d) })) }),
    h('div', { class: 'form-actions' }, h('button', { type: 'submit', class: 'primary' }, t('places.show'))));
  const show = async () => {
    clearErrors(form);
    chosen = { region: form.elements.region.value, profile: form.elements.profile.value, days: form.elements.days.value };
    try {
      const rows = await get(`/api/v1/places${query({ region: chosen.region, profile: chosen.profile, days: chosen.days, free: 'true' })}`);
      clear(result).append(placesTable(rows, language));
    } catch (error) {
      clear(result);
      showError(form, error);
    }
  };
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    show();
  });
  main.append(h('h1', {}, t('places.title')), h('p', { class: 'lead' }, t('places.intro')), form, result,
    h('p', {}, h('a', { href: '/status.html' }, t('places.status_link'))));
  await show();
}

await useLanguage(savedLanguage());
await render();
