// The reports in the browser: each of the five with its chart (drawn by uPlot under the page's
// Content-Security-Policy) and the table beside it that holds the same figures as the API, in
// Kazakh and in Russian, axe clean; a commission held to its region; a reversed range named at
// its field; the CSV and XLSX downloads.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launch, openPage, screenshot, signIn, apiToken, apiFetch, accessibilityProblems } from './harness.mjs';

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

const REPORTS = ['quota-use', 'waiting', 'stage-times', 'reasons', 'referrals'];

// Opens a report from its tab and waits until its chart and table are drawn.
async function openReport(page, name) {
  await page.click(`.report-tabs a[href="#/reports?report=${name}"]`);
  await page.waitForSelector(`.report-tabs a[aria-current="page"][href="#/reports?report=${name}"]`);
  await page.waitForSelector('#report-table tbody');
  await page.waitForSelector('.report-chart canvas, .report-chart p.hint');
}

// The rows of the report's table the page shows.
const shownRows = (page) => page.$$eval('#report-table tbody tr', (rows) => rows.length);

test('each report draws its chart and a table of the figures the API gives, in Kazakh and Russian', async () => {
  const token = await apiToken(server.base, 'republic');
  // The page as it is served, with its Content-Security-Policy: the chart must draw under it.
  const strict = await openPage(browser);
  await signIn(strict, server.base, 'republic');
  await strict.click('nav a[href="#/reports"]');
  await strict.waitForSelector('.report-chart canvas');
  for (const name of REPORTS) await openReport(strict, name);
  assert.deepEqual(strict.problems, [], 'no script or style refused, no error');
  await strict.context().close();

  // axe is injected as a script: this page lets it in.
  const page = await openPage(browser, { bypassCSP: true });
  await signIn(page, server.base, 'republic');
  await page.goto(`${server.base}/#/reports`);
  for (const [language, pattern] of [['kk', /Квоталарды пайдалану/], ['ru', /Использование квот/]]) {
    if (language === 'ru') await page.selectOption('#language', 'ru');
    await page.waitForSelector(`html[lang="${language}"] .report-tabs`);
    assert.match(await page.textContent('.report-tabs'), pattern);
    for (const name of REPORTS) {
      await openReport(page, name);
      const report = await apiFetch(server.base, token, `/api/v1/reports/${name}`);
      assert.equal(await shownRows(page), report.rows.length, `${name}: a row of the table for each of the report`);
      const label = await page.getAttribute('.report-chart', 'aria-label');
      assert.ok(label && label.length > 10, `${name}: the chart has an accessible name`);
      assert.equal(await page.getAttribute('.report-chart', 'role'), 'img');
      if (report.rows.length) assert.ok(await page.$('.report-chart canvas'), `${name}: a chart is drawn`);
      assert.deepEqual(await accessibilityProblems(page), [], `${name} in ${language}`);
      await screenshot(page, `republic-${name}-${language}`);
    }
  }
  // The table says what the API says: the stage times' first row.
  await page.click('.report-tabs a[href="#/reports?report=stage-times"]');
  await page.waitForSelector('html[lang="ru"] #report-table tbody tr');
  const stages = await apiFetch(server.base, token, '/api/v1/reports/stage-times');
  const first = await page.$$eval('#report-table tbody tr:first-child > *', (cells) => cells.map((c) => c.textContent));
  assert.equal(first[1], String(stages.rows[0].stays));
  assert.equal(first[2], String(stages.rows[0].median_working_days));
  assert.deepEqual(page.problems, []);
  await page.context().close();
});

test('a commission reads its own region, a reversed range is named, and the files download', async () => {
  const page = await openPage(browser, { bypassCSP: true });
  await signIn(page, server.base, 'commission');
  await page.selectOption('#language', 'ru');
  await page.goto(`${server.base}/#/reports?report=reasons`);
  await page.waitForSelector('html[lang="ru"] #report-table');
  const regions = await page.$$eval('select[name="region"] option', (options) => options.map((o) => o.value));
  assert.deepEqual(regions, ['75'], 'only its own region to choose');
  assert.match(await page.textContent('.report-scope'), /75/);

  // A range that ends before it begins: the server's refusal, at the field it names.
  await page.fill('input[name="from"]', '2026-03-01');
  await page.fill('input[name="to"]', '2026-02-01');
  await page.click('.report-filters button[type="submit"]');
  await page.waitForSelector('.field[data-field="to"] .field-error:not([hidden])');
  assert.match(await page.textContent('.field[data-field="to"] .field-error'), /\S/);
  assert.deepEqual(await accessibilityProblems(page), []);
  await screenshot(page, 'commission-reasons-reversed-range-ru');

  // The downloads are the report's files, with the session's cookie.
  await page.goto(`${server.base}/#/reports?report=waiting`);
  await page.waitForSelector('#report-table');
  const files = await page.$$eval('.report-downloads a', (links) => links.map((a) => a.getAttribute('href')));
  assert.equal(files.length, 2);
  const fetched = await page.evaluate(async (hrefs) => Promise.all(hrefs.map(async (href) => {
    const response = await fetch(href);
    const bytes = new Uint8Array(await response.arrayBuffer());
    return { status: response.status, type: response.headers.get('content-type'), head: [...bytes.slice(0, 4)] };
  })), files);
  assert.equal(fetched[0].status, 200);
  assert.equal(fetched[0].type, 'text/csv; charset=utf-8');
  assert.deepEqual(fetched[0].head.slice(0, 3), [0xef, 0xbb, 0xbf], 'the CSV starts with its byte-order mark');
  assert.equal(fetched[1].type, 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
  assert.deepEqual(fetched[1].head, [0x50, 0x4b, 0x03, 0x04], 'the XLSX is a zip');
  assert.deepEqual(page.problems, []);
  await page.context().close();
});

test('the reports are not offered to a doctor', async () => {
  const page = await openPage(browser);
  await signIn(page, server.base, 'doctor');
  assert.equal(await page.$('nav a[href="#/reports"]'), null);
  await page.context().close();
});
