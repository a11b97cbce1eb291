// The page a patient opens from the talon's QR code, on a 360 px phone: for a referral in every
// state of the workflow, in Kazakh, Russian and English, the answer fits the screen (no
// horizontal scroll) and no word is split across lines.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launch, openPage, screenshot, apiToken, apiFetch } from './harness.mjs';

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

const STATES = ['registered', 'booking_requested', 'commission_review', 'in_person_scheduled', 'info_requested',
  'republican_review', 'waitlisted', 'talon_issued', 'scheduled', 'admitted', 'abroad_review',
  'abroad_approved', 'completed', 'rejected', 'cancelled', 'expired', 'no_show'];

// One demo referral (code and IIN) in each state, found through the API as the republican level.
async function referralsByState() {
  const token = await apiToken(server.base, 'republic');
  const found = {};
  for (const r of (await apiFetch(server.base, token, '/api/v1/referrals?limit=200')).items) {
    if (!found[r.state]) found[r.state] = { code: r.code, iin: r.patient.iin };
  }
  return found;
}

// What does not fit: a page wider than the screen, and words broken across two lines (a word may
// still wrap after a hyphen, a dash or a slash).
function layoutProblems() {
  const problems = [];
  const page = document.documentElement;
  if (page.scrollWidth > page.clientWidth) problems.push(`the page scrolls sideways: ${page.scrollWidth} px in ${page.clientWidth}`);
  const walker = document.createTreeWalker(document.querySelector('main'), NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const words = /[^\s\-‐–—/]+/g;
    for (let m = words.exec(node.textContent); m; m = words.exec(node.textContent)) {
      const range = document.createRange();
      range.setStart(node, m.index);
      range.setEnd(node, m.index + m[0].length);
      const lines = new Set([...range.getClientRects()].filter((r) => r.width > 0).map((r) => Math.round(r.bottom)));
      if (lines.size > 1) problems.push(`"${m[0]}" is split across ${lines.size} lines`);
    }
  }
  return problems;
}

test('the status page reads well on a 360 px phone in every state and language', async () => {
  const referrals = await referralsByState();
  assert.deepEqual(STATES.filter((s) => !referrals[s]), [], 'the demo has a referral in every state');

  const page = await openPage(browser, { viewport: { width: 360, height: 740 }, isMobile: true, hasTouch: true });
  await page.goto(`${server.base}/status.html`);
  const failures = [];
  for (const state of STATES) {
    const { code, iin } = referrals[state];
    await page.selectOption('#language', 'kk');
    await page.waitForSelector('html[lang="kk"] form input[name=code]');
    await page.fill('input[name=code]', code);
    await page.fill('input[name=iin]', iin);
    await page.click('form button[type=submit]');
    await page.waitForSelector(`.result[data-state="${state}"]`);
    for (const language of ['kk', 'ru', 'en']) {
      await page.selectOption('#language', language);
      await page.waitForSelector(`html[lang="${language}"] .result[data-state="${state}"]`);
      const problems = await page.evaluate(layoutProblems);
      if (problems.length) failures.push(`${state} (${language}): ${problems.join('; ')}`);
      if (state === 'scheduled' || state === 'waitlisted') await screenshot(page, `public-${state}-${language}`);
    }
  }
  assert.deepEqual(failures, []);
  assert.deepEqual(page.problems, []);
});

// Two choices in quick succession, the strings of the first arriving last (as they may from a
// busy server): the page ends in the second language and stays in it.
test('the latest language choice wins when the earlier one answers later', async () => {
  const page = await openPage(browser, { viewport: { width: 360, height: 740 }, isMobile: true, hasTouch: true });
  await page.goto(`${server.base}/status.html`);
  await page.waitForSelector('html[lang="kk"] form input[name=code]');
  let releaseKazakh;
  const kazakhHeld = new Promise((resolve) => { releaseKazakh = resolve; });
  await page.route('**/locales/kk.json', async (route) => {
    await kazakhHeld;
    await route.continue();
  });
  await page.selectOption('#language', 'kk');
  await page.selectOption('#language', 'ru');
  await page.waitForSelector('html[lang="ru"] form input[name=code]');
  const kazakhAnswered = page.waitForResponse('**/locales/kk.json');
  releaseKazakh();
  await kazakhAnswered;
  await page.waitForTimeout(300);
  assert.equal(await page.getAttribute('html', 'lang'), 'ru');
  assert.equal(await page.inputValue('#language'), 'ru');
  assert.match(await page.textContent('h1'), /[а-яё]/i);
  assert.deepEqual(page.problems, []);
});
