// The printouts (issue 17, item 13): the referral in the layout of form 001-3/у, the protocol of
// a commission's sitting, and the talon with the hospital's address, telephone and what to bring.
// Each is read on screen in Kazakh and Russian, then printed by Chromium to PDF; the PDF's text is
// read back with pdftotext and its pages drawn with pdftoppm, which must show ink on paper.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, readdirSync, readFileSync, writeFileSync, rmSync, copyFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startServer, launch, openPage, screenshot, signIn, apiToken, accessibilityProblems, freshIin, repository, apiCall, apiAct } from './harness.mjs';

let server;
let browser;
let pdfDir;
const screenshots = process.env.JOLDAMA_SCREENSHOTS || path.join(repository, 'build', 'e2e-screenshots');

before(async () => {
  server = await startServer();
  browser = await launch();
  pdfDir = mkdtempSync(path.join(tmpdir(), 'joldama-pdf-'));
});

after(async () => {
  await browser?.close();
  await server?.stop();
  if (pdfDir) rmSync(pdfDir, { recursive: true, force: true });
});

// A JSON call with a bearer token; the status and the body.
// The API with a bearer token, on this file's server.
const call = (token, method, pathname, body, headers) => apiCall(server.base, token, method, pathname, body, headers);
const act = (token, id, action, body) => apiAct(server.base, token, id, action, body);

// A cardiac surgery referral of a new Almaty patient, registered and sent by the demo doctor and
// approved by Almaty's commission under `protocol`.
async function approvedUnder(protocol, names) {
  const doctor = await apiToken(server.base, 'doctor');
  const iin = freshIin();
  const patient = await call(doctor, 'POST', '/api/v1/patients', {
    iin, ...names, birth_date: '1961-05-14', sex: 'male', residency: 'citizen', region: '75', insured: true,
  });
  assert.equal(patient.status, 201, JSON.stringify(patient.body));
  const made = await call(doctor, 'POST', '/api/v1/referrals', {
    patient_iin: iin, icd10: 'I35.0', profile: 'cardiac_surgery', urgency: 'routine', care_form: 'inpatient',
    justification: 'Критический аортальный стеноз, показано протезирование клапана',
  });
  assert.equal(made.status, 201, JSON.stringify(made.body));
  await act(doctor, made.body.id, 'submit');
  const commission = await apiToken(server.base, 'commission');
  return act(commission, made.body.id, 'approve', { protocol, comment: 'Показано оперативное лечение' });
}

// Prints the page as Chromium does to PDF; its text (pdftotext) and its pages drawn in grey
// (pdftoppm), each checked to carry ink, and the first kept beside the screenshots as PNG.
async function printed(page, name) {
  const file = path.join(pdfDir, `${name}.pdf`);
  writeFileSync(file, await page.pdf({ format: 'A4', printBackground: true }));
  const text = execFileSync('pdftotext', ['-layout', file, '-'], { encoding: 'utf8' });
  const prefix = path.join(pdfDir, name);
  execFileSync('pdftoppm', ['-r', '40', '-gray', file, prefix]);
  const pages = readdirSync(pdfDir).filter((f) => f.startsWith(`${name}-`) && f.endsWith('.pgm')).sort();
  const ink = pages.map((f) => inkShare(readFileSync(path.join(pdfDir, f))));
  execFileSync('pdftoppm', ['-r', '80', '-png', '-singlefile', file, prefix]);
  mkdirSync(screenshots, { recursive: true });
  copyFileSync(`${prefix}.png`, path.join(screenshots, `printouts-pdf-${name}.png`));
  return { text, pages: pages.length, ink };
}

// The share of a binary PGM's pixels that are darker than light grey.
function inkShare(pgm) {
  const header = pgm.toString('latin1', 0, 64).match(/^P5\s+(\d+)\s+(\d+)\s+(\d+)\s/);
  assert.ok(header, 'pdftoppm wrote a binary PGM');
  const [, width, height] = header.map(Number);
  const pixels = pgm.subarray(header[0].length);
  let dark = 0;
  for (let i = 0; i < width * height; i += 1) if (pixels[i] < 160) dark += 1;
  return dark / (width * height);
}

// Switches the interface's language (not re-choosing the one shown: a page redrawn in the same
// language cannot be told from the one it replaces).
async function useLanguage(page, language) {
  if (await page.getAttribute('html', 'lang') === language) return;
  await page.selectOption('#language', language);
  await page.waitForFunction((l) => document.documentElement.lang === l, language);
}

test('the referral prints in the layout of form 001-3/у, readable as PDF, in Kazakh and Russian', async () => {
  const approved = await approvedUnder('П-5/2026', { last_name: 'Омаров', first_name: 'Серік', middle_name: 'Бақытұлы' });
  const page = await openPage(browser, { bypassCSP: true });
  await signIn(page, server.base, 'doctor');
  await page.goto(`${server.base}/#/referrals/${approved.id}`);
  await page.waitForSelector('#print-referral');
  // From the referral by keyboard: the link is reached and followed with Enter.
  await page.focus('#print-referral');
  await page.keyboard.press('Enter');
  await page.waitForSelector('article.printout[data-form="001-3"] td');
  for (const language of ['kk', 'ru']) {
    await useLanguage(page, language);
    await page.waitForSelector('article.printout[data-form="001-3"]');
    const rows = await page.$$eval('.form-table tr', (trs) => Object.fromEntries(trs.map((tr) => [tr.cells[1].textContent, tr.cells[2].textContent])));
    const values = Object.values(rows).join(' | ');
    assert.match(values, /Омаров Серік Бақытұлы/);
    assert.match(values, new RegExp(approved.patient.iin));
    assert.match(values, /1961/, 'the birth date');
    assert.match(values, /I35\.0 — Аортальный \(клапанный\) стеноз/, 'the diagnosis code and name');
    assert.match(values, /Городская поликлиника №5/, 'the referring organization');
    assert.match(values, /Нурланова Айгуль Серикқызы/, 'the referring doctor');
    assert.match(values, /П-5\/2026/, 'the commission protocol');
    assert.match(await page.textContent('.printout-form'), language === 'kk' ? /001-3\/е/ : /001-3\/у/);
    await screenshot(page, `referral-form-${language}`);
    assert.deepEqual(await accessibilityProblems(page), [], language);

    await page.emulateMedia({ media: 'print' });
    assert.equal(await page.isVisible('#print'), false, 'the buttons are not printed');
    await page.emulateMedia({ media: null });
    const pdf = await printed(page, `referral-${language}`);
    assert.equal(pdf.pages, 1, 'the referral fits one page');
    assert.ok(pdf.ink[0] > 0.01, `the page carries ink (${pdf.ink[0]})`);
    for (const expected of ['Омаров', approved.code, 'I35.0', 'П-5/2026', 'Нурланова']) {
      assert.ok(pdf.text.includes(expected), `the PDF reads "${expected}"`);
    }
    assert.ok(pdf.text.includes(language === 'kk' ? 'Стационарға емдеуге жатқызуға жолдама' : 'Направление на госпитализацию'));
  }
  assert.deepEqual(page.problems, []);
});

test("the commission prints a sitting's protocol: the cases decided, the decision and the mode", async () => {
  const first = await approvedUnder('П-6/2026', { last_name: 'Ахметова', first_name: 'Дана' });
  const second = await approvedUnder('П-6/2026', { last_name: 'Ким', first_name: 'Виктор' });
  await approvedUnder('П-7/2026', { last_name: 'Другой', first_name: 'Протокол' });
  const page = await openPage(browser, { bypassCSP: true });
  await signIn(page, server.base, 'commission');
  // By keyboard: the navigation's link, the number, Enter.
  await page.focus('nav a[href="#/protocols"]');
  await page.keyboard.press('Enter');
  await page.waitForSelector('#protocol-number');
  await page.focus('#protocol-number');
  await page.keyboard.type('П-404');
  await page.keyboard.press('Enter');
  await page.waitForSelector('#protocol-empty');
  await page.fill('#protocol-number', '');
  await page.focus('#protocol-number');
  await page.keyboard.type('П-6/2026');
  await page.keyboard.press('Enter');
  await page.waitForSelector('article.printout.protocol tbody tr');
  for (const language of ['kk', 'ru']) {
    await useLanguage(page, language);
    await page.waitForSelector('article.printout.protocol tbody tr');
    const ids = await page.$$eval('.protocol-table tbody tr', (trs) => trs.map((tr) => Number(tr.dataset.id)));
    assert.deepEqual(ids.sort(), [first.id, second.id].sort(), 'the cases of this protocol, and only those');
    const table = await page.textContent('.protocol-table');
    assert.match(table, /Ахметова Дана/);
    assert.match(table, language === 'kk' ? /Сырттай/ : /Заочно/);
    assert.match(table, language === 'kk' ? /Мақұлданды/ : /Одобрено/);
    assert.match(await page.textContent('.printout'), language === 'kk' ? /Қаралған жолдамалар: 2/ : /Рассмотрено направлений: 2/);
    // As on A4 paper: 210 mm less the page's 15 mm margins is 680 CSS pixels.
    await page.setViewportSize({ width: 680, height: 900 });
    await page.emulateMedia({ media: 'print' });
    const overflowing = await page.$$eval('.protocol-table th, .protocol-table td',
      (cells) => cells.filter((c) => c.scrollWidth > c.clientWidth + 1).map((c) => c.textContent));
    await page.emulateMedia({ media: null });
    await page.setViewportSize({ width: 1280, height: 900 });
    assert.deepEqual(overflowing, [], 'every cell holds its text on paper');
    await screenshot(page, `protocol-${language}`);
    assert.deepEqual(await accessibilityProblems(page), [], language);
    const pdf = await printed(page, `protocol-${language}`);
    assert.ok(pdf.pages >= 1 && pdf.ink.every((share) => share > 0.005), `every page carries ink (${pdf.ink})`);
    for (const expected of ['П-6/2026', first.code, second.code, 'Ахметова', 'Ким']) {
      assert.ok(pdf.text.includes(expected), `the PDF reads "${expected}"`);
    }
    assert.ok(!pdf.text.includes('Другой'), "another protocol's case is not in this one");
  }
  // From a referral, its protocol is a link away.
  await page.goto(`${server.base}/#/referrals/${first.id}`);
  await page.click(`a[href="#/protocols?number=${encodeURIComponent('П-6/2026')}"]`);
  await page.waitForSelector('article.printout.protocol tbody tr');
  assert.deepEqual(page.problems, []);
});

test('the talon tells the patient where the hospital is, its telephone and what to bring', async () => {
  const approved = await approvedUnder('П-8/2026', { last_name: 'Жұмабаев', first_name: 'Ерлан' });
  const republic = await apiToken(server.base, 'republic');
  const hospitalToken = await apiToken(server.base, 'hospital');
  const hospital = (await call(hospitalToken, 'GET', '/api/v1/me')).body.organization.id;
  const talon = await act(republic, approved.id, 'approve', { hospital_id: hospital });
  assert.equal(talon.state, 'talon_issued');
  const page = await openPage(browser, { bypassCSP: true });
  await signIn(page, server.base, 'doctor');
  await page.goto(`${server.base}/#/referrals/${approved.id}/talon`);
  for (const language of ['kk', 'ru']) {
    await useLanguage(page, language);
    await page.waitForSelector('article.talon .talon-bring li');
    const text = await page.textContent('article.talon');
    assert.match(text, /Астана, пр\. Туран, 38/, 'the address');
    assert.match(text, /\+7 700 000 \d\d \d\d/, 'the telephone');
    assert.equal(await page.$$eval('.talon-bring li', (items) => items.length), 4);
    assert.match(await page.textContent('.talon-bring'), language === 'kk' ? /Өзіңізбен бірге алып келіңіз/ : /Что взять с собой/);
    await screenshot(page, `talon-${language}`);
    assert.deepEqual(await accessibilityProblems(page), [], language);
    const pdf = await printed(page, `talon-${language}`);
    assert.equal(pdf.pages, 1, 'the talon fits one page');
    assert.ok(pdf.ink[0] > 0.01, `the page carries ink (${pdf.ink[0]})`);
    for (const expected of ['Туран, 38', talon.talon.number, 'Жұмабаев']) {
      assert.ok(pdf.text.includes(expected), `the PDF reads "${expected}"`);
    }
  }
  assert.deepEqual(page.problems, []);
});

test('the administrator sets where patients find a hospital, by keyboard, a wrong telephone refused at its field', async () => {
  const page = await openPage(browser, { bypassCSP: true });
  await signIn(page, server.base, 'admin');
  await page.goto(`${server.base}/#/admin/organizations`);
  await page.waitForSelector('button[data-contacts]');
  await useLanguage(page, 'ru');
  const hospitals = await (await page.waitForFunction(async () => (await fetch('/api/v1/organizations?kind=hospital')).json())).jsonValue();
  const eye = hospitals.find((o) => o.name.startsWith('Казахский НИИ глазных'));
  await page.focus(`button[data-contacts="${eye.id}"]`);
  await page.keyboard.press('Enter');
  const form = page.locator(`dialog form[data-contacts="${eye.id}"]`);
  await form.waitFor();
  assert.match(await form.locator('[name=address]').inputValue(), /Толе би, 95а/);
  await form.locator('[name=phone]').focus();
  await page.keyboard.press('Control+A');
  await page.keyboard.type('12345');
  await page.keyboard.press('Enter');
  await form.locator('[data-field="phone"] .field-error').waitFor({ state: 'visible' });
  assert.deepEqual(await accessibilityProblems(page), []);
  await screenshot(page, 'admin-contacts-refused-ru');
  await form.locator('[name=phone]').focus();
  await page.keyboard.press('Control+A');
  await page.keyboard.type('8 (727) 233-01-17');
  await page.keyboard.press('Enter');
  await form.waitFor({ state: 'detached' });
  await page.waitForFunction((id) => /\+7 727 233 01 17/.test(document.querySelector(`tr[data-organization="${id}"]`)?.textContent || ''), eye.id);
  const saved = await (await page.waitForFunction(async (id) => (await fetch(`/api/v1/organizations/${id}`)).json(), eye.id)).jsonValue();
  assert.equal(saved.phone, '+77272330117');
  await useLanguage(page, 'kk');
  await page.waitForSelector(`tr[data-organization="${eye.id}"]`);
  await screenshot(page, 'admin-organizations-kk');
  assert.deepEqual(page.problems, []);
});
