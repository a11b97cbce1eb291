// Languages: Kazakh by default, Russian and English on demand, every visible string from the
// locale files, and the choice remembered for the user after a reload.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launch, openPage, screenshot, signIn } from './harness.mjs';

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

async function navText(page) {
  return page.textContent('header nav');
}

// The header is drawn again once the choice is saved; wait until it reads `text`.
async function navigationReads(page, text) {
  await page.waitForFunction((expected) => (document.querySelector('header nav')?.textContent || '').includes(expected), text);
}

test('the workspace speaks Kazakh, Russian and English, and remembers the choice', async () => {
  const page = await openPage(browser);
  await page.goto(`${server.base}/#/login`);
  await page.waitForSelector('h1');
  assert.equal(await page.textContent('h1'), 'Кіру');
  assert.equal(await page.getAttribute('html', 'lang'), 'kk');

  await signIn(page, server.base, 'doctor');
  await page.waitForSelector('header nav');
  assert.ok((await navText(page)).includes('Емхана жолдамалары'));
  await page.click('a[href="#/referrals"]');
  await page.waitForSelector('table.worklist');
  assert.ok((await page.textContent('table.worklist thead')).includes('Пациент'));

  await page.selectOption('#language', 'ru');
  await navigationReads(page, 'Направления поликлиники');
  await page.waitForFunction(() => /\d{1,2} (января|февраля|марта|апреля|мая|июня|июля|августа|сентября|октября|ноября|декабря) \d{4}/
    .test(document.querySelector('main').textContent));
  assert.ok((await navText(page)).includes('Направления поликлиники'));
  assert.ok((await page.textContent('h1')).includes('Направления поликлиники'));
  await screenshot(page, 'language-russian');

  // Remembered for the user: a reload, and a new browser signing in, both come back in Russian.
  await page.reload();
  await page.waitForSelector('header nav');
  assert.ok((await navText(page)).includes('Направления поликлиники'));
  const elsewhere = await openPage(browser);
  await signIn(elsewhere, server.base, 'doctor');
  await elsewhere.waitForSelector('header nav');
  assert.ok((await navText(elsewhere)).includes('Направления поликлиники'));

  await page.selectOption('#language', 'en');
  await navigationReads(page, 'Polyclinic referrals');
  await page.selectOption('#language', 'kk');
  await navigationReads(page, 'Емхана жолдамалары');
  // The worklist is drawn again in the new language; wait for its Kazakh dates.
  await page.waitForFunction(() => /\d{4} жылғы \d{1,2} (қаңтар|ақпан|наурыз|сәуір|мамыр|маусым|шілде|тамыз|қыркүйек|қазан|қараша|желтоқсан)/
    .test(document.querySelector('main').textContent));
  await screenshot(page, 'language-kazakh');
  assert.deepEqual(page.problems, []);
});
