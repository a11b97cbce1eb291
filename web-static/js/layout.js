// The header: the bureau's name, the role's navigation, the language switch, sign-out.

import { h, clear } from './dom.js';
import { t, currentLanguage, useLanguage, LANGUAGES, roleName } from './i18n.js';
import { api, signOut } from './api.js';
import { session } from './state.js';
import { navigate, show } from './router.js';
import { inboxLink, forgetInbox } from './notifications.js';

const HOME = ['#/home', 'nav.home'];
const NAVIGATION = {
  doctor: [HOME, ['#/patients', 'nav.my_patients'], ['#/referrals', 'nav.my_referrals'], ['#/patients/new', 'nav.new_patient'], ['#/referrals/new', 'nav.new_referral']],
  commission: [HOME, ['#/queue', 'nav.review_queue'], ['#/referrals', 'nav.all_referrals'], ['#/protocols', 'nav.protocols'], ['#/quotas', 'nav.quotas'], ['#/reports', 'nav.reports']],
  republican: [HOME, ['#/queue', 'nav.approval_queue'], ['#/waitlist', 'nav.waitlist'], ['#/quotas', 'nav.quota_planning'], ['#/reports', 'nav.reports'], ['#/referrals', 'nav.all_referrals']],
  hospital: [HOME, ['#/queue', 'nav.talon_inbox'], ['#/referrals', 'nav.all_talons'], ['#/places', 'nav.places']],
  admin: [HOME, ['#/admin/users', 'nav.users'], ['#/admin/organizations', 'nav.organizations'], ['#/admin/accesses', 'nav.accesses'], ['#/admin/audit', 'nav.audit'], ['#/admin/calendar', 'nav.calendar'], ['#/admin/outbox', 'nav.outbox'], ['#/quotas', 'nav.quota_planning'], ['#/reports', 'nav.reports'], ['#/referrals', 'nav.all_referrals']],
};

export function homeFor(user) {
  if (!user) return '#/login';
  return '#/home';
}

const LANGUAGE_NAMES = { kk: 'Қазақша', ru: 'Русский', en: 'English' };

// A language select; `afterChange` runs once the new strings are in.
export function languageSwitch(afterChange) {
  const select = h('select', {
    id: 'language', name: 'language', class: 'language-select',
    onchange: async () => {
      const chosen = select.value;
      await useLanguage(chosen, async () => {
        if (session.user) {
          try {
            const { data } = await api('PUT', '/api/v1/me', { body: { locale: chosen } });
            session.user = data;
          } catch {
            // The choice still holds in this browser.
          }
        }
        if (afterChange) await afterChange();
      });
    },
  }, LANGUAGES.map((code) => h('option', { value: code, selected: code === currentLanguage(), lang: code }, LANGUAGE_NAMES[code])));
  return h('div', { class: 'language' },
    h('label', { for: 'language' }, t('app.language')), select);
}

export function renderHeader() {
  const header = clear(document.getElementById('header'));
  const user = session.user;
  const rerender = async () => {
    renderHeader();
    await show();
  };
  header.append(h('a', { class: 'brand', href: user ? homeFor(user) : '#/login' }, t('app.name')));
  if (user) {
    const active = location.hash.split('?')[0];
    header.append(h('nav', { 'aria-label': t('nav.label') },
      h('ul', {}, (NAVIGATION[user.role] || []).map(([href, key]) => h('li', {},
        h('a', { href, 'aria-current': active === href ? 'page' : false }, t(key)))))));
  }
  const tools = h('div', { class: 'header-tools' }, languageSwitch(rerender));
  if (user) {
    tools.append(
      inboxLink(),
      h('span', { class: 'who' },
        h('a', { class: 'who-name', href: '#/me/password', title: t('password.title') }, user.name), ' · ', roleName(user.role)),
      h('button', {
        type: 'button', class: 'secondary', id: 'sign-out',
        onclick: async () => {
          await signOut();
          session.user = null;
          forgetInbox();
          renderHeader();
          navigate('#/login');
        },
      }, t('app.sign_out')));
  }
  header.append(tools);
}
