// The reports for those who plan the quotas: quota use, the waiting lists, the time spent in
// each stage, the reasons given, the referrals per month. Each is a chart (uPlot, from npm) with
// a table beside it that says the same to a screen reader or a keyboard, and its CSV and XLSX.
// The republican level and administrators choose any region; a commission reads its own.

import { h, clear, announce } from '../dom.js';
import { t, currentLanguage, formatNumber, profileName, stateName, actionName, todayInKazakhstan } from '../i18n.js';
import { get, query } from '../api.js';
import { session, loadProfiles, loadRegions, loadReasons, regionName } from '../state.js';
import { field, explain, showFieldError } from '../forms.js';

// Each report's filters, in the order the form shows them.
const REPORTS = {
  'quota-use': ['period', 'region', 'profile'],
  waiting: ['region', 'profile'],
  'stage-times': ['from', 'to', 'region'],
  reasons: ['from', 'to', 'region'],
  referrals: ['from', 'to', 'region', 'profile'],
};
const ALL = '*';
// Colours of the series, told apart also by their legend's words and the table beside.
const COLOURS = ['#1f5f99', '#c2571a', '#2e7d32', '#7b3fa0', '#a31a2c'];

const share = (value) => (value === null || value === undefined ? '—' : `${(value * 100).toFixed(1)} %`);
const number = (value) => (value === null || value === undefined ? '—' : formatNumber(value));
const place = (code) => (code === ALL || !code ? t('reports.all_regions') : `${code} ${regionName(code, currentLanguage())}`);
const care = (code) => (code === ALL || !code ? t('reports.all_profiles') : profileName(code));
// A month standing alone (not in a date: «Январь», not «января»), and its short form for charts.
const monthName = (month) => `${t(`reports.month_names.${Number(month.slice(5, 7))}`)} ${month.slice(0, 4)}`;
const monthShort = (month) => `${month.slice(5, 7)}.${month.slice(0, 4)}`;

function addDays(isoDate, days) {
  const date = new Date(`${isoDate}T00:00:00Z`);
  date.setUTCDate(date.getUTCDate() + days);
  return date.toISOString().slice(0, 10);
}

// A chart of `series` (each { label, values }) over `labels`, drawn by uPlot into a figure whose
// accessible name says what it shows; `bars` draws the first series as bars.
async function chart(title, labels, series, { bars = false, tableId } = {}) {
  const box = h('div', { class: 'report-chart', role: 'img', 'aria-label': t('reports.chart_label', { title }),
    'aria-describedby': tableId });
  const figure = h('figure', { class: 'report-figure' }, box, h('figcaption', {}, t('reports.chart_caption')));
  if (!labels.length) {
    box.append(h('p', { class: 'hint' }, t('reports.nothing')));
    return figure;
  }
  const { default: uPlot } = await import('/vendor/uplot.mjs');
  const x = labels.map((_, i) => i);
  const slanted = labels.some((l) => l.length > 8) && labels.length > 4;
  const shorten = (label) => (label.length > 24 ? `${label.slice(0, 23)}…` : label);
  const options = {
    width: Math.max(320, Math.min(960, (document.querySelector('main')?.clientWidth || 800) - 32)),
    height: 280,
    scales: { x: { time: false, range: [-0.6, labels.length - 0.4] }, y: { range: (_, min, max) => [0, Math.max(1, max)] } },
    axes: [
      // Long names slant and are cut short; the table beside gives them whole.
      { values: (_, splits) => splits.map((i) => (Number.isInteger(i) && labels[i] !== undefined ? shorten(labels[i]) : '')),
        incrs: [1], size: slanted ? 110 : 40, rotate: slanted ? -35 : 0 },
      // Whole numbers of referrals, units or days: steps of 1, 2, 5, 10, ….
      { values: (_, splits) => splits.map((v) => formatNumber(v)), incrs: [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10000, 20000, 50000, 100000, 200000, 500000, 1000000] },
    ],
    legend: { live: false },
    cursor: { show: false },
    series: [{}, ...series.map((s, i) => ({
      label: s.label,
      stroke: COLOURS[i % COLOURS.length],
      fill: bars && i === 0 ? `${COLOURS[0]}55` : undefined,
      width: 2,
      paths: bars && i === 0 ? uPlot.paths.bars({ size: [0.6, 80] }) : s.pointsOnly ? () => null : undefined,
      points: { show: true, size: s.pointsOnly ? 9 : 6, fill: COLOURS[i % COLOURS.length] },
    }))],
  };
  // The figure is drawn once it is on the page (uPlot measures its box).
  requestAnimationFrame(() => new uPlot(options, [x, ...series.map((s) => s.values)], box));
  return figure;
}

function table(id, caption, columns, rows, foot) {
  return h('div', { class: 'table-scroll', tabindex: 0, role: 'region', 'aria-labelledby': `${id}-caption` },
    h('table', { class: 'worklist report-table', id },
      h('caption', { id: `${id}-caption` }, caption),
      h('thead', {}, h('tr', {}, columns.map((c, i) => h('th', { scope: 'col', class: i ? 'number' : null }, c)))),
      h('tbody', {}, rows.map((cells) => h('tr', {}, cells.map((c, i) => (i === 0 ? h('th', { scope: 'row' }, c) : h('td', { class: 'number' }, c)))))),
      foot ? h('tfoot', {}, h('tr', {}, foot.map((c, i) => (i === 0 ? h('th', { scope: 'row' }, c) : h('td', { class: 'number' }, c))))) : null));
}

// --- each report: its chart and table from the JSON ---

async function quotaUse(report) {
  const title = t('reports.quota-use.chart', { year: report.period });
  const id = 'report-table';
  const rows = report.rows.map((r) => [`${place(r.region)} · ${care(r.profile)}`, number(r.allocated), number(r.reserved),
    number(r.used), number(r.available), share(r.share_used)]);
  const tot = report.total;
  const months = report.trend.map((m) => t(`reports.month_names.${Number(m.month.slice(5, 7))}`));
  return [
    await chart(title, months, [
      { label: t('reports.columns.reserved'), values: report.trend.map((m) => m.reserved) },
      { label: t('reports.columns.used'), values: report.trend.map((m) => m.used) },
      { label: t('reports.columns.released'), values: report.trend.map((m) => m.released) },
    ], { bars: true, tableId: 'report-trend' }),
    table('report-trend', t('reports.quota-use.trend_caption', { year: report.period }),
      [t('reports.columns.month'), t('reports.columns.reserved'), t('reports.columns.used'), t('reports.columns.released')],
      report.trend.map((m) => [monthName(m.month), number(m.reserved), number(m.used), number(m.released)])),
    table(id, t('reports.quota-use.caption', { year: report.period }),
      [t('reports.columns.quota'), t('reports.columns.allocated'), t('reports.columns.reserved'), t('reports.columns.used'),
        t('reports.columns.available'), t('reports.columns.share_used')],
      rows, [t('reports.total'), number(tot.allocated), number(tot.reserved), number(tot.used), number(tot.available), share(tot.share_used)]),
  ];
}

async function waiting(report) {
  // The chart: the waiters of each region (or, within one region, of each profile).
  const byRegion = !report.region;
  const groups = new Map();
  for (const r of report.rows) {
    const key = byRegion ? r.region : r.profile;
    groups.set(key, (groups.get(key) || 0) + r.length);
  }
  const keys = [...groups.keys()];
  return [
    await chart(t(byRegion ? 'reports.waiting.chart_regions' : 'reports.waiting.chart_profiles'),
      keys.map((k) => (byRegion ? k : care(k))),
      [{ label: t('reports.columns.length'), values: keys.map((k) => groups.get(k)) }], { bars: true, tableId: 'report-table' }),
    table('report-table', t('reports.waiting.caption', { date: report.as_of }),
      [t('reports.columns.list'), t('reports.columns.length'), t('reports.columns.median_days'), t('reports.columns.longest_days')],
      report.rows.map((r) => [`${place(r.region)} · ${care(r.profile)}`, number(r.length), number(r.median_days), number(r.longest_days)]),
      [t('reports.total'), number(report.total.length), number(report.total.median_days), number(report.total.longest_days)]),
  ];
}

async function stageTimes(report) {
  const stages = report.rows.map((r) => stateName(r.stage));
  return [
    await chart(t('reports.stage-times.chart'), stages, [
      { label: t('reports.columns.median_working_days'), values: report.rows.map((r) => r.median_working_days) },
      { label: t('reports.columns.p90_working_days'), values: report.rows.map((r) => r.p90_working_days), pointsOnly: true },
      { label: t('reports.columns.deadline_working_days'), values: report.rows.map((r) => r.deadline_working_days), pointsOnly: true },
    ], { bars: true, tableId: 'report-table' }),
    table('report-table', t('reports.stage-times.caption', { from: report.from, to: report.to }),
      [t('reports.columns.stage'), t('reports.columns.stays'), t('reports.columns.median_working_days'), t('reports.columns.p90_working_days'),
        t('reports.columns.deadline_working_days'), t('reports.columns.overdue'), t('reports.columns.share_overdue')],
      report.rows.map((r) => [stateName(r.stage), number(r.stays), number(r.median_working_days), number(r.p90_working_days),
        number(r.deadline_working_days), number(r.overdue), share(r.share_overdue)])),
  ];
}

async function reasonsReport(report) {
  const catalogue = await loadReasons().catch(() => []);
  const language = currentLanguage();
  const reasonName = (code) => {
    const reason = catalogue.find((r) => r.code === code);
    return reason ? reason.name[language] || reason.name.en : code;
  };
  const label = (r) => `${actionName(r.action)}: ${reasonName(r.code)}`;
  return [
    await chart(t('reports.reasons.chart'), report.rows.map(label),
      [{ label: t('reports.columns.count'), values: report.rows.map((r) => r.count) }], { bars: true, tableId: 'report-table' }),
    table('report-table', t('reports.reasons.caption', { from: report.from, to: report.to }),
      [t('reports.columns.reason'), t('reports.columns.count')], report.rows.map((r) => [label(r), number(r.count)])),
  ];
}

async function referrals(report) {
  const months = [...new Set(report.rows.map((r) => r.month))];
  const of = (month, route) => report.rows.find((r) => r.month === month && r.route === route);
  const sum = (month, key) => ['planned', 'high_tech'].reduce((s, route) => s + of(month, route)[key], 0);
  const fates = ['open', 'completed', 'rejected', 'cancelled', 'expired', 'no_show'];
  return [
    await chart(t('reports.referrals.chart'), months.map((m) => monthShort(m)), [
      { label: t('route.planned'), values: months.map((m) => of(m, 'planned').registered) },
      { label: t('route.high_tech'), values: months.map((m) => of(m, 'high_tech').registered) },
      { label: t('reports.columns.completed'), values: months.map((m) => sum(m, 'completed')) },
    ], { tableId: 'report-table' }),
    table('report-table', t('reports.referrals.caption', { from: report.from, to: report.to }),
      [t('reports.columns.month_route'), t('reports.columns.registered'), ...fates.map((f) => t(`reports.columns.${f}`))],
      report.rows.map((r) => [`${monthName(r.month)} · ${t(`route.${r.route}`)}`, number(r.registered), ...fates.map((f) => number(r[f]))])),
  ];
}

const PRESENT = { 'quota-use': quotaUse, waiting, 'stage-times': stageTimes, reasons: reasonsReport, referrals };

// --- the page ---

export async function reportsView(main, current) {
  clear(main);
  const user = session.user;
  const chosen = Object.hasOwn(REPORTS, current.query.get('report')) ? current.query.get('report') : 'quota-use';
  const [regions, profiles] = await Promise.all([loadRegions(), loadProfiles()]);
  const today = todayInKazakhstan();
  const params = {};
  for (const name of REPORTS[chosen]) {
    const value = current.query.get(name);
    if (value) params[name] = value;
  }

  main.append(h('h1', {}, t('nav.reports')));
  main.append(h('nav', { class: 'report-tabs', 'aria-label': t('reports.choose') },
    h('ul', {}, Object.keys(REPORTS).map((name) => h('li', {},
      h('a', { href: `#/reports?report=${name}`, 'aria-current': name === chosen ? 'page' : null }, t(`reports.${name}.title`)))))));
  main.append(h('p', { class: 'hint' }, t(`reports.${chosen}.about`)));

  // The filters: what the report takes, with the defaults the server applies shown as such.
  const commission = user.role === 'commission';
  const controls = {
    period: () => field({ name: 'period', label: t('quota.period'), type: 'number', value: params.period || today.slice(0, 4),
      attrs: { min: 2000, max: 2999 } }),
    region: () => field({ name: 'region', label: t('fields.region'), value: commission ? user.region : params.region || '',
      options: [...(commission ? [] : [{ value: '', label: t('reports.all_regions') }]),
        ...regions.filter((r) => !commission || r.code === user.region).map((r) => ({ value: r.code, label: place(r.code) }))] }),
    profile: () => field({ name: 'profile', label: t('fields.profile'), value: params.profile || '',
      options: [{ value: '', label: t('reports.all_profiles') }, ...profiles.map((p) => ({ value: p.code, label: profileName(p.code) }))] }),
    from: () => field({ name: 'from', label: t('reports.from'), type: 'date', value: params.from || addDays(params.to || today, -364) }),
    to: () => field({ name: 'to', label: t('reports.to'), type: 'date', value: params.to || today }),
  };
  const form = h('form', { class: 'filters report-filters', novalidate: true },
    REPORTS[chosen].map((name) => controls[name]()),
    h('div', { class: 'form-actions' }, h('button', { type: 'submit', class: 'primary' }, t('reports.show'))));
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const chosenParams = { report: chosen };
    for (const name of REPORTS[chosen]) {
      const value = form.elements[name].value;
      if (value && !(name === 'region' && commission)) chosenParams[name] = value;
    }
    location.hash = `#/reports${query(chosenParams)}`;
  });
  main.append(form);

  const output = h('section', { class: 'report', 'aria-labelledby': 'report-heading' },
    h('h2', { id: 'report-heading' }, t(`reports.${chosen}.title`)));
  main.append(output);
  let report;
  try {
    report = await get(`/api/v1/reports/${chosen}${query(params)}`);
  } catch (error) {
    if (error.field) showFieldError(form, error.field, explain(error));
    output.append(h('p', { class: 'form-error', role: 'alert' }, explain(error)));
    return;
  }
  const scope = [report.region ? place(report.region) : t('reports.all_regions'), report.profile ? care(report.profile) : null]
    .filter(Boolean).join(' · ');
  output.append(h('p', { class: 'report-scope' }, scope));
  const file = (format) => `/api/v1/reports/${chosen}${query({ ...params, format })}`;
  output.append(h('p', { class: 'report-downloads' },
    h('a', { href: file('csv'), download: '', class: 'button secondary' }, t('reports.download_csv')), ' ',
    h('a', { href: file('xlsx'), download: '', class: 'button secondary' }, t('reports.download_xlsx'))));
  output.append(...(await PRESENT[chosen](report)));
  announce(t('reports.shown', { title: t(`reports.${chosen}.title`) }));
}
