// Administration: users (create, disable, reset password) and organizations.

import { h, clear, announce, uid } from '../dom.js';
import { t, roleName, currentLanguage, formatDateTime, profileName } from '../i18n.js';
import { api, get, query } from '../api.js';
import { loadRegions, loadProfiles, regionName } from '../state.js';
import { field, dialog, confirmAction, showError, showFieldError, clearErrors, values, explain } from '../forms.js';
import { formatPhone } from './printouts.js';

const ROLES = ['doctor', 'commission', 'republican', 'hospital', 'admin'];

// A dialog form's buttons: the one that submits, and the one that closes without saving.
function dialogActions(submitLabel, closeLabel, close) {
  return h('div', { class: 'form-actions' },
    h('button', { type: 'submit', class: 'primary' }, submitLabel),
    h('button', { type: 'button', class: 'secondary', onclick: () => close(null) }, closeLabel));
}

// Sends what a dialog's form asks for: on success the dialog closes, says what was done and the
// list behind it is redrawn; a refusal stays in the form, at the field it names.
async function sendFromDialog(form, close, reload, send, done) {
  try {
    await send();
    close(true);
    announce(done);
    await reload();
  } catch (error) {
    showError(form, error);
  }
}

// Where a user belongs: the organization (doctors, hospital staff) and the region (commissions).
function bindingFields(organizations, regions, { organization = '', region = '' } = {}) {
  const language = currentLanguage();
  return [
    field({ name: 'organization_id', label: t('fields.organization'), value: organization,
      options: [{ value: '', label: t('common.choose') }, ...organizations.map((o) => ({ value: String(o.id), label: `${o.name} (${t(`kind.${o.kind}`)})` }))] }),
    field({ name: 'region', label: t('fields.region'), value: region,
      options: [{ value: '', label: t('common.choose') }, ...regions.map((r) => ({ value: r.code, label: `${r.code} ${regionName(r.code, language)}` }))] }),
  ];
}

async function createUserDialog(organizations, regions, reload) {
  await dialog(t('admin.new_user'), (close) => {
    const form = h('form', { novalidate: true },
      field({ name: 'login', label: t('fields.login'), required: true, hint: t('hints.login'), attrs: { autocomplete: 'off', autocapitalize: 'none' } }),
      field({ name: 'name', label: t('fields.name'), required: true }),
      field({ name: 'role', label: t('fields.role'), required: true,
        options: [{ value: '', label: t('common.choose') }, ...ROLES.map((r) => ({ value: r, label: roleName(r) }))] }),
      bindingFields(organizations, regions),
      field({ name: 'locale', label: t('app.language'), value: 'kk',
        options: [{ value: 'kk', label: 'Қазақша' }, { value: 'ru', label: 'Русский' }, { value: 'en', label: 'English' }] }),
      field({ name: 'password', label: t('fields.password'), type: 'password', required: true, hint: t('hints.password'), attrs: { autocomplete: 'new-password' } }),
      dialogActions(t('admin.create'), t('common.cancel'), close));
    form.addEventListener('submit', async (event) => {
      event.preventDefault();
      clearErrors(form);
      const body = values(form);
      if (body.organization_id) body.organization_id = Number(body.organization_id);
      if ((body.password || '').length < 12) {
        showFieldError(form, 'password', t('hints.password'));
        return;
      }
      await sendFromDialog(form, close, reload, () => api('POST', '/api/v1/users', { body }), t('admin.user_created', { login: body.login }));
    });
    return form;
  });
}

// Editing who a user is: name, role, and the organization or region the role belongs to.
async function editUserDialog(user, organizations, regions, reload) {
  await dialog(t('admin.edit_user', { login: user.login }), (close) => {
    const form = h('form', { novalidate: true, id: 'edit-user' },
      field({ name: 'name', label: t('fields.name'), required: true, value: user.name }),
      field({ name: 'role', label: t('fields.role'), required: true, value: user.role,
        options: ROLES.map((r) => ({ value: r, label: roleName(r) })) }),
      bindingFields(organizations, regions, { organization: user.organization ? String(user.organization.id) : '',
        region: user.role === 'commission' ? user.region || '' : '' }),
      h('p', { class: 'hint' }, t('errors.field.organization_id')),
      dialogActions(t('admin.save'), t('common.cancel'), close));
    form.addEventListener('submit', async (event) => {
      event.preventDefault();
      clearErrors(form);
      const data = values(form);
      if (!data.name) {
        showFieldError(form, 'name', t('errors.required'));
        return;
      }
      const body = { name: data.name, role: data.role };
      if (data.role === 'doctor' || data.role === 'hospital') body.organization_id = data.organization_id ? Number(data.organization_id) : undefined;
      if (data.role === 'commission') body.region = data.region;
      await sendFromDialog(form, close, reload, () => api('PATCH', `/api/v1/users/${user.id}`, { body }), t('admin.user_saved', { login: user.login }));
    });
    return form;
  });
}

async function resetPasswordDialog(user, reload) {
  await dialog(t('admin.reset_password_for', { login: user.login }), (close) => {
    const form = h('form', { novalidate: true },
      field({ name: 'password', label: t('fields.new_password'), type: 'password', required: true, hint: t('hints.password'), attrs: { autocomplete: 'new-password' } }),
      dialogActions(t('admin.reset_password'), t('common.cancel'), close));
    form.addEventListener('submit', async (event) => {
      event.preventDefault();
      clearErrors(form);
      await sendFromDialog(form, close, reload, () => api('PATCH', `/api/v1/users/${user.id}`, { body: { password: form.elements.password.value } }), t('admin.password_reset', { login: user.login }));
    });
    return form;
  });
}

export async function usersView(main, current) {
  const reload = () => usersView(main, current);
  clear(main);
  const language = currentLanguage();
  let accounts;
  let organizations;
  let regions;
  try {
    [accounts, organizations, regions] = await Promise.all([get('/api/v1/users'), get('/api/v1/organizations'), loadRegions()]);
  } catch (error) {
    main.append(h('h1', {}, t('nav.users')), h('p', { class: 'form-error', role: 'alert' }, explain(error)));
    return;
  }
  const status = h('p', { 'aria-live': 'polite', class: 'muted' });
  main.append(
    h('h1', {}, t('nav.users')),
    h('div', { class: 'actions' },
      h('button', { type: 'button', class: 'primary', id: 'new-user', onclick: () => createUserDialog(organizations, regions, reload) }, t('admin.new_user'))),
    status,
    h('table', { class: 'worklist' },
      h('caption', {}, t('admin.users_caption', { n: accounts.length })),
      h('thead', {}, h('tr', {}, ['fields.login', 'fields.name', 'fields.role', 'admin.belongs_to', 'admin.status', 'admin.actions']
        .map((k) => h('th', { scope: 'col' }, t(k))))),
      h('tbody', {}, accounts.map(({ user, disabled }) => h('tr', { dataset: { login: user.login } },
        h('td', { 'data-label': t('fields.login') }, user.login),
        h('td', { 'data-label': t('fields.name') }, user.name),
        h('td', { 'data-label': t('fields.role') }, roleName(user.role)),
        h('td', { 'data-label': t('admin.belongs_to') }, user.organization ? user.organization.name : user.region ? regionName(user.region, language) : '—'),
        h('td', { 'data-label': t('admin.status') }, h('span', { class: `badge ${disabled ? 'badge-overdue' : 'badge-ok'}` }, t(disabled ? 'admin.disabled' : 'admin.active'))),
        h('td', { 'data-label': t('admin.actions') },
          h('button', { type: 'button', class: 'secondary small', dataset: { toggle: user.login }, onclick: async () => {
            if (!disabled && !await confirmAction(t('admin.disable_title', { login: user.login }),
              t('admin.disable_text', { login: user.login, name: user.name }), t('admin.disable'))) return;
            try {
              await api('PATCH', `/api/v1/users/${user.id}`, { body: { disabled: !disabled } });
              await reload();
              announce(t(disabled ? 'admin.enabled_done' : 'admin.disabled_done', { login: user.login }));
            } catch (error) {
              status.textContent = explain(error);
            }
          } }, t(disabled ? 'admin.enable' : 'admin.disable')),
          ' ',
          h('button', { type: 'button', class: 'secondary small', dataset: { edit: user.login }, onclick: () => editUserDialog(user, organizations, regions, reload) }, t('admin.edit')),
          ' ',
          h('button', { type: 'button', class: 'secondary small', dataset: { reset: user.login }, onclick: () => resetPasswordDialog(user, reload) }, t('admin.reset_password'))))))));
}

// What a hospital treats and the routes it receives patients by.
async function profilesDialog(hospital, profiles, reload) {
  await dialog(t('admin.profiles_title', { name: hospital.name }), (close) => {
    const box = (name, value, label, checked) => {
      const id = uid(`${name}-${value}`);
      return h('div', { class: 'field checkbox' },
        h('input', { id, type: 'checkbox', name, value, checked }), h('label', { for: id }, label));
    };
    const form = h('form', { class: 'action-form', novalidate: true, dataset: { organization: hospital.id } },
      h('fieldset', { class: 'field', dataset: { field: 'profiles' } }, h('legend', {}, t('admin.treats')),
        profiles.map((p) => box('profiles', p.code, profileName(p.code), (hospital.profiles || []).includes(p.code))),
        h('p', { class: 'field-error', role: 'alert', hidden: true })),
      h('fieldset', { class: 'field', dataset: { field: 'accepts' } }, h('legend', {}, t('admin.receives')),
        ['planned', 'high_tech'].map((r) => box('accepts', r, t(`route.${r}`), (hospital.accepts || []).includes(r))),
        h('p', { class: 'field-error', role: 'alert', hidden: true })),
      dialogActions(t('common.save'), t('common.close'), close));
    form.addEventListener('submit', async (event) => {
      event.preventDefault();
      clearErrors(form);
      const chosen = (name) => [...form.querySelectorAll(`input[name=${name}]:checked`)].map((i) => i.value);
      await sendFromDialog(form, close, reload, () => api('PUT', `/api/v1/organizations/${hospital.id}/profiles`, { body: { profiles: chosen('profiles'), accepts: chosen('accepts') } }), t('admin.profiles_saved', { name: hospital.name }));
    });
    return form;
  });
}

// Where patients find an organization: printed on the talon.
async function contactsDialog(organization, reload) {
  await dialog(t('admin.contacts_title', { name: organization.name }), (close) => {
    const form = h('form', { class: 'action-form', novalidate: true, dataset: { contacts: organization.id } },
      h('p', { class: 'hint' }, t('admin.contacts_hint')),
      field({ name: 'address', label: t('fields.address'), value: organization.address || '', attrs: { maxlength: 300, autocomplete: 'off' } }),
      field({ name: 'phone', label: t('fields.phone'), type: 'tel', value: organization.phone || '', hint: t('hints.phone'), attrs: { autocomplete: 'off' } }),
      dialogActions(t('common.save'), t('common.close'), close));
    form.addEventListener('submit', async (event) => {
      event.preventDefault();
      clearErrors(form);
      await sendFromDialog(form, close, reload, () => api('PUT', `/api/v1/organizations/${organization.id}/contacts`, { body: values(form) }), t('admin.contacts_saved', { name: organization.name }));
    });
    return form;
  });
}

export async function organizationsView(main, current) {
  const reload = () => organizationsView(main, current);
  clear(main);
  const language = currentLanguage();
  const [organizations, regions, profiles] = await Promise.all([get('/api/v1/organizations'), loadRegions(), loadProfiles()]);
  const form = h('form', { class: 'card', novalidate: true },
    h('div', { class: 'row' },
      field({ name: 'name', label: t('fields.name'), required: true }),
      field({ name: 'kind', label: t('fields.kind'), required: true,
        options: [{ value: '', label: t('common.choose') }, { value: 'polyclinic', label: t('kind.polyclinic') }, { value: 'hospital', label: t('kind.hospital') }] })),
    h('div', { class: 'row' },
      field({ name: 'level', label: t('fields.level'), required: true,
        options: [{ value: '', label: t('common.choose') }, ...['local', 'regional', 'republican'].map((l) => ({ value: l, label: t(`level.${l}`) }))] }),
      field({ name: 'region', label: t('fields.region'), required: true,
        options: [{ value: '', label: t('common.choose') }, ...regions.map((r) => ({ value: r.code, label: `${r.code} ${regionName(r.code, language)}` }))] })),
    h('div', { class: 'row' },
      field({ name: 'address', label: t('fields.address'), attrs: { maxlength: 300, autocomplete: 'off' } }),
      field({ name: 'phone', label: t('fields.phone'), type: 'tel', hint: t('hints.phone'), attrs: { autocomplete: 'off' } })),
    h('div', { class: 'form-actions' }, h('button', { type: 'submit', class: 'primary' }, t('admin.add_organization'))));
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    clearErrors(form);
    try {
      await api('POST', '/api/v1/organizations', { body: values(form) });
      await reload();
    } catch (error) {
      showError(form, error);
    }
  });
  main.append(
    h('h1', {}, t('nav.organizations')),
    h('table', { class: 'worklist' },
      h('caption', {}, t('admin.organizations_caption', { n: organizations.length })),
      h('thead', {}, h('tr', {}, ['fields.name', 'fields.kind', 'fields.level', 'fields.region', 'admin.contacts', 'admin.treats'].map((k) => h('th', { scope: 'col' }, t(k))))),
      h('tbody', {}, organizations.map((o) => h('tr', { dataset: { organization: o.id } },
        h('td', { 'data-label': t('fields.name') }, o.name),
        h('td', { 'data-label': t('fields.kind') }, t(`kind.${o.kind}`)),
        h('td', { 'data-label': t('fields.level') }, t(`level.${o.level}`)),
        h('td', { 'data-label': t('fields.region') }, `${o.region} ${regionName(o.region, language)}`),
        h('td', { 'data-label': t('admin.contacts') },
          h('span', { class: 'block' }, o.address || '—'),
          h('span', { class: 'muted block' }, formatPhone(o.phone) || '—'),
          h('button', { type: 'button', class: 'secondary small', dataset: { contacts: o.id },
            'aria-label': `${t('admin.edit_contacts')} — ${o.name}`,
            onclick: () => contactsDialog(o, reload) }, t('admin.edit'))),
        h('td', { 'data-label': t('admin.treats') }, o.kind === 'hospital'
          ? [h('span', { class: 'block' }, (o.profiles || []).map((p) => profileName(p)).join(', ') || '—'),
            h('span', { class: 'muted block' }, (o.accepts || []).map((r) => t(`route.${r}`)).join(', ') || t('admin.receives_none')),
            h('button', { type: 'button', class: 'secondary small', dataset: { profiles: o.id },
              'aria-label': `${t('admin.edit_profiles')} — ${o.name}`,
              onclick: () => profilesDialog(o, profiles, reload) }, t('admin.edit_profiles'))]
          : '—'))))),
    h('section', { 'aria-labelledby': 'new-organization' },
      h('h2', { id: 'new-organization' }, t('admin.add_organization')), form));
}

// Doctors' accesses to records of patients from elsewhere, with their reasons, newest first.
export async function accessesView(main) {
  clear(main);
  main.append(h('h1', {}, t('admin.accesses_title')));
  let accesses;
  try {
    accesses = await get('/api/v1/patient-accesses?limit=200');
  } catch (error) {
    main.append(h('p', { class: 'form-error', role: 'alert' }, explain(error)));
    return;
  }
  if (!accesses.length) {
    main.append(h('p', { class: 'empty' }, t('admin.accesses_none')));
    return;
  }
  const columns = ['fields.at', 'fields.doctor', 'fields.organization', 'fields.patient', 'fields.reason'];
  main.append(h('table', { class: 'worklist', id: 'accesses' },
    h('caption', {}, t('admin.accesses_caption', { n: accesses.length })),
    h('thead', {}, h('tr', {}, columns.map((k) => h('th', { scope: 'col' }, t(k))))),
    h('tbody', {}, accesses.map((a) => h('tr', { dataset: { id: a.id } },
      h('td', { 'data-label': t('fields.at') }, h('time', { datetime: a.at }, formatDateTime(a.at))),
      h('td', { 'data-label': t('fields.doctor') }, a.doctor.name, h('br'), h('span', { class: 'muted' }, a.doctor.login)),
      h('td', { 'data-label': t('fields.organization') }, a.organization.name),
      h('td', { 'data-label': t('fields.patient') }, a.patient
        ? [a.patient.name, h('br'), h('span', { class: 'muted' }, a.patient.iin)]
        : h('span', { class: 'muted' }, t('admin.patient_unknown'))),
      h('td', { 'data-label': t('fields.reason'), class: 'prewrap' }, a.reason))))));
}

// The audit log: filtered by referral (its code), actor, event and days, newest first, a page
// at a time; and the check of the whole hash chain.
export async function auditView(main, current) {
  clear(main);
  const q = current.query;
  const filters = { code: q.get('code') || '', actor: q.get('actor') || '', action: q.get('action') || '',
    from: q.get('from') || '', to: q.get('to') || '' };
  main.append(h('h1', {}, t('audit.title')));
  const form = h('form', { class: 'filters', role: 'search', id: 'audit-filters', novalidate: true },
    field({ name: 'code', label: t('fields.referral_code'), value: filters.code, attrs: { inputmode: 'numeric', autocomplete: 'off' } }),
    field({ name: 'actor', label: t('fields.login'), value: filters.actor, attrs: { autocomplete: 'off', autocapitalize: 'none' } }),
    field({ name: 'action', label: t('audit.action'), value: filters.action, hint: t('audit.action_hint'), attrs: { autocomplete: 'off' } }),
    field({ name: 'from', label: t('audit.from'), type: 'date', value: filters.from }),
    field({ name: 'to', label: t('audit.to'), type: 'date', value: filters.to }),
    h('div', { class: 'form-actions' },
      h('button', { type: 'submit', class: 'primary' }, t('worklist.apply')),
      h('a', { class: 'button secondary', href: '#/admin/audit' }, t('worklist.reset'))));
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    location.hash = `#/admin/audit${query(values(form))}`;
  });
  const verdict = h('p', { 'aria-live': 'polite', id: 'audit-verdict' });
  const verify = h('button', { type: 'button', class: 'secondary', id: 'verify-audit', onclick: async () => {
    verify.disabled = true;
    verdict.textContent = t('audit.verifying');
    try {
      const check = await get('/api/v1/audit/verify');
      verdict.textContent = check.ok ? t('audit.verified', { n: check.events }) : t('audit.broken', { seq: check.broken_seq, reason: check.reason });
      verdict.className = check.ok ? 'ok' : 'form-error';
    } catch (error) {
      verdict.textContent = explain(error);
    }
    verify.disabled = false;
  } }, t('audit.verify'));
  main.append(form, h('div', { class: 'actions' }, verify), verdict);
  const results = h('div', { class: 'results' });
  main.append(results);
  try {
    let referralId = '';
    if (filters.code) {
      const found = await get(`/api/v1/referrals${query({ q: filters.code, limit: 2 })}`);
      const exact = found.items.find((r) => r.code === filters.code);
      if (!exact) {
        showFieldError(form, 'code', t('audit.no_referral'));
        return;
      }
      referralId = exact.id;
    }
    const base = { referral_id: referralId, actor: filters.actor, action: filters.action, from: filters.from, to: filters.to, limit: 100 };
    const events = await get(`/api/v1/audit${query(base)}`);
    if (!events.length) {
      results.append(h('p', { class: 'empty' }, t('audit.none')));
      return;
    }
    const columns = ['audit.seq', 'fields.at', 'fields.login', 'audit.action', 'fields.referral_code', 'audit.detail'];
    const body = h('tbody', {});
    const addRows = (list) => body.append(...list.map((e) => h('tr', { dataset: { seq: e.seq } },
      h('td', { 'data-label': t('audit.seq') }, String(e.seq)),
      h('td', { 'data-label': t('fields.at') }, h('time', { datetime: e.at }, formatDateTime(e.at))),
      h('td', { 'data-label': t('fields.login') }, e.actor.login, h('br'), h('span', { class: 'muted' }, roleName(e.actor.role))),
      h('td', { 'data-label': t('audit.action') }, h('code', {}, e.action)),
      h('td', { 'data-label': t('fields.referral_code') }, e.referral_id ? h('a', { href: `#/referrals/${e.referral_id}` }, `#${e.referral_id}`) : '—'),
      h('td', { 'data-label': t('audit.detail'), class: 'audit-detail' },
        Object.entries(e.detail).map(([k, v]) => h('span', { class: 'block' }, `${k}: ${v}`))))));
    addRows(events);
    const table = h('table', { class: 'worklist', id: 'audit' },
      h('caption', {}, t('audit.caption')),
      h('thead', {}, h('tr', {}, columns.map((k) => h('th', { scope: 'col' }, t(k))))), body);
    let oldest = events.at(-1).seq;
    const more = h('button', { type: 'button', class: 'secondary', id: 'audit-more', hidden: events.length < 100, onclick: async () => {
      const page = await get(`/api/v1/audit${query({ ...base, before: oldest })}`);
      addRows(page);
      if (page.length) oldest = page.at(-1).seq;
      more.hidden = page.length < 100;
    } }, t('worklist.more'));
    results.append(table, more);
  } catch (error) {
    if (error.field && showFieldError(form, error.field, explain(error))) return;
    results.append(h('p', { class: 'form-error', role: 'alert' }, explain(error)));
  }
}
