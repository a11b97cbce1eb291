// What a walk through every role found (issue 17's defects 2–9), each with the check that would
// have caught it: dialogs with two buttons of one label, the commission's request hidden at the
// bottom, the quota table and the distribution, the waitlist's columns, a history of commands,
// red buttons for admissions, one-click disabling, the taken login, dates in the browser's
// format, and the focus box on headings.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launch, openPage, screenshot, signIn, signOut, act, apiGet, apiPost, waitForState,
  accessibilityProblems, registerPatient, tabTo } from './harness.mjs';

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

// A valid IIN that begins with `seven` digits (birth date, century and sex).
function iinWith(seven) {
  const weights = [3, 4, 5, 6, 7, 8, 9, 10, 11, 1, 2];
  for (let serial = 1000; ; serial += 1) {
    const d = [...`${seven}${serial}`].map(Number);
    let check = d.reduce((s, x, i) => s + x * (i + 1), 0) % 11;
    if (check === 10) check = d.reduce((s, x, i) => s + x * weights[i], 0) % 11;
    if (check !== 10) return `${seven}${serial}${check}`;
  }
}

const year = () => new Date(Date.now() + 5 * 3600e3).getUTCFullYear();

async function useLanguage(page, language) {
  await page.selectOption('#language', language);
  await page.waitForFunction((l) => document.documentElement.lang === l, language);
}

async function openReferral(page, id) {
  await page.goto(`${server.base}/#/referrals/${id}`);
  await page.waitForSelector('.timeline');
}

// A submitted surgery referral of a new Almaty patient, made by the signed-in doctor.
async function submitted(page) {
  const iin = await registerPatient(page, { last_name: 'Сейфуллина', first_name: 'Гүлнар', birth_date: '1980-03-08', sex: 'female' });
  const made = await apiPost(page, '/api/v1/referrals', { patient_iin: iin, icd10: 'K80.2', profile: 'surgery', urgency: 'routine',
    care_form: 'inpatient', justification: 'Желчнокаменная болезнь, показана операция' });
  assert.equal(made.status, 201, JSON.stringify(made.body));
  const sent = await page.evaluate(async ({ id, version }) => (await fetch(`/api/v1/referrals/${id}/actions/submit`, {
    method: 'POST', headers: { 'content-type': 'application/json', 'x-csrf-token': localStorage.getItem('joldama.csrf'), 'if-match': `"${version}"` }, body: '{}',
  })).json(), made.body);
  return sent;
}

// The labels of the open dialog's buttons.
const dialogButtons = (page) => page.$$eval('dialog button', (buttons) => buttons.map((b) => b.textContent.trim()));

test('no dialog shows two buttons with one label, in any language', async () => {
  const page = await openPage(browser);
  await signIn(page, server.base, 'doctor');
  const referral = await submitted(page);
  await signOut(page);
  await signIn(page, server.base, 'commission');
  for (const language of ['kk', 'ru', 'en']) {
    await useLanguage(page, language);
    await openReferral(page, referral.id);
    const actions = await page.$$eval('.actions button[data-action]', (buttons) => buttons.map((b) => b.dataset.action));
    assert.ok(actions.includes('reject'), actions.join());
    for (const action of actions) {
      await page.click(`.actions button[data-action="${action}"]`);
      await page.waitForSelector(`dialog form[data-action="${action}"]`);
      const labels = await dialogButtons(page);
      assert.equal(new Set(labels).size, labels.length, `${language} ${action}: ${labels.join(' | ')}`);
      if (action === 'reject') {
        // The question before an irreversible step has its own two distinct buttons.
        await page.fill('dialog [name="reason"]', 'Помощь оказывается на уровне области');
        await page.click('dialog form button[type=submit]');
        await page.waitForSelector('dialog button[data-confirm="yes"]');
        const asked = await page.$$eval('dialog:last-of-type button', (b) => b.map((x) => x.textContent.trim()));
        assert.equal(new Set(asked).size, asked.length, `${language} confirm: ${asked.join(' | ')}`);
        if (language === 'kk') await screenshot(page, 'reject-confirm-kk');
        await page.click('dialog:last-of-type button:not([data-confirm])');
      }
      await page.click('dialog form button.secondary');
      await page.waitForSelector('dialog', { state: 'detached' });
    }
  }
  assert.deepEqual(page.problems, []);
});

test('the doctor sees what the commission asked for, by when, and a history of events with names', async () => {
  const page = await openPage(browser, { bypassCSP: true });
  await signIn(page, server.base, 'doctor');
  const referral = await submitted(page);
  await signOut(page);
  await signIn(page, server.base, 'commission');
  await openReferral(page, referral.id);
  await act(page, 'request_info', { comment: 'Приложите УЗИ брюшной полости' });
  await waitForState(page, referral.id, 'info_requested');
  await signOut(page);

  await signIn(page, server.base, 'doctor');
  await useLanguage(page, 'ru');
  await page.goto(`${server.base}/#/referrals`);
  await page.waitForSelector('.info-banner');
  assert.match(await page.textContent('.info-banner'), /Комиссия запросила документы/);
  await page.click('.info-banner a');
  await page.waitForSelector(`table.worklist tr[data-id="${referral.id}"]`);
  assert.match(await page.textContent(`table.worklist tr[data-id="${referral.id}"]`), /ответить до/);
  await screenshot(page, 'doctor-info-requested-worklist-ru');

  await openReferral(page, referral.id);
  // The request is the first thing on the page, above the actions, with its reply deadline.
  const banner = await page.$eval('#info-request', (b) => ({ text: b.textContent,
    first: b.compareDocumentPosition(document.querySelector('.actions')) & Node.DOCUMENT_POSITION_FOLLOWING }));
  assert.ok(banner.first, 'the request is shown above the actions');
  assert.match(banner.text, /Приложите УЗИ брюшной полости/);
  assert.match(banner.text, /Ответить до \d{1,2} [а-я]+ \d{4}/);
  const history = await page.textContent('.timeline');
  for (const event of ['Зарегистрировано', 'Направлено в комиссию', 'Запрошены документы']) assert.ok(history.includes(event), event);
  assert.ok(!history.includes('Зарегистрировать'), 'the history names events, not commands');
  const referralJson = await apiGet(page, `/api/v1/referrals/${referral.id}`);
  const asked = referralJson.history.find((e) => e.action === 'request_info');
  assert.ok(asked.by.name, 'the actor has a name');
  assert.ok(history.includes(asked.by.name), 'the history shows who acted by name');
  const doctorEntry = referralJson.history.find((e) => e.action === 'register');
  assert.ok(doctorEntry.by.organization && history.includes(doctorEntry.by.organization), 'and their organization');
  const labels = await page.$$eval('dt', (dts) => dts.map((d) => d.textContent));
  assert.ok(labels.includes('Дата регистрации') && labels.includes('Срок решения'), labels.join());
  await screenshot(page, 'doctor-info-requested-ru');
  await useLanguage(page, 'kk');
  await page.waitForFunction(() => /Тіркелді/.test(document.querySelector('.timeline')?.textContent || ''));
  const kazakh = await page.textContent('.timeline');
  for (const event of ['Тіркелді', 'Комиссияға жіберілді', 'Құжат сұратылды']) assert.ok(kazakh.includes(event), event);
  await screenshot(page, 'doctor-info-requested-kk');
  assert.deepEqual(await accessibilityProblems(page), []);
  assert.deepEqual(page.problems, []);
});

test('the quota table shows every profile with totals, scrolls by keyboard, and puts back a refused value', async () => {
  const page = await openPage(browser, { bypassCSP: true });
  await signIn(page, server.base, 'republic');
  const rows = await apiGet(page, `/api/v1/quotas?period=${year()}`);
  const busy = rows.find((q) => q.reserved + q.used > 0);
  assert.ok(busy, 'the demo holds a quota with units in use');
  await page.goto(`${server.base}/#/quotas?period=${year()}`);
  await page.waitForSelector('.quota-scroll table tfoot');
  const headers = await page.$$eval('.quota-matrix thead th', (ths) => ths.map((th) => th.textContent));
  assert.equal(headers.length, 1 + 12 + 1, headers.join());
  // The totals add up what the cells hold.
  const sums = await page.evaluate(() => {
    const inputs = [...document.querySelectorAll('.quota-matrix tbody input')];
    const number = (text) => Number(text.replace(/\D/g, ''));
    return { cells: inputs.reduce((s, i) => s + Number(i.value), 0),
      all: number(document.querySelector('[data-total="all"] .total-number').textContent),
      rows: [...document.querySelectorAll('[data-total="region"] .total-number')].reduce((s, e) => s + number(e.textContent), 0) };
  });
  assert.equal(sums.all, sums.cells);
  assert.equal(sums.rows, sums.cells);

  // A value below what is held is refused: the cell shows the server's value again, and the
  // message names the region and the profile once.
  const cell = page.locator(`input[name="q-${busy.region}-${busy.profile}"]`);
  await cell.fill('0');
  await page.click('#save-quotas');
  await page.waitForSelector('.quota-status [role=alert]');
  assert.equal(await cell.inputValue(), String(busy.allocated));
  assert.equal(await cell.getAttribute('aria-invalid'), 'true');
  const message = await page.textContent('.quota-status [role=alert]');
  assert.ok(!/бөлінгені:\s/.test(message) && !/allocated:/.test(message), message);
  assert.match(message, /0/);
  const [after] = await apiGet(page, `/api/v1/quotas?period=${year()}&region=${busy.region}&profile=${busy.profile}`);
  assert.equal(after.allocated, busy.allocated);
  await screenshot(page, 'republic-quota-refused-kk');
  await signOut(page);

  // The commission's read-only copy: the scrolling box takes the keyboard.
  await signIn(page, server.base, 'commission');
  await useLanguage(page, 'ru');
  await page.goto(`${server.base}/#/quotas?period=${year()}`);
  await page.waitForSelector('.quota-scroll table');
  await page.focus('.quota-scroll');
  const scrolled = await page.evaluate(async () => {
    const box = document.querySelector('.quota-scroll');
    return box.scrollWidth > box.clientWidth ? 'wide' : 'fits';
  });
  if (scrolled === 'wide') {
    await page.keyboard.press('End');
    await page.keyboard.press('ArrowRight');
    await page.waitForFunction(() => document.querySelector('.quota-scroll').scrollLeft > 0);
  }
  await screenshot(page, 'commission-quotas-ru');
  assert.deepEqual(await accessibilityProblems(page), []);
  assert.deepEqual(page.problems, []);
});

test('a distribution shows each region\'s change, names the regions that block, asks, and reports where the user is', async () => {
  const page = await openPage(browser);
  await signIn(page, server.base, 'republic');
  await useLanguage(page, 'ru');
  const rows = await apiGet(page, `/api/v1/quotas?period=${year()}`);
  const busy = rows.find((q) => q.reserved + q.used > 0);
  await page.goto(`${server.base}/#/quotas?period=${year()}`);
  await page.waitForSelector('#preview-distribution');

  // A national total of 0 would leave the busy region below what it holds.
  await page.selectOption('select[name=profile]', busy.profile);
  await page.fill('input[name=total]', '0');
  await page.click('#preview-distribution');
  await page.waitForSelector('#distribution-blocked');
  const regions = await apiGet(page, '/api/v1/regions');
  const name = regions.find((r) => r.code === busy.region).name.ru;
  assert.ok((await page.textContent('#distribution-blocked')).includes(name));
  assert.ok(await page.$eval('#apply-distribution', (b) => b.disabled));
  assert.equal(await page.locator(`table.distribution tr.blocked[data-region="${busy.region}"]`).count(), 1);
  await screenshot(page, 'republic-distribution-blocked-ru');

  // A total that fits: the change of every region, a question, then the answer beside the button.
  await page.selectOption('select[name=profile]', 'oncology');
  await page.fill('input[name=total]', '400');
  await page.click('#preview-distribution');
  await page.waitForSelector('table.distribution tbody tr');
  const changes = await page.$$eval('table.distribution tbody tr td:nth-child(4)', (cells) => cells.map((c) => c.textContent));
  assert.equal(changes.length, 20);
  const hash = await page.evaluate(() => location.hash);
  await page.click('#apply-distribution');
  await page.waitForSelector('dialog button[data-confirm="yes"]');
  assert.match(await page.textContent('dialog'), /регионах: \d+/);
  await page.click('dialog button[data-confirm="yes"]');
  await page.waitForFunction(() => /Распределение применено/.test(document.querySelector('.distribution-result')?.textContent || ''));
  assert.equal(await page.evaluate(() => location.hash), hash, 'the page did not jump away');
  const applied = await apiGet(page, `/api/v1/quotas?period=${year()}&profile=oncology`);
  assert.equal(applied.reduce((s, q) => s + q.allocated, 0), 400);
  // The table above shows the new allocations.
  const shown = await page.$$eval('.quota-matrix tbody input[name$="-oncology"]', (inputs) => inputs.reduce((s, i) => s + Number(i.value), 0));
  assert.equal(shown, 400);
  await screenshot(page, 'republic-distribution-applied-ru');
  assert.deepEqual(page.problems, []);
});

test('the waitlist shows region and urgency, and which queue a position is in', async () => {
  const page = await openPage(browser, { bypassCSP: true });
  await signIn(page, server.base, 'republic');
  await useLanguage(page, 'ru');
  await page.goto(`${server.base}/#/waitlist`);
  await page.waitForSelector('table.worklist tbody tr');
  // The header's words, without the marks a sortable column's button shows its order by.
  const headers = await page.$$eval('table.worklist thead th', (ths) => ths.map((th) => th.textContent.replace(/[▲▼↕]/g, '').trim()));
  assert.ok(headers.includes('Регион') && headers.includes('Срочность'), headers.join());
  const waiting = (await apiGet(page, '/api/v1/referrals?state=waitlisted')).items[0];
  const regions = await apiGet(page, '/api/v1/regions');
  const position = await page.textContent(`tr[data-id="${waiting.id}"] .queue-position`);
  assert.ok(position.includes(regions.find((r) => r.code === waiting.quota.region).name.ru), position);
  assert.ok(position.includes(String(waiting.quota.period)), position);
  await screenshot(page, 'republic-waitlist-ru');
  assert.deepEqual(await accessibilityProblems(page), []);
  assert.deepEqual(page.problems, []);
});

test('admissions are not red, disabling asks first, a taken login is named, dates read in the language, headings have no box', async () => {
  const page = await openPage(browser);
  await signIn(page, server.base, 'hospital');
  const admitted = (await apiGet(page, '/api/v1/referrals?state=admitted')).items[0];
  await openReferral(page, admitted.id);
  assert.equal(await page.getAttribute('.actions button[data-action="discharge"]', 'class'), 'primary');
  // The heading takes focus for screen readers but draws no box.
  const focus = await page.evaluate(() => {
    const heading = document.querySelector('main h1');
    heading.focus();
    const style = getComputedStyle(heading);
    return { focused: document.activeElement === heading, outline: style.outlineStyle, shadow: style.boxShadow };
  });
  assert.ok(focus.focused);
  assert.equal(focus.outline, 'none');
  assert.equal(focus.shadow, 'none');
  await signOut(page);

  await signIn(page, server.base, 'admin');
  await page.goto(`${server.base}/#/admin/users`);
  await page.waitForSelector('button[data-toggle="doctor.astana"]');
  await page.click('button[data-toggle="doctor.astana"]');
  await page.waitForSelector('dialog button[data-confirm="yes"]');
  await page.click('dialog button:not([data-confirm])');
  await page.waitForSelector('dialog', { state: 'detached' });
  const users = await apiGet(page, '/api/v1/users');
  assert.equal(users.find((u) => u.user.login === 'doctor.astana').disabled, false, 'nothing happened without a yes');

  // The administrator corrects a name, and is told by the field when a role and an
  // organization do not go together.
  await page.click('button[data-edit="doctor.astana"]');
  await page.waitForSelector('#edit-user');
  await page.fill('#edit-user [name=name]', 'Жұмабаева Сәуле Ерланқызы');
  await page.click('#edit-user button[type=submit]');
  await page.waitForFunction(() => /Жұмабаева Сәуле Ерланқызы/.test(document.querySelector('tr[data-login="doctor.astana"]')?.textContent || ''));
  await page.click('button[data-edit="doctor.astana"]');
  await page.waitForSelector('#edit-user');
  await page.selectOption('#edit-user [name=role]', 'hospital');
  await page.click('#edit-user button[type=submit]');
  await page.waitForSelector('#edit-user [data-field="organization_id"] .field-error:not([hidden])');
  await screenshot(page, 'admin-edit-user-kk');
  await page.click('#edit-user button.secondary');
  await page.waitForSelector('dialog', { state: 'detached' });

  await page.click('#new-user');
  await page.waitForSelector('dialog input[name=login]');
  await page.fill('dialog input[name=login]', 'doctor');
  await page.fill('dialog input[name=name]', 'Тест Тестов');
  await page.selectOption('dialog select[name=role]', 'republican');
  await page.fill('dialog input[name=password]', 'a-long-enough-password-1');
  await page.click('dialog button[type=submit]');
  await page.waitForSelector('dialog [data-field="login"] .field-error:not([hidden])');
  assert.match(await page.textContent('dialog [data-field="login"] .field-error'), /логин бос емес/);
  await screenshot(page, 'admin-login-taken-kk');
  await page.click('dialog button.secondary');
  await signOut(page);

  // A date typed in the native picker is written beside it as the interface's language writes it.
  await signIn(page, server.base, 'doctor');
  await page.goto(`${server.base}/#/patients/new`);
  await page.waitForSelector('input[name=birth_date]');
  await page.fill('input[name=birth_date]', '1980-03-08');
  await page.waitForFunction(() => /1980 жылғы 8 наурыз/.test(document.querySelector('[data-field="birth_date"] .date-echo').textContent));

  // The IIN fills the birth date and the sex, which stay editable; a date the doctor set stays.
  await page.reload();
  await page.waitForSelector('input[name=iin]');
  assert.equal(await page.inputValue('input[name=birth_date]'), '');
  await page.fill('input[name=iin]', iinWith('9512244'));
  assert.equal(await page.inputValue('input[name=birth_date]'), '1995-12-24');
  assert.equal(await page.inputValue('select[name=sex]'), 'female');
  assert.equal(await page.locator('[data-field="birth_date"] .from-iin').count(), 1);
  await page.fill('input[name=birth_date]', '1995-12-25');
  await page.fill('input[name=iin]', iinWith('9512243'));
  assert.equal(await page.inputValue('input[name=birth_date]'), '1995-12-25');
  assert.equal(await page.inputValue('select[name=sex]'), 'male');
  await page.selectOption('select[name=sex]', 'female');
  assert.equal(await page.inputValue('select[name=sex]'), 'female');
  await useLanguage(page, 'ru');
  await page.goto(`${server.base}/#/patients/new`);
  await page.waitForSelector('input[name=birth_date]');
  await page.fill('input[name=birth_date]', '1980-03-08');
  await page.waitForFunction(() => /8 марта 1980/.test(document.querySelector('[data-field="birth_date"] .date-echo').textContent));
  assert.deepEqual(page.problems, []);
});

test("the patient's page says by when a decision is expected", async () => {
  const page = await openPage(browser);
  await signIn(page, server.base, 'doctor');
  const referral = await submitted(page);
  await useLanguage(page, 'ru');
  await page.goto(`${server.base}/status.html`);
  await page.fill('input[name=code]', referral.code);
  await page.fill('input[name=iin]', referral.patient.iin);
  await page.click('form button[type=submit]');
  await page.waitForSelector('.result[data-state="commission_review"]');
  const text = await page.textContent('.result');
  assert.match(text, /Решение ожидается до\s*\d{1,2} [а-я]+ \d{4}, \d{2}:\d{2}/);
  const status = await apiGet(page, `/api/v1/public/status?code=${referral.code}&iin=${referral.patient.iin}`);
  assert.equal(status.decision_due, referral.deadline);
  assert.deepEqual(page.problems, []);
});

test('each role starts on a home page of counts that open the filtered worklist', async () => {
  const page = await openPage(browser, { bypassCSP: true });
  await signIn(page, server.base, 'commission');
  await page.waitForSelector('.home-tiles li[data-tile="overdue"]');
  assert.equal(await page.evaluate(() => location.hash), '#/home');
  // A first visit from this browser has nothing to call new.
  assert.equal(await page.locator('.home-tiles li[data-tile="new"]').count(), 0);
  const states = 'commission_review,in_person_scheduled,info_requested';
  const overdue = await apiGet(page, `/api/v1/referrals/counts?state=${states}&overdue=true`);
  assert.equal(Number(await page.textContent('[data-tile="overdue"] .home-count')), overdue.total);
  assert.ok(overdue.total > 0, 'the demo has overdue work for the commission');
  await useLanguage(page, 'ru');
  await page.waitForSelector('html[lang="ru"] .home-tiles li[data-tile="overdue"]');
  await screenshot(page, 'commission-home-ru');
  assert.deepEqual(await accessibilityProblems(page), []);
  await page.click('[data-tile="overdue"] a');
  // The list says how many it shows once its last part is drawn (an overdue section comes first).
  await page.waitForFunction(() => document.querySelector('.worklist-status')?.textContent);
  assert.match(await page.textContent('.worklist-status'), new RegExp(`из ${overdue.total}`));

  // The next visit: what changed since the last one is counted, and opens that list.
  await page.evaluate(() => {
    sessionStorage.clear();
    localStorage.setItem('joldama.last-visit.commission', '2026-01-01T00:00:00.000Z');
  });
  await page.goto(`${server.base}/#/home`);
  await page.reload();
  await page.waitForSelector('.home-tiles li[data-tile="new"]');
  const fresh = await apiGet(page, `/api/v1/referrals/counts?state=${states}&since=2026-01-01T00:00:00.000Z`);
  assert.equal(Number(await page.textContent('[data-tile="new"] .home-count')), fresh.total);
  await page.click('[data-tile="new"] a');
  await page.waitForSelector('#list-window');
  await page.waitForFunction(() => document.querySelector('.worklist-status')?.textContent);
  assert.match(await page.textContent('.worklist-status'), new RegExp(`из ${fresh.total}`));

  // The registration-date range narrows a list; a reversed one is refused by its field.
  await page.goto(`${server.base}/#/referrals?created_from=2030-01-01&created_to=2030-01-31`);
  await page.waitForSelector('.results .empty');
  await page.goto(`${server.base}/#/referrals?created_from=2026-03-05&created_to=2026-03-01`);
  await page.waitForSelector('.results .form-error');
  assert.match(await page.textContent('.results .form-error'), /Конец периода/);
  assert.deepEqual(page.problems.filter((p) => !/422/.test(p)), []);
});

test('a commission approves several referrals under one protocol, each its own action with its own result', async () => {
  const page = await openPage(browser, { bypassCSP: true });
  await signIn(page, server.base, 'doctor');
  const chosen = [await submitted(page), await submitted(page), await submitted(page)];
  await signOut(page);
  await signIn(page, server.base, 'commission');
  await page.goto(`${server.base}/#/queue?state=commission_review`);
  for (const r of chosen) await page.check(`tr[data-id="${r.id}"] input.bulk-pick`);
  assert.match(await page.textContent('.bulk-count'), /3/);
  // Meanwhile a colleague rejects one of them.
  const rejected = await page.evaluate(async ({ id, version }) => (await fetch(`/api/v1/referrals/${id}/actions/reject`, {
    method: 'POST', headers: { 'content-type': 'application/json', 'x-csrf-token': localStorage.getItem('joldama.csrf'), 'if-match': `"${version}"` },
    body: JSON.stringify({ reason: 'Помощь оказывается на уровне области' }),
  })).status, chosen[1]);
  assert.equal(rejected, 200);
  await page.click('button[data-bulk="approve"]');
  await page.waitForSelector('#bulk-form');
  await page.click('#bulk-form button[type=submit]');
  await page.waitForSelector('#bulk-form [data-field="protocol"] .field-error:not([hidden])');
  await page.fill('#bulk-form [name=protocol]', '77/2026');
  await page.click('#bulk-form button[type=submit]');
  await page.waitForFunction(() => /2 ішінен|из 3|of 3|3 ішінен/.test(document.querySelector('.bulk-results [role=status]')?.textContent || ''));
  const lines = await page.$$eval('.bulk-results li', (items) => items.map((li) => ({ id: li.dataset.id, state: li.className })));
  assert.deepEqual(lines.map((l) => l.state), ['done', 'refused', 'done']);
  for (const [i, r] of chosen.entries()) {
    const now = await apiGet(page, `/api/v1/referrals/${r.id}`);
    assert.equal(now.state, i === 1 ? 'rejected' : 'republican_review');
    if (i !== 1) assert.equal(now.protocol, '77/2026');
  }
  // The sitting's protocol is one link away from the results.
  assert.equal(await page.getAttribute('#bulk-protocol', 'href'), `#/protocols?number=${encodeURIComponent('77/2026')}`);
  await screenshot(page, 'commission-bulk-approve-kk');
  assert.deepEqual(await accessibilityProblems(page), []);
  assert.deepEqual(page.problems, []);
});

test('a hospital accepts several talons with one date and prints them together', async () => {
  const page = await openPage(browser);
  await signIn(page, server.base, 'hospital');
  await page.goto(`${server.base}/#/queue?state=talon_issued`);
  await page.waitForSelector('table.worklist tbody tr');
  const ids = await page.$$eval('input.bulk-pick', (inputs) => inputs.filter((i) => i.dataset.state === 'talon_issued').map((i) => i.value));
  assert.ok(ids.length >= 1, 'the demo hospital has talons to accept');
  for (const id of ids) await page.check(`input.bulk-pick[value="${id}"]`);
  await page.click('button[data-bulk="accept"]');
  await page.waitForSelector('#bulk-form');
  const day = new Date(Date.now() + 5 * 3600e3 + 7 * 86400e3).toISOString().slice(0, 10);
  await page.fill('#bulk-form [name=planned_date]', day);
  await page.click('#bulk-form button[type=submit]');
  await page.waitForFunction((n) => document.querySelectorAll('.bulk-results li.done').length === n, ids.length);
  for (const id of ids) assert.equal((await apiGet(page, `/api/v1/referrals/${id}`)).state, 'scheduled');

  await page.goto(`${server.base}/#/queue?state=scheduled`);
  await page.waitForSelector('input.bulk-pick');
  for (const id of ids) await page.check(`input.bulk-pick[value="${id}"]`);
  await page.click('button[data-bulk="print"]');
  await page.waitForFunction((n) => document.querySelectorAll('article.talon').length === n, ids.length);
  assert.ok(/#\/talons\?ids=/.test(await page.evaluate(() => location.hash)));
  await screenshot(page, 'hospital-talons-together');
  assert.deepEqual(page.problems, []);
});

test('the administrator reads the audit log by referral, actor, event and day, and verifies the chain', async () => {
  const page = await openPage(browser, { bypassCSP: true });
  await signIn(page, server.base, 'admin');
  const referral = (await apiGet(page, '/api/v1/referrals?state=completed&limit=1')).items[0];
  await page.click('a[href="#/admin/audit"]');
  await page.waitForSelector('#audit tbody tr');
  await page.fill('#audit-filters [name=code]', referral.code);
  await page.fill('#audit-filters [name=action]', 'discharge');
  await page.click('#audit-filters button[type=submit]');
  await page.waitForFunction(() => document.querySelectorAll('#audit tbody tr').length === 1);
  assert.match(await page.textContent('#audit tbody tr'), /discharge/);
  await page.goto(`${server.base}/#/admin/audit?actor=doctor&action=register`);
  await page.waitForSelector('#audit tbody tr');
  const rows = await page.$$eval('#audit tbody tr', (trs) => trs.map((tr) => tr.textContent));
  assert.ok(rows.every((r) => r.includes('doctor') && r.includes('register')), rows.join('\n'));
  await page.click('#verify-audit');
  await page.waitForFunction(() => /Тізбек бүтін/.test(document.querySelector('#audit-verdict').textContent));
  await screenshot(page, 'admin-audit-kk');
  assert.deepEqual(await accessibilityProblems(page), []);
  await page.goto(`${server.base}/#/admin/audit?from=2026-03-05&to=2026-03-01`);
  await page.waitForSelector('#audit-filters [data-field="to"] .field-error:not([hidden])');
  await page.goto(`${server.base}/#/admin/audit?code=0000-0000`);
  await page.waitForSelector('#audit-filters [data-field="code"] .field-error:not([hidden])');
  assert.deepEqual(page.problems.filter((p) => !/422/.test(p)), []);
});

// Tabs forward until `selector` has the focus, as a keyboard user would; fails after `limit`.
const shownCodes = (page) => page.$$eval('.results section[aria-labelledby="all-heading"] tbody tr', (rows) => rows.map((r) => r.dataset.code));

test('a list sorts by a column from the keyboard, and a doctor has a list of their own patients', async () => {
  const page = await openPage(browser, { bypassCSP: true });
  await signIn(page, server.base, 'republic');
  await useLanguage(page, 'ru');
  await page.goto(`${server.base}/#/referrals`);
  await page.waitForSelector('table.worklist tbody tr');
  assert.equal(await page.getAttribute('th:has(button[data-sort="worklist"]) >> nth=-1', 'aria-sort'), 'ascending');

  // Tab to the deadline's header and press Enter: the list reads nearest deadline first.
  await page.focus('h1');
  await tabTo(page, 'th button[data-sort="deadline"]');
  await page.keyboard.press('Enter');
  await page.waitForFunction(() => location.hash.includes('sort=deadline'));
  await page.waitForSelector('th[aria-sort="ascending"] button[data-sort="-deadline"]');
  const byDeadline = await apiGet(page, '/api/v1/referrals?sort=deadline&limit=50');
  assert.deepEqual(await shownCodes(page), byDeadline.items.map((r) => r.code));
  await screenshot(page, 'list-sorted-by-deadline-ru');
  assert.deepEqual(await accessibilityProblems(page), []);

  // Again: the other way round; then the newest registrations first, from the order select.
  await page.focus('h1');
  await tabTo(page, 'th button[data-sort="-deadline"]');
  await page.keyboard.press('Enter');
  await page.waitForSelector('th[aria-sort="descending"] button[data-sort="deadline"]');
  const latest = await apiGet(page, '/api/v1/referrals?sort=-deadline&limit=50');
  assert.deepEqual(await shownCodes(page), latest.items.map((r) => r.code));
  await page.focus('h1');
  await tabTo(page, '#filter-sort');
  await page.selectOption('#filter-sort', '-created_at');
  await tabTo(page, 'form.filters button[type=submit]');
  await page.keyboard.press('Enter');
  await page.waitForSelector('th[aria-sort="descending"] button[data-sort="created_at"]');
  const newest = await apiGet(page, '/api/v1/referrals?sort=-created_at&limit=50');
  assert.deepEqual(await shownCodes(page), newest.items.map((r) => r.code));
  // Loading more keeps the order: the next page continues from the cursor of this one.
  if (newest.next) {
    await page.click('#load-more');
    await page.waitForFunction((n) => document.querySelectorAll('.results section[aria-labelledby="all-heading"] tbody tr').length > n, newest.items.length);
    const second = await apiGet(page, `/api/v1/referrals?sort=-created_at&limit=50&after=${encodeURIComponent(newest.next)}`);
    assert.deepEqual((await shownCodes(page)).slice(50), second.items.map((r) => r.code));
  }
  await signOut(page);

  // The doctor's own patients: what they registered, in both languages.
  await signIn(page, server.base, 'doctor');
  await useLanguage(page, 'kk');
  await page.click('header nav a[href="#/patients"]');
  await page.waitForSelector('table.worklist tbody tr');
  assert.equal(await page.textContent('h1'), 'Менің пациенттерім');
  const mine = await apiGet(page, '/api/v1/referrals?mine=true&limit=50');
  assert.deepEqual(await shownCodes(page), mine.items.map((r) => r.code));
  await screenshot(page, 'my-patients-kk');
  assert.deepEqual(await accessibilityProblems(page), []);
  await useLanguage(page, 'ru');
  await page.waitForFunction(() => document.querySelector('h1')?.textContent === 'Мои пациенты');
  await page.waitForSelector('table.worklist tbody tr');
  await screenshot(page, 'my-patients-ru');
  assert.deepEqual(page.problems, []);
});

// Last in this file: the day off it adds moves deadlines the other tests read.
test('the administrator reads the calendar and adds a day off, which moves the open deadlines after it', async () => {
  const page = await openPage(browser, { bypassCSP: true });
  await signIn(page, server.base, 'admin');
  await page.click('header nav a[href="#/admin/calendar"]');
  await page.waitForSelector('table.calendar-days tbody tr');
  const year = Number(await page.textContent('.year-switch strong'));
  const listed = await apiGet(page, `/api/v1/calendar?year=${year}`);
  assert.equal(await page.locator('table.calendar-days tbody tr').count(), listed.days.length);
  await screenshot(page, 'admin-calendar-kk');
  assert.deepEqual(await accessibilityProblems(page), []);
  await useLanguage(page, 'ru');
  await page.waitForSelector('html[lang="ru"] table.calendar-days');
  assert.equal(await page.textContent('h1'), 'Производственный календарь');
  // Holidays are named in the interface's language, not the calendar file's English.
  if (year === 2026) assert.match(await page.textContent('tr[data-date="2026-03-23"]'), /Наурыз мейрамы/);
  assert.doesNotMatch(await page.textContent('main'), /null|New Year|Nauryz/);
  // Next year by the keyboard: the year links are in the tab order.
  await page.focus('h1');
  await tabTo(page, '.year-switch a[rel="next"]');
  await page.keyboard.press('Enter');
  await page.waitForFunction((y) => document.querySelector('.year-switch strong')?.textContent === String(y), year + 1);
  await page.goto(`${server.base}/#/admin/calendar`);
  await page.waitForSelector('table.calendar-days tbody tr');

  // The first working day at least two days ahead, and a step whose deadline falls after it.
  const off = new Set((await apiGet(page, `/api/v1/calendar?year=${year}`)).days.concat((await apiGet(page, `/api/v1/calendar?year=${year + 1}`)).days)
    .filter((d) => d.kind !== 'working_day').map((d) => d.date));
  let day = new Date(Date.now() + 5 * 3600e3 + 2 * 86400e3);
  while ([0, 6].includes(day.getUTCDay()) || off.has(day.toISOString().slice(0, 10))) day = new Date(day.getTime() + 86400e3);
  const date = day.toISOString().slice(0, 10);
  const queue = await apiGet(page, '/api/v1/referrals?state=commission_review&limit=200');
  const open = queue.items.find((r) => r.deadline && r.deadline.slice(0, 10) >= date);
  assert.ok(open, 'the demo has a commission step open past the day');

  // A Saturday is refused next to the date field, and nothing is written.
  let saturday = new Date(day);
  while (saturday.getUTCDay() !== 6) saturday = new Date(saturday.getTime() + 86400e3);
  await page.fill('#day-off-form input[name="date"]', saturday.toISOString().slice(0, 10));
  await page.fill('#day-off-form input[name="description"]', 'Суббота');
  await page.click('#day-off-form button[type="submit"]');
  await page.click('dialog button[data-confirm="yes"]');
  await page.waitForSelector('#day-off-form [data-field="date"] .field-error:not([hidden])');
  assert.match(await page.textContent('#day-off-form [data-field="date"] .field-error'), /и так выходной/);

  // The day itself, from the keyboard: the form, the question, the answer.
  await page.fill('#day-off-form input[name="date"]', date);
  await page.focus('#day-off-form input[name="date"]');
  await tabTo(page, '#day-off-form input[name="description"]');
  await page.keyboard.press('Control+A');
  await page.keyboard.type('Перенесён приказом Министра труда');
  await tabTo(page, '#day-off-form button[type="submit"]');
  await page.keyboard.press('Enter');
  await page.waitForSelector('dialog[open]');
  assert.match(await page.textContent('dialog'), /сдвинутся на один рабочий день/);
  await screenshot(page, 'admin-calendar-confirm-ru');
  await page.keyboard.press('Enter');
  await page.waitForSelector('#calendar-result:not([hidden])');
  assert.match(await page.textContent('#calendar-result'), /Сдвинуто сроков: [1-9]/);
  await page.waitForSelector(`table.calendar-days tr[data-date="${date}"].announced`);
  assert.match(await page.textContent(`table.calendar-days tr[data-date="${date}"]`), /Добавлен администратором/);
  const moved = await apiGet(page, `/api/v1/referrals/${open.id}`);
  assert.ok(moved.deadline > open.deadline, `${moved.deadline} after ${open.deadline}`);
  assert.ok(moved.history.some((e) => e.action === 'deadline_moved'));
  await screenshot(page, 'admin-calendar-added-ru');
  assert.deepEqual(await accessibilityProblems(page), []);
  assert.deepEqual(page.problems.filter((p) => !/409/.test(p)), []);
});
