// The staff's inbox in the browser: the unread count in the header of every page, the inbox in
// Kazakh and Russian (axe clean), a notice that opens its referral and is read on the way, and
// the count kept right across two tabs of one browser.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launch, openPage, screenshot, signIn, apiToken, accessibilityProblems, freshIin, apiCall, apiAct } from './harness.mjs';

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

// The API with a bearer token, on this file's server.
const call = (token, method, pathname, body, headers) => apiCall(server.base, token, method, pathname, body, headers);
const act = (token, id, action, body) => apiAct(server.base, token, id, action, body);

// A referral of the demo doctor that the Almaty commission asks documents for.
async function askedForDocuments() {
  const doctor = await apiToken(server.base, 'doctor');
  const iin = freshIin();
  assert.equal((await call(doctor, 'POST', '/api/v1/patients', {
    iin, last_name: 'Тәжібаева', first_name: 'Әсел', birth_date: '1990-02-11', sex: 'female', residency: 'citizen', region: '75', insured: true,
  })).status, 201);
  const made = await call(doctor, 'POST', '/api/v1/referrals', {
    patient_iin: iin, icd10: 'I35.0', profile: 'cardiac_surgery', urgency: 'routine', care_form: 'inpatient', justification: 'Аортальный стеноз',
  });
  assert.equal(made.status, 201);
  await act(doctor, made.body.id, 'submit');
  const commission = await apiToken(server.base, 'commission');
  return act(commission, made.body.id, 'request_info', { comment: 'Приложите ЭхоКГ' });
}

// What the header says now; a poll is asked for, as when the page is shown again.
async function headerCount(page) {
  await page.evaluate(() => document.dispatchEvent(new Event('visibilitychange')));
  return Number(await page.getAttribute('#inbox-link', 'data-unread'));
}

async function unreadByApi(page) {
  return page.evaluate(async () => (await (await fetch('/api/v1/notifications?limit=1')).json()).unread);
}

test('the header counts what is unread, the inbox opens each notice, and two tabs agree', async () => {
  const page = await openPage(browser, { bypassCSP: true });
  await signIn(page, server.base, 'doctor');
  await page.waitForSelector('#inbox-link[data-unread]');
  const before = await unreadByApi(page);

  // Something happens elsewhere: the count grows without a reload. (The sweep may add reminders
  // meanwhile: the header must show what the server counts, which is more than before.)
  const asked = await askedForDocuments();
  await page.waitForFunction(async (n) => {
    document.dispatchEvent(new Event('visibilitychange'));
    const shown = Number(document.querySelector('#inbox-link')?.dataset.unread);
    const counted = (await (await fetch('/api/v1/notifications?limit=1')).json()).unread;
    return shown > n && shown === counted;
  }, before, { polling: 500 });
  const shown = await page.getAttribute('#inbox-link', 'data-unread');
  assert.match(await page.textContent('#inbox-link'), new RegExp(`${shown} оқылмаған`), 'the count says what it counts');

  // The inbox, by keyboard from the header, in Kazakh and in Russian.
  await page.focus('#inbox-link');
  await page.keyboard.press('Enter');
  await page.waitForSelector(`ol.inbox li.unread[data-kind="info_requested"] a[href="#/referrals/${asked.id}"]`);
  assert.match(await page.textContent(`ol.inbox li[data-kind="info_requested"]`), new RegExp(asked.code));
  await screenshot(page, 'doctor-inbox-kk');
  assert.deepEqual(await accessibilityProblems(page), []);
  await page.selectOption('#language', 'ru');
  await page.waitForSelector('html[lang="ru"] ol.inbox li');
  assert.match(await page.textContent('ol.inbox li[data-kind="info_requested"]'), /Комиссия запросила документы/);
  await screenshot(page, 'doctor-inbox-ru');
  assert.deepEqual(await accessibilityProblems(page), []);

  // A second tab of the same browser marks it read: the first tab's count follows.
  const second = await page.context().newPage();
  await second.goto(`${server.base}/#/notifications`);
  await second.waitForSelector(`ol.inbox li.unread button[data-read]`);
  const countBefore = await headerCount(page);
  const notice = await second.getAttribute(`ol.inbox li.unread[data-kind="info_requested"]`, 'data-id');
  await second.click(`button[data-read="${notice}"]`);
  await second.waitForSelector(`ol.inbox li.read[data-id="${notice}"]`);
  await page.waitForFunction((n) => Number(document.querySelector('#inbox-link')?.dataset.unread) < n, countBefore);
  await page.waitForFunction(async () => {
    document.dispatchEvent(new Event('visibilitychange'));
    const counted = (await (await fetch('/api/v1/notifications?limit=1')).json()).unread;
    return Number(document.querySelector('#inbox-link')?.dataset.unread) === counted;
  }, null, { polling: 500 });

  // A notice opens its referral and is read on the way; then everything is read.
  await page.goto(`${server.base}/#/notifications?unread=true`);
  await page.waitForSelector('ol.inbox li, main .empty');
  const first = await page.$('ol.inbox li.unread a');
  assert.ok(first, 'the demo doctor has unread notices left');
  const opened = await page.getAttribute('ol.inbox li.unread', 'data-id');
  const href = await first.getAttribute('href');
  await first.click();
  await page.waitForFunction((h) => location.hash === h, href);
  await page.waitForSelector('.timeline');
  const readOnTheWay = await page.evaluate(async (id) => (await (await fetch('/api/v1/notifications?limit=100')).json())
    .items.find((i) => String(i.id) === id)?.read, opened);
  assert.equal(readOnTheWay, true, 'opening a notice marks it read');
  await page.goto(`${server.base}/#/notifications`);
  await page.waitForSelector('#inbox-read-all');
  assert.equal(await page.isDisabled('#inbox-read-all'), false, 'there is something to mark read');
  await page.click('#inbox-read-all');
  await page.waitForSelector('#inbox-read-all[disabled]');
  // Everything is read (a reminder the sweep wrote since would be the only unread).
  const left = await page.evaluate(async () => (await (await fetch('/api/v1/notifications?unread=true&limit=100')).json()).items.map((i) => i.kind));
  assert.ok(left.every((kind) => kind === 'deadline_due'), left.join(', '));
  if (!left.length) {
    await second.waitForFunction(() => document.querySelector('#inbox-link')?.dataset.unread === '0');
    assert.equal(await page.isVisible('#inbox-link .inbox-count'), false, 'no count is shown when all is read');
  }
  assert.deepEqual(page.problems, []);
});

test('each role sees its inbox link, and the hospital hears of a talon', async () => {
  const asked = await askedForDocuments();
  const doctor = await apiToken(server.base, 'doctor');
  await act(doctor, asked.id, 'resubmit', { comment: 'ЭхоКГ приложена' });
  const commission = await apiToken(server.base, 'commission');
  await act(commission, asked.id, 'approve', { protocol: 'П-21/2026' });
  const republic = await apiToken(server.base, 'republic');
  const hospital = (await call(await apiToken(server.base, 'hospital'), 'GET', '/api/v1/me')).body.organization.id;
  await act(republic, asked.id, 'approve', { hospital_id: hospital });

  const page = await openPage(browser, { bypassCSP: true });
  await signIn(page, server.base, 'hospital');
  await page.goto(`${server.base}/#/notifications?unread=true`);
  await page.waitForSelector(`ol.inbox li[data-kind="talon_arrived"] a[href="#/referrals/${asked.id}"]`);
  assert.ok(await headerCount(page) >= 1);
  assert.deepEqual(await accessibilityProblems(page), []);
  await screenshot(page, 'hospital-inbox-kk');
  assert.deepEqual(page.problems, []);
});
