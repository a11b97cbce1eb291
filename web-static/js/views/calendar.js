// The working-day calendar (administrators): a year's holidays, days off and working weekend
// days, and a day off added ahead, which moves the open deadlines that count working days.

import { h, clear, append, announce } from '../dom.js';
import { t, formatDate, todayInKazakhstan } from '../i18n.js';
import { api, get, query } from '../api.js';
import { field, values, clearErrors, showError, confirmAction, explain } from '../forms.js';

function weekday(isoDate) {
  const [year, month, day] = isoDate.split('-').map(Number);
  return t(`calendar.weekday.${new Date(Date.UTC(year, month - 1, day)).getUTCDay()}`);
}

// The calendar file names holidays in English; the interface says them in its language. A
// description it does not know (a day moved by an order) is shown as written.
const HOLIDAYS = {
  'New Year': 'new_year', 'Orthodox Christmas': 'orthodox_christmas', "International Women's Day": 'womens_day',
  Nauryz: 'nauryz', "Kazakhstan People's Unity Day": 'unity_day', 'Unity Day': 'unity_day',
  'Defender of the Fatherland Day': 'defender_day', 'Victory Day': 'victory_day', 'Capital Day': 'capital_day',
  'Constitution Day': 'constitution_day', 'Republic Day': 'republic_day', 'Independence Day': 'independence_day',
  'Kurban Ait': 'kurban_ait',
};

function describe(day) {
  if (day.announced || !day.description) return day.description || '—';
  const text = day.description.trim();
  const named = (name) => (HOLIDAYS[name] ? t(`calendar.holiday.${HOLIDAYS[name]}`) : null);
  const moved = /^(.*) fell on a (Saturday|Sunday)$/.exec(text);
  if (moved && named(moved[1])) return t(`calendar.fell_on_${moved[2].toLowerCase()}`, { name: named(moved[1]) });
  const provisional = /^(.*) \(provisional\)$/.exec(text);
  if (provisional && named(provisional[1])) return t('calendar.provisional', { name: named(provisional[1]) });
  return named(text) || text;
}

function daysTable(calendar) {
  if (!calendar.days.length) return h('p', { class: 'empty' }, t('calendar.none'));
  return h('table', { class: 'worklist calendar-days' },
    h('caption', {}, t('calendar.days_of', { year: calendar.year })),
    h('thead', {}, h('tr', {}, ['calendar.date', 'calendar.kind', 'calendar.description', 'calendar.source']
      .map((key) => h('th', { scope: 'col' }, t(key))))),
    h('tbody', {}, calendar.days.map((d) => h('tr', { dataset: { date: d.date, kind: d.kind }, class: d.announced ? 'announced' : '' },
      h('td', { 'data-label': t('calendar.date') }, h('time', { datetime: d.date }, formatDate(d.date)), h('br'),
        h('span', { class: 'muted' }, weekday(d.date))),
      h('td', { 'data-label': t('calendar.kind') }, t(`calendar.kinds.${d.kind}`)),
      h('td', { 'data-label': t('calendar.description') }, describe(d)),
      h('td', { 'data-label': t('calendar.source') }, t(d.announced ? 'calendar.announced' : 'calendar.from_file'))))));
}

export async function calendarView(main, current) {
  clear(main);
  const thisYear = Number(todayInKazakhstan().slice(0, 4));
  const asked = Number(current.query.get('year'));
  const year = Number.isInteger(asked) && asked >= 2000 && asked <= 2100 ? asked : thisYear;
  main.append(h('h1', {}, t('calendar.title')));
  const result = h('p', { class: 'banner', id: 'calendar-result', role: 'status', hidden: true });
  const listing = h('div', { class: 'results' });

  const draw = async () => {
    const calendar = await get(`/api/v1/calendar${query({ year })}`);
    append(clear(listing), [
      h('nav', { class: 'year-switch', 'aria-label': t('calendar.years') },
        h('a', { href: `#/admin/calendar?year=${year - 1}`, rel: 'prev' }, `← ${year - 1}`), ' ',
        h('strong', { 'aria-current': 'page' }, String(year)), ' ',
        h('a', { href: `#/admin/calendar?year=${year + 1}`, rel: 'next' }, `${year + 1} →`)),
      calendar.covered ? null
        : h('p', { class: 'banner info-banner', role: 'note' }, t('calendar.not_covered', { year, first: calendar.first_year, last: calendar.last_year })),
      daysTable(calendar)]);
  };

  const tomorrow = new Date(Date.now() + 5 * 3600e3 + 86400e3).toISOString().slice(0, 10);
  const form = h('form', { id: 'day-off-form', novalidate: true, class: 'stacked' },
    h('h2', {}, t('calendar.add_title')),
    h('p', { class: 'hint' }, t('calendar.add_hint')),
    field({ name: 'date', label: t('calendar.date'), type: 'date', required: true, attrs: { min: tomorrow } }),
    field({ name: 'description', label: t('calendar.description'), required: true, hint: t('calendar.description_hint'), attrs: { maxlength: 200 } }),
    h('div', { class: 'form-actions' }, h('button', { type: 'submit', class: 'primary' }, t('calendar.add'))));
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    clearErrors(form);
    result.hidden = true;
    const body = values(form);
    if (body.date) {
      const sure = await confirmAction(t('calendar.confirm_title', { date: formatDate(body.date) }),
        t('calendar.confirm_text', { date: formatDate(body.date) }), t('calendar.add'), { danger: false });
      if (!sure) return;
    }
    try {
      const { data } = await api('POST', '/api/v1/calendar/days-off', { body });
      result.textContent = t('calendar.added', { date: formatDate(data.date), n: data.deadlines_moved });
      result.hidden = false;
      announce(result.textContent);
      form.reset();
      form.querySelectorAll('output.date-echo').forEach((o) => { o.textContent = ''; });
      await draw();
    } catch (error) {
      showError(form, error);
    }
  });
  main.append(form, result, listing);
  try {
    await draw();
  } catch (error) {
    listing.append(h('p', { class: 'form-error', role: 'alert' }, explain(error)));
  }
}
