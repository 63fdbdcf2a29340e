// One response's chain as a tree: each turn's input and output items; forks from one parent as branches.
import { get } from './api.js';
import { badge, clear, h, shortId, time } from './dom.js';
import { items } from './items.js';

function usageLine(usage) {
  if (!usage) return null;
  const cached = usage.input_tokens_details?.cached_tokens ?? 0;
  const reasoning = usage.output_tokens_details?.reasoning_tokens;
  return h('span', { class: 'usage' },
    `${usage.input_tokens} in (`, h('b', { class: 'cached' }, `${cached} cached`), `) · ${usage.output_tokens} out`,
    reasoning ? ` (${reasoning} reasoning)` : '');
}

function turn(node, focus) {
  if (node.missing) {
    return h('article', { class: 'turn missing', 'data-id': node.id },
      h('header', {}, h('code', {}, shortId(node.id)), ' gone from the store (expired or deleted)'));
  }
  const r = node.response;
  const line = node.line;
  return h('article', { class: `turn${node.id === focus ? ' focus' : ''}`, 'data-id': node.id, id: `turn-${node.id}` },
    h('header', {},
      h('a', { href: `#/responses/${node.id}`, class: 'id', title: node.id }, shortId(node.id)),
      badge(r.status), h('span', { class: 'model' }, r.model),
      usageLine(r.usage),
      line?.cache ? h('span', { class: `cache ${line.cache.split(';')[0]}`, title: 'x-parley-cache' }, line.cache) : null,
      line ? h('span', { class: 'latency' }, `${line.latency_ms} ms`) : null,
      r.background ? h('span', { class: 'tag' }, 'background') : null,
      h('span', { class: 'muted' }, time(r.created_at * 1000))),
    r.instructions ? h('div', { class: 'instructions' }, h('span', { class: 'kind' }, 'instructions'), h('pre', { class: 'text' }, r.instructions)) : null,
    h('div', { class: 'io' },
      h('div', { class: 'input' }, h('h3', {}, 'input'), items(node.input)),
      h('div', { class: 'output' }, h('h3', {}, 'output'), items(r.output),
        r.error ? h('pre', { class: 'error' }, JSON.stringify(r.error, null, 2)) : null)));
}

/** A run of turns, each with one child, shown one after the other; a fork starts one branch per child. */
function branch(id, byId, focus) {
  const out = [];
  let node = byId.get(id);
  while (node) {
    out.push(turn(node, focus));
    const kids = node.children.filter((c) => byId.has(c));
    if (kids.length === 1) {
      node = byId.get(kids[0]);
      continue;
    }
    if (kids.length > 1) {
      out.push(h('div', { class: 'fork' },
        h('div', { class: 'fork-label' }, `${kids.length} branches from ${shortId(node.id)}`),
        kids.map((k, i) => h('section', { class: 'branch', 'data-branch': i + 1 },
          h('div', { class: 'branch-label' }, `branch ${i + 1}`), branch(k, byId, focus)))));
    }
    break;
  }
  return out;
}

export async function chainView(root, id) {
  clear(root, h('p', { class: 'muted' }, 'Loading…'));
  const tree = await get(`/responses/${encodeURIComponent(id)}/chain`);
  const byId = new Map(tree.nodes.map((n) => [n.id, n]));
  const tops = tree.nodes.filter((n) => !n.parent || !byId.has(n.parent));
  clear(root,
    h('h1', {}, 'Chain ', h('code', { title: tree.root }, shortId(tree.root))),
    h('p', { class: 'muted' }, `tenant ${tree.tenant} · ${tree.nodes.length} turns · focus `, h('code', {}, tree.id)),
    h('div', { class: 'tree' }, tops.map((t) => branch(t.id, byId, tree.id))));
  document.getElementById(`turn-${tree.id}`)?.scrollIntoView({ block: 'nearest' });
}
