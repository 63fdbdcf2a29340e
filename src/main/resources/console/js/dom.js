// Builds elements from data without ever parsing it as HTML: every value shown is set as text.
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value === null || value === undefined || value === false) continue;
    if (name.startsWith('on')) el.addEventListener(name.slice(2), value);
    else if (name === 'class') el.className = value;
    else el.setAttribute(name, value === true ? '' : String(value));
  }
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return el;
}

export function clear(el, ...children) {
  el.replaceChildren(...children.flat(Infinity).filter((c) => c !== null && c !== undefined && c !== false));
  return el;
}

export const shortId = (id) => (id ? `${id.slice(0, 9)}…${id.slice(-6)}` : '');

export const time = (ms) => (ms ? new Date(ms).toLocaleString() : '');

export const badge = (status) => h('span', { class: `badge ${status || 'unknown'}` }, status || '?');

export function tokens(n) {
  if (n === null || n === undefined) return '';
  return n >= 10000 ? `${(n / 1000).toFixed(1)}k` : String(n);
}
