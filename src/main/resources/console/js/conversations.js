// Conversations that recent responses belong to, and one conversation's items.
import { get } from './api.js';
import { clear, h, time } from './dom.js';
import { items } from './items.js';

export async function conversationsView(root) {
  const page = await get('/conversations');
  const open = h('form', { class: 'filters', onsubmit: (e) => {
    e.preventDefault();
    location.hash = `#/conversations/${e.target.elements.id.value.trim()}`;
  } }, h('input', { name: 'id', placeholder: 'conv_… (open by id)', required: true }), h('button', { type: 'submit' }, 'Open'));
  const rows = page.data.map((c) => h('tr', {},
    h('td', {}, h('a', { href: `#/conversations/${c.id}`, class: 'id' }, c.id)),
    h('td', {}, c.tenant), h('td', { class: 'num' }, c.responses), h('td', {}, c.models.join(', ')),
    h('td', { class: 'muted' }, time(c.last_at))));
  clear(root, h('h1', {}, 'Conversations'), open,
    rows.length ? h('table', { class: 'list' },
      h('thead', {}, h('tr', {}, ['conversation', 'tenant', 'recent responses', 'models', 'latest'].map((t) => h('th', {}, t)))),
      h('tbody', {}, rows)) : h('p', { class: 'empty' }, 'No recent response belongs to a conversation.'));
}

export async function conversationView(root, id) {
  const c = await get(`/conversations/${encodeURIComponent(id)}`);
  const meta = Object.entries(c.conversation.metadata || {}).map(([k, v]) => `${k}=${v}`).join(', ');
  clear(root, h('h1', {}, 'Conversation ', h('code', {}, c.conversation.id)),
    h('p', { class: 'muted' }, `tenant ${c.tenant} · ${c.items.length} items · created ${time(c.conversation.created_at * 1000)}`,
      meta ? ` · ${meta}` : ''),
    h('div', { class: 'items' }, items(c.items)));
}
