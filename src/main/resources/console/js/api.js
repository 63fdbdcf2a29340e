// The console's API client: the key from sessionStorage, sent as a bearer token; a 401 signs out.
const KEY = 'parley.consoleKey';

export class Unauthorized extends Error {}

export const key = () => sessionStorage.getItem(KEY);
export const setKey = (value) => sessionStorage.setItem(KEY, value);
export const forgetKey = () => sessionStorage.removeItem(KEY);

/** A key given once in the address (?key=) moves to sessionStorage and leaves the address bar. */
export function takeKeyFromUrl() {
  const url = new URL(location.href);
  const given = url.searchParams.get('key');
  if (!given) return;
  setKey(given);
  url.searchParams.delete('key');
  history.replaceState(null, '', url.pathname + url.search + url.hash);
}

export async function call(method, path, params = {}) {
  const query = new URLSearchParams(Object.entries(params).filter(([, v]) => v !== '' && v != null));
  const response = await fetch(`/admin/v1${path}${query.toString() ? `?${query}` : ''}`, {
    method,
    headers: { authorization: `Bearer ${key()}` },
    cache: 'no-store',
  });
  const body = await response.json().catch(() => ({}));
  if (response.status === 401) throw new Unauthorized(body.error?.message || 'unauthorized');
  if (!response.ok) throw new Error(body.error?.message || `HTTP ${response.status}`);
  return body;
}

export const get = (path, params) => call('GET', path, params);
export const post = (path, params) => call('POST', path, params);
