// Every screen of the workspace, role by role, in Kazakh and in Russian: each is drawn in full
// (its heading has the focus and its content is there), axe finds nothing serious on it, and a
// screenshot of it is kept (build/e2e-screenshots/screens-*). The flows themselves are tested
// elsewhere; this is the walk through every page a person of each role can open.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launch, openPage, screenshot, signIn, apiToken, apiFetch, accessibilityProblems } from './harness.mjs';

let server;
let browser;
let subjects;

before(async () => {
  server = await startServer();
  browser = await launch();
  subjects = await findSubjects();
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

// Demo referrals the screens are shown with: one waiting for the doctor's answer, one decided
// under a commission protocol, and the talons at the cardiac centre.
async function findSubjects() {
  const doctor = await apiToken(server.base, 'doctor');
  const waiting = (await apiFetch(server.base, doctor, '/api/v1/referrals?state=info_requested&limit=1')).items[0];
  const commission = await apiToken(server.base, 'commission');
  const decided = (await apiFetch(server.base, commission, '/api/v1/referrals?state=republican_review,waitlisted,talon_issued,scheduled&limit=200'))
    .items.find((r) => r.protocol);
  const hospital = await apiToken(server.base, 'hospital');
  const talons = (await apiFetch(server.base, hospital, '/api/v1/referrals?limit=200')).items.filter((r) => r.talon).map((r) => r.id);
  assert.ok(waiting && decided && talons.length, 'the demo has the referrals the screens show');
  return { waiting: waiting.id, protocol: decided.protocol, talons: talons.slice(0, 3) };
}

const LIST = 'table.worklist tbody tr, .results .empty';

// Per login: each screen's address and what shows that it is drawn.
const screens = () => ({
  doctor: [
    ['home', '#/home', '.home-tiles li'],
    ['my-patients', '#/patients', LIST],
    ['referrals-by-deadline', '#/referrals?sort=deadline', LIST],
    ['info-requested', `#/referrals/${subjects.waiting}`, '#info-request'],
    ['referral-form', `#/referrals/${subjects.waiting}/print`, 'article.printout td'],
    ['new-patient', '#/patients/new', 'form input[name=iin]'],
    ['new-referral', '#/referrals/new', 'form textarea[name=justification]'],
  ],
  commission: [
    ['home', '#/home', '.home-tiles li'],
    ['queue', '#/queue', '.bulk-bar'],
    ['protocol', `#/protocols?number=${encodeURIComponent(subjects.protocol)}`, 'article.printout tbody tr'],
    ['quotas', '#/quotas', 'table.quota-matrix tbody tr'],
    ['report-stage-times', '#/reports?report=stage-times', '#report-table tbody tr'],
  ],
  republic: [
    ['home', '#/home', '.home-tiles li'],
    ['queue', '#/queue', LIST],
    ['waitlist', '#/waitlist', LIST],
    ['quota-planning', '#/quotas', '#preview-distribution'],
    ['report-waiting', '#/reports?report=waiting', '#report-table'],
  ],
  hospital: [
    ['home', '#/home', '.home-tiles li'],
    ['inbox', '#/queue', '.bulk-bar'],
    ['talons', `#/talons?ids=${subjects.talons.join(',')}`, 'article.talon .talon-bring li'],
  ],
  hospital2: [
    ['places', '#/places', 'table.places-matrix tbody tr'],
  ],
  admin: [
    ['home', '#/home', '.home-tiles li'],
    ['users', '#/admin/users', 'main table tbody tr'],
    ['organizations', '#/admin/organizations', 'button[data-contacts]'],
    ['accesses', '#/admin/accesses', '#accesses, main .empty'],
    ['audit', '#/admin/audit', 'main table tbody tr'],
    ['calendar', '#/admin/calendar', '.year-switch'],
    ['report-referrals', '#/reports?report=referrals', '#report-table tbody tr'],
    ['outbox', '#/admin/outbox', '#outbox tbody tr'],
  ],
});

for (const login of ['doctor', 'commission', 'republic', 'hospital', 'hospital2', 'admin']) {
  test(`every screen of ${login}, in Kazakh and Russian, is drawn in full and clean under axe`, async () => {
    const page = await openPage(browser, { bypassCSP: true });
    await signIn(page, server.base, login);
    const problems = [];
    for (const language of ['kk', 'ru']) {
      if (await page.getAttribute('html', 'lang') !== language) {
        await page.selectOption('#language', language);
        await page.waitForFunction((l) => document.documentElement.lang === l, language);
      }
      for (const [name, hash, drawn] of screens()[login]) {
        await page.goto(`${server.base}/${hash}`);
        await page.waitForSelector(`html[lang="${language}"] ${drawn.split(', ').join(`, html[lang="${language}"] `)}`);
        // The router focuses the heading once the page is drawn.
        await page.waitForFunction(() => document.activeElement?.matches('main h1'));
        await screenshot(page, `${login}-${name}-${language}`);
        const found = await accessibilityProblems(page);
        if (found.length) problems.push(`${name} (${language}): ${found.join('; ')}`);
        const untranslated = await page.evaluate(() => document.querySelector('main').innerText.match(/\b[a-z]+(\.[a-z_]+)+\b/g) || []);
        const keys = untranslated.filter((word) => /^(nav|fields|print|talon|admin|home|worklist|quota|calendar|audit|bulk|action|state|reports|outbox)\./.test(word));
        if (keys.length) problems.push(`${name} (${language}): strings without a translation: ${keys.join(', ')}`);
      }
    }
    assert.deepEqual(problems, []);
    assert.deepEqual(page.problems, []);
  });
}
