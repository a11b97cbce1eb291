// axe-core finds no serious or critical violation on the login page, each role's worklist, the
// referral page, the planning and administration pages, and the public page; the public page
// works on a 360 px phone.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launch, openPage, screenshot, signIn, signOut, accessibilityProblems } from './harness.mjs';

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

// axe is injected as a script; the test's own context allows that despite the CSP.
const options = { bypassCSP: true };

async function check(page, name) {
  await screenshot(page, `a11y-${name}`);
  const problems = await accessibilityProblems(page);
  assert.deepEqual(problems, [], `${name}:\n${problems.join('\n')}`);
}

test('no serious or critical accessibility violations', async () => {
  const page = await openPage(browser, options);
  await page.goto(`${server.base}/#/login`);
  await page.waitForSelector('input[name=login]');
  await check(page, 'login');

  const visits = {
    doctor: ['#/referrals', '#/patients/new', '#/referrals/new'],
    commission: ['#/queue'],
    republic: ['#/queue', '#/waitlist', '#/quotas'],
    hospital: ['#/queue'],
    admin: ['#/admin/users', '#/admin/organizations'],
  };
  for (const [login, hashes] of Object.entries(visits)) {
    await signIn(page, server.base, login);
    for (const hash of hashes) {
      await page.goto(`${server.base}/${hash}`);
      await page.waitForSelector('main h1');
      await page.waitForLoadState('networkidle');
      await check(page, `${login}-${hash.replace(/\W+/g, '-')}`);
    }
    if (login === 'republic') {
      await page.goto(`${server.base}/#/queue`);
      await page.waitForSelector('table.worklist tbody tr a');
      await page.click('table.worklist tbody tr:has(.badge-state-republican_review) a');
      await page.waitForSelector('.timeline');
      await page.waitForLoadState('networkidle');
      await check(page, 'referral-page');
      await page.click('.actions button[data-action="approve"]');
      await page.waitForSelector('dialog form');
      await check(page, 'approve-dialog');
      await page.keyboard.press('Escape');
    }
    await signOut(page);
  }

  await page.goto(`${server.base}/status.html`);
  await page.waitForSelector('input[name=code]');
  await check(page, 'public');
  assert.deepEqual(page.problems, []);
});

test('the public page fits a 360 px phone and is usable by keyboard', async () => {
  const page = await openPage(browser, { viewport: { width: 360, height: 740 }, isMobile: true, hasTouch: true });
  await page.goto(`${server.base}/status.html`);
  await page.waitForSelector('input[name=code]');
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  assert.ok(overflow <= 0, `the page is ${overflow}px too wide`);
  await page.focus('input[name=code]');
  await page.keyboard.type('75-26-0000001');
  await page.keyboard.press('Tab');
  await page.keyboard.type('850715300122');
  await page.keyboard.press('Enter');
  await page.waitForSelector('.form-error');
  await screenshot(page, 'public-phone');
  assert.deepEqual(page.problems, []);
});

test('the workspace works at 360 px too', async () => {
  const page = await openPage(browser, { viewport: { width: 360, height: 740 } });
  await signIn(page, server.base, 'commission');
  await page.goto(`${server.base}/#/queue`);
  await page.waitForSelector('table.worklist tbody tr');
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  assert.ok(overflow <= 0, `the worklist is ${overflow}px too wide`);
  await screenshot(page, 'commission-queue-phone');
});
