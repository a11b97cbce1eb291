// Forms: labelled fields, errors shown next to the field the API names, and dialogs.

import { h, uid, clear, announce } from './dom.js';
import { t, has, formatDate, formatDateTime } from './i18n.js';

// A labelled input; `options` for <select>; `type: 'textarea'` for text areas.
export function field({ name, label, type = 'text', value = '', required = false, options, hint, attrs = {} }) {
  const id = uid(name);
  const hintId = hint ? `${id}-hint` : null;
  const errorId = `${id}-error`;
  let control;
  const common = { id, name, required, 'aria-describedby': [hintId, errorId].filter(Boolean).join(' '), ...attrs };
  if (options) {
    control = h('select', common, options.map((o) => h('option', { value: o.value, selected: o.value === value }, o.label)));
  } else if (type === 'textarea') {
    control = h('textarea', { ...common, rows: attrs.rows || 4 }, value);
  } else {
    control = h('input', { ...common, type, value });
  }
  return h('div', { class: 'field', dataset: { field: name } },
    h('label', { for: id }, label, required ? h('span', { class: 'required', 'aria-hidden': 'true' }, ' *') : null),
    hint ? h('p', { class: 'hint', id: hintId }, hint) : null,
    control,
    type === 'date' || type === 'datetime-local' ? dateEcho(control) : null,
    h('p', { class: 'field-error', id: errorId, role: 'alert', hidden: true }));
}

// The browser draws a date picker in its own format (mm/dd/yyyy in an English browser); beside
// it, the chosen day written as the interface's language writes it.
export function dateEcho(control) {
  const echo = h('output', { class: 'date-echo', for: control.id, 'aria-live': 'polite' });
  const show = () => {
    const value = control.value;
    echo.textContent = !value ? '' : control.type === 'date' ? formatDate(value) : formatDateTime(`${value.length === 16 ? `${value}:00` : value}+05:00`);
  };
  control.addEventListener('input', show);
  control.addEventListener('change', show);
  show();
  return echo;
}

export function checkbox({ name, label, checked = false }) {
  const id = uid(name);
  return h('div', { class: 'field checkbox', dataset: { field: name } },
    h('input', { id, name, type: 'checkbox', checked }),
    h('label', { for: id }, label));
}

// Clears the form's errors.
export function clearErrors(form) {
  for (const p of form.querySelectorAll('.field-error')) {
    p.hidden = true;
    p.textContent = '';
  }
  for (const c of form.querySelectorAll('[aria-invalid]')) c.removeAttribute('aria-invalid');
  const alert = form.querySelector('.form-error');
  if (alert) alert.remove();
}

export function showFieldError(form, name, message) {
  const wrapper = form.querySelector(`[data-field="${CSS.escape(name)}"]`);
  if (!wrapper) return false;
  const p = wrapper.querySelector('.field-error');
  p.textContent = message;
  p.hidden = false;
  const control = wrapper.querySelector('input, select, textarea');
  if (control) {
    control.setAttribute('aria-invalid', 'true');
    control.focus();
  }
  return true;
}

// Shows an API error: by its field when the form has it, otherwise above the buttons.
export function showError(form, error, { onReload } = {}) {
  clearErrors(form);
  const message = explain(error);
  if (error.field && showFieldError(form, error.field, message)) return;
  const box = h('div', { class: 'form-error', role: 'alert' }, h('p', {}, message));
  if (error.status === 412 && onReload) {
    box.append(h('button', { type: 'button', class: 'secondary', onclick: onReload }, t('errors.reload')));
  }
  const actions = form.querySelector('.form-actions');
  form.insertBefore(box, actions || null);
  announce(message);
}

// A person-readable sentence for an API error.
export function explain(error) {
  const known = {
    network: 'errors.network', unauthenticated: 'errors.unauthenticated', forbidden: 'errors.forbidden',
    not_found: 'errors.not_found', wrong_credentials: 'login.wrong', invalid_transition: 'errors.invalid_transition',
    stale_version: 'errors.stale_version', rate_limited: 'errors.rate_limited',
    quota_below_usage: 'errors.quota_below_usage', patient_exists: 'errors.patient_exists',
    not_eligible: 'errors.not_eligible', payload_too_large: 'errors.too_large',
    no_free_place: 'errors.no_free_place', referral_exists: 'errors.referral_exists',
    capacity_below_bookings: 'errors.capacity_below_bookings',
    unsupported_media_type: 'errors.media_type', storage_full: 'errors.unavailable', unavailable: 'errors.unavailable',
  };
  if (error.code === 'duplicate' && error.field === 'login') return t('errors.login_taken');
  if (error.code === 'duplicate' && error.field === 'date') return t('errors.day_off_exists');
  const key = known[error.code];
  // The server explains in English; the person reads what the field accepts, in their language.
  if (!key && error.field) {
    return has(`errors.field.${error.field}`) ? t(`errors.field.${error.field}`) : t('errors.value_refused');
  }
  return key ? t(key) : t('errors.generic');
}

// Form values as an object; empty strings are left out.
export function values(form) {
  const out = {};
  for (const [key, value] of new FormData(form).entries()) {
    if (typeof value === 'string' && value.trim() !== '') out[key] = value.trim();
  }
  return out;
}

// A modal dialog with `content`; resolves when closed. `content(close)` builds the body.
export function dialog(title, content) {
  return new Promise((resolve) => {
    const titleId = uid('dialog');
    const box = h('dialog', { class: 'dialog', 'aria-labelledby': titleId });
    const close = (result) => {
      box.close();
      box.remove();
      resolve(result);
    };
    box.append(h('h2', { id: titleId }, title), content(close));
    box.addEventListener('cancel', (event) => {
      event.preventDefault();
      close(null);
    });
    document.body.append(box);
    box.showModal();
    const first = box.querySelector('input, select, textarea, button');
    if (first) first.focus();
  });
}

// Asks before something that cannot be undone.
export function confirmAction(title, text, confirmLabel, { danger = true } = {}) {
  return dialog(title, (close) => h('div', {},
    h('p', {}, text),
    h('div', { class: 'form-actions' },
      h('button', { type: 'button', class: danger ? 'danger' : 'primary', 'data-confirm': 'yes', onclick: () => close(true) }, confirmLabel),
      h('button', { type: 'button', class: 'secondary', onclick: () => close(false) }, t('common.back')))));
}

export function replaceWith(container, ...children) {
  clear(container);
  for (const child of children) if (child) container.append(child);
}
