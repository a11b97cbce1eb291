// Forms refuse what the server would refuse, with the message next to the field.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launch, openPage, screenshot, signIn, freshIin, registerPatient } from './harness.mjs';

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

// Switches the signed-in user's language to English and waits until the page reads it.
async function inEnglish(page, heading) {
  await page.selectOption('#language', 'en');
  await page.waitForFunction((text) => document.querySelector('main h1')?.textContent === text, heading);
}

test('an invalid IIN is refused in the patient form, by the field', async () => {
  const page = await openPage(browser);
  await signIn(page, server.base, 'doctor');
  await page.goto(`${server.base}/#/patients/new`);
  await page.waitForSelector('input[name=iin]');
  await inEnglish(page, 'Register a patient');

  const requests = [];
  page.on('request', (request) => { if (request.url().endsWith('/api/v1/patients')) requests.push(request); });
  await page.fill('input[name=iin]', '850715300123');
  const error = page.locator('.field[data-field="iin"] .field-error');
  await error.waitFor({ state: 'visible' });
  assert.match(await error.textContent(), /check digit/);
  assert.equal(await page.getAttribute('input[name=iin]', 'aria-invalid'), 'true');
  const describedBy = await page.getAttribute('input[name=iin]', 'aria-describedby');
  assert.ok(describedBy.includes(await error.getAttribute('id')), 'the error is tied to the field');
  await screenshot(page, 'doctor-invalid-iin');

  await page.fill('input[name=last_name]', 'Test');
  await page.click('form button[type=submit]');
  assert.match(await error.textContent(), /check digit/);
  assert.equal(requests.length, 0, 'nothing was sent');

  // A correct IIN clears it, and a temporary resident is told they are not covered.
  await page.fill('input[name=iin]', freshIin());
  await error.waitFor({ state: 'hidden' });
  await page.selectOption('select[name=residency]', 'foreign_temporary');
  assert.match(await page.textContent('#eligibility'), /not covered/);
  assert.deepEqual(page.problems, []);
});

test('a stale version is explained, with a reload', async () => {
  const page = await openPage(browser);
  await signIn(page, server.base, 'commission');
  await page.goto(`${server.base}/#/queue`);
  await page.waitForSelector('table.worklist tbody tr');
  await inEnglish(page, 'Review queue');
  await page.waitForSelector('table.worklist tbody tr');
  await page.click('table.worklist tbody tr a');
  await page.waitForSelector('.actions button[data-action="request_info"]');
  const id = Number(page.url().match(/referrals\/(\d+)/)[1]);
  // Someone else acts on the referral meanwhile.
  await page.evaluate(async (referral) => {
    const current = await fetch(`/api/v1/referrals/${referral}`);
    await fetch(`/api/v1/referrals/${referral}/actions/request_info`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-csrf-token': localStorage.getItem('joldama.csrf'), 'if-match': current.headers.get('etag') },
      body: JSON.stringify({ comment: 'Another member asked first' }),
    });
  }, id);
  await page.click('.actions button[data-action="request_info"]');
  await page.fill('dialog textarea[name=comment]', 'Please attach the scan');
  await page.click('dialog button[type=submit]');
  const alert = page.locator('dialog .form-error');
  await alert.waitFor();
  assert.match(await alert.textContent(), /changed this referral/);
  await alert.locator('button').click();
  await page.waitForSelector('.timeline');
  assert.ok((await page.textContent('.timeline')).includes('Another member asked first'));
  assert.deepEqual(page.problems, []);
});

test("the server's refusal is shown by its field in the user's language", async () => {
  const page = await openPage(browser);
  await signIn(page, server.base, 'commission');
  await page.goto(`${server.base}/#/queue`);
  await page.waitForSelector('table.worklist tbody tr');
  await page.selectOption('#language', 'kk');  // the user's choice is kept; make it Kazakh here
  await page.waitForFunction(() => document.querySelector('main h1')?.textContent === 'Қарау кезегі');
  const id = await page.evaluate(async () => {
    const list = await (await fetch('/api/v1/referrals?state=commission_review')).json();
    return list.items[0].id;
  });
  await page.goto(`${server.base}/#/referrals/${id}`);
  await page.click('.actions button[data-action="schedule_in_person"]');
  // The browser lets a past time through; the server refuses it.
  await page.fill('dialog input[name=at]', '2020-01-06T10:00');
  await page.fill('dialog input[name=place]', 'Каб. 12');
  await page.click('dialog button[type=submit]');
  const error = page.locator('dialog .field[data-field="at"] .field-error');
  await error.waitFor({ state: 'visible' });
  assert.equal(await error.textContent(), 'Бір жыл ішіндегі болашақ күн мен уақыт.');
  assert.deepEqual(page.problems, []);
});

test('the diagnosis field offers ICD-10 codes with their names, and the server refuses a code that is not one', async () => {
  const page = await openPage(browser);
  await signIn(page, server.base, 'doctor');
  await page.goto(`${server.base}/#/referrals/new`);
  await page.waitForSelector('input[name=icd10]');
  // Words of a diagnosis offer the codes that have them.
  await page.fill('input[name=icd10]', 'катаракт');
  await page.waitForFunction(() => document.querySelectorAll('datalist[id^="icd10-options"] option').length > 0);
  const offered = await page.$$eval('datalist[id^="icd10-options"] option', (options) => options.map((o) => [o.value, o.textContent]));
  assert.ok(offered.length > 1);
  for (const [code, text] of offered) {
    assert.match(code, /^H2[5-8]/, text);
    assert.match(text.toLowerCase(), /катаракт/);
  }
  // A code that is chosen shows its name.
  await page.fill('input[name=icd10]', 'H25.1');
  await page.waitForFunction(() => document.querySelector('.icd10-name')?.textContent.length > 0);
  assert.match(await page.textContent('.icd10-name'), /катаракта/i);
  await screenshot(page, 'icd10-suggestions');

  // A code of the right shape that ICD-10 does not have is refused by the server, at the field.
  const iin = await registerPatient(page, { last_name: 'Омарова', first_name: 'Айжан', birth_date: '1980-01-01', sex: 'female' });
  await page.fill('input[name=patient_iin]', iin);
  await page.fill('input[name=icd10]', 'I99.9');
  await page.selectOption('select[name=profile]', 'cardiology');
  await page.selectOption('select[name=route]', 'high_tech');
  await page.fill('textarea[name=justification]', 'Боль за грудиной');
  const answered = page.waitForResponse((r) => r.url().endsWith('/api/v1/referrals') && r.request().method() === 'POST');
  await page.click('form button[type=submit]');
  const answer = await answered;
  const refusal = await answer.json();
  assert.equal(answer.status(), 422, JSON.stringify(refusal));
  assert.equal(refusal.error.field, 'icd10', JSON.stringify(refusal));
  const error = page.locator('.field[data-field="icd10"] .field-error');
  await error.waitFor({ state: 'visible' });
  assert.equal(await page.getAttribute('input[name=icd10]', 'aria-invalid'), 'true');
  assert.deepEqual(page.problems, []);
});
