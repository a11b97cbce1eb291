// A hospital's planned places: for each profile it treats on the planned route and each of the
// coming days, how many patients it can take (editable), how many are booked and how many are
// free. Each cell is saved on its own; a refusal restores the server's value and says why.

import { h, clear, announce, uid } from '../dom.js';
import { t, profileName, formatDate, formatNumber, todayInKazakhstan } from '../i18n.js';
import { api, get, query } from '../api.js';
import { session } from '../state.js';
import { explain } from '../forms.js';

const DAYS = 14;

function addDays(isoDate, n) {
  const d = new Date(`${isoDate}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + n);
  return d.toISOString().slice(0, 10);
}

function cell(hospitalId, profile, date, row, status) {
  const booked = row ? row.booked : 0;
  const capacity = row ? row.capacity : 0;
  const input = h('input', { type: 'number', min: booked, max: 10000, step: 1, value: String(capacity),
    name: `p-${profile}-${date}`, 'aria-label': t('places.cell_label', { profile: profileName(profile), date: formatDate(date) }),
    dataset: { saved: String(capacity) } });
  const held = h('span', { class: 'held' }, t('places.booked_free', { booked: formatNumber(booked), free: formatNumber(capacity - booked) }));
  input.addEventListener('change', async () => {
    const value = Number(input.value);
    try {
      const { data } = await api('PUT', `/api/v1/places/${hospitalId}/${profile}/${date}`, { body: { capacity: value } });
      input.dataset.saved = String(data.capacity);
      input.min = String(data.booked);
      held.textContent = t('places.booked_free', { booked: formatNumber(data.booked), free: formatNumber(data.free) });
      input.removeAttribute('aria-invalid');
      status.textContent = t('places.saved', { profile: profileName(profile), date: formatDate(date), n: formatNumber(data.capacity) });
      announce(status.textContent);
    } catch (error) {
      // What the server still has, and why it refused.
      input.value = input.dataset.saved;
      input.setAttribute('aria-invalid', 'true');
      status.textContent = `${profileName(profile)}, ${formatDate(date)}: ${explain(error)}`;
      announce(status.textContent);
    }
  });
  return h('td', { dataset: { profile, date } }, input, held);
}

export async function placesView(main, current) {
  clear(main);
  const hospital = session.user.organization;
  main.append(h('h1', {}, t('places.manage_title')));
  if (!hospital) {
    main.append(h('p', { class: 'muted' }, t('errors.forbidden')));
    return;
  }
  const from = current.query.get('from') || todayInKazakhstan();
  const planned = await get(`/api/v1/organizations${query({ kind: 'hospital', route: 'planned' })}`);
  const organization = planned.find((o) => o.id === hospital.id);
  const profiles = organization ? organization.profiles : [];
  if (!profiles.length) {
    main.append(h('p', { class: 'muted' }, t('places.not_planned')));
    return;
  }
  const rows = await get(`/api/v1/places${query({ hospital_id: hospital.id, from, days: DAYS })}`);
  const byKey = new Map(rows.map((r) => [`${r.profile}/${r.date}`, r]));
  const days = Array.from({ length: DAYS }, (_, i) => addDays(from, i));
  const status = h('p', { class: 'muted', role: 'status', 'aria-live': 'polite' });
  const captionId = uid('places-caption');
  const table = h('table', { class: 'quota-matrix places-matrix', 'aria-labelledby': captionId },
    h('caption', { id: captionId }, t('places.manage_caption', { hospital: hospital.name, from: formatDate(from), to: formatDate(days.at(-1)) })),
    h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, t('fields.profile')),
      days.map((d) => h('th', { scope: 'col' }, h('time', { datetime: d }, formatDate(d)))))),
    h('tbody', {}, profiles.map((p) => h('tr', {},
      h('th', { scope: 'row' }, profileName(p)),
      days.map((d) => cell(hospital.id, p, d, byKey.get(`${p}/${d}`), status))))));
  const earlier = addDays(from, -DAYS);
  const later = addDays(from, DAYS);
  main.append(h('p', { class: 'lead' }, t('places.manage_intro')),
    h('div', { class: 'table-scroll', tabindex: '0', role: 'region', 'aria-labelledby': captionId }, table),
    status,
    h('p', { class: 'form-actions' },
      from > todayInKazakhstan() ? h('a', { class: 'button secondary', href: `#/places${query({ from: earlier < todayInKazakhstan() ? todayInKazakhstan() : earlier })}` }, t('places.earlier')) : null,
      h('a', { class: 'button secondary', href: `#/places${query({ from: later })}` }, t('places.later'))));
}
