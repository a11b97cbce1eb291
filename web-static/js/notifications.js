// The unread count in the header of every page. The inbox is polled with its ETag (an unchanged
// inbox answers 304 with no body), at once when the page becomes visible again, and whenever
// another tab of this browser marks a notice read (a BroadcastChannel): the count stays right in
// every tab. The poll does not count as activity: an idle session still ends.

import { h } from './dom.js';
import { t } from './i18n.js';
import { session } from './state.js';

const EVERY_MS = 15000;
let unread = null;
let etag = null;
let timer = null;
let channel = null;
let polling = null;
let badge = null;  // the header's link; a header drawn again makes a new one

function show() {
  if (!badge) return;
  // The count as shown, and for a screen reader the word that says what it counts.
  const count = badge.querySelector('.inbox-count');
  count.replaceChildren(...(unread ? [String(unread), h('span', { class: 'visually-hidden' }, ` ${t('notices.unread_word')}`)] : []));
  count.hidden = !unread;
  badge.dataset.unread = String(unread || 0);
}

async function poll() {
  if (!session.user) return;
  if (polling) return polling;
  polling = (async () => {
    try {
      const response = await fetch('/api/v1/notifications?limit=1', { headers: etag ? { 'if-none-match': etag } : {} });
      if (response.status === 401) {
        window.dispatchEvent(new CustomEvent('joldama:signed-out'));
        return;
      }
      if (response.status !== 200) return;
      etag = response.headers.get('etag');
      unread = (await response.json()).unread;
      show();
    } catch {
      // The count is a help: the next poll tries again.
    } finally {
      polling = null;
    }
  })();
  return polling;
}

// The header's link to the inbox, with the unread count.
export function inboxLink() {
  badge = h('a', { href: '#/notifications', id: 'inbox-link', class: 'inbox-link' },
    t('notices.title'), ' ', h('span', { class: 'inbox-count', hidden: true }));
  show();
  startPolling();
  return badge;
}

function startPolling() {
  if (timer) return;
  timer = setInterval(poll, EVERY_MS);
  document.addEventListener('visibilitychange', () => { if (!document.hidden) poll(); });
  if ('BroadcastChannel' in window) {
    channel = new BroadcastChannel('joldama.inbox');
    channel.onmessage = () => refreshInbox(false);
  }
  poll();
}

// After the inbox changed here (read, all read): count again, and tell the other tabs.
export async function refreshInbox(tellOthers = true) {
  etag = null;
  if (tellOthers && channel) channel.postMessage('changed');
  await poll();
}

// Signing out: nothing of this user's inbox stays on the page.
export function forgetInbox() {
  unread = null;
  etag = null;
  show();
}
