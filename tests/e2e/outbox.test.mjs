// The administrator's outbox in the browser: the demo's messages to patients, given up on when
// the SMS gateway cannot be reached (one attempt allowed), each recipient masked and no text
// shown; one sent again after a question; in Kazakh and Russian, axe clean.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launch, openPage, screenshot, signIn, apiToken, apiFetch, accessibilityProblems } from './harness.mjs';

let server;
let browser;

before(async () => {
  // Port 9 of the loopback refuses connections: every SMS attempt fails at once.
  server = await startServer({ config: [
    'sms.gateway_url = http://127.0.0.1:9/sms',
    'sms.token = test-token',
    'delivery.max_attempts = 1',
    'delivery.poll_milliseconds = 100',
  ].join('\n') + '\n' });
  browser = await launch();
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

test('an administrator sees the messages given up on, masked, and sends one again', async () => {
  const admin = await apiToken(server.base, 'admin');
  // The delivery worker tries each demo SMS once and gives it up.
  let dead;
  for (let i = 0; i < 100; i += 1) {
    dead = await apiFetch(server.base, admin, '/api/v1/outbox?state=dead&limit=200');
    if (dead.items.length) break;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  assert.ok(dead.items.length > 0, 'some messages were given up on');

  const page = await openPage(browser, { bypassCSP: true });
  await signIn(page, server.base, 'admin');
  await page.click('nav a[href="#/admin/outbox"]');
  await page.waitForSelector('html[lang="kk"] #outbox tbody tr');
  await page.selectOption('select[name="state"]', 'dead');
  // The router draws the filtered page into a new <main> once the address has changed: until
  // the old one goes, its table (of every state) is still there to be found.
  let shownBefore = await page.$('#outbox');
  await page.click('main form button[type="submit"]');
  await shownBefore.waitForElementState('hidden');
  await page.waitForSelector('#outbox tbody tr[data-state="dead"] button[data-retry]');
  const shown = await page.$$eval('#outbox tbody tr', (rows) => rows.map((r) => r.dataset.state));
  assert.ok(shown.every((s) => s === 'dead'), 'only the state asked for');
  const text = await page.textContent('#outbox');
  for (const message of dead.items) assert.ok(!text.includes(message.to.replace(/\*/g, '')) || message.to.includes('*'), 'recipients are masked');
  assert.doesNotMatch(text, /\+7\d{10}/, 'no whole telephone number');
  assert.deepEqual(await accessibilityProblems(page), []);
  await screenshot(page, 'admin-outbox-dead-kk');

  shownBefore = await page.$('#outbox');
  await page.selectOption('#language', 'ru');
  await shownBefore.waitForElementState('hidden');
  await page.waitForSelector('html[lang="ru"] #outbox tbody tr');
  const first = await page.getAttribute('#outbox tbody tr[data-state="dead"]', 'data-id');
  await page.click(`#outbox tbody tr[data-id="${first}"] button[data-retry]`);
  await page.click('dialog [data-confirm="yes"]');
  await page.waitForSelector(`#outbox tbody tr[data-id="${first}"]:not([data-state="dead"])`);
  assert.match(await page.textContent('main [role=status]'), /ждёт следующей попытки/);
  assert.deepEqual(await accessibilityProblems(page), []);
  await screenshot(page, 'admin-outbox-retried-ru');
  const after = await apiFetch(server.base, admin, `/api/v1/outbox?limit=200`);
  const retried = after.items.find((m) => String(m.id) === first);
  assert.ok(retried && retried.state !== 'sent', 'tried again, and not pretended sent');
  assert.deepEqual(page.problems, []);
  await page.context().close();
});
