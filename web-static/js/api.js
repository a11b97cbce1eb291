// The API client: JSON in and out, the session cookie, the CSRF token for writes, and errors as
// ApiError with the contract's code, message and field.

const CSRF_KEY = 'joldama.csrf';

export class ApiError extends Error {
  constructor(status, code, message, field) {
    super(message);
    this.status = status;
    this.code = code;
    this.field = field || null;
  }
}

const isWrite = (method) => method !== 'GET' && method !== 'HEAD';

async function send(method, path, { body, headers = {}, ifMatch, raw } = {}) {
  const init = { method, headers: { ...headers }, credentials: 'same-origin' };
  if (body !== undefined && !raw) {
    init.headers['content-type'] = 'application/json';
    init.body = JSON.stringify(body);
  } else if (raw) {
    init.body = body;
  }
  if (ifMatch !== undefined) init.headers['if-match'] = `"${ifMatch}"`;
  if (isWrite(method)) {
    const csrf = localStorage.getItem(CSRF_KEY);
    if (csrf) init.headers['x-csrf-token'] = csrf;
  }
  let response;
  try {
    response = await fetch(path, init);
  } catch (cause) {
    throw new ApiError(0, 'network', cause.message);
  }
  const type = response.headers.get('content-type') || '';
  const data = type.includes('application/json') && response.status !== 204 ? await response.json() : null;
  if (!response.ok) {
    const error = (data && data.error) || {};
    throw new ApiError(response.status, error.code || 'http_' + response.status, error.message || response.statusText, error.field);
  }
  const etag = response.headers.get('etag');
  return { status: response.status, data, version: etag ? Number(etag.replace(/\D/g, '')) : null };
}

// Sends a request; a write that the server refuses for a missing or stale CSRF token (a tab
// opened after sign-in) gets a fresh token and is tried once more.
export async function api(method, path, options = {}) {
  try {
    return await send(method, path, options);
  } catch (error) {
    if (error.status === 403 && isWrite(method) && /X-CSRF-Token/.test(error.message)) {
      const renewed = await send('POST', '/api/v1/session/csrf');
      localStorage.setItem(CSRF_KEY, renewed.data.csrf_token);
      return send(method, path, options);
    }
    if (error.status === 401 && !path.endsWith('/session')) {
      window.dispatchEvent(new CustomEvent('joldama:signed-out'));
    }
    if (error.code === 'password_change_required') {
      window.dispatchEvent(new CustomEvent('joldama:password-change-required'));
    }
    throw error;
  }
}

export const get = (path) => api('GET', path).then((r) => r.data);

export async function signIn(login, password) {
  const { data } = await api('POST', '/api/v1/session', { body: { login, password } });
  localStorage.setItem(CSRF_KEY, data.csrf_token);
  return data.user;
}

export async function signOut() {
  try {
    await api('DELETE', '/api/v1/session');
  } finally {
    localStorage.removeItem(CSRF_KEY);
  }
}

export async function currentUser() {
  try {
    return await get('/api/v1/me');
  } catch (error) {
    if (error.status === 401) return null;
    throw error;
  }
}

// The query string of the non-empty values of `params`.
export function query(params) {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    if (value === undefined || value === null || value === '' || value === false) continue;
    search.set(key, Array.isArray(value) ? value.join(',') : String(value));
  }
  const text = search.toString();
  return text ? `?${text}` : '';
}

// A fresh Idempotency-Key (getRandomValues works outside secure contexts too).
export function newIdempotencyKey() {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return [...bytes].map((b) => b.toString(16).padStart(2, '0')).join('');
}
