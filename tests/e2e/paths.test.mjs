// The other paths through the UI: a decision in absentia, a request for information and the
// doctor's answer, a rejection, and an exhausted quota: waitlist, then promotion once the
// allocation is raised on the planning page.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launch, openPage, screenshot, signIn, signOut, act, apiGet, waitForState,
  freshIin } from './harness.mjs';

let server;
let browser;

before(async () => {
  server = await startServer();
  browser = await launch();
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

// Registers a patient and a referral as the signed-in doctor, through the API the UI uses,
// and submits it; returns the referral.
async function submittedReferral(page, profile) {
  return page.evaluate(async ({ iin, profile: chosen }) => {
    const csrf = localStorage.getItem('joldama.csrf');
    const post = async (path, body, headers = {}) => {
      const response = await fetch(path, {
        method: 'POST', headers: { 'content-type': 'application/json', 'x-csrf-token': csrf, ...headers }, body: JSON.stringify(body),
      });
      return response.json();
    };
    await post('/api/v1/patients', { iin, last_name: 'Байтұрсынов', first_name: 'Ахмет', birth_date: '1972-01-28', sex: 'male', residency: 'citizen', region: '75', insured: true });
    const referral = await post('/api/v1/referrals', { patient_iin: iin, icd10: 'Q21.0', profile: chosen, urgency: 'routine', care_form: 'inpatient', justification: 'Дефект межжелудочковой перегородки' });
    return post(`/api/v1/referrals/${referral.id}/actions/submit`, {}, { 'if-match': `"${referral.version}"` });
  }, { iin: freshIin(), profile });
}

async function openReferral(page, id) {
  await page.goto(`${server.base}/#/referrals/${id}`);
  await page.waitForSelector('.timeline');
}

test('in absentia, with a request for information answered, and a rejection', async () => {
  const page = await openPage(browser);
  await signIn(page, server.base, 'doctor');
  const first = await submittedReferral(page, 'surgery');
  const second = await submittedReferral(page, 'surgery');
  await signOut(page);

  await signIn(page, server.base, 'commission');
  await openReferral(page, first.id);
  await act(page, 'request_info', { comment: 'Приложите ЭхоКГ не старше месяца' });
  await waitForState(page, first.id, 'info_requested');
  await openReferral(page, second.id);
  await act(page, 'reject', { reason: 'Помощь может быть оказана на уровне области' });
  const rejected = await waitForState(page, second.id, 'rejected');
  assert.equal(rejected.history.at(-1).comment, 'Помощь может быть оказана на уровне области');
  await signOut(page);

  await signIn(page, server.base, 'doctor');
  await openReferral(page, first.id);
  const history = await page.textContent('.timeline');
  assert.ok(history.includes('Приложите ЭхоКГ не старше месяца'));
  await act(page, 'resubmit', { comment: 'ЭхоКГ приложена' });
  await waitForState(page, first.id, 'commission_review');
  await signOut(page);

  await signIn(page, server.base, 'commission');
  await openReferral(page, first.id);
  await act(page, 'approve', { protocol: '51/2026' });
  const approved = await waitForState(page, first.id, 'republican_review');
  assert.equal(approved.decision_mode, 'in_absentia');
  await screenshot(page, 'commission-in-absentia');
  assert.deepEqual(page.problems, []);
});

test('an exhausted quota waitlists, and raising it on the planning page promotes', async () => {
  const page = await openPage(browser);
  const year = new Date(Date.now() + 5 * 3600e3).getUTCFullYear();
  await signIn(page, server.base, 'doctor');
  const a = await submittedReferral(page, 'pediatric_surgery');
  const b = await submittedReferral(page, 'pediatric_surgery');
  await signOut(page);
  await signIn(page, server.base, 'commission');
  for (const r of [a, b]) {
    await openReferral(page, r.id);
    await act(page, 'approve', { protocol: `P-${r.id}` });
    await waitForState(page, r.id, 'republican_review');
  }
  await signOut(page);

  await signIn(page, server.base, 'republic');
  // Leave exactly one free unit of Almaty's paediatric surgery quota.
  const [quota] = await apiGet(page, `/api/v1/quotas?period=${year}&region=75&profile=pediatric_surgery`);
  const held = quota.reserved + quota.used;
  await page.goto(`${server.base}/#/quotas?period=${year}`);
  const cell = page.locator('input[name="q-75-pediatric_surgery"]');
  await cell.waitFor();
  await cell.fill(String(held + 1));
  await page.click('#save-quotas');
  await page.waitForSelector('.quota-status [role=status]');

  const hospitals = await apiGet(page, '/api/v1/organizations?kind=hospital&profile=pediatric_surgery&route=high_tech');
  const hospital = hospitals[0];
  await openReferral(page, a.id);
  await act(page, 'approve', { hospital_id: String(hospital.id) });
  await waitForState(page, a.id, 'talon_issued');

  // No unit is left: the dialog warns, and the approval waitlists.
  await openReferral(page, b.id);
  await page.click('.actions button[data-action="approve"]');
  await page.waitForSelector('dialog .quota-meter .warning');
  await screenshot(page, 'republic-approve-will-waitlist');
  await page.selectOption('dialog select[name=hospital_id]', String(hospital.id));
  await page.click('dialog button[type=submit]');
  const waiting = await waitForState(page, b.id, 'waitlisted');
  assert.equal(waiting.queue_position, 1);

  await page.click('a[href="#/waitlist"]');
  await page.waitForSelector(`table.worklist tr[data-id="${b.id}"]`);
  await screenshot(page, 'republic-waitlist');

  // Raising the allocation on the planning page promotes the waiting referral.
  await page.click('a[href="#/quotas"]');
  await cell.waitFor();
  await cell.fill(String(held + 2));
  await screenshot(page, 'republic-quota-planning');
  await page.click('#save-quotas');
  await page.waitForSelector('.quota-status [role=status]');
  const promoted = await waitForState(page, b.id, 'talon_issued');
  assert.equal(promoted.history.at(-1).action, 'promote');
  await openReferral(page, b.id);
  assert.equal(await page.locator('#print-talon').count(), 1);

  // The distribution preview shows a split that adds up to the total.
  await page.goto(`${server.base}/#/quotas?period=${year}`);
  await page.selectOption('select[name=profile]', 'oncology');
  await page.fill('input[name=total]', '1000');
  await page.click('#preview-distribution');
  await page.waitForSelector('table.distribution tbody tr');
  const proposed = await page.$$eval('table.distribution tbody tr td:nth-child(3)', (cells) =>
    cells.map((c) => Number(c.textContent.replace(/\D/g, ''))));
  assert.equal(proposed.length, 20);
  assert.equal(proposed.reduce((s, n) => s + n, 0), 1000);
  await screenshot(page, 'republic-distribution-preview');
  assert.deepEqual(page.problems, []);
});
