// The planned route in the browser: the doctor registers a planned referral and books the place
// the patient chose among free places; the hospital confirms. The republican level's approval
// offers only hospitals that treat the profile. The public sees free places on a phone.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launch, openPage, screenshot, signIn, signOut, act, apiGet, waitForState,
  accessibilityProblems, registerPatient } from './harness.mjs';

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

function horizontalScroll() {
  const page = document.documentElement;
  return page.scrollWidth > page.clientWidth ? `${page.scrollWidth} px in ${page.clientWidth}` : null;
}

test('a planned referral is booked at the hospital the patient chose and confirmed there', async () => {
  const page = await openPage(browser, { bypassCSP: true });
  await signIn(page, server.base, 'doctor');
  const iin = await registerPatient(page, { last_name: 'Сейтова', first_name: 'Динара', birth_date: '1979-04-02', sex: 'female' });

  await page.goto(`${server.base}/#/referrals/new`);
  await page.waitForSelector('select[name=route]');
  assert.equal(await page.inputValue('select[name=route]'), 'planned', 'the everyday route comes first');
  await page.fill('input[name=patient_iin]', iin);
  await page.fill('input[name=icd10]', 'K80.2');
  await page.selectOption('select[name=profile]', 'surgery');
  await page.fill('textarea[name=justification]', 'Желчнокаменная болезнь, плановая холецистэктомия');
  await page.click('form button[type=submit]');
  // The referral's page, or the form's refusal, said in the failure if it comes.
  await page.waitForSelector('.actions button[data-action="book"], main form .form-error, main form .field-error:not([hidden])');
  const refused = await page.$$eval('main form .form-error, main form .field-error:not([hidden])', (errors) => errors.map((e) => e.textContent));
  assert.deepEqual(refused, [], 'the new referral is accepted');
  await page.waitForSelector('.actions button[data-action="book"]');
  const id = Number(page.url().match(/referrals\/(\d+)/)[1]);
  assert.equal(await page.locator('.actions button[data-action="submit"]').count(), 0, 'no commission on the planned route');

  // The booking dialog offers hospitals with free places and, for the one chosen, its free days.
  await page.click('.actions button[data-action="book"]');
  const form = page.locator('dialog form[data-action="book"]');
  await form.waitFor();
  const hospitals = await form.locator('select[name=hospital_id] option').evaluateAll((options) => options.map((o) => [o.value, o.textContent]));
  const offered = hospitals.filter(([value]) => value);
  assert.ok(offered.length >= 2, JSON.stringify(hospitals));
  const places = await apiGet(page, '/api/v1/places?profile=surgery&free=true&days=31');
  const withPlaces = new Set(places.map((p) => String(p.hospital.id)));
  for (const [value] of offered) assert.ok(withPlaces.has(value), `hospital ${value} has free places`);
  // The city's multi-profile hospital (hospital.75), among those of every region.
  const planned = await apiGet(page, '/api/v1/organizations?kind=hospital&profile=surgery&route=planned');
  const cityHospital = planned.find((o) => o.region === '75' && o.level === 'regional');
  const city = offered.find(([value]) => value === String(cityHospital.id));
  assert.ok(city, 'the patient\'s region is offered');
  assert.ok(offered.some(([value]) => planned.find((o) => String(o.id) === value && o.region !== '75')), 'and other regions too');
  await form.locator('select[name=hospital_id]').selectOption(city[0]);
  const days = await form.locator('select[name=planned_date] option').evaluateAll((options) => options.map((o) => o.value).filter(Boolean));
  assert.ok(days.length > 0);
  const free = places.filter((p) => String(p.hospital.id) === city[0]).map((p) => p.date);
  assert.deepEqual(days, free);
  assert.deepEqual(await accessibilityProblems(page), []);
  await screenshot(page, 'doctor-book-a-place');
  await form.locator('select[name=planned_date]').selectOption(days[0]);
  await form.locator('button[type=submit]').click();
  await form.waitFor({ state: 'detached' });
  let referral = await waitForState(page, id, 'booking_requested');
  assert.equal(String(referral.booking.hospital.id), city[0]);
  assert.equal(referral.booking.date, days[0]);
  await page.waitForSelector('.badge');
  await signOut(page);

  // The chosen hospital's staff confirm it from their inbox.
  await signIn(page, server.base, 'hospital.75');
  const staff = await apiGet(page, '/api/v1/me');
  assert.equal(String(staff.organization.id), city[0]);
  const inbox = await apiGet(page, '/api/v1/referrals?state=booking_requested');
  assert.ok(inbox.items.some((r) => r.id === id));
  await page.goto(`${server.base}/#/referrals/${id}`);
  await page.waitForSelector('.actions button[data-action="confirm"]');
  await act(page, 'confirm');
  referral = await waitForState(page, id, 'scheduled');
  assert.ok(referral.talon, 'a confirmed booking carries a talon');
  assert.equal(referral.talon.planned_date, days[0]);
  assert.deepEqual(page.problems, []);
});

test('the republican level is offered only hospitals that treat the profile, with region and level', async () => {
  const page = await openPage(browser, { bypassCSP: true });
  await signIn(page, server.base, 'republic');
  const waiting = await apiGet(page, '/api/v1/referrals?state=republican_review&limit=50');
  assert.ok(waiting.items.length > 0, 'the demo has referrals awaiting the republican level');
  const referral = waiting.items[0];
  await page.goto(`${server.base}/#/referrals/${referral.id}`);
  await page.click('.actions button[data-action="approve"]');
  const form = page.locator('dialog form[data-action="approve"]');
  await form.waitFor();
  const options = await form.locator('select[name=hospital_id] option').evaluateAll((list) => list.map((o) => [o.value, o.textContent]));
  const treating = await apiGet(page, `/api/v1/organizations?kind=hospital&profile=${referral.profile}&route=high_tech`);
  assert.deepEqual(options.filter(([v]) => v).map(([v]) => v).sort(), treating.map((o) => String(o.id)).sort());
  for (const [value, label] of options.filter(([v]) => v)) {
    const hospital = treating.find((o) => String(o.id) === value);
    assert.ok(label.includes(hospital.name), label);
    assert.match(label, /—.+,/, `${label} names its region and level`);
  }
  assert.deepEqual(await accessibilityProblems(page), []);
  await screenshot(page, 'republic-approve-hospitals-for-profile');
  assert.deepEqual(page.problems, []);
});

test('the public sees free places by region and profile on a phone, in Kazakh and Russian', async () => {
  const page = await openPage(browser, { viewport: { width: 360, height: 740 }, isMobile: true, hasTouch: true, bypassCSP: true });
  await page.goto(`${server.base}/places.html`);
  for (const language of ['kk', 'ru']) {
    await page.selectOption('#language', language);
    await page.waitForSelector(`html[lang="${language}"] form select[name=region]`);
    await page.selectOption('select[name=region]', '75');
    await page.selectOption('select[name=profile]', 'surgery');
    const api = await page.evaluate(async () => (await fetch('/api/v1/places?region=75&profile=surgery&days=7&free=true')).json());
    await page.click('form button[type=submit]');
    // The table of the search before (all regions) may still stand: wait for this answer's rows.
    await page.waitForFunction((n) => document.querySelectorAll('table.places tbody tr').length === n, api.length);
    const rows = await page.$$eval('table.places tbody tr', (trs) => trs.map((tr) => tr.dataset.hospital));
    assert.equal(rows.length, api.length);
    assert.ok(api.every((p) => p.hospital.region === '75' && p.free > 0));
    assert.equal(await page.evaluate(horizontalScroll), null);
    assert.deepEqual(await accessibilityProblems(page), []);
    await screenshot(page, `public-places-${language}`);
  }
  // A profile nobody in a region has places for says so.
  await page.selectOption('select[name=profile]', 'neurosurgery');
  await page.click('form button[type=submit]');
  // The earlier answer's table goes when the new answer comes: wait for that, not for a status
  // line that may already be there.
  await page.waitForSelector('table.places', { state: 'detached' });
  await page.waitForSelector('main [role=status]');
  assert.equal(await page.locator('table.places').count(), 0);
  assert.deepEqual(page.problems, []);
});

test('a hospital publishes its places day by day; a refused number is put back and explained', async () => {
  const page = await openPage(browser, { bypassCSP: true });
  await signIn(page, server.base, 'hospital.75');
  await page.click('a[href="#/places"]');
  await page.waitForSelector('table.places-matrix tbody tr');
  const me = await apiGet(page, '/api/v1/me');
  const day = await page.$eval('table.places-matrix thead th:nth-child(3) time', (e) => e.getAttribute('datetime'));
  const cell = page.locator(`input[name="p-surgery-${day}"]`);
  const before = Number(await cell.inputValue());
  await cell.fill(String(before + 3));
  await cell.press('Tab');
  await page.waitForFunction(() => /surgery|Хирургия/i.test(document.querySelector('main [role=status]').textContent));
  let [row] = await apiGet(page, `/api/v1/places?hospital_id=${me.organization.id}&profile=surgery&from=${day}&days=1`);
  assert.equal(row.capacity, before + 3);
  // Beyond what a day may hold: the server refuses, the cell shows what the server still has.
  await cell.fill('20000');
  await cell.press('Tab');
  await page.waitForFunction((expected) => document.activeElement && document.querySelector(`input[aria-invalid="true"]`)?.value === expected, String(before + 3));
  [row] = await apiGet(page, `/api/v1/places?hospital_id=${me.organization.id}&profile=surgery&from=${day}&days=1`);
  assert.equal(row.capacity, before + 3);
  assert.deepEqual(await accessibilityProblems(page), []);
  await screenshot(page, 'hospital-places');
  assert.deepEqual(page.problems, []);
});

test('the administrator sets what a hospital treats and the routes it receives', async () => {
  const page = await openPage(browser, { bypassCSP: true });
  await signIn(page, server.base, 'admin');
  await page.goto(`${server.base}/#/admin/organizations`);
  const hospitals = await apiGet(page, '/api/v1/organizations?kind=hospital');
  const talgar = hospitals.find((o) => o.name.startsWith('Талгар'));
  await page.click(`button[data-profiles="${talgar.id}"]`);
  const form = page.locator(`dialog form[data-organization="${talgar.id}"]`);
  await form.waitFor();
  assert.equal(await form.locator('input[name=profiles][value=surgery]').isChecked(), true);
  await form.locator('input[name=profiles][value=pediatric_surgery]').check();
  await form.locator('input[name=accepts][value=high_tech]').check();
  assert.deepEqual(await accessibilityProblems(page), []);
  await screenshot(page, 'admin-hospital-profiles');
  await form.locator('button[type=submit]').click();
  await form.waitFor({ state: 'detached' });
  const after = (await apiGet(page, '/api/v1/organizations?kind=hospital')).find((o) => o.id === talgar.id);
  assert.ok(after.profiles.includes('pediatric_surgery'));
  assert.deepEqual(after.accepts, ['planned', 'high_tech']);
  // A hospital that receives patients treats something: the refusal lands at the profiles.
  await page.click(`button[data-profiles="${talgar.id}"]`);
  await form.waitFor();
  for (const box of await form.locator('input[name=profiles]').all()) await box.uncheck();
  await form.locator('button[type=submit]').click();
  await form.locator('[data-field="profiles"] .field-error').waitFor({ state: 'visible' });
  assert.deepEqual(page.problems, []);
});
