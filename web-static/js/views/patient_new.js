// A doctor registers a patient: the IIN's check digit is checked as it is typed, and whether the
// guaranteed volume of free care covers the patient is explained next to residency.

import { h, clear, announce } from '../dom.js';
import { t, currentLanguage } from '../i18n.js';
import { api, newIdempotencyKey } from '../api.js';
import { loadRegions, regionName } from '../state.js';
import { field, checkbox, showError, showFieldError, clearErrors, values } from '../forms.js';
import { iinProblem, birthFromIin } from '../iin.js';

const RESIDENCIES = ['citizen', 'kandas', 'foreign_permanent', 'stateless_permanent', 'foreign_temporary'];

export async function newPatientView(main) {
  clear(main);
  let idempotencyKey = newIdempotencyKey();
  const regions = await loadRegions();
  const language = currentLanguage();
  const eligibility = h('p', { class: 'eligibility', id: 'eligibility', 'aria-live': 'polite' });
  const form = h('form', { class: 'card', novalidate: true },
    field({ name: 'iin', label: t('fields.iin'), required: true, hint: t('hints.iin'),
      attrs: { inputmode: 'numeric', maxlength: 12, autocomplete: 'off' } }),
    h('div', { class: 'row' },
      field({ name: 'last_name', label: t('fields.last_name'), required: true }),
      field({ name: 'first_name', label: t('fields.first_name'), required: true }),
      field({ name: 'middle_name', label: t('fields.middle_name') })),
    h('div', { class: 'row' },
      field({ name: 'birth_date', label: t('fields.birth_date'), type: 'date', required: true }),
      field({ name: 'sex', label: t('fields.sex'), required: true,
        options: [{ value: '', label: t('common.choose') }, { value: 'female', label: t('sex.female') }, { value: 'male', label: t('sex.male') }] })),
    field({ name: 'residency', label: t('fields.residency'), required: true,
      options: [{ value: '', label: t('common.choose') }, ...RESIDENCIES.map((r) => ({ value: r, label: t(`residency.${r}`) }))] }),
    eligibility,
    h('div', { class: 'row' },
      field({ name: 'region', label: t('fields.region'), required: true,
        options: [{ value: '', label: t('common.choose') }, ...regions.map((r) => ({ value: r.code, label: `${r.code} ${regionName(r.code, language)}` }))] }),
      field({ name: 'phone', label: t('fields.phone'), type: 'tel', hint: t('hints.phone'), attrs: { autocomplete: 'off' } })),
    h('div', { class: 'row' },
      field({ name: 'email', label: t('fields.email'), type: 'email', hint: t('hints.email'), attrs: { autocomplete: 'off' } }),
      field({ name: 'language', label: t('fields.patient_language'), hint: t('hints.patient_language'),
        value: language === 'ru' ? 'ru' : 'kk',
        options: ['kk', 'ru'].map((code) => ({ value: code, label: t(`patient_language.${code}`) })) })),
    checkbox({ name: 'insured', label: t('fields.insured') }),
    h('div', { class: 'form-actions' }, h('button', { type: 'submit', class: 'primary' }, t('patient.register'))));

  const iin = form.elements.iin;
  // A valid IIN fills the birth date and sex, unless the doctor has set them: they stay editable.
  const fillFromIin = () => {
    const known = birthFromIin(iin.value);
    for (const name of ['birth_date', 'sex']) {
      const control = form.elements[name];
      if (!known || (control.value && control.dataset.fromIin !== control.value)) continue;
      control.value = known[name];
      control.dataset.fromIin = known[name];
      control.dispatchEvent(new Event('change'));
      const wrapper = control.closest('.field');
      if (!wrapper.querySelector('.from-iin')) {
        const hintId = `${control.id}-from-iin`;
        control.after(h('p', { class: 'hint from-iin', id: hintId }, t('hints.from_iin')));
        control.setAttribute('aria-describedby', `${control.getAttribute('aria-describedby')} ${hintId}`);
      }
    }
  };
  iin.addEventListener('input', () => {
    const problem = iin.value.length === 12 || /\D/.test(iin.value) ? iinProblem(iin.value) : null;
    clearErrors(form);
    if (problem) showFieldError(form, 'iin', t(problem));
    else if (iin.value.length === 12) fillFromIin();
    iin.focus();
  });
  form.elements.residency.addEventListener('change', () => {
    const value = form.elements.residency.value;
    eligibility.textContent = value ? t(value === 'foreign_temporary' ? 'patient.not_covered' : 'patient.covered') : '';
    eligibility.className = `eligibility ${value === 'foreign_temporary' ? 'warning' : 'ok'}`;
  });

  const result = h('div', { 'aria-live': 'polite' });
  const registered = (data, message) => {
    clear(result).append(h('div', { class: 'success card', role: 'status' },
      h('p', {}, message),
      data.covered
        ? h('a', { class: 'button primary', href: `#/referrals/new?iin=${data.iin}` }, t('patient.refer'))
        : h('p', { class: 'warning' }, t('patient.not_covered'))));
    announce(message);
  };
  // A patient registered by another organization: their record is reached only by asking for
  // it, with a reason that is recorded.
  const askForAccess = (patientIin) => {
    const accessForm = h('form', { class: 'card', id: 'access-form', novalidate: true, 'aria-labelledby': 'access-heading' },
      h('h2', { id: 'access-heading' }, t('patient.exists_title')),
      h('p', {}, t('patient.access_explain')),
      field({ name: 'reason', label: t('patient.access_reason'), type: 'textarea', required: true }),
      h('div', { class: 'form-actions' }, h('button', { type: 'submit', class: 'primary' }, t('patient.access_request'))));
    accessForm.addEventListener('submit', async (event) => {
      event.preventDefault();
      clearErrors(accessForm);
      if (!accessForm.elements.reason.value.trim()) {
        showFieldError(accessForm, 'reason', t('errors.required'));
        return;
      }
      try {
        const { data } = await api('POST', `/api/v1/patients/${patientIin}/access`, { body: { reason: accessForm.elements.reason.value.trim() } });
        form.reset();
        eligibility.textContent = '';
        registered(data, t('patient.access_granted', { name: `${data.last_name} ${data.first_name}` }));
      } catch (error) {
        showError(accessForm, error);
      }
    });
    clear(result).append(accessForm);
    accessForm.elements.reason.focus();
  };
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    clearErrors(form);
    const problem = iinProblem(iin.value.trim());
    if (problem) {
      showFieldError(form, 'iin', t(problem));
      return;
    }
    for (const name of ['last_name', 'first_name', 'birth_date', 'sex', 'residency', 'region']) {
      if (!form.elements[name].value.trim()) {
        showFieldError(form, name, t('errors.required'));
        return;
      }
    }
    const body = { ...values(form), insured: form.elements.insured.checked };
    try {
      const { data } = await api('POST', '/api/v1/patients', { body, headers: { 'idempotency-key': idempotencyKey } });
      idempotencyKey = newIdempotencyKey();
      form.reset();
      eligibility.textContent = '';
      registered(data, t('patient.registered', { name: `${data.last_name} ${data.first_name}` }));
    } catch (error) {
      showError(form, error);
      if (error.code === 'patient_exists') askForAccess(body.iin);
    }
  });
  main.append(h('h1', {}, t('patient.title')), form, result);
}
