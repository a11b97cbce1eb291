// The whole journey through the UI, logging in as each role in turn: the doctor registers a new
// patient and referral with an attachment and submits; the commission schedules an in-person
// examination and approves; the republican level approves (the quota meter moves); the hospital
// accepts, prints the talon, admits and discharges; the public page shows the result.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launch, openPage, screenshot, signIn, signOut, act, apiGet, waitForState,
  freshIin, pdfBytes, kazakhstanDate } from './harness.mjs';

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

test('a referral travels from the doctor to discharge and the public page', async () => {
  const page = await openPage(browser);
  const iin = freshIin();

  // The doctor registers the patient…
  await signIn(page, server.base, 'doctor');
  await page.waitForSelector('.home-tiles li');
  await screenshot(page, 'doctor-home');
  await page.click('a[href="#/referrals"]');
  await page.waitForSelector('table.worklist');
  await screenshot(page, 'doctor-referrals');
  await page.click('a[href="#/patients/new"]');
  await page.waitForSelector('input[name=iin]');
  await page.fill('input[name=iin]', iin);
  await page.fill('input[name=last_name]', 'Жақсылықова');
  await page.fill('input[name=first_name]', 'Гүлнар');
  await page.fill('input[name=birth_date]', '1968-04-12');
  await page.selectOption('select[name=sex]', 'female');
  await page.selectOption('select[name=residency]', 'citizen');
  await page.selectOption('select[name=region]', '75');
  await page.fill('input[name=email]', 'Gulnar.Zh@Mail.KZ');
  // The UI is in Kazakh: so, at first, are the patient's messages; she reads Russian.
  assert.equal(await page.inputValue('main select[name=language]'), 'kk');
  await page.selectOption('main select[name=language]', 'ru');
  await page.check('input[name=insured]');
  await screenshot(page, 'doctor-new-patient');
  await page.click('form button[type=submit]');
  await page.waitForSelector('.success a[href^="#/referrals/new"]');
  const patient = await apiGet(page, `/api/v1/patients/${iin}`);
  assert.equal(patient.email, 'Gulnar.Zh@mail.kz');
  assert.equal(patient.language, 'ru');

  // …and the referral, with a scan attached, then submits it.
  await page.click('.success a[href^="#/referrals/new"]');
  await page.waitForSelector('input[name=icd10]');
  assert.equal(await page.inputValue('input[name=patient_iin]'), iin);
  await page.fill('input[name=icd10]', 'I25.1');
  await page.selectOption('select[name=profile]', 'cardiac_surgery');
  await page.selectOption('select[name=route]', 'high_tech');
  await page.selectOption('select[name=urgency]', 'urgent');
  await page.fill('textarea[name=justification]', 'Үш тамырлы коронарлық ауру; АКШ көрсетілген.');
  await page.setInputFiles('#attachment-input', { name: 'коронарография.pdf', mimeType: 'application/pdf', buffer: pdfBytes });
  await screenshot(page, 'doctor-new-referral');
  await page.click('form button[type=submit]');
  await page.waitForURL(/#\/referrals\/\d+$/);
  const id = Number(page.url().match(/referrals\/(\d+)$/)[1]);
  await page.waitForSelector('.attachments li a');
  assert.equal(await page.textContent('.attachments li a'), 'коронарография.pdf');
  const registered = await apiGet(page, `/api/v1/referrals/${id}`);
  assert.equal(registered.state, 'registered');
  assert.ok(registered.code.startsWith('75-'));
  await screenshot(page, 'doctor-referral');
  await act(page, 'submit');
  await waitForState(page, id, 'commission_review');
  assert.equal(await page.locator('.actions button[data-action="submit"]').count(), 0);
  await signOut(page);

  // The commission schedules an in-person examination, then approves.
  await signIn(page, server.base, 'commission');
  await page.click('a[href="#/queue"]');
  await page.waitForSelector(`table.worklist tr[data-id="${id}"]`);
  await screenshot(page, 'commission-queue');
  await page.click(`table.worklist tr[data-id="${id}"] a`);
  await page.waitForSelector('.actions button[data-action="schedule_in_person"]');
  await act(page, 'schedule_in_person', { at: `${kazakhstanDate(3)}T11:30`, place: 'Алматы қ. денсаулық сақтау басқармасы, 305 каб.' });
  let referral = await waitForState(page, id, 'in_person_scheduled');
  assert.equal(referral.exam.at, `${kazakhstanDate(3)}T11:30:00+05:00`);
  await page.waitForSelector('.actions button[data-action="approve"]');
  await screenshot(page, 'commission-referral');
  await act(page, 'approve', { protocol: '44/2026' });
  referral = await waitForState(page, id, 'republican_review');
  assert.equal(referral.decision_mode, 'in_person');
  await signOut(page);

  // The republican level approves against the quota: the meter moves by one.
  await signIn(page, server.base, 'republic');
  await page.click('a[href="#/queue"]');
  await page.waitForSelector(`table.worklist tr[data-id="${id}"]`);
  await screenshot(page, 'republic-queue');
  await page.click(`table.worklist tr[data-id="${id}"] a`);
  const meter = page.locator('main .quota-meter');
  await meter.waitFor();
  const before = Number(await meter.getAttribute('data-reserved'));
  await screenshot(page, 'republic-referral');
  const hospitals = await apiGet(page, '/api/v1/organizations?kind=hospital');
  const cardiac = hospitals.find((o) => o.name === 'Национальный научный кардиохирургический центр');
  await act(page, 'approve', { hospital_id: String(cardiac.id) });
  referral = await waitForState(page, id, 'talon_issued');
  await page.waitForSelector('main .quota-meter');
  assert.equal(Number(await page.locator('main .quota-meter').getAttribute('data-reserved')), before + 1);
  await signOut(page);

  // The hospital accepts with a date, prints the talon, admits and discharges.
  await signIn(page, server.base, 'hospital');
  await page.click('a[href="#/queue"]');
  await page.waitForSelector(`table.worklist tr[data-id="${id}"]`);
  await screenshot(page, 'hospital-inbox');
  await page.click(`table.worklist tr[data-id="${id}"] a`);
  await act(page, 'accept', { planned_date: kazakhstanDate(7) });
  await waitForState(page, id, 'scheduled');
  await page.click('#print-talon');
  await page.waitForSelector('.talon svg.qr');
  const talonText = await page.textContent('.talon');
  assert.ok(talonText.includes(referral.talon.number));
  assert.ok(talonText.includes(iin));
  assert.ok(!talonText.includes('undefined'));
  await page.emulateMedia({ media: 'print' });
  await screenshot(page, 'hospital-talon-print');
  assert.equal(await page.locator('#header').isVisible(), false);  // the print layout drops the header
  await page.emulateMedia({ media: 'screen' });
  await page.click('.no-print a');
  await page.waitForSelector('.actions button[data-action="admit"]');
  await act(page, 'admit', { case_number: 'ИБ-2026-7781' });
  await waitForState(page, id, 'admitted');
  await page.waitForSelector('.actions button[data-action="discharge"]');
  await act(page, 'discharge', { outcome: 'improved', final_icd10: 'I25.1' });
  referral = await waitForState(page, id, 'completed');
  await screenshot(page, 'hospital-completed');
  assert.deepEqual(referral.history.map((h) => h.action),
    ['register', 'attach', 'submit', 'schedule_in_person', 'approve', 'approve', 'accept', 'admit', 'discharge']);
  await signOut(page);

  // The patient checks the status with the code and the IIN.
  await page.goto(`${server.base}/status.html#code=${referral.code}`);
  await page.waitForSelector('input[name=iin]');
  assert.equal(await page.inputValue('input[name=code]'), referral.code);
  await page.fill('input[name=iin]', iin);
  await page.click('form button[type=submit]');
  await page.waitForSelector('.result[data-state="completed"]');
  await screenshot(page, 'public-status');
  assert.deepEqual(page.problems, []);
});
