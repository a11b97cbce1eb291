// Worklists: a role's queue, every referral in scope, the waitlist. Filters, counts per state,
// overdue rows first in a queue, paging by cursor.

import { h, clear, announce } from '../dom.js';
import { t, stateName, profileName, formatDate, formatDateTime, currentLanguage } from '../i18n.js';
import { get, query } from '../api.js';
import { session, loadProfiles, loadRegions, regionName } from '../state.js';
import { explain, dateEcho } from '../forms.js';
import { bulkBar, bulkActions, selectCell } from './bulk.js';

const ALL_STATES = ['registered', 'booking_requested', 'commission_review', 'in_person_scheduled', 'info_requested',
  'republican_review', 'waitlisted', 'talon_issued', 'scheduled', 'admitted', 'abroad_review',
  'abroad_approved', 'completed', 'rejected', 'cancelled', 'expired', 'no_show'];

const QUEUES = {
  commission: { title: 'queue.commission', states: ['commission_review', 'in_person_scheduled', 'info_requested'] },
  // The republican level also watches the commissions' steps that run late.
  republican: { title: 'queue.republican', states: ['republican_review', 'abroad_review', 'abroad_approved'],
    alsoOverdue: ['commission_review', 'in_person_scheduled'] },
  hospital: { title: 'queue.hospital', states: ['booking_requested', 'talon_issued', 'scheduled', 'admitted'] },
};

// The states in which each role has work to do: what its home page counts.
export const WORK_STATES = {
  doctor: ['registered', 'info_requested'],
  commission: QUEUES.commission.states,
  republican: QUEUES.republican.states,
  hospital: QUEUES.hospital.states,
  admin: [],
};

function badge(kind, text) {
  return h('span', { class: `badge badge-${kind}` }, text);
}

export function stateBadge(state) {
  return badge(`state-${state}`, stateName(state));
}

// Each region × profile × year has its own waitlist: a position says which one it is in.
function queuePosition(referral) {
  if (!referral.queue_position) return null;
  const q = referral.quota;
  return h('span', { class: 'muted block queue-position' }, q
    ? t('worklist.queue_position_in', { n: referral.queue_position, region: regionName(q.region, currentLanguage()), profile: profileName(q.profile), year: q.period })
    : t('worklist.queue_position', { n: referral.queue_position }));
}

// The optional columns: where a list spans regions, the patient's region; on the waitlist, the
// urgency that orders it.
const COLUMNS = ['code', 'patient', 'region', 'profile', 'urgency', 'state', 'created_at', 'deadline', 'waiting_since'];

// The columns a list can be sorted by: the orders a click on each asks for, the first one first
// (a second click turns it round). The worklist's own order is urgent first, then the longest
// waiting.
const SORTS = {
  urgency: ['worklist'],
  state: ['state'],
  created_at: ['-created_at', 'created_at'],
  deadline: ['deadline', '-deadline'],
  waiting_since: ['worklist'],
};

// A date input with the chosen day written beside it in the interface's language.
const withEcho = (input) => [input, dateEcho(input)];

const ORDERS = ['worklist', 'deadline', '-deadline', '-created_at', 'created_at', 'state'];

function columnLabel(c) {
  return c === 'urgency' ? t('fields.urgency') : c === 'created_at' ? t('fields.created_at') : t(`worklist.${c}`);
}

// A header cell; a sortable one holds a button that reads the list in its order, and says
// which order the list is in (aria-sort).
function headerCell(c, sort) {
  if (c === 'select') return h('th', { scope: 'col' }, h('span', { class: 'visually-hidden' }, t('bulk.select')));
  const orders = sort && SORTS[c];
  if (!orders) return h('th', { scope: 'col' }, columnLabel(c));
  const current = orders.indexOf(sort.order);
  // The worklist's order is the urgency's where that column is shown, else the waiting time's.
  const active = current >= 0 && (sort.order !== 'worklist' || c === (sort.columns.includes('urgency') ? 'urgency' : 'waiting_since'));
  const next = active ? orders[(current + 1) % orders.length] : orders[0];
  const direction = active ? (sort.order.startsWith('-') ? 'descending' : 'ascending') : 'none';
  return h('th', { scope: 'col', 'aria-sort': direction },
    h('button', { type: 'button', class: 'sort-button', dataset: { sort: next },
      title: t('worklist.sort_by', { column: columnLabel(c) }), onclick: () => sort.choose(next) },
    columnLabel(c), h('span', { class: 'sort-mark', 'aria-hidden': 'true' },
      direction === 'ascending' ? ' ▲' : direction === 'descending' ? ' ▼' : ' ↕')));
}

function row(referral, columns) {
  const deadline = referral.deadline
    ? [referral.state === 'info_requested' ? `${t('worklist.reply_by')} ` : null, formatDate(referral.deadline.slice(0, 10)),
      referral.overdue ? [' ', badge('overdue', t('worklist.overdue'))] : null]
    : '—';
  const cells = {
    region: () => h('td', { 'data-label': t('worklist.region') }, regionName(referral.patient.region, currentLanguage())),
    urgency: () => h('td', { 'data-label': t('fields.urgency') }, referral.urgency === 'urgent' ? badge('urgent', t('urgency.urgent')) : t('urgency.routine')),
  };
  return h('tr', { dataset: { id: referral.id, code: referral.code } },
    columns.includes('select') ? selectCell(referral) : null,
    h('td', { 'data-label': t('worklist.code') },
      h('a', { href: `#/referrals/${referral.id}` }, referral.code),
      referral.urgency === 'urgent' ? [' ', badge('urgent', t('urgency.urgent'))] : null),
    h('td', { 'data-label': t('worklist.patient') }, referral.patient.name, h('br'),
      h('span', { class: 'muted' }, referral.patient.iin)),
    columns.includes('region') ? cells.region() : null,
    h('td', { 'data-label': t('worklist.profile') }, profileName(referral.profile)),
    columns.includes('urgency') ? cells.urgency() : null,
    h('td', { 'data-label': t('worklist.state') }, stateBadge(referral.state), queuePosition(referral)),
    columns.includes('created_at') ? h('td', { 'data-label': t('fields.created_at') }, formatDate(referral.created_at.slice(0, 10))) : null,
    h('td', { 'data-label': t('worklist.deadline') }, deadline),
    h('td', { 'data-label': t('worklist.waiting_since') }, formatDateTime(referral.state_since)));
}

function table(caption, referrals, columns, sort = null) {
  return h('table', { class: 'worklist' },
    h('caption', {}, caption),
    h('thead', {}, h('tr', {}, columns.map((c) => headerCell(c, sort)))),
    h('tbody', {}, referrals.map((r) => row(r, columns))));
}

// Renders a worklist into `main`. `fixed` states narrow the whole list (a queue); the filters
// narrow further.
async function renderWorklist(main, options) {
  const { title, fixed = null, alsoOverdue = [], showOverdueFirst = false, routeQuery, waitlist = false, carried = null } = options;
  clear(main);
  const user = session.user;
  const spansRegions = user.role === 'republican' || user.role === 'admin' || user.role === 'hospital';
  // Bulk work is done from the role's queue.
  const bulk = fixed && !waitlist && bulkActions(user.role);
  const columns = [...(bulk ? ['select'] : []), ...COLUMNS.filter((c) => (c !== 'region' || spansRegions) && (c !== 'urgency' || waitlist))];
  const [profiles, regions] = await Promise.all([loadProfiles(), loadRegions()]);
  const language = currentLanguage();
  const filters = {
    state: routeQuery.get('state') || '',
    profile: routeQuery.get('profile') || '',
    region: routeQuery.get('region') || '',
    overdue: routeQuery.get('overdue') === 'true',
    q: routeQuery.get('q') || '',
    created_from: routeQuery.get('created_from') || '',
    created_to: routeQuery.get('created_to') || '',
    // From the home page: a set of states, a deadline window, what is new since a moment.
    states: routeQuery.get('states') || '',
    due_by: routeQuery.get('due_by') || '',
    since: routeQuery.get('since') || '',
    sort: routeQuery.get('sort') || '',
  };
  const mine = options.mine === true;
  const scopeStates = fixed || ALL_STATES;
  const chosen = filters.states ? filters.states.split(',').filter((s) => scopeStates.includes(s)) : [];
  const states = filters.state ? [filters.state] : chosen.length ? chosen : fixed || [];
  const base = { state: states, profile: filters.profile, region: filters.region, q: filters.q,
    created_from: filters.created_from, created_to: filters.created_to, due_by: filters.due_by, since: filters.since,
    mine: mine ? 'true' : '' };
  // A click on a column's header reads the list again in that column's order, the filters kept.
  const sort = { order: filters.sort || 'worklist', columns,
    choose: (order) => { location.hash = location.hash.split('?')[0] + query({ ...filters, overdue: filters.overdue ? 'true' : '', sort: order === 'worklist' ? '' : order }); } };

  main.append(h('h1', {}, t(title)));
  const status = h('div', { class: 'worklist-status', 'aria-live': 'polite' });

  // Counts per state, each a link that filters by it.
  const countsNav = h('nav', { class: 'state-counts', 'aria-label': t('worklist.counts') });
  main.append(countsNav);

  const form = h('form', { class: 'filters', role: 'search' },
    h('div', { class: 'field' }, h('label', { for: 'filter-state' }, t('worklist.state')),
      h('select', { id: 'filter-state', name: 'state' },
        h('option', { value: '' }, t('worklist.all_states')),
        scopeStates.map((s) => h('option', { value: s, selected: s === filters.state }, stateName(s))))),
    h('div', { class: 'field' }, h('label', { for: 'filter-profile' }, t('worklist.profile')),
      h('select', { id: 'filter-profile', name: 'profile' },
        h('option', { value: '' }, t('worklist.all_profiles')),
        profiles.map((p) => h('option', { value: p.code, selected: p.code === filters.profile }, profileName(p.code))))),
    user.role === 'republican' || user.role === 'admin'
      ? h('div', { class: 'field' }, h('label', { for: 'filter-region' }, t('worklist.region')),
        h('select', { id: 'filter-region', name: 'region' },
          h('option', { value: '' }, t('worklist.all_regions')),
          regions.map((r) => h('option', { value: r.code, selected: r.code === filters.region }, `${r.code} ${regionName(r.code, language)}`))))
      : null,
    h('div', { class: 'field checkbox' },
      h('input', { id: 'filter-overdue', name: 'overdue', type: 'checkbox', checked: filters.overdue }),
      h('label', { for: 'filter-overdue' }, t('worklist.overdue_only'))),
    h('div', { class: 'field grow' }, h('label', { for: 'filter-q' }, t('worklist.search')),
      h('input', { id: 'filter-q', name: 'q', type: 'search', value: filters.q, placeholder: t('worklist.search_hint') })),
    h('div', { class: 'field' }, h('label', { for: 'filter-created-from' }, t('worklist.created_from')),
      withEcho(h('input', { id: 'filter-created-from', name: 'created_from', type: 'date', value: filters.created_from }))),
    h('div', { class: 'field' }, h('label', { for: 'filter-created-to' }, t('worklist.created_to')),
      withEcho(h('input', { id: 'filter-created-to', name: 'created_to', type: 'date', value: filters.created_to }))),
    h('div', { class: 'field' }, h('label', { for: 'filter-sort' }, t('worklist.order')),
      h('select', { id: 'filter-sort', name: 'sort' },
        ORDERS.map((o) => h('option', { value: o === 'worklist' ? '' : o, selected: o === sort.order }, t(`worklist.orders.${o}`))))),
    h('div', { class: 'form-actions' },
      h('button', { type: 'submit', class: 'primary' }, t('worklist.apply')),
      h('a', { class: 'button secondary', href: location.hash.split('?')[0] }, t('worklist.reset'))));
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const data = new FormData(form);
    const next = query({ state: data.get('state'), profile: data.get('profile'), region: data.get('region'),
      overdue: data.get('overdue') ? 'true' : '', q: data.get('q'), created_from: data.get('created_from'),
      created_to: data.get('created_to'), states: filters.states, due_by: filters.due_by, since: filters.since,
      sort: data.get('sort') });
    location.hash = location.hash.split('?')[0] + next;
  });
  main.append(form, status);
  // What the home page narrowed the list to, said in words, with the way back to all of it.
  const window_ = filters.due_by ? t('worklist.due_by', { date: formatDate(filters.due_by) })
    : filters.since ? t('worklist.since', { at: formatDateTime(filters.since) }) : '';
  if (window_) {
    main.append(h('p', { class: 'banner', id: 'list-window' }, window_, ' ',
      h('a', { href: location.hash.split('?')[0] }, t('worklist.show_all'))));
  }

  const results = h('div', { class: 'results' });
  if (bulk) {
    // After a bulk action the list is drawn again, with the lines of what became of each.
    const bar = bulkBar(results, (lines) => renderWorklist(main, { ...options, carried: lines }));
    main.append(bar);
    if (carried) bar.querySelector('.bulk-results').replaceWith(carried);
  }
  main.append(results);
  try {
    const counts = await get(`/api/v1/referrals/counts${query({ ...base, overdue: filters.overdue ? 'true' : '', state: chosen.length ? chosen : fixed || [] })}`);
    for (const s of scopeStates) {
      const n = counts.counts[s] || 0;
      if (!n) continue;
      const href = location.hash.split('?')[0] + query({ ...filters, overdue: filters.overdue ? 'true' : '', state: s });
      countsNav.append(h('a', { href, class: ['count', s === filters.state ? 'active' : ''], dataset: { state: s } },
        stateName(s), ' ', h('span', { class: 'count-number' }, String(n))));
    }
    // The doctor sees at once that the commission waits for documents.
    const asked = counts.counts.info_requested || 0;
    if (user.role === 'doctor' && asked && filters.state !== 'info_requested') {
      countsNav.after(h('p', { class: 'banner info-banner', role: 'note' }, t('worklist.info_requested_banner', { n: asked }), ' ',
        h('a', { href: location.hash.split('?')[0] + query({ state: 'info_requested' }) }, t('worklist.info_requested_open'))));
    }

    if (showOverdueFirst && !filters.overdue) {
      const overdueStates = filters.state ? base.state : [...base.state, ...alsoOverdue];
      const overdue = await get(`/api/v1/referrals${query({ ...base, state: overdueStates, overdue: 'true', limit: 200 })}`);
      if (overdue.items.length) {
        results.append(h('section', { class: 'overdue-section', 'aria-labelledby': 'overdue-heading' },
          h('h2', { id: 'overdue-heading' }, t('worklist.overdue_heading', { n: overdue.items.length })),
          table(t('worklist.overdue_heading', { n: overdue.items.length }), overdue.items, columns)));
      }
    }

    const listQuery = { ...base, overdue: filters.overdue ? 'true' : '', sort: filters.sort, limit: 50 };
    const first = await get(`/api/v1/referrals${query(listQuery)}`);
    // The total, for the page's position: the counts of the states the list shows.
    const total = (filters.state ? [filters.state] : Object.keys(counts.counts))
      .reduce((sum, s) => sum + (counts.counts[s] || 0), 0);
    if (!first.items.length) {
      results.append(h('p', { class: 'empty' }, t('worklist.empty')));
      status.textContent = t('worklist.empty');
      return;
    }
    const section = h('section', { 'aria-labelledby': 'all-heading' },
      h('h2', { id: 'all-heading' }, t('worklist.all_heading')));
    const list = table(t('worklist.all_heading'), first.items, columns, sort);
    section.append(list);
    results.append(section);
    status.textContent = t('worklist.shown_of', { n: first.items.length, total });
    let next = first.next;
    const more = h('button', { type: 'button', class: 'secondary', id: 'load-more', hidden: !next,
      onclick: async () => {
        more.disabled = true;
        const page = await get(`/api/v1/referrals${query({ ...listQuery, after: next })}`);
        const body = list.querySelector('tbody');
        for (const r of page.items) body.append(row(r, columns));
        next = page.next;
        more.hidden = !next;
        more.disabled = false;
        const shown = body.children.length;
        status.textContent = t('worklist.shown_of', { n: shown, total });
        announce(status.textContent);
      } }, t('worklist.more'));
    section.append(more);
  } catch (error) {
    results.append(h('p', { class: 'form-error', role: 'alert' }, explain(error)));
  }
}

export function worklistView(main, current) {
  const title = session.user.role === 'doctor' ? 'nav.my_referrals'
    : session.user.role === 'hospital' ? 'nav.all_talons' : 'nav.all_referrals';
  return renderWorklist(main, { title, routeQuery: current.query });
}

// A doctor's own patients: the referrals they registered themselves, not their colleagues'.
export function myPatientsView(main, current) {
  if (session.user.role !== 'doctor') return worklistView(main, current);
  return renderWorklist(main, { title: 'nav.my_patients', routeQuery: current.query, mine: true });
}

export function queueView(main, current) {
  const queue = QUEUES[session.user.role];
  if (!queue) return worklistView(main, current);
  return renderWorklist(main, { title: queue.title, fixed: queue.states, alsoOverdue: queue.alsoOverdue, showOverdueFirst: true, routeQuery: current.query });
}

export function waitlistView(main, current) {
  return renderWorklist(main, { title: 'nav.waitlist', fixed: ['waitlisted'], routeQuery: current.query, waitlist: true });
}
