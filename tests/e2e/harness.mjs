// The browser tests' harness: a real `joldama serve` on a fresh demo database, Debian's
// Chromium driven by playwright-core, screenshots of every page visited, and axe-core.

import { spawn } from 'node:child_process';
import { mkdtempSync, mkdirSync, rmSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const here = path.dirname(fileURLToPath(import.meta.url));
export const repository = path.resolve(here, '../..');
const binary = process.env.JOLDAMA_BINARY || path.join(repository, 'build', 'joldama');
const screenshots = process.env.JOLDAMA_SCREENSHOTS || path.join(repository, 'build', 'e2e-screenshots');
export const PASSWORD = 'joldama-demo';

// Starts the server; resolves with its base URL once it prints its first line.
// `config`, when given, is the text of a configuration file the server reads (key = value).
export async function startServer({ config } = {}) {
  const dir = mkdtempSync(path.join(tmpdir(), 'joldama-e2e-'));
  const configuration = [];
  if (config) {
    writeFileSync(path.join(dir, 'joldama.conf'), config);
    configuration.push('--config', path.join(dir, 'joldama.conf'));
  }
  const child = spawn(binary, ['serve', '--db', path.join(dir, 'joldama.db'), '--port', '0', '--demo',
    '--web-root', path.join(repository, 'web-static'), ...configuration], { stdio: ['ignore', 'pipe', 'pipe'] });
  let errors = '';
  child.stderr.on('data', (chunk) => { errors += chunk; });
  const base = await new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`the server did not start:\n${errors}`)), 30000);
    child.stdout.on('data', (chunk) => {
      out += chunk;
      const match = out.match(/^listening on (http:\/\/[^\s]+)\n/);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    });
    child.on('exit', (code) => reject(new Error(`the server exited with ${code}:\n${errors}`)));
  });
  return {
    base,
    async stop() {
      child.kill('SIGTERM');
      await new Promise((resolve) => child.on('exit', resolve));
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export async function launch() {
  return chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  });
}

// A page that fails the test on any script error or unexpected console error.
export async function openPage(browser, options = {}) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, ...options });
  // CI runs these beside the C++ tests on two cores: a wait for something that comes gets a
  // minute, not Playwright's 30 s (a wait for what never comes fails all the same).
  context.setDefaultTimeout(60_000);
  const page = await context.newPage();
  page.problems = [];
  page.on('pageerror', (error) => page.problems.push(`pageerror: ${error.message}`));
  page.on('console', (message) => {
    // The 401 of GET /me before signing in, and the API errors a test provokes on purpose,
    // show as failed resources; anything else is a defect.
    if (message.type() === 'error' && !/Failed to load resource/.test(message.text())) {
      page.problems.push(`console: ${message.text()}`);
    }
  });
  return page;
}

// Screenshots are named after the test file and their order in it.
const testFile = path.basename(process.argv.find((a) => a.endsWith('.test.mjs')) || 'e2e', '.test.mjs');
let shot = 0;
export async function screenshot(page, name) {
  mkdirSync(screenshots, { recursive: true });
  shot += 1;
  await page.screenshot({ path: path.join(screenshots, `${testFile}-${String(shot).padStart(2, '0')}-${name}.png`), fullPage: true });
}

export async function signIn(page, base, login) {
  await page.goto(`${base}/#/login`);
  await page.waitForSelector('form input[name=login]');
  await page.fill('input[name=login]', login);
  await page.fill('input[name=password]', PASSWORD);
  await page.click('form button[type=submit]');
  await page.waitForSelector('#sign-out');
}

// A bearer token for `login`, for a test that prepares or checks through the API itself.
export async function apiToken(base, login) {
  const response = await fetch(`${base}/api/v1/session`, {
    method: 'POST', headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ login, password: PASSWORD }),
  });
  if (response.status !== 200) throw new Error(`${login} could not sign in: ${response.status}`);
  return (await response.json()).token;
}

// A JSON call with a bearer token; the status and the body.
export async function apiCall(base, token, method, pathname, body, headers = {}) {
  const response = await fetch(`${base}${pathname}`, {
    method,
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', ...headers },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: response.status, body: await response.json().catch(() => null) };
}

// Takes `action` on referral `id` at its current version, through the API; fails unless it is
// done. The referral after it.
export async function apiAct(base, token, id, action, body = {}) {
  const current = await apiCall(base, token, 'GET', `/api/v1/referrals/${id}`);
  const done = await apiCall(base, token, 'POST', `/api/v1/referrals/${id}/actions/${action}`, body, { 'if-match': `"${current.body.version}"` });
  if (done.status !== 200) throw new Error(`${action}: ${done.status} ${JSON.stringify(done.body)}`);
  return done.body;
}

// GET `pathname` with a bearer token; the parsed JSON.
export async function apiFetch(base, token, pathname) {
  const response = await fetch(`${base}${pathname}`, { headers: { authorization: `Bearer ${token}` } });
  return response.json();
}

export async function signOut(page) {
  await page.click('#sign-out');
  await page.waitForSelector('input[name=login]');
}

// Opens an action's dialog, fills its fields, submits, and confirms when asked.
export async function act(page, action, fields = {}) {
  await page.click(`.actions button[data-action="${action}"]`);
  const form = page.locator(`dialog form[data-action="${action}"]`);
  await form.waitFor();
  for (const [name, value] of Object.entries(fields)) {
    const control = form.locator(`[name="${name}"]`);
    if ((await control.evaluate((e) => e.tagName)) === 'SELECT') {
      await control.selectOption(value);
    } else {
      await control.fill(value);
    }
  }
  await form.locator('button[type=submit]').click();
  const confirm = page.locator('dialog button[data-confirm="yes"]');
  if (await confirm.isVisible().catch(() => false)) await confirm.click();
  await form.waitFor({ state: 'detached' });
}

// The referral as the API sees it, through the page's own session.
export async function apiGet(page, pathname) {
  return page.evaluate(async (p) => (await fetch(p)).json(), pathname);
}

// A JSON POST through the page's own session (with its CSRF token); the status and the body.
export async function apiPost(page, pathname, body) {
  return page.evaluate(async ({ p, b }) => {
    const response = await fetch(p, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-csrf-token': localStorage.getItem('joldama.csrf') },
      body: JSON.stringify(b),
    });
    return { status: response.status, body: await response.json().catch(() => null) };
  }, { p: pathname, b: body });
}

// A new insured patient of Almaty city with a fresh IIN, registered by the signed-in doctor.
export async function registerPatient(page, { last_name: lastName, first_name: firstName, birth_date: birthDate, sex }) {
  const iin = freshIin();
  const { status, body } = await apiPost(page, '/api/v1/patients', {
    iin, last_name: lastName, first_name: firstName, birth_date: birthDate, sex, residency: 'citizen', region: '75', insured: true,
  });
  if (status !== 201) throw new Error(`the patient was not registered: ${status} ${JSON.stringify(body)}`);
  return iin;
}

export async function waitForState(page, id, state) {
  for (let i = 0; i < 50; i += 1) {
    const referral = await apiGet(page, `/api/v1/referrals/${id}`);
    if (referral.state === state) return referral;
    await page.waitForTimeout(100);
  }
  throw new Error(`referral ${id} did not reach ${state}`);
}

export function axeSource() {
  return readFileSync(path.join(repository, 'node_modules', 'axe-core', 'axe.min.js'), 'utf8');
}

// Serious and critical accessibility violations on the page (axe-core).
export async function accessibilityProblems(page) {
  await page.addScriptTag({ content: axeSource() });
  const result = await page.evaluate(async () => window.axe.run(document, { resultTypes: ['violations'] }));
  return result.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id} (${v.impact}): ${v.help} — ${v.nodes.map((n) => n.target.join(' ')).slice(0, 3).join(', ')}`);
}

// A valid IIN no demo patient has: 11 digits from the clock and a computed check digit.
let serial = 0;
export function freshIin() {
  const weights = [3, 4, 5, 6, 7, 8, 9, 10, 11, 1, 2];
  for (;;) {
    serial += 1;
    const eleven = `9${String(Date.now() % 1e6).padStart(6, '0')}${String(serial % 1e4).padStart(4, '0')}`;
    const d = [...eleven].map(Number);
    let check = d.reduce((s, x, i) => s + x * (i + 1), 0) % 11;
    if (check === 10) check = d.reduce((s, x, i) => s + x * weights[i], 0) % 11;
    if (check !== 10) return eleven + check;
  }
}

// Presses Tab until the focus is on `selector`, as a keyboard user reaches a control.
export async function tabTo(page, selector, limit = 80) {
  for (let i = 0; i < limit; i += 1) {
    if (await page.evaluate((s) => document.activeElement?.matches(s), selector)) return;
    await page.keyboard.press('Tab');
  }
  throw new Error(`Tab never reached ${selector}`);
}

// A minimal, valid PDF.
export const pdfBytes = Buffer.from('%PDF-1.4\n1 0 obj <</Type/Catalog/Pages 2 0 R>> endobj\n2 0 obj <</Type/Pages/Kids[]/Count 0>> endobj\ntrailer <</Root 1 0 R>>\n%%EOF\n');

// Today and later dates in Kazakhstan (UTC+5), as the server reckons them.
export function kazakhstanDate(daysAhead = 0) {
  return new Date(Date.now() + 5 * 3600e3 + daysAhead * 86400e3).toISOString().slice(0, 10);
}
