// The talon, printable in the spirit of form 001-3/у, with a QR code of the public status page.
// The QR code carries the referral code only, never the IIN: the page asks for it.

import { h, clear } from '../dom.js';
import { t, profileName, formatDate, formatDateTime, localDate, currentLanguage } from '../i18n.js';
import { get } from '../api.js';
import { loadRegions, regionName } from '../state.js';
import { explain } from '../forms.js';
import { organization, formatPhone, referralToPrint } from './printouts.js';

async function qrCode(text) {
  const { renderSVG } = await import('/vendor/uqr.mjs');
  const svg = new DOMParser().parseFromString(renderSVG(text, { border: 2 }), 'image/svg+xml').documentElement;
  svg.setAttribute('role', 'img');
  svg.setAttribute('aria-label', t('talon.qr_label'));
  svg.classList.add('qr');
  return document.importNode(svg, true);
}

export async function talonView(main, current) {
  clear(main);
  const r = await referralToPrint(main, current.params[0], t('talon.title'));
  if (!r) return;
  if (!r.talon) {
    main.append(h('h1', {}, t('talon.title')), h('p', {}, t('talon.none')));
    return;
  }
  main.append(
    h('div', { class: 'no-print page-head' },
      h('a', { href: `#/referrals/${r.id}` }, '← ', t('talon.back')),
      h('button', { type: 'button', class: 'primary', id: 'print', onclick: () => window.print() }, t('talon.print'))),
    await talonArticle(r, 'h1'));
}

// Several talons at once (#/talons?ids=1,2,3), one printed page each.
export async function talonsView(main, current) {
  clear(main);
  const ids = (current.query.get('ids') || '').split(',').filter((id) => /^\d+$/.test(id)).slice(0, 100);
  main.append(h('div', { class: 'no-print page-head' },
    h('h1', {}, t('talon.several', { n: ids.length })),
    h('button', { type: 'button', class: 'primary', id: 'print', onclick: () => window.print() }, t('talon.print'))));
  await loadRegions();
  for (const id of ids) {
    try {
      const r = await get(`/api/v1/referrals/${id}`);
      main.append(r.talon ? await talonArticle(r, 'h2') : h('p', { class: 'no-print warning' }, t('talon.none_for', { code: r.code })));
    } catch (error) {
      main.append(h('p', { class: 'no-print form-error', role: 'alert' }, explain(error)));
    }
  }
}

// One talon, its title at heading `level` (h1 alone on a page, h2 among several).
async function talonArticle(r, level) {
  const link = `${location.origin}/status.html#code=${encodeURIComponent(r.code)}`;
  const row = (label, value) => h('tr', {}, h('th', { scope: 'row' }, label), h('td', {}, value));
  let qr;
  try {
    qr = await qrCode(link);
  } catch {
    qr = h('p', { class: 'muted' }, link);
  }
  const hospital = await organization(r.talon.hospital.id);
  const titleId = `talon-title-${r.id}`;
  return (
    h('article', { class: 'talon', 'aria-labelledby': titleId, dataset: { id: r.id } },
      h('header', { class: 'talon-header' },
        h('p', { class: 'talon-form' }, t('talon.form')),
        h(level, { id: titleId, class: 'talon-heading' }, t('talon.title')),
        h('p', { class: 'talon-number' }, t('talon.number', { number: r.talon.number }))),
      h('div', { class: 'talon-body' },
        h('table', { class: 'talon-table' }, h('tbody', {},
          row(t('fields.name'), r.patient.name),
          row(t('fields.iin'), r.patient.iin),
          row(t('fields.region'), regionName(r.patient.region, currentLanguage())),
          row(t('fields.icd10'), r.icd10),
          row(t('fields.profile'), profileName(r.profile)),
          row(t('fields.care_form'), t(`care_form.${r.care_form}`)),
          row(t('fields.hospital_id'), r.talon.hospital.name),
          row(t('talon.address'), hospital && hospital.address ? hospital.address : '—'),
          row(t('talon.phone'), hospital && hospital.phone ? h('a', { href: `tel:${hospital.phone}` }, formatPhone(hospital.phone)) : '—'),
          row(t('fields.referral_code'), r.code),
          row(t('fields.issued_at'), formatDateTime(r.talon.issued_at)),
          row(t('fields.valid_until'), formatDate(localDate(r.talon.valid_until))),
          row(t('fields.planned_date'), r.talon.planned_date ? formatDate(r.talon.planned_date) : '—'),
          row(t('fields.referring_organization'), r.referring_organization.name))),
        h('figure', { class: 'talon-qr' }, qr, h('figcaption', {}, t('talon.qr_caption')))),
      h('section', { class: 'talon-bring', 'aria-labelledby': `${titleId}-bring` },
        h(level === 'h1' ? 'h2' : 'h3', { id: `${titleId}-bring` }, t('talon.bring_title')),
        h('ul', {}, [1, 2, 3, 4].map((i) => h('li', {}, t(`talon.bring_${i}`))))),
      h('footer', { class: 'talon-footer' },
        h('p', {}, t('talon.footer')),
        h('p', { class: 'signature' }, t('talon.signature')))));
}
