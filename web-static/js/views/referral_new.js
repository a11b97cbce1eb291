// A doctor registers a referral: the patient by IIN, the diagnosis, the profile, and documents
// by drag-and-drop or the file picker; then it can be submitted from its page.

import { h, clear } from '../dom.js';
import { t, profileName } from '../i18n.js';
import { api, get, newIdempotencyKey } from '../api.js';
import { loadProfiles } from '../state.js';
import { field, showError, showFieldError, clearErrors, values, explain } from '../forms.js';
import { iinProblem } from '../iin.js';
import { dropZone } from './referral.js';
import { navigate } from '../router.js';
import { suggestIcd10 } from '../icd10.js';

const ACCEPTED = ['application/pdf', 'image/png', 'image/jpeg'];
const MAX_BYTES = 10 * 1024 * 1024;

export async function newReferralView(main, current) {
  // One key per form: a double click or a retry never registers the referral twice.
  const idempotencyKey = newIdempotencyKey();
  clear(main);
  const profiles = await loadProfiles();
  const files = [];
  const fileList = h('ul', { class: 'attachments', 'aria-live': 'polite' });
  const patientCard = h('div', { class: 'patient-card', 'aria-live': 'polite' });
  const form = h('form', { class: 'card', novalidate: true },
    h('div', { class: 'row' },
      field({ name: 'patient_iin', label: t('fields.patient_iin'), required: true, value: current.query.get('iin') || '',
        attrs: { inputmode: 'numeric', maxlength: 12, autocomplete: 'off' } }),
      h('div', { class: 'field' }, h('span', { class: 'label-spacer', 'aria-hidden': 'true' }, ' '),
        h('button', { type: 'button', class: 'secondary', id: 'find-patient' }, t('referral_new.find_patient')))),
    patientCard,
    h('div', { class: 'row' },
      field({ name: 'icd10', label: t('fields.icd10'), required: true, hint: t('hints.icd10') }),
      field({ name: 'profile', label: t('fields.profile'), required: true,
        options: [{ value: '', label: t('common.choose') }, ...profiles.map((p) => ({ value: p.code, label: profileName(p.code) }))] })),
    field({ name: 'route', label: t('fields.route'), required: true, value: 'planned', hint: t('hints.route'),
      options: [{ value: 'planned', label: t('route.planned') }, { value: 'high_tech', label: t('route.high_tech') }] }),
    h('div', { class: 'row' },
      field({ name: 'urgency', label: t('fields.urgency'), required: true, value: 'routine',
        options: [{ value: 'routine', label: t('urgency.routine') }, { value: 'urgent', label: t('urgency.urgent') }] }),
      field({ name: 'care_form', label: t('fields.care_form'), required: true, value: 'inpatient',
        options: [{ value: 'inpatient', label: t('care_form.inpatient') }, { value: 'day_hospital', label: t('care_form.day_hospital') }] })),
    field({ name: 'justification', label: t('fields.justification'), type: 'textarea', required: true, hint: t('hints.justification') }),
    h('fieldset', {}, h('legend', {}, t('attachments.title')),
      dropZone((chosen) => {
        for (const file of chosen) {
          // The server checks the content too; this only spares a doomed upload.
          const problem = !ACCEPTED.includes(file.type) ? 'attachments.wrong_type'
            : file.size > MAX_BYTES ? 'attachments.too_large' : null;
          if (problem) {
            fileList.append(h('li', { class: 'warning' }, `${file.name}: ${t(problem)}`));
            continue;
          }
          files.push(file);
          fileList.append(h('li', {}, file.name));
        }
      }), fileList),
    h('div', { class: 'form-actions' }, h('button', { type: 'submit', class: 'primary' }, t('referral_new.create'))));

  const findPatient = async () => {
    clearErrors(form);
    const iin = form.elements.patient_iin.value.trim();
    const problem = iinProblem(iin);
    if (problem) {
      showFieldError(form, 'patient_iin', t(problem));
      return;
    }
    try {
      const p = await get(`/api/v1/patients/${iin}`);
      clear(patientCard).append(h('p', { class: p.covered ? 'ok' : 'warning' },
        `${p.last_name} ${p.first_name} ${p.middle_name || ''} · ${p.birth_date} · `,
        t(p.covered ? 'patient.covered' : 'patient.not_covered')));
    } catch (error) {
      clear(patientCard).append(h('p', { class: 'warning' }, error.status === 404 ? t('referral_new.no_patient') : explain(error),
        error.status === 404 ? [' ', h('a', { href: '#/patients/new' }, t('nav.new_patient'))] : null));
    }
  };
  form.querySelector('#find-patient').addEventListener('click', findPatient);
  suggestIcd10(form.elements.icd10);
  if (current.query.get('iin')) findPatient();

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    clearErrors(form);
    const problem = iinProblem(form.elements.patient_iin.value.trim());
    if (problem) {
      showFieldError(form, 'patient_iin', t(problem));
      return;
    }
    for (const name of ['icd10', 'profile', 'justification']) {
      if (!form.elements[name].value.trim()) {
        showFieldError(form, name, t('errors.required'));
        return;
      }
    }
    let created;
    try {
      ({ data: created } = await api('POST', '/api/v1/referrals', { body: values(form), headers: { 'idempotency-key': idempotencyKey } }));
    } catch (error) {
      showError(form, error);
      return;
    }
    for (const file of files) {
      try {
        await api('POST', `/api/v1/referrals/${created.id}/attachments`, {
          raw: true, body: file, headers: { 'content-type': file.type, 'x-filename': encodeURIComponent(file.name) },
        });
      } catch (error) {
        // The referral exists; say on its page which document did not arrive.
        sessionStorage.setItem('joldama.flash', t('attachments.failed', { name: file.name, reason: explain(error) }));
      }
    }
    navigate(`#/referrals/${created.id}`);
  });
  main.append(h('h1', {}, t('referral_new.title')), form);
}
