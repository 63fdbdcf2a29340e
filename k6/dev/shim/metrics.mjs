// Stand-in for "k6/metrics": keeps every sample so the run can print a summary.
const series = new Map();

export function sample(name, value, tags = {}) {
  const key = tags.name ? `${name}{name:${tags.name}}` : name;
  if (!series.has(key)) {
    series.set(key, []);
  }
  series.get(key).push(value);
}

class Metric {
  constructor(name) {
    this.name = name;
  }

  add(value, tags) {
    sample(this.name, Number(value), tags);
  }
}

export class Trend extends Metric {}
export class Counter extends Metric {}
export class Rate extends Metric {}
export class Gauge extends Metric {}

export function report() {
  for (const [key, values] of series) {
    const sorted = [...values].sort((a, b) => a - b);
    const sum = values.reduce((a, b) => a + b, 0);
    console.log(`${key}: n=${values.length} sum=${sum.toFixed(1)} max=${sorted[sorted.length - 1].toFixed(1)}`);
  }
}
