// A patient who comes from elsewhere: the Astana doctor registering them learns only that the IIN
// is taken, asks for access to the record with a reason, and can then refer them; the
// administrator sees the access in a list. Axe-clean throughout.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launch, openPage, screenshot, signIn, signOut, accessibilityProblems, apiToken, apiFetch } from './harness.mjs';

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

// An IIN registered by the Almaty polyclinic.
async function almatyPatientIin() {
  const token = await apiToken(server.base, 'doctor');
  return (await apiFetch(server.base, token, '/api/v1/referrals?state=registered&limit=1')).items[0].patient.iin;
}

test('a doctor asks for the record of a patient from elsewhere, and the administrator sees it', async () => {
  const iin = await almatyPatientIin();
  // axe is injected as a script; the test's own context allows that despite the CSP.
  const page = await openPage(browser, { bypassCSP: true });
  await signIn(page, server.base, 'doctor.astana');
  await page.click('a[href="#/patients/new"]');
  await page.waitForSelector('input[name=iin]');
  await page.fill('input[name=iin]', iin);
  await page.fill('input[name=last_name]', 'Абаев');
  await page.fill('input[name=first_name]', 'Ерлан');
  await page.fill('input[name=birth_date]', '1968-04-12');
  await page.selectOption('select[name=sex]', 'male');
  await page.selectOption('select[name=residency]', 'citizen');
  await page.selectOption('select[name=region]', '71');
  await page.click('form button[type=submit]');

  // Only that the IIN is taken; nothing of the record.
  const access = page.locator('#access-form');
  await access.waitFor();
  assert.equal(await page.locator('.success').count(), 0);
  assert.deepEqual(await accessibilityProblems(page), []);
  await screenshot(page, 'doctor-access-request');

  // A reason is required, then the record opens.
  await access.locator('button[type=submit]').click();
  await access.locator('.field[data-field="reason"] .field-error').waitFor({ state: 'visible' });
  await access.locator('[name=reason]').fill('Пациент переехал в Астану и наблюдается в нашей поликлинике');
  await access.locator('button[type=submit]').click();
  await page.waitForSelector('.success a[href^="#/referrals/new"]');
  assert.match(await page.textContent('.success'), /Абаев/);
  await signOut(page);

  await signIn(page, server.base, 'admin');
  await page.click('a[href="#/admin/accesses"]');
  await page.waitForSelector('#accesses tbody tr');
  const row = await page.textContent('#accesses tbody tr');
  assert.match(row, /doctor\.astana/);
  assert.match(row, /Пациент переехал в Астану/);
  assert.ok(row.includes(iin));
  assert.deepEqual(await accessibilityProblems(page), []);
  await screenshot(page, 'admin-accesses');
  assert.deepEqual(page.problems, []);
});
