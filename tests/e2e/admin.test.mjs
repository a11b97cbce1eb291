// The administrator's workspace: users and organizations.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launch, openPage, screenshot, signIn, signOut } from './harness.mjs';

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

test('an administrator creates, disables and re-enables a user, and adds an organization', async () => {
  const page = await openPage(browser);
  await signIn(page, server.base, 'admin');
  await page.waitForSelector('table.worklist tbody tr');

  // A new commission member for Karaganda; a short password is refused by the field first.
  await page.click('#new-user');
  const form = page.locator('dialog form');
  await form.locator('[name=login]').fill('commission.karaganda');
  await form.locator('[name=name]').fill('Қарағанды облысының комиссиясы');
  await form.locator('[name=role]').selectOption('commission');
  await form.locator('[name=region]').selectOption('35');
  await form.locator('[name=password]').fill('too-short');
  await form.locator('button[type=submit]').click();
  await form.locator('.field[data-field="password"] .field-error').waitFor({ state: 'visible' });
  await form.locator('[name=password]').fill('Karaganda-commission-2026');
  await form.locator('button[type=submit]').click();
  await page.waitForSelector('tr[data-login="commission.karaganda"]');
  await screenshot(page, 'admin-user-created');

  // Disabled, the user cannot sign in; enabled again, they can.
  await page.click('button[data-toggle="commission.karaganda"]');
  await page.waitForSelector('tr[data-login="commission.karaganda"] .badge-overdue');
  const other = await openPage(browser);
  await other.goto(`${server.base}/#/login`);
  await other.fill('input[name=login]', 'commission.karaganda');
  await other.fill('input[name=password]', 'Karaganda-commission-2026');
  await other.click('form button[type=submit]');
  await other.waitForSelector('.form-error');
  await page.click('button[data-toggle="commission.karaganda"]');
  await page.waitForSelector('tr[data-login="commission.karaganda"] .badge-ok');
  await other.click('form button[type=submit]');
  await other.waitForSelector('#sign-out');
  assert.ok((await other.textContent('header')).includes('Қарағанды облысының комиссиясы'));

  // A new organization appears in the list.
  await page.click('a[href="#/admin/organizations"]');
  await page.waitForSelector('input[name=name]');
  await page.fill('input[name=name]', 'Многопрофильная областная больница г. Караганды');
  await page.selectOption('select[name=kind]', 'hospital');
  await page.selectOption('select[name=level]', 'regional');
  await page.selectOption('select[name=region]', '35');
  await page.click('form button[type=submit]');
  await page.waitForFunction(() => (document.querySelector('table.worklist')?.textContent || '').includes('Многопрофильная областная больница г. Караганды'));
  await screenshot(page, 'admin-organizations');
  await signOut(page);
  assert.deepEqual(page.problems, []);
  assert.deepEqual(other.problems, []);
});
