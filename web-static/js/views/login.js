// Signing in.

import { h, clear } from '../dom.js';
import { t, useLanguage } from '../i18n.js';
import { signIn } from '../api.js';
import { session } from '../state.js';
import { field, showError, showFieldError, clearErrors } from '../forms.js';
import { navigate } from '../router.js';
import { renderHeader, homeFor } from '../layout.js';

export async function loginView(main) {
  if (session.user) return navigate(homeFor(session.user));
  clear(main);
  const form = h('form', { class: 'card narrow', novalidate: true },
    field({ name: 'login', label: t('login.login'), required: true, attrs: { autocomplete: 'username', autocapitalize: 'none' } }),
    field({ name: 'password', label: t('login.password'), type: 'password', required: true, attrs: { autocomplete: 'current-password' } }),
    h('div', { class: 'form-actions' }, h('button', { type: 'submit', class: 'primary' }, t('login.sign_in'))));
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    clearErrors(form);
    const login = form.elements.login.value.trim();
    const password = form.elements.password.value;
    if (!login || !password) {
      showFieldError(form, login ? 'password' : 'login', t('errors.required'));
      return;
    }
    try {
      session.user = await signIn(login, password);
      if (session.user.locale) await useLanguage(session.user.locale);
      renderHeader();
      const back = sessionStorage.getItem('joldama.after-login');
      sessionStorage.removeItem('joldama.after-login');
      navigate(back && back !== '#/login' ? back : homeFor(session.user));
    } catch (error) {
      // A wrong login and a wrong password read the same, on purpose.
      showError(form, error.status === 401 ? { ...error, code: 'wrong_credentials', field: null } : error);
    }
  });
  main.append(
    h('h1', {}, t('login.title')),
    h('p', { class: 'lead' }, t('login.intro')),
    form,
    h('p', { class: 'muted' }, h('a', { href: '/status.html' }, t('login.public_link'))));
}
