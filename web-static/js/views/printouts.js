// Printouts: the referral in the layout of form 001-3/у, and the protocol of a commission's
// sitting. Each is a plain page whose print CSS (app.css, @media print) leaves only the paper:
// what the browser prints, or saves as PDF, is what the screen shows under the buttons.

import { h, clear } from '../dom.js';
import { t, profileName, formatDate, formatDateTime, localDate, currentLanguage } from '../i18n.js';
import { get, query } from '../api.js';
import { session, loadRegions, regionName } from '../state.js';
import { explain } from '../forms.js';

// The Russian name of an ICD-10 code (the catalogue's language), or '' when it has none.
export async function diagnosisName(code) {
  try {
    const found = await get(`/api/v1/icd10${query({ q: code, limit: 5 })}`);
    const entry = found.find((e) => e.code === code);
    return entry ? entry.name.ru : '';
  } catch {
    return '';
  }
}

// An organization with its address and telephone; null when it cannot be read.
export async function organization(id) {
  try {
    return await get(`/api/v1/organizations/${id}`);
  } catch {
    return null;
  }
}

// "+77272799500" → "+7 727 279 95 00".
export function formatPhone(phone) {
  const m = /^\+7(\d{3})(\d{3})(\d{2})(\d{2})$/.exec(phone || '');
  return m ? `+7 ${m[1]} ${m[2]} ${m[3]} ${m[4]}` : phone || '';
}

const printButton = () => h('button', { type: 'button', class: 'primary', id: 'print', onclick: () => window.print() }, t('print.print'));

// One numbered line of a form: its number, what it asks, and the answer (a dash when none).
function formRow(number, label, value) {
  return h('tr', {}, h('th', { scope: 'row', class: 'form-number' }, `${number}.`),
    h('th', { scope: 'row' }, label), h('td', {}, value || '—'));
}

// The patient's record, when the reader may see it: birth date and sex are on the form.
async function patientRecord(iin) {
  try {
    return await get(`/api/v1/patients/${iin}`);
  } catch {
    return null;
  }
}

// The referral a printout is of, with the regions it names; null, with the reason shown under
// the page's `title`, when it cannot be read.
export async function referralToPrint(main, id, title) {
  try {
    const [referral] = await Promise.all([get(`/api/v1/referrals/${id}`), loadRegions()]);
    return referral;
  } catch (error) {
    main.append(h('h1', {}, title), h('p', { class: 'form-error', role: 'alert' }, explain(error)));
    return null;
  }
}

export async function referralPrintView(main, current) {
  clear(main);
  const r = await referralToPrint(main, current.params[0], t('print.referral_title'));
  if (!r) return;
  const [patient, diagnosis, referring] = await Promise.all([
    patientRecord(r.patient.iin), diagnosisName(r.icd10), organization(r.referring_organization.id)]);
  const history = r.history || [];
  const registered = history.find((e) => e.action === 'register');
  const decided = [...history].reverse().find((e) => e.action === 'approve' && e.by.role === 'commission');
  const language = currentLanguage();
  const doctor = registered ? registered.by.name || registered.by.login : '';
  const commission = r.protocol
    ? [t('print.protocol_line', { number: r.protocol, date: decided ? formatDate(localDate(decided.at)) : '—' }),
      r.decision_mode ? `, ${t(`decision_mode.${r.decision_mode}`)}` : '']
    : t('print.no_protocol');
  const hospital = r.talon ? r.talon.hospital.name : r.receiving_hospital ? r.receiving_hospital.name : '';
  let n = 0;
  const row = (label, value) => formRow(++n, label, value);

  main.append(
    h('div', { class: 'no-print page-head' },
      h('a', { href: `#/referrals/${r.id}` }, '← ', t('talon.back')), printButton()),
    h('article', { class: 'printout', 'aria-labelledby': 'printout-title', dataset: { form: '001-3' } },
      h('header', { class: 'printout-header' },
        h('div', {},
          h('p', { class: 'printout-ministry' }, t('print.ministry')),
          h('p', {}, referring ? referring.name : r.referring_organization.name),
          referring && referring.address ? h('p', { class: 'muted' }, referring.address) : null),
        h('p', { class: 'printout-form' }, t('print.form_001'))),
      h('h1', { id: 'printout-title', class: 'printout-title' }, t('print.referral_title')),
      h('p', { class: 'printout-subtitle' }, t('print.referral_number', { code: r.code, date: formatDate(localDate(r.created_at)) })),
      h('table', { class: 'form-table' }, h('tbody', {},
        row(t('fields.name'), r.patient.name),
        row(t('fields.iin'), r.patient.iin),
        row(t('fields.birth_date'), patient ? formatDate(patient.birth_date) : ''),
        row(t('fields.sex'), patient ? t(`sex.${patient.sex}`) : ''),
        row(t('fields.region'), regionName(r.patient.region, language)),
        row(t('print.diagnosis'), diagnosis ? `${r.icd10} — ${diagnosis}` : r.icd10),
        row(t('fields.profile'), profileName(r.profile)),
        row(t('fields.care_form'), t(`care_form.${r.care_form}`)),
        row(t('fields.urgency'), t(`urgency.${r.urgency}`)),
        row(t('fields.justification'), h('span', { class: 'prewrap' }, r.justification)),
        row(t('fields.referring_organization'), r.referring_organization.name),
        row(t('print.referring_doctor'), doctor),
        row(t('print.commission'), commission),
        row(t('fields.hospital_id'), hospital),
        row(t('fields.talon'), r.talon ? r.talon.number : ''))),
      h('footer', { class: 'printout-signatures' },
        h('p', {}, t('print.doctor_signature', { name: doctor })),
        h('p', {}, t('print.head_signature')),
        h('p', { class: 'muted' }, t('print.stamp')))));
}

// The protocol of a sitting: what the commission of the region decided under one protocol number.
export async function protocolView(main, current) {
  clear(main);
  const number = (current.query.get('number') || '').trim();
  const form = h('form', { class: 'no-print card narrow filters', id: 'protocol-form', role: 'search' },
    h('div', { class: 'field' },
      h('label', { for: 'protocol-number' }, t('fields.protocol')),
      h('input', { id: 'protocol-number', name: 'number', value: number, required: true, autocomplete: 'off', maxlength: 64 })),
    h('div', { class: 'form-actions' }, h('button', { type: 'submit', class: 'primary' }, t('print.show_protocol'))));
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const chosen = form.elements.number.value.trim();
    if (chosen) location.hash = `#/protocols?number=${encodeURIComponent(chosen)}`;
  });
  if (!number) {
    main.append(h('h1', {}, t('print.protocols_title')), h('p', { class: 'lead' }, t('print.protocols_intro')), form);
    return;
  }
  let cases;
  try {
    await loadRegions();
    const page = await get(`/api/v1/referrals${query({ protocol: number, sort: 'created_at', limit: 200 })}`);
    // Each case's history says when and how it was decided.
    cases = await Promise.all(page.items.map((item) => get(`/api/v1/referrals/${item.id}`)));
  } catch (error) {
    main.append(h('h1', {}, t('print.protocols_title')), form, h('p', { class: 'form-error', role: 'alert' }, explain(error)));
    return;
  }
  if (!cases.length) {
    main.append(h('h1', {}, t('print.protocols_title')), form,
      h('p', { role: 'status', id: 'protocol-empty' }, t('print.protocol_empty', { number })));
    return;
  }
  const decisions = cases.map((r) => ({
    referral: r,
    decided: [...(r.history || [])].reverse().find((e) => e.action === 'approve' && e.by.role === 'commission'),
  }));
  const days = [...new Set(decisions.filter((d) => d.decided).map((d) => localDate(d.decided.at)))].sort();
  const sittingDate = days.length ? days.map(formatDate).join(', ') : '—';
  const regions = [...new Set(cases.map((r) => r.patient.region))];
  const language = currentLanguage();
  const byMode = (mode) => decisions.filter((d) => d.referral.decision_mode === mode).length;
  const chair = decisions.find((d) => d.decided);
  const commissionName = session.user.role === 'commission' ? session.user.name : chair ? chair.decided.by.name || chair.decided.by.login : '';

  main.append(
    h('div', { class: 'no-print page-head' }, form, printButton()),
    h('article', { class: 'printout protocol', 'aria-labelledby': 'printout-title', dataset: { protocol: number } },
      h('header', { class: 'printout-header' },
        h('div', {},
          h('p', { class: 'printout-ministry' }, t('print.ministry')),
          h('p', {}, commissionName),
          h('p', { class: 'muted' }, regions.map((code) => regionName(code, language)).join(', '))),
        h('p', { class: 'printout-form' }, t('print.protocol_form'))),
      h('h1', { id: 'printout-title', class: 'printout-title' }, t('print.protocol_title', { number })),
      h('p', { class: 'printout-subtitle' }, t('print.protocol_date', { date: sittingDate })),
      h('p', {}, t('print.protocol_summary', { n: cases.length, absentia: byMode('in_absentia'), person: byMode('in_person') })),
      h('table', { class: 'protocol-table' },
        h('caption', { class: 'visually-hidden' }, t('print.protocol_title', { number })),
        h('colgroup', {}, Array.from({ length: 8 }, () => h('col'))),
        h('thead', {}, h('tr', {},
          h('th', { scope: 'col' }, '№'),
          h('th', { scope: 'col' }, t('fields.referral_code')),
          h('th', { scope: 'col' }, t('fields.name')),
          h('th', { scope: 'col' }, t('fields.iin')),
          h('th', { scope: 'col' }, t('fields.icd10')),
          h('th', { scope: 'col' }, t('fields.profile')),
          h('th', { scope: 'col' }, t('print.mode')),
          h('th', { scope: 'col' }, t('print.decision')))),
        h('tbody', {}, decisions.map(({ referral: r, decided }, i) => h('tr', { dataset: { id: r.id } },
          h('td', {}, String(i + 1)),
          h('td', { class: 'nowrap' }, h('a', { href: `#/referrals/${r.id}` }, r.code)),
          h('td', {}, r.patient.name),
          h('td', { class: 'nowrap' }, r.patient.iin),
          h('td', {}, r.icd10),
          h('td', {}, profileName(r.profile)),
          h('td', {}, r.decision_mode ? t(`decision_mode.${r.decision_mode}`) : '—'),
          h('td', {}, t('print.decision_approved'), decided && decided.comment ? h('span', { class: 'block muted' }, decided.comment) : null))))),
      h('footer', { class: 'printout-signatures' },
        h('p', {}, t('print.chair_signature')),
        h('p', {}, t('print.members_signature')),
        h('p', {}, t('print.secretary_signature')))));
}
