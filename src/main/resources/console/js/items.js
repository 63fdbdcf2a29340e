// Renders Responses API items (input and output) as a person reads them. Values are always set as text.
import { h } from './dom.js';

const pretty = (value) => {
  if (typeof value !== 'string') return JSON.stringify(value, null, 2);
  try { return JSON.stringify(JSON.parse(value), null, 2); } catch { return value; }
};

const block = (cls, text) => h('pre', { class: cls }, text ?? '');

function image(url) {
  const safe = typeof url === 'string' && (url.startsWith('data:image/') || url.startsWith('https://'));
  return safe ? h('img', { class: 'image', src: url, alt: 'input image' }) : h('span', { class: 'muted' }, '[image]');
}

function part(p) {
  switch (p.type) {
    case 'input_text':
    case 'output_text':
    case 'text':
      return block('text', p.text);
    case 'refusal':
      return block('text refusal', p.refusal);
    case 'input_image':
      return image(p.image_url);
    case 'input_file':
      return h('span', { class: 'file' }, `📎 ${p.filename || p.file_url || 'file'}`);
    default:
      return block('json', pretty(p));
  }
}

function content(c) {
  if (typeof c === 'string') return [block('text', c)];
  if (Array.isArray(c)) return c.map(part);
  return [];
}

const head = (kind, ...rest) => h('div', { class: 'item-head' }, h('span', { class: 'kind' }, kind), ...rest);

function render(item) {
  switch (item.type ?? (item.role ? 'message' : undefined)) {
    case 'message':
      return h('div', { class: `item message ${item.role}` }, head(item.role || 'message'), content(item.content));
    case 'function_call':
      return h('div', { class: 'item call' }, head('function call', h('code', {}, item.name), h('span', { class: 'muted' }, item.call_id)),
        block('json args', pretty(item.arguments)));
    case 'function_call_output':
      return h('div', { class: 'item call-output' }, head('function output', h('span', { class: 'muted' }, item.call_id)),
        block('json', pretty(item.output)));
    case 'reasoning': {
      const texts = [...(item.summary || []), ...(item.content || [])].map((p) => p.text).filter(Boolean);
      return h('div', { class: 'item reasoning' }, head('reasoning'), block('text', texts.join('\n\n') || '(encrypted)'));
    }
    case 'mcp_call':
      return h('div', { class: `item call mcp ${item.status || ''}` },
        head('MCP call', h('code', {}, `${item.server_label}.${item.name}`), item.error ? h('span', { class: 'error' }, 'failed') : null),
        block('json args', pretty(item.arguments)),
        item.output != null ? block('json', pretty(item.output)) : null,
        item.error ? block('json error', pretty(item.error)) : null);
    case 'mcp_list_tools':
      return h('div', { class: 'item mcp' }, head('MCP tools', h('code', {}, item.server_label)),
        h('div', { class: 'muted' }, (item.tools || []).map((t) => t.name).join(', ') || '(none)'));
    case 'mcp_approval_request':
      return h('div', { class: 'item mcp' }, head('MCP approval request', h('code', {}, `${item.server_label}.${item.name}`)),
        block('json args', pretty(item.arguments)));
    case 'mcp_approval_response':
      return h('div', { class: 'item mcp' }, head('MCP approval', item.approve ? 'approved' : 'refused'),
        item.reason ? block('text', item.reason) : null);
    default:
      return h('div', { class: 'item' }, head(item.type || 'item'), block('json', pretty(item)));
  }
}

export function items(list) {
  if (typeof list === 'string') return [render({ role: 'user', content: list })];
  return (list || []).map(render);
}
