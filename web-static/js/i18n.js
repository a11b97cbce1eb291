// Every visible string comes from the locale files (locales/kk.json, ru.json, en.json); dates and
// numbers are written with the month names and separators of the same files, in Kazakhstan's
// time (UTC+5), so they read the same in every browser.

export const LANGUAGES = ['kk', 'ru', 'en'];
const STORAGE_KEY = 'joldama.lang';
const OFFSET_MS = 5 * 60 * 60 * 1000;

let language = 'kk';
let dictionary = {};
const listeners = new Set();

export const currentLanguage = () => language;

export function savedLanguage() {
  const saved = localStorage.getItem(STORAGE_KEY);
  return LANGUAGES.includes(saved) ? saved : 'kk';
}

// Loads `next`'s strings. `beforeShown` (if given) runs with them in place but before the page
// says it is in the new language (html[lang]): what it redraws is never seen half-translated.
// Only the latest choice takes effect: when two are made quickly, the strings of the first may
// arrive after the second's, and must not put the page back in the language left behind.
let latestChoice = 0;
export async function useLanguage(next, beforeShown = null) {
  const chosen = LANGUAGES.includes(next) ? next : 'kk';
  const choice = ++latestChoice;
  const response = await fetch(`/locales/${chosen}.json`);
  const strings = await response.json();
  if (choice !== latestChoice) return;
  dictionary = strings;
  language = chosen;
  localStorage.setItem(STORAGE_KEY, chosen);
  if (beforeShown) await beforeShown();
  if (choice !== latestChoice) return;
  document.documentElement.lang = chosen;
  translateStatic(document);
  for (const listener of listeners) listener(chosen);
}

export function onLanguageChange(listener) {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

function lookup(key) {
  let node = dictionary;
  for (const part of key.split('.')) {
    if (node === undefined || node === null) return undefined;
    node = node[part];
  }
  return typeof node === 'string' ? node : undefined;
}

// t('worklist.shown', {n: 3}) → the string with {n} replaced; the key itself when missing.
export function t(key, params = {}) {
  const template = lookup(key);
  if (template === undefined) {
    console.warn(`missing string ${language}:${key}`);
    return key;
  }
  return template.replace(/\{(\w+)\}/g, (_, name) => (params[name] !== undefined ? String(params[name]) : `{${name}}`));
}

export const has = (key) => lookup(key) !== undefined;

// Elements written in HTML carry data-i18n="key".
export function translateStatic(root) {
  for (const element of root.querySelectorAll('[data-i18n]')) element.textContent = t(element.dataset.i18n);
}

// Parts of an instant in Kazakhstan time.
function parts(iso) {
  const shifted = new Date(new Date(iso).getTime() + OFFSET_MS);
  return {
    year: shifted.getUTCFullYear(), month: shifted.getUTCMonth(), day: shifted.getUTCDate(),
    hour: shifted.getUTCHours(), minute: shifted.getUTCMinutes(),
  };
}

const pad = (n) => String(n).padStart(2, '0');

function dateFrom(year, month, day) {
  return t('format.date', { day, month: t(`months.${month + 1}`), year });
}

// "2026-03-21" → "21 наурыз 2026"
export function formatDate(isoDate) {
  if (!isoDate) return '';
  const [year, month, day] = isoDate.split('-').map(Number);
  return dateFrom(year, month - 1, day);
}

// An instant → "21 наурыз 2026, 10:00" (Kazakhstan time)
export function formatDateTime(iso) {
  if (!iso) return '';
  const p = parts(iso);
  return t('format.date_time', { date: dateFrom(p.year, p.month, p.day), time: `${pad(p.hour)}:${pad(p.minute)}` });
}

// The calendar date in Kazakhstan of an instant, as YYYY-MM-DD.
export function localDate(iso) {
  const p = parts(iso);
  return `${p.year}-${pad(p.month + 1)}-${pad(p.day)}`;
}

export function todayInKazakhstan() {
  return localDate(new Date().toISOString());
}

export function formatNumber(n) {
  const separator = t('format.thousands');
  return String(Math.trunc(n)).replace(/\B(?=(\d{3})+(?!\d))/g, separator);
}

export const stateName = (state) => t(`state.${state}`);
export const actionName = (action) => t(`action.${action}`);
export const profileName = (code) => (has(`profile.${code}`) ? t(`profile.${code}`) : code);
export const roleName = (role) => t(`role.${role}`);
