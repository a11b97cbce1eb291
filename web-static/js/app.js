// The workspace: signs the user in, chooses their language, and routes to their views.

import { currentUser } from './api.js';
import { useLanguage, savedLanguage, t } from './i18n.js';
import { session } from './state.js';
import { route, start, setGuard, navigate } from './router.js';
import { renderHeader, homeFor } from './layout.js';
import { loginView } from './views/login.js';
import { worklistView, queueView, waitlistView, myPatientsView } from './views/worklist.js';
import { referralView } from './views/referral.js';
import { talonView, talonsView } from './views/talon.js';
import { referralPrintView, protocolView } from './views/printouts.js';
import { inboxView } from './views/inbox.js';
import { newPatientView } from './views/patient_new.js';
import { newReferralView } from './views/referral_new.js';
import { quotasView } from './views/quotas.js';
import { reportsView } from './views/reports.js';
import { outboxView } from './views/outbox.js';
import { usersView, organizationsView, accessesView, auditView } from './views/admin.js';
import { calendarView } from './views/calendar.js';
import { passwordView } from './views/password.js';
import { placesView } from './views/places.js';
import { homeView } from './views/home.js';

route(/^\/login$/, loginView, { needsUser: false });
route(/^\/me\/password$/, passwordView);
route(/^\/home$/, homeView);
route(/^\/queue$/, queueView);
route(/^\/waitlist$/, waitlistView);
route(/^\/referrals$/, worklistView);
route(/^\/patients$/, myPatientsView);
route(/^\/referrals\/new$/, newReferralView);
route(/^\/referrals\/(\d+)$/, referralView);
route(/^\/referrals\/(\d+)\/talon$/, talonView);
route(/^\/talons$/, talonsView);
route(/^\/referrals\/(\d+)\/print$/, referralPrintView);
route(/^\/protocols$/, protocolView);
route(/^\/notifications$/, inboxView);
route(/^\/patients\/new$/, newPatientView);
route(/^\/quotas$/, quotasView);
route(/^\/reports$/, reportsView);
route(/^\/admin\/outbox$/, outboxView);
route(/^\/places$/, placesView);
route(/^\/admin\/users$/, usersView);
route(/^\/admin\/organizations$/, organizationsView);
route(/^\/admin\/accesses$/, accessesView);
route(/^\/admin\/audit$/, auditView);
route(/^\/admin\/calendar$/, calendarView);
route(/^\/$/, async () => navigate(homeFor(session.user)), { needsUser: false });

setGuard((r) => {
  if (r.needsUser && !session.user) {
    sessionStorage.setItem('joldama.after-login', location.hash);
    navigate('#/login');
    return false;
  }
  // A password an administrator chose is replaced before anything else.
  if (session.user && session.user.must_change_password && r.render !== passwordView) {
    navigate('#/me/password');
    return false;
  }
  return true;
});

window.addEventListener('joldama:password-change-required', () => navigate('#/me/password'));

window.addEventListener('joldama:signed-out', () => {
  if (!session.user) return;
  session.user = null;
  renderHeader();
  navigate('#/login');
});

document.getElementById('skip-link').addEventListener('click', (event) => {
  event.preventDefault();
  document.getElementById('main').focus();
});

async function main() {
  await useLanguage(savedLanguage());
  session.user = await currentUser();
  if (session.user && session.user.locale) await useLanguage(session.user.locale);
  document.title = t('app.name');
  renderHeader();
  window.addEventListener('hashchange', renderHeader);
  await start();
}

main();
