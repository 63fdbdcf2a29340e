// Live gateway figures from /admin/v1/stats, redrawn every interval as small SVG charts.
import { get } from './api.js';
import { clear, h } from './dom.js';
import { lineChart } from './charts.js';

const FIGURES = [
  { title: 'requests / s', series: [['requests_per_s', 'a']] },
  { title: 'latency p50 / p99 (ms)', series: [['p50_ms', 'a'], ['p99_ms', 'b']] },
  { title: 'active streams', series: [['active_streams', 'a']] },
  { title: 'context-cache hit ratio', series: [['cache_hit_ratio', 'a']], max: 1 },
  { title: 'affinity moves', series: [['affinity_moves', 'b']] },
  { title: 'errors / s', series: [['errors_per_s', 'err']] },
];

const last = (points, key) => {
  for (let i = points.length - 1; i >= 0; i--) if (points[i][key] != null) return points[i][key];
  return null;
};

function draw(grid, stats) {
  const points = stats.points;
  clear(grid, FIGURES.map((f) => h('figure', { class: 'figure', 'data-figure': f.series[0][0] },
    h('figcaption', {}, f.title, h('span', { class: 'now' },
      f.series.map(([key]) => last(points, key) ?? '–').join(' / '))),
    lineChart(f.series.map(([key, cls]) => ({ values: points.map((p) => p[key]), cls })), { max: f.max }))));
}

export async function liveView(root, signal) {
  const grid = h('div', { class: 'figures' });
  const note = h('p', { class: 'muted' });
  clear(root, h('h1', {}, 'Live'), note, grid);
  while (!signal.aborted) {
    const stats = await get('/stats');
    note.textContent = `${stats.points.length} points, one every ${stats.interval_ms / 1000} s (this replica)`;
    draw(grid, stats);
    await new Promise((resolve) => setTimeout(resolve, stats.interval_ms));
  }
}
