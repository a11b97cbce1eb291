// The main flow by keyboard alone, as a person who does not use a mouse works: the doctor
// registers a patient (birth date and sex come from the IIN) and a high-technology referral and
// sends it; the commission approves it from its queue under a protocol (the bulk bar); the
// republican level issues the talon; the hospital accepts it with a date and opens the talon.
// Only keys are pressed and typed here: Tab to move, Space to tick, arrows and typing in lists,
// Enter to act. Addresses are typed as into the address bar.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launch, openPage, screenshot, apiGet, accessibilityProblems, tabTo, PASSWORD, kazakhstanDate } from './harness.mjs';

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

// A valid IIN of a man born on 14 May 1961 (century digit 3), with a serial of this run.
function iinOfThisRun() {
  const weights = [3, 4, 5, 6, 7, 8, 9, 10, 11, 1, 2];
  for (let serial = Date.now() % 9000; ; serial += 1) {
    const eleven = `6105143${String(1000 + (serial % 9000)).padStart(4, '0')}`;
    const d = [...eleven].map(Number);
    let check = d.reduce((s, x, i) => s + x * (i + 1), 0) % 11;
    if (check === 10) check = d.reduce((s, x, i) => s + x * weights[i], 0) % 11;
    if (check !== 10) return eleven + check;
  }
}

async function signInByKeyboard(page, login) {
  await page.goto(`${server.base}/#/login`);
  await page.waitForSelector('input[name=login]');
  await tabTo(page, 'input[name=login]');
  await page.keyboard.type(login);
  await page.keyboard.press('Tab');
  await page.keyboard.type(PASSWORD);
  await page.keyboard.press('Enter');
  await page.waitForSelector('#sign-out');
}

async function signOutByKeyboard(page) {
  await tabTo(page, '#sign-out');
  await page.keyboard.press('Enter');
  await page.waitForSelector('input[name=login]');
}

// Moves a focused list to the option of `value` with the arrow keys (typing to search a list
// works too, but Playwright types letters outside the US layout as text, not as key presses).
async function arrowTo(page, selector, value) {
  const [from, to] = await page.$eval(selector, (select, v) => [select.selectedIndex, [...select.options].findIndex((o) => o.value === v)], value);
  assert.ok(to >= 0, `${selector} offers ${value}`);
  for (let i = from; i !== to; i += from < to ? 1 : -1) await page.keyboard.press(from < to ? 'ArrowDown' : 'ArrowUp');
}

const focusedIs = (page, selector) => page.evaluate((s) => document.activeElement?.matches(s), selector);

// Confirms the question an action may ask, by keyboard, when it asks one.
async function confirmIfAsked(page) {
  const asked = await page.waitForSelector('dialog button[data-confirm="yes"]', { timeout: 1500 }).catch(() => null);
  if (!asked) return;
  await tabTo(page, 'dialog button[data-confirm="yes"]');
  await page.keyboard.press('Enter');
}

test('a referral goes from the doctor to the hospital by keyboard alone', async () => {
  const page = await openPage(browser, { bypassCSP: true, locale: 'en-US' });
  const iin = iinOfThisRun();

  // The doctor registers the patient …
  await signInByKeyboard(page, 'doctor');
  await tabTo(page, 'nav a[href="#/patients/new"]');
  await page.keyboard.press('Enter');
  await page.waitForSelector('form input[name=iin]');
  await tabTo(page, 'input[name=iin]');
  await page.keyboard.type(iin);
  await page.keyboard.press('Tab');
  assert.ok(await focusedIs(page, 'input[name=last_name]'));
  await page.keyboard.type('Қасымов');
  await page.keyboard.press('Tab');
  await page.keyboard.type('Нұрлан');
  // The IIN filled the birth date and sex.
  assert.equal(await page.inputValue('input[name=birth_date]'), '1961-05-14');
  assert.equal(await page.inputValue('select[name=sex]'), 'male');
  await tabTo(page, 'select[name=residency]');
  await page.keyboard.press('ArrowDown');
  assert.equal(await page.inputValue('select[name=residency]'), 'citizen');
  await tabTo(page, 'select[name=region]');
  await page.keyboard.type('75');
  assert.equal(await page.inputValue('select[name=region]'), '75');
  await tabTo(page, 'input[name=insured]');
  await page.keyboard.press('Space');
  await tabTo(page, 'form button[type=submit]');
  await page.keyboard.press('Enter');
  await page.waitForSelector(`a[href="#/referrals/new?iin=${iin}"]`);

  // … and the referral, and sends it to the commission.
  await tabTo(page, `a[href="#/referrals/new?iin=${iin}"]`);
  await page.keyboard.press('Enter');
  await page.waitForSelector('form textarea[name=justification]');
  assert.equal(await page.inputValue('input[name=patient_iin]'), iin);
  await tabTo(page, 'input[name=icd10]');
  await page.keyboard.type('I35.0');
  await tabTo(page, 'select[name=profile]');
  await arrowTo(page, 'select[name=profile]', 'cardiac_surgery');
  assert.equal(await page.inputValue('select[name=profile]'), 'cardiac_surgery');
  await tabTo(page, 'select[name=route]');
  await page.keyboard.press('ArrowDown');
  assert.equal(await page.inputValue('select[name=route]'), 'high_tech');
  await tabTo(page, 'textarea[name=justification]');
  await page.keyboard.type('Критический аортальный стеноз, показано протезирование клапана.');
  await tabTo(page, 'form button[type=submit]');
  await page.keyboard.press('Enter');
  await page.waitForSelector('.actions button[data-action="submit"]');
  const id = Number((await page.evaluate(() => location.hash)).match(/#\/referrals\/(\d+)/)[1]);
  await tabTo(page, '.actions button[data-action="submit"]');
  await page.keyboard.press('Enter');
  await page.waitForSelector('dialog form[data-action="submit"]');
  await tabTo(page, 'dialog form[data-action="submit"] button[type=submit]');
  await page.keyboard.press('Enter');
  await confirmIfAsked(page);
  await page.waitForFunction(() => !document.querySelector('dialog[open]'));
  assert.equal((await apiGet(page, `/api/v1/referrals/${id}`)).state, 'commission_review');
  await signOutByKeyboard(page);

  // The commission ticks it in its queue and approves under a protocol.
  await signInByKeyboard(page, 'commission');
  await page.goto(`${server.base}/#/queue?state=commission_review`);
  await page.waitForSelector(`input.bulk-pick[value="${id}"]`);
  await tabTo(page, `input.bulk-pick[value="${id}"]`, 400);
  await page.keyboard.press('Space');
  await tabTo(page, 'button[data-bulk="approve"]', 400);
  // Shift+Tab would do as well; the bar comes before the list.
  await page.keyboard.press('Enter');
  await page.waitForSelector('#bulk-form');
  await tabTo(page, '#bulk-form input[name=protocol]');
  await page.keyboard.type('К-12/2026');
  await page.keyboard.press('Enter');
  await page.waitForSelector('.bulk-results li.done');
  assert.equal((await apiGet(page, `/api/v1/referrals/${id}`)).state, 'republican_review');
  await screenshot(page, 'commission-approved-by-keyboard');
  assert.deepEqual(await accessibilityProblems(page), []);
  await signOutByKeyboard(page);

  // The republican level issues the talon to the cardiac surgery centre.
  await signInByKeyboard(page, 'republic');
  await page.goto(`${server.base}/#/referrals/${id}`);
  await page.waitForSelector('.actions button[data-action="approve"]');
  await tabTo(page, '.actions button[data-action="approve"]');
  await page.keyboard.press('Enter');
  await page.waitForSelector('dialog form[data-action="approve"] select[name=hospital_id] option:nth-child(2)', { state: 'attached' });
  await tabTo(page, 'dialog select[name=hospital_id]');
  const centre = await page.$eval('dialog select[name=hospital_id]',
    (select) => [...select.options].find((o) => o.textContent.startsWith('Национальный научный кардио')).value);
  await arrowTo(page, 'dialog select[name=hospital_id]', centre);
  const chosen = await page.inputValue('dialog select[name=hospital_id]');
  assert.equal(chosen, centre);
  await tabTo(page, 'dialog form[data-action="approve"] button[type=submit]');
  await page.keyboard.press('Enter');
  await confirmIfAsked(page);
  await page.waitForFunction(() => !document.querySelector('dialog[open]'));
  const issued = await apiGet(page, `/api/v1/referrals/${id}`);
  assert.equal(issued.state, 'talon_issued');
  assert.equal(issued.talon.hospital.id, Number(chosen));
  await signOutByKeyboard(page);

  // The hospital accepts it with a date (typed as the date field of this browser's locale asks)
  // and opens the talon.
  await signInByKeyboard(page, 'hospital');
  await page.goto(`${server.base}/#/referrals/${id}`);
  await page.waitForSelector('.actions button[data-action="accept"]');
  await tabTo(page, '.actions button[data-action="accept"]');
  await page.keyboard.press('Enter');
  await page.waitForSelector('dialog form[data-action="accept"]');
  await tabTo(page, 'dialog input[name=planned_date]');
  const day = kazakhstanDate(10);
  const [y, m, d] = day.split('-');
  await page.keyboard.type(`${m}${d}${y}`);
  assert.equal(await page.inputValue('dialog input[name=planned_date]'), day);
  await tabTo(page, 'dialog form[data-action="accept"] button[type=submit]');
  await page.keyboard.press('Enter');
  await confirmIfAsked(page);
  await page.waitForSelector('#print-talon');
  assert.equal((await apiGet(page, `/api/v1/referrals/${id}`)).state, 'scheduled');
  await tabTo(page, '#print-talon');
  await page.keyboard.press('Enter');
  await page.waitForSelector('article.talon .talon-bring li');
  await tabTo(page, '#print');
  assert.ok(await focusedIs(page, '#print'), 'the print button is reached by keyboard');
  await screenshot(page, 'hospital-talon-by-keyboard');
  assert.deepEqual(page.problems, []);
});
