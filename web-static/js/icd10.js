// ICD-10 codes as they are typed: the beginning of a code or words of the diagnosis offer the
// matching codes with their names (a <datalist>, which the browser shows and a screen reader
// reads), and the chosen code's name is shown under the field.

import { h, uid } from './dom.js';
import { get, query } from './api.js';

const names = new Map();  // code → Russian name, as the server has given them

// Turns the text input `input` (inside its .field) into one that suggests ICD-10 codes.
export function suggestIcd10(input) {
  const list = h('datalist', { id: uid('icd10-options') });
  const named = h('p', { class: 'hint icd10-name', 'aria-live': 'polite', id: uid('icd10-name') });
  input.setAttribute('list', list.id);
  input.setAttribute('autocomplete', 'off');
  input.setAttribute('aria-describedby', [input.getAttribute('aria-describedby'), named.id].filter(Boolean).join(' '));
  input.after(list, named);
  const showName = () => {
    const code = input.value.trim().toUpperCase();
    named.textContent = names.get(code) || '';
  };
  let timer = null;
  let asked = '';
  input.addEventListener('input', () => {
    showName();
    clearTimeout(timer);
    const q = input.value.trim();
    if (q.length < 2 || q === asked) return;
    timer = setTimeout(async () => {
      asked = q;
      try {
        const found = await get(`/api/v1/icd10${query({ q, limit: 15 })}`);
        list.replaceChildren(...found.map((e) => {
          names.set(e.code, e.name.ru);
          return h('option', { value: e.code }, `${e.code} — ${e.name.ru}`);
        }));
        showName();
      } catch {
        // Suggestions are a help: the field works without them, and the server checks the code.
      }
    }, 150);
  });
  if (input.value) {
    get(`/api/v1/icd10${query({ q: input.value, limit: 1 })}`)
      .then((found) => { for (const e of found) names.set(e.code, e.name.ru); showName(); })
      .catch(() => {});
  }
}
