// Small inline SVG line charts: no library, one <svg> per figure.
const NS = 'http://www.w3.org/2000/svg';
const W = 320;
const H = 110;
const PAD = 4;

function svg(tag, attrs) {
  const el = document.createElementNS(NS, tag);
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, String(v));
  return el;
}

/** series: [{ values: [number|null], cls }], all the same length; returns an <svg>. */
export function lineChart(series, { max } = {}) {
  const root = svg('svg', { viewBox: `0 0 ${W} ${H}`, class: 'chart', role: 'img' });
  const all = series.flatMap((s) => s.values).filter((v) => v !== null && v !== undefined);
  const top = Math.max(max ?? 0, ...all, 1e-9) * (max ? 1 : 1.15);
  const n = Math.max(...series.map((s) => s.values.length), 2);
  root.append(svg('line', { x1: 0, y1: H - PAD, x2: W, y2: H - PAD, class: 'axis' }));
  for (const s of series) {
    let d = '';
    const known = (i) => s.values[i] !== null && s.values[i] !== undefined;
    s.values.forEach((v, i) => {
      if (!known(i)) return;
      const x = (i / (n - 1)) * W;
      const y = H - PAD - (v / top) * (H - 2 * PAD);
      d += `${d && known(i - 1) ? 'L' : 'M'}${x.toFixed(1)},${y.toFixed(1)} `;
      // A point with no known neighbour draws no line: show it as a dot.
      if (!known(i - 1) && !known(i + 1)) root.append(svg('circle', { cx: x, cy: y, r: 2.5, class: `dot ${s.cls || ''}` }));
    });
    if (d) root.append(svg('path', { d, class: `line ${s.cls || ''}` }));
  }
  return root;
}
