// The inbox: what happened to the referrals of the reader's work, newest first; each notice
// opens its referral and is marked read on the way.

import { h, clear, announce } from '../dom.js';
import { t, formatDateTime } from '../i18n.js';
import { api, get, query } from '../api.js';
import { explain } from '../forms.js';
import { navigate } from '../router.js';
import { refreshInbox } from '../notifications.js';

function noticeText(notice) {
  return t(`notices.kind.${notice.kind}`, { code: notice.referral ? notice.referral.code : '' });
}

export async function inboxView(main, current) {
  clear(main);
  const unreadOnly = current.query.get('unread') === 'true';
  const reload = () => inboxView(main, current);
  main.append(h('h1', {}, t('notices.title')));
  let page;
  try {
    page = await get(`/api/v1/notifications${query({ unread: unreadOnly ? 'true' : '', limit: 30 })}`);
  } catch (error) {
    main.append(h('p', { class: 'form-error', role: 'alert' }, explain(error)));
    return;
  }
  const status = h('p', { class: 'inbox-status', role: 'status' }, t('notices.unread_count', { n: page.unread }));
  const only = h('input', { type: 'checkbox', id: 'inbox-unread', checked: unreadOnly,
    onchange: () => navigate(`#/notifications${only.checked ? '?unread=true' : ''}`) });
  const markAll = h('button', { type: 'button', class: 'secondary', id: 'inbox-read-all', disabled: !page.unread,
    onclick: async () => {
      try {
        await api('POST', '/api/v1/notifications/read-all');
        announce(t('notices.all_read'));
        await refreshInbox();
        await reload();
      } catch (error) {
        status.textContent = explain(error);
      }
    } }, t('notices.mark_all'));
  main.append(h('div', { class: 'inbox-tools' },
    h('div', { class: 'field checkbox' }, only, h('label', { for: 'inbox-unread' }, t('notices.only_unread'))),
    markAll), status);

  const list = h('ol', { class: 'inbox', 'aria-label': t('notices.title') });
  const item = (notice) => {
    const markRead = async () => {
      if (notice.read) return;
      await api('POST', `/api/v1/notifications/${notice.id}/read`);
      notice.read = true;
      await refreshInbox();
    };
    const line = h('li', { class: notice.read ? 'read' : 'unread', dataset: { id: notice.id, kind: notice.kind } },
      h('span', { class: 'inbox-when' }, formatDateTime(notice.at)), ' ',
      notice.read ? null : h('span', { class: 'badge badge-new' }, t('notices.new')), ' ',
      notice.referral
        ? h('a', { href: `#/referrals/${notice.referral.id}`,
          onclick: async (event) => {
            event.preventDefault();
            try { await markRead(); } catch { /* the referral opens all the same */ }
            navigate(`#/referrals/${notice.referral.id}`);
          } }, noticeText(notice))
        : h('span', {}, noticeText(notice)),
      notice.read ? null : [' ', h('button', { type: 'button', class: 'secondary small', dataset: { read: notice.id },
        'aria-label': `${t('notices.mark_read')}: ${noticeText(notice)}`,
        onclick: async () => {
          try {
            await markRead();
            await reload();
          } catch (error) {
            status.textContent = explain(error);
          }
        } }, t('notices.mark_read'))]);
    return line;
  };
  if (!page.items.length) {
    main.append(h('p', { class: 'empty' }, t('notices.empty')));
    return;
  }
  list.append(...page.items.map(item));
  main.append(list);
  let next = page.next;
  const more = h('button', { type: 'button', class: 'secondary', id: 'inbox-more', hidden: !next,
    onclick: async () => {
      more.disabled = true;
      const older = await get(`/api/v1/notifications${query({ unread: unreadOnly ? 'true' : '', limit: 30, after: next })}`);
      list.append(...older.items.map(item));
      next = older.next;
      more.hidden = !next;
      more.disabled = false;
    } }, t('notices.more'));
  main.append(more);
}
