// The first screen of every role: what falls due today and this week, what is overdue, and
// what arrived since the last visit, each a count that opens the worklist filtered to it.

import { h, clear } from '../dom.js';
import { t, formatDateTime, todayInKazakhstan } from '../i18n.js';
import { get, query } from '../api.js';
import { session } from '../state.js';
import { explain } from '../forms.js';
import { WORK_STATES } from './worklist.js';

const LAST_VISIT = 'joldama.last-visit';
const THIS_VISIT = 'joldama.this-visit';

// The moment of the previous visit, kept per user in this browser. A visit is a browser
// session: within it the answer stays the same, so "new" does not empty itself on a reload.
function previousVisit(login) {
  const key = `${LAST_VISIT}.${login}`;
  let previous = sessionStorage.getItem(`${THIS_VISIT}.${login}`);
  if (previous === null) {
    previous = localStorage.getItem(key) || '';
    sessionStorage.setItem(`${THIS_VISIT}.${login}`, previous);
    localStorage.setItem(key, new Date().toISOString());
  }
  return previous || null;
}

function addDays(isoDate, days) {
  const date = new Date(`${isoDate}T00:00:00Z`);
  date.setUTCDate(date.getUTCDate() + days);
  return date.toISOString().slice(0, 10);
}

export async function homeView(main) {
  clear(main);
  const user = session.user;
  const states = WORK_STATES[user.role] || [];
  // Where the counts lead: the role's queue, or (for a doctor and an administrator) the
  // worklist of everything in scope, filtered the same way.
  const list = user.role === 'doctor' || user.role === 'admin' ? '#/referrals' : '#/queue';
  const today = todayInKazakhstan();
  const since = previousVisit(user.login);
  const tiles = [
    { key: 'due_today', filter: { due_by: today } },
    { key: 'due_week', filter: { due_by: addDays(today, 6) } },
    { key: 'overdue', filter: { overdue: 'true' } },
    since ? { key: 'new', filter: { since } } : null,
  ].filter(Boolean);

  main.append(h('h1', {}, t('home.title', { name: user.name })),
    h('p', { class: 'lead' }, since ? t('home.since', { at: formatDateTime(since) }) : t('home.first_visit')));
  const grid = h('ul', { class: 'home-tiles', 'aria-label': t('home.tiles') });
  main.append(grid);
  try {
    const counts = await Promise.all(tiles.map((tile) =>
      get(`/api/v1/referrals/counts${query({ state: states, ...tile.filter })}`)));
    tiles.forEach((tile, i) => {
      const n = counts[i].total;
      grid.append(h('li', { class: ['home-tile', tile.key === 'overdue' && n ? 'alert' : ''], dataset: { tile: tile.key } },
        h('a', { href: list + query({ ...tile.filter, states: states.length ? states.join(',') : '' }) },
          h('span', { class: 'home-count' }, String(n)),
          h('span', { class: 'home-label' }, t(`home.${tile.key}`)))));
    });
  } catch (error) {
    main.append(h('p', { class: 'form-error', role: 'alert' }, explain(error)));
  }
}
