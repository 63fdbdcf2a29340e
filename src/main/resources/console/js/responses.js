// Recent responses, newest first, with filters; the same list filtered to background runs, with cancel.
import { get, post } from './api.js';
import { badge, clear, h, shortId, time, tokens } from './dom.js';

const STATUSES = ['', 'completed', 'incomplete', 'failed', 'cancelled', 'queued', 'in_progress'];
const RUNNING = new Set(['queued', 'in_progress']);

function filters(state, onChange) {
  const input = (name, placeholder) => h('input', {
    name, placeholder, value: state[name] || '',
    onchange: (e) => onChange({ ...state, [name]: e.target.value.trim() }),
  });
  const status = h('select', { name: 'status', onchange: (e) => onChange({ ...state, status: e.target.value }) },
    STATUSES.map((s) => h('option', { value: s, selected: s === (state.status || '') }, s || 'any status')));
  return h('form', { class: 'filters', onsubmit: (e) => e.preventDefault() },
    input('model', 'model'), status, input('tenant', 'tenant'),
    h('button', { type: 'button', onclick: () => onChange({ ...state }) }, 'Refresh'));
}

function row(line, { cancel }) {
  const usage = `${tokens(line.input_tokens)} in · ${tokens(line.output_tokens)} out · ${tokens(line.cached_tokens)} cached`;
  return h('tr', { 'data-id': line.id },
    h('td', { class: 'muted' }, time(line.recorded_at)),
    h('td', {}, h('a', { href: `#/responses/${line.id}`, class: 'id', title: line.id }, shortId(line.id))),
    h('td', {}, line.tenant),
    h('td', {}, line.model),
    h('td', { class: 'status' }, badge(line.status), line.background ? h('span', { class: 'tag' }, 'bg') : null),
    h('td', { class: 'num' }, usage),
    h('td', {}, line.cache ? h('span', { class: `cache ${line.cache.split(';')[0]}` }, line.cache) : ''),
    h('td', { class: 'num' }, `${line.latency_ms} ms`),
    h('td', { class: 'preview' }, line.preview),
    cancel ? h('td', {}, RUNNING.has(line.status)
      ? h('button', { class: 'cancel', type: 'button', onclick: () => cancel(line) }, 'Cancel') : '') : null);
}

function table(lines, options) {
  if (!lines.length) return h('p', { class: 'empty' }, 'No responses recorded yet.');
  const heads = ['time', 'response', 'tenant', 'model', 'status', 'tokens', 'x-parley-cache', 'latency', 'input'];
  if (options.cancel) heads.push('');
  return h('table', { class: 'list' }, h('thead', {}, h('tr', {}, heads.map((t) => h('th', {}, t)))),
    h('tbody', {}, lines.map((l) => row(l, options))));
}

export async function responsesView(root, { background = false } = {}) {
  let state = {};
  const body = h('div', {});
  const load = async (next) => {
    state = next;
    const page = await get('/responses', { ...state, background: background ? 'true' : '' });
    const cancel = background ? async (line) => {
      await post(`/responses/${line.id}/cancel`, { tenant: line.tenant });
      await load(state);
    } : null;
    clear(body, table(page.data, { cancel }));
  };
  clear(root,
    h('h1', {}, background ? 'Background runs' : 'Recent responses'),
    filters(state, (next) => load(next).catch(showError(body))),
    body);
  await load(state);
}

export const showError = (el) => (err) => clear(el, h('p', { class: 'error', role: 'alert' }, err.message));
