// Hash routes (#/referrals/12): the page works from any path the server serves, and a reload
// keeps the place.

const routes = [];
let current = null;

export function route(pattern, render, { needsUser = true } = {}) {
  routes.push({ pattern, render, needsUser });
}

export function navigate(hash) {
  if (location.hash === hash) {
    show();
  } else {
    location.hash = hash;
  }
}

export function currentRoute() {
  return current;
}

let guard = () => true;
export function setGuard(fn) {
  guard = fn;
}

export async function show() {
  const hash = location.hash.startsWith('#/') ? location.hash.slice(1) : '/';
  const [path, search = ''] = hash.split('?');
  for (const r of routes) {
    const match = path.match(r.pattern);
    if (!match) continue;
    if (!guard(r)) return;
    current = { path, params: match.slice(1), query: new URLSearchParams(search) };
    // Each page is drawn into a <main> of its own, put in place at once: a page still waiting for
    // its data when the next one starts (a quick click, a language switch) finishes into an
    // element no longer shown, instead of adding itself to the page that replaced it.
    const previous = document.getElementById('main');
    const main = previous.cloneNode(false);
    previous.replaceWith(main);
    await r.render(main, current);
    if (!main.isConnected) return;
    const heading = main.querySelector('h1');
    // Move focus to the new page's heading, so that a screen reader starts there.
    if (heading) {
      heading.setAttribute('tabindex', '-1');
      heading.focus({ preventScroll: false });
    }
    return;
  }
  navigate('#/');
}

export function start() {
  window.addEventListener('hashchange', show);
  return show();
}
