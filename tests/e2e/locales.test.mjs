// The locale files: the same keys in Kazakh, Russian and English, no empty string, and every
// key the code asks for present.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { repository } from './harness.mjs';

const web = path.join(repository, 'web-static');
const load = (language) => JSON.parse(readFileSync(path.join(web, 'locales', `${language}.json`), 'utf8'));

function flatten(object, prefix = '') {
  return Object.entries(object).flatMap(([key, value]) => (typeof value === 'object'
    ? flatten(value, `${prefix}${key}.`) : [[`${prefix}${key}`, value]]));
}

function sources(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => (entry.isDirectory()
    ? sources(path.join(dir, entry.name)) : entry.name.endsWith('.js') ? [path.join(dir, entry.name)] : []));
}

test('Kazakh, Russian and English have the same keys, none empty', () => {
  const [kk, ru, en] = ['kk', 'ru', 'en'].map((l) => new Map(flatten(load(l))));
  assert.deepEqual([...kk.keys()].sort(), [...en.keys()].sort());
  assert.deepEqual([...ru.keys()].sort(), [...en.keys()].sort());
  for (const [language, strings] of [['kk', kk], ['ru', ru], ['en', en]]) {
    for (const [key, value] of strings) {
      // The thousands separator is a (no-break) space on purpose.
      if (key !== 'format.thousands') assert.ok(String(value).trim() !== '', `${language}:${key} is empty`);
    }
  }
  // The translations are translations: most strings differ from English.
  const same = [...en.keys()].filter((k) => kk.get(k) === en.get(k) && /[a-z]{4}/.test(en.get(k)));
  assert.ok(same.length < 25, `Kazakh strings left in English: ${same.join(', ')}`);
});

test('every key the code uses exists', () => {
  const keys = new Set(flatten(load('en')).map(([key]) => key));
  const families = ['state', 'action', 'role', 'urgency', 'care_form', 'decision_mode', 'outcome', 'residency',
    'kind', 'level', 'months', 'event', 'public.explain'];
  const used = new Set();
  for (const file of sources(path.join(web, 'js'))) {
    const text = readFileSync(file, 'utf8');
    for (const match of text.matchAll(/\bt\('([a-z_]+(?:\.[a-z_0-9]+)+)'/g)) used.add(match[1]);
    for (const match of text.matchAll(/'((?:nav|queue|iin|errors|login|attachments|admin|quota|fields)\.[a-z_]+)'/g)) used.add(match[1]);
  }
  // The history names what happened, in the past tense, for every action there is.
  for (const key of keys) {
    if (key.startsWith('action.')) assert.ok(keys.has(`event.${key.slice(7)}`), `no event name for ${key}`);
  }
  const missing = [...used].filter((key) => !keys.has(key));
  assert.deepEqual(missing, []);
  for (const family of families) {
    assert.ok([...keys].some((k) => k.startsWith(`${family}.`)), `no strings for ${family}`);
  }
  for (const state of ['registered', 'commission_review', 'in_person_scheduled', 'info_requested', 'republican_review',
    'waitlisted', 'talon_issued', 'scheduled', 'admitted', 'abroad_review', 'abroad_approved', 'completed',
    'rejected', 'cancelled', 'expired', 'no_show']) {
    assert.ok(keys.has(`state.${state}`), state);
    assert.ok(keys.has(`public.explain.${state}`), state);
  }
});

test('no inline script or style in the pages (the CSP forbids them)', () => {
  for (const page of ['index.html', 'status.html']) {
    const html = readFileSync(path.join(web, page), 'utf8');
    assert.ok(!/<script(?![^>]*\bsrc=)[^>]*>/.test(html), `${page} has an inline script`);
    assert.ok(!/\sstyle=/.test(html), `${page} has an inline style`);
    assert.ok(!/\son[a-z]+=/.test(html), `${page} has an inline handler`);
    assert.ok(!/https?:\/\//.test(html), `${page} loads something from elsewhere`);
  }
});

test('no dialog offers two buttons with one label: no action is named like Cancel or Close', () => {
  for (const language of ['kk', 'ru', 'en']) {
    const strings = new Map(flatten(load(language)));
    const dismissals = ['common.cancel', 'common.close'].map((key) => strings.get(key).toLocaleLowerCase());
    assert.notEqual(dismissals[0], dismissals[1], `${language}: Cancel and Close read the same`);
    const clashes = [...strings].filter(([key, value]) => /^(action|admin|quota)\.[a-z_]+$/.test(key)
      && key !== 'common.cancel' && dismissals.includes(String(value).toLocaleLowerCase()));
    assert.deepEqual(clashes, [], `${language}: a dialog's action reads like its dismissal`);
  }
});
