// Changing one's own password: the current one, the new one twice. The first screen after an
// administrator chose the password (a new account, a reset): nothing else opens until then.

import { h, clear, announce } from '../dom.js';
import { t } from '../i18n.js';
import { api, currentUser } from '../api.js';
import { session } from '../state.js';
import { field, showError, showFieldError, clearErrors } from '../forms.js';
import { navigate } from '../router.js';
import { renderHeader, homeFor } from '../layout.js';

export async function passwordView(main) {
  clear(main);
  const forced = session.user.must_change_password;
  const form = h('form', { class: 'card narrow', id: 'password-form', novalidate: true },
    field({ name: 'current', label: t('password.current'), type: 'password', required: true, attrs: { autocomplete: 'current-password' } }),
    field({ name: 'new', label: t('password.new'), type: 'password', required: true, hint: t('hints.new_password'), attrs: { autocomplete: 'new-password' } }),
    field({ name: 'repeat', label: t('password.repeat'), type: 'password', required: true, attrs: { autocomplete: 'new-password' } }),
    h('div', { class: 'form-actions' }, h('button', { type: 'submit', class: 'primary' }, t('password.change'))));
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    clearErrors(form);
    for (const name of ['current', 'new', 'repeat']) {
      if (!form.elements[name].value) {
        showFieldError(form, name, t('errors.required'));
        return;
      }
    }
    if ([...form.elements.new.value].length < 12) {
      showFieldError(form, 'new', t('hints.new_password'));
      return;
    }
    if (form.elements.new.value !== form.elements.repeat.value) {
      showFieldError(form, 'repeat', t('password.mismatch'));
      return;
    }
    try {
      await api('POST', '/api/v1/me/password', { body: { current: form.elements.current.value, new: form.elements.new.value } });
      session.user = await currentUser();
      renderHeader();
      sessionStorage.setItem('joldama.flash-ok', t('password.changed'));
      announce(t('password.changed'));
      navigate(homeFor(session.user));
    } catch (error) {
      showError(form, error);
    }
  });
  main.append(
    h('h1', {}, t('password.title')),
    forced ? h('p', { class: 'warning', role: 'note', id: 'password-required' }, t('password.required')) : null,
    form);
}
