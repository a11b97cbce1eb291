// The administrator's workspace: users and organizations.

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

test('an administrator creates, disables and re-enables a user, and adds an organization', async () => {
  const page = await openPage(browser);
  await signIn(page, server.base, 'admin');
  await page.goto(`${server.base}/#/admin/users`);
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

  // Disabled (after a yes to the question), the user cannot sign in; enabled again, they can.
  await page.click('button[data-toggle="commission.karaganda"]');
  await page.click('dialog button[data-confirm="yes"]');
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

test('a password the administrator reset must be replaced at the next sign-in, and anyone may change theirs', async () => {
  // The administrator resets hospital2's password.
  const admin = await openPage(browser, { bypassCSP: true });
  await signIn(admin, server.base, 'admin');
  await admin.goto(`${server.base}/#/admin/users`);
  await admin.waitForSelector('tr[data-login="hospital2"]');
  await admin.click('button[data-reset="hospital2"]');
  const reset = admin.locator('dialog form');
  await reset.locator('[name=password]').fill('Temporary-Reset-Pass-81');
  await reset.locator('button[type=submit]').click();
  await reset.waitFor({ state: 'detached' });

  // hospital2 signs in with it and lands on the password page, which nothing else gets past.
  const page = await openPage(browser, { bypassCSP: true });
  await page.goto(`${server.base}/#/login`);
  await page.fill('input[name=login]', 'hospital2');
  await page.fill('input[name=password]', 'Temporary-Reset-Pass-81');
  await page.click('form button[type=submit]');
  await page.waitForSelector('#password-required');
  assert.deepEqual(await accessibilityProblems(page), []);
  await screenshot(page, 'password-required');
  await page.goto(`${server.base}/#/queue`);
  await page.waitForSelector('#password-form');

  // A weak password is refused next to its field; the two new ones must agree.
  await page.fill('#password-form [name=current]', 'Temporary-Reset-Pass-81');
  await page.fill('#password-form [name=new]', 'password1234');
  await page.fill('#password-form [name=repeat]', 'password1234');
  await page.click('#password-form button[type=submit]');
  await page.locator('.field[data-field="new"] .field-error').waitFor({ state: 'visible' });
  await page.fill('#password-form [name=new]', 'Harbour-Quince-62-Velvet');
  await page.fill('#password-form [name=repeat]', 'Harbour-Quince-62-Velvet!');
  await page.click('#password-form button[type=submit]');
  await page.locator('.field[data-field="repeat"] .field-error').waitFor({ state: 'visible' });
  await page.fill('#password-form [name=repeat]', 'Harbour-Quince-62-Velvet');
  await page.click('#password-form button[type=submit]');
  await page.waitForURL(/#\/home$/);
  await page.waitForSelector('.home-tiles li');

  // Later, from the header, the user changes it again by keyboard alone.
  await page.click('.who-name');
  await page.waitForSelector('#password-form');
  assert.equal(await page.locator('#password-required').count(), 0);
  await page.focus('#password-form [name=current]');
  await page.keyboard.type('Harbour-Quince-62-Velvet');
  await page.keyboard.press('Tab');
  await page.keyboard.type('Orchard-Falcon-93-Lumen');
  await page.keyboard.press('Tab');
  await page.keyboard.type('Orchard-Falcon-93-Lumen');
  await page.keyboard.press('Enter');
  await page.waitForURL(/#\/home$/);
  await signOut(page);
  await page.fill('input[name=login]', 'hospital2');
  await page.fill('input[name=password]', 'Orchard-Falcon-93-Lumen');
  await page.click('form button[type=submit]');
  await page.waitForSelector('.home-tiles li');
  assert.deepEqual(page.problems, []);
  assert.deepEqual(admin.problems, []);
});
