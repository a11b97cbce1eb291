// One referral: its details, the quota it needs, its documents, its history, and the actions the
// signed-in user may take, each with a small form.

import { h, clear, announce } from '../dom.js';
import { t, stateName, actionName, profileName, roleName, formatDate, formatDateTime, formatNumber,
  currentLanguage, localDate, todayInKazakhstan } from '../i18n.js';
import { api, get, query } from '../api.js';
import { session, loadRegions, loadReasons, regionName } from '../state.js';
import { field, dialog, confirmAction, showError, showFieldError, clearErrors, values, explain } from '../forms.js';
import { stateBadge } from './worklist.js';

const IRREVERSIBLE = new Set(['reject', 'cancel', 'decline', 'refuse', 'no_show', 'exam_no_show', 'admit', 'discharge', 'complete']);
// Red is for the refusals among them: admitting or discharging a patient is asked about, not
// painted like a rejection.
const REFUSALS = new Set(['reject', 'cancel', 'decline', 'refuse', 'no_show', 'exam_no_show']);
const buttonClass = (action) => (REFUSALS.has(action) ? 'danger' : 'primary');
const ATTACHABLE = new Set(['registered', 'commission_review', 'in_person_scheduled', 'info_requested']);

// The name of a reason (or another catalogue entry) in the user's language.
function nameOf(entry) {
  return entry.name[currentLanguage()] || entry.name.ru || entry.code;
}

// The hospitals that can receive a talon of this referral: they treat its profile and take
// high-technology cases. The dialog shows each one's region and level.
async function talonHospitals(referral) {
  const hospitals = await get(`/api/v1/organizations${query({ kind: 'hospital', profile: referral.profile, route: 'high_tech' })}`);
  return [{ value: '', label: t('common.choose') }, ...hospitals.map((o) => ({ value: String(o.id),
    label: `${o.name} — ${regionName(o.region, currentLanguage())}, ${t(`level.${o.level}`)}` }))];
}

// The free places of the referral's profile over the coming month, in every region, by
// hospital: the patient chooses among them.
async function freePlaces(referral) {
  const rows = await get(`/api/v1/places${query({ profile: referral.profile, free: 'true', days: 31 })}`);
  const byHospital = new Map();
  for (const row of rows) {
    if (!byHospital.has(row.hospital.id)) byHospital.set(row.hospital.id, { hospital: row.hospital, days: [] });
    byHospital.get(row.hospital.id).days.push(row);
  }
  // The patient's region first, then the others by name.
  return [...byHospital.values()].sort((a, b) =>
    (a.hospital.region !== referral.patient.region) - (b.hospital.region !== referral.patient.region)
    || a.hospital.name.localeCompare(b.hospital.name));
}

// The controls of an action's form, built from the fields its row of the transition table
// names (the API's action_fields), with what this referral's state adds to them.
async function actionFields(action, referral) {
  // The comment every action accepts comes last, after what the action is about.
  const specs = [...((referral.action_fields || {})[action] || [])]
    .sort((a, b) => (a.name === 'comment') - (b.name === 'comment'));
  const fields = [];
  let places = null;
  for (const spec of specs) {
    const base = { name: spec.name, label: t(`fields.${spec.name}`),
      required: spec.required && !spec.required_unless,
      attrs: { ...(spec.max_chars ? { maxlength: spec.max_chars } : {}), ...(spec.required_unless ? { 'data-required-unless': spec.required_unless } : {}) } };
    switch (spec.kind) {
      case 'long_text': fields.push({ ...base, type: 'textarea' }); break;
      case 'date_time': fields.push({ ...base, type: 'datetime-local', hint: t('hints.kazakhstan_time') }); break;
      case 'outcome':
        fields.push({ ...base, options: [{ value: '', label: t('common.choose') }, ...spec.options.map((o) => ({ value: o, label: t(`outcome.${o}`) }))] });
        break;
      case 'reason_code':
        fields.push({ ...base, options: [{ value: '', label: t('common.choose') }, ...spec.options.map((o) => ({ value: o.code, label: nameOf(o) }))] });
        break;
      case 'icd10': fields.push({ ...base, hint: t('hints.icd10'), value: spec.name === 'final_icd10' ? referral.icd10 : '' }); break;
      case 'hospital':
        if (action === 'book') {
          places = await freePlaces(referral);
          fields.push({ ...base, options: [{ value: '', label: places.length ? t('common.choose') : t('booking.no_places') },
            ...places.map((p) => ({ value: String(p.hospital.id),
              label: `${p.hospital.name} — ${regionName(p.hospital.region, currentLanguage())}, ${t(`level.${p.hospital.level}`)} (${t('booking.free_days', { n: p.days.length })})` }))],
          hint: t('booking.hint', { profile: profileName(referral.profile) }) });
        } else {
          const options = await talonHospitals(referral);
          fields.push({ ...base, options, hint: options.length > 1 ? t('hints.hospitals_for_profile', { profile: profileName(referral.profile) })
            : t('hints.no_hospital_for_profile', { profile: profileName(referral.profile) }) });
        }
        break;
      case 'date':
        if (action === 'book') {
          fields.push({ ...base, options: [{ value: '', label: t('booking.choose_hospital_first') }] });
        } else {
          const until = referral.talon ? localDate(referral.talon.valid_until) : undefined;
          fields.push({ ...base, type: 'date', attrs: { ...base.attrs, min: todayInKazakhstan(), max: until },
            hint: until ? t('hints.valid_until', { date: formatDate(until) }) : null });
        }
        break;
      default: fields.push(base);
    }
  }
  return { fields, places };
}

// On the booking form, the days offered follow the hospital chosen.
function linkBookingDays(form, places) {
  const hospital = form.elements.hospital_id;
  const day = form.elements.planned_date;
  if (!hospital || !day || !places) return;
  hospital.addEventListener('change', () => {
    const chosen = places.find((p) => String(p.hospital.id) === hospital.value);
    day.replaceChildren(h('option', { value: '' }, chosen ? t('common.choose') : t('booking.choose_hospital_first')),
      ...(chosen ? chosen.days : []).map((d) => h('option', { value: d.date }, `${formatDate(d.date)} — ${t('booking.free', { n: d.free })}`)));
  });
}

// The body of the action from its form's values.
function actionBody(action, form) {
  const body = values(form);
  if (body.at) body.at = `${body.at.length === 16 ? `${body.at}:00` : body.at}+05:00`;
  if (body.hospital_id) body.hospital_id = Number(body.hospital_id);
  return body;
}

// The quota the referral holds or waits for, else the one an approval now would draw on.
async function quotaMeter(referral) {
  const year = referral.quota ? referral.quota.period : Number(todayInKazakhstan().slice(0, 4));
  const region = referral.quota ? referral.quota.region : referral.patient.region;
  const rows = await get(`/api/v1/quotas${query({ period: year, region, profile: referral.profile })}`);
  const q = rows[0] || { allocated: 0, reserved: 0, used: 0, available: 0 };
  const taken = q.reserved + q.used;
  return h('section', { class: 'quota-meter card', 'aria-labelledby': 'quota-heading',
    dataset: { allocated: q.allocated, reserved: q.reserved, used: q.used, available: q.available } },
    h('h2', { id: 'quota-heading' }, t('quota.meter_title', { year, region: regionName(region, currentLanguage()), profile: profileName(referral.profile) })),
    h('meter', { min: 0, max: Math.max(q.allocated, 1), value: taken, 'aria-label': t('quota.meter_label'), high: Math.max(q.allocated - 1, 0), optimum: 0 }),
    h('p', { class: 'quota-numbers' }, t('quota.numbers', {
      allocated: formatNumber(q.allocated), reserved: formatNumber(q.reserved), used: formatNumber(q.used), available: formatNumber(q.available),
    })),
    q.available <= 0 ? h('p', { class: 'warning', role: 'note' }, t('quota.will_waitlist')) : null);
}

function detail(label, value) {
  if (value === null || value === undefined || value === '') return null;
  return [h('dt', {}, label), h('dd', {}, value)];
}

// Who acted: the person's name and organization, then the role; the login only for an account
// that no longer has a name (or the system).
function actor(by) {
  const who = by.name || by.login;
  return h('span', { class: 'timeline-actor' }, who, by.organization ? `, ${by.organization}` : null, ' (', roleName(by.role), ')');
}

function timeline(history, reasons) {
  const reasonName = (code) => {
    const reason = reasons.find((r) => r.code === code);
    return reason ? nameOf(reason) : code;
  };
  return h('ol', { class: 'timeline' }, history.map((entry) => h('li', {},
    h('p', { class: 'timeline-head' },
      h('time', { datetime: entry.at }, formatDateTime(entry.at)), ' · ',
      h('strong', {}, t(`event.${entry.action}`)), ' · ', actor(entry.by)),
    entry.from || entry.to
      ? h('p', { class: 'timeline-states' }, entry.from ? stateName(entry.from) : '—', ' → ', entry.to ? stateName(entry.to) : '—')
      : null,
    entry.reason_code ? h('p', { class: 'timeline-reason' }, `${t('fields.reason_code')}: ${reasonName(entry.reason_code)}`) : null,
    entry.comment ? h('p', { class: 'timeline-comment' }, entry.comment) : null)));
}

async function uploadFiles(referral, files, status) {
  for (const file of files) {
    status.textContent = t('attachments.uploading', { name: file.name });
    await api('POST', `/api/v1/referrals/${referral.id}/attachments`, {
      raw: true, body: file, headers: { 'content-type': file.type || 'application/octet-stream', 'x-filename': encodeURIComponent(file.name) },
    });
  }
  status.textContent = t('attachments.uploaded', { n: files.length });
}

// A drop zone with a file picker inside it.
export function dropZone(onFiles) {
  const input = h('input', { type: 'file', id: 'attachment-input', multiple: true, accept: 'application/pdf,image/png,image/jpeg', class: 'visually-hidden' });
  const zone = h('div', { class: 'drop-zone' },
    input,
    h('label', { for: 'attachment-input', class: 'button secondary' }, t('attachments.choose')),
    h('p', { class: 'muted' }, t('attachments.drop_hint')));
  input.addEventListener('change', () => {
    if (input.files.length) onFiles([...input.files]);
    input.value = '';
  });
  zone.addEventListener('dragover', (event) => {
    event.preventDefault();
    zone.classList.add('dragging');
  });
  zone.addEventListener('dragleave', () => zone.classList.remove('dragging'));
  zone.addEventListener('drop', (event) => {
    event.preventDefault();
    zone.classList.remove('dragging');
    if (event.dataTransfer.files.length) onFiles([...event.dataTransfer.files]);
  });
  return zone;
}

async function attachmentsSection(referral, reload) {
  const items = await get(`/api/v1/referrals/${referral.id}/attachments`);
  const status = h('p', { class: 'muted', 'aria-live': 'polite' });
  const section = h('section', { class: 'card', 'aria-labelledby': 'attachments-heading' },
    h('h2', { id: 'attachments-heading' }, t('attachments.title')),
    items.length
      ? h('ul', { class: 'attachments' }, items.map((a) => h('li', {},
        h('a', { href: `/api/v1/referrals/${referral.id}/attachments/${a.id}`, download: a.filename }, a.filename),
        ' ', h('span', { class: 'muted' }, `${formatNumber(Math.ceil(a.size / 1024))} KB`))))
      : h('p', { class: 'muted' }, t('attachments.none')));
  if (session.user.role === 'doctor' && ATTACHABLE.has(referral.state)) {
    section.append(dropZone(async (files) => {
      try {
        await uploadFiles(referral, files, status);
        await reload();
        announce(t('attachments.uploaded', { n: files.length }));
      } catch (error) {
        status.textContent = explain(error);
      }
    }), status);
  }
  return section;
}

async function openAction(action, referral, version, reload) {
  const { fields, places } = await actionFields(action, referral);
  const meter = action === 'approve' && referral.state === 'republican_review' ? await quotaMeter(referral) : null;
  await dialog(t('actions.dialog_title', { action: actionName(action), code: referral.code }), (close) => {
    const form = h('form', { class: 'action-form', novalidate: true, dataset: { action } },
      meter,
      fields.map((f) => field(f)),
      IRREVERSIBLE.has(action) ? h('p', { class: 'warning' }, t('actions.irreversible')) : null,
      h('div', { class: 'form-actions' },
        h('button', { type: 'submit', class: buttonClass(action) }, actionName(action)),
        h('button', { type: 'button', class: 'secondary', onclick: () => close(null) }, t('common.cancel'))));
    form.addEventListener('submit', async (event) => {
      event.preventDefault();
      clearErrors(form);
      for (const control of form.querySelectorAll('[required], [data-required-unless]')) {
        const other = control.dataset.requiredUnless ? form.elements[control.dataset.requiredUnless] : null;
        if (!control.value.trim() && !(other && other.value.trim())) {
          showFieldError(form, control.name, t('errors.required'));
          return;
        }
      }
      if (IRREVERSIBLE.has(action)) {
        const sure = await confirmAction(t('actions.confirm_title'), t('actions.confirm_text', { action: actionName(action), code: referral.code }), actionName(action), { danger: REFUSALS.has(action) });
        if (!sure) return;
      }
      try {
        await api('POST', `/api/v1/referrals/${referral.id}/actions/${action}`, { body: actionBody(action, form), ifMatch: version });
        close(true);
        announce(t('actions.done', { action: actionName(action) }));
        await reload();
      } catch (error) {
        showError(form, error, { onReload: async () => { close(null); await reload(); } });
        if (error.status === 412) form.querySelector('.form-error p').textContent = t('errors.stale_version');
      }
    });
    linkBookingDays(form, places);
    return form;
  });
}

export async function referralView(main, current) {
  const id = current.params[0];
  const reload = () => referralView(main, current);
  clear(main);
  let response;
  try {
    response = await api('GET', `/api/v1/referrals/${id}`);
  } catch (error) {
    main.append(h('h1', {}, t('referral.title_unknown')), h('p', { class: 'form-error', role: 'alert' }, explain(error)));
    return;
  }
  await loadRegions();
  const reasons = await loadReasons().catch(() => []);
  const r = response.data;
  const version = response.version;
  const language = currentLanguage();

  const flash = sessionStorage.getItem('joldama.flash');
  sessionStorage.removeItem('joldama.flash');
  main.append(h('div', { class: 'page-head' },
    h('h1', {}, t('referral.title', { code: r.code })),
    h('p', { class: 'badges' }, stateBadge(r.state),
      r.urgency === 'urgent' ? h('span', { class: 'badge badge-urgent' }, t('urgency.urgent')) : null,
      r.overdue ? h('span', { class: 'badge badge-overdue' }, t('worklist.overdue')) : null)));

  if (flash) main.append(h('p', { class: 'form-error', role: 'alert' }, flash));

  // What the commission asked for, above everything else while it waits for the answer.
  if (r.state === 'info_requested') {
    const request = [...(r.history || [])].reverse().find((e) => e.action === 'request_info');
    main.append(h('section', { class: 'banner info-banner', id: 'info-request', 'aria-labelledby': 'info-request-heading' },
      h('h2', { id: 'info-request-heading' }, t('referral.info_requested_title')),
      request && request.comment ? h('p', { class: 'prewrap' }, request.comment) : null,
      h('p', {}, request ? t('referral.info_requested_by', { who: request.by.name || request.by.login, at: formatDateTime(request.at) }) : null,
        r.deadline ? [' ', h('strong', {}, t('referral.reply_by', { date: formatDateTime(r.deadline) }))] : null)));
  }

  // The actions this user may take now.
  const actions = h('section', { class: 'actions', 'aria-labelledby': 'actions-heading' },
    h('h2', { id: 'actions-heading', class: 'visually-hidden' }, t('actions.title')),
    r.allowed_actions.length
      ? r.allowed_actions.map((a) => h('button', {
        type: 'button', class: buttonClass(a), dataset: { action: a },
        onclick: () => openAction(a, r, version, reload),
      }, actionName(a)))
      : h('p', { class: 'muted' }, t('actions.none')),
    r.talon ? h('a', { class: 'button secondary', href: `#/referrals/${r.id}/talon`, id: 'print-talon' }, t('talon.print')) : null,
    h('a', { class: 'button secondary', href: `#/referrals/${r.id}/print`, id: 'print-referral' }, t('print.referral_print')));
  main.append(actions);

  if (session.user.role === 'republican' && (r.state === 'republican_review' || r.quota)) {
    try {
      main.append(await quotaMeter(r));
    } catch {
      // The meter is a help; the page works without it.
    }
  }

  const talon = r.talon;
  main.append(h('div', { class: 'columns' },
    h('section', { class: 'card', 'aria-labelledby': 'patient-heading' },
      h('h2', { id: 'patient-heading' }, t('referral.patient')),
      h('dl', {},
        detail(t('fields.name'), r.patient.name),
        detail(t('fields.iin'), r.patient.iin),
        detail(t('fields.region'), regionName(r.patient.region, language)),
        detail(t('fields.icd10'), r.icd10),
        detail(t('fields.profile'), profileName(r.profile)),
        detail(t('fields.care_form'), t(`care_form.${r.care_form}`)),
        detail(t('fields.urgency'), t(`urgency.${r.urgency}`)),
        detail(t('fields.justification'), h('span', { class: 'prewrap' }, r.justification)))),
    h('section', { class: 'card', 'aria-labelledby': 'progress-heading' },
      h('h2', { id: 'progress-heading' }, t('referral.progress')),
      h('dl', {},
        detail(t('fields.state'), stateName(r.state)),
        detail(t('fields.route'), r.route ? t(`route.${r.route}`) : null),
        detail(t('fields.booking'), r.booking && !talon
          ? `${r.booking.hospital.name}, ${formatDate(r.booking.date)}` : null),
        detail(t('fields.referring_organization'), r.referring_organization.name),
        detail(t('fields.created_at'), formatDateTime(r.created_at)),
        detail(t('fields.deadline'), r.deadline ? formatDateTime(r.deadline) : null),
        detail(t('fields.decision_mode'), r.decision_mode ? t(`decision_mode.${r.decision_mode}`) : null),
        detail(t('fields.protocol'), r.protocol && session.user.role !== 'doctor' && session.user.role !== 'hospital'
          ? h('a', { href: `#/protocols?number=${encodeURIComponent(r.protocol)}` }, t('print.protocol_link', { number: r.protocol }))
          : r.protocol),
        detail(t('fields.exam'), r.exam ? `${formatDateTime(r.exam.at)}, ${r.exam.place}` : null),
        detail(t('fields.queue_position'), r.queue_position ? String(r.queue_position) : null),
        detail(t('fields.receiving_hospital'), r.receiving_hospital && !talon ? r.receiving_hospital.name : null),
        detail(t('fields.talon'), talon ? talon.number : null),
        detail(t('fields.hospital_id'), talon ? talon.hospital.name : null),
        detail(t('fields.valid_until'), talon ? formatDate(localDate(talon.valid_until)) : null),
        detail(t('fields.planned_date'), talon && talon.planned_date ? formatDate(talon.planned_date) : null),
        detail(t('fields.case_number'), r.case_number),
        detail(t('fields.abroad'), r.abroad ? `${r.abroad.clinic}, ${r.abroad.country}` : null),
        detail(t('fields.outcome'), r.outcome ? t(`outcome.${r.outcome}`) : null),
        detail(t('fields.final_icd10'), r.final_icd10)))));

  main.append(await attachmentsSection(r, reload));
  main.append(h('section', { class: 'card', 'aria-labelledby': 'history-heading' },
    h('h2', { id: 'history-heading' }, t('referral.history')), timeline(r.history || [], reasons)));
}
