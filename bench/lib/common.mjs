// Small helpers shared by the bench scripts (no npm packages).
export function args(defaults) {
  const out = { ...defaults };
  const argv = process.argv.slice(2);
  for (let i = 0; i < argv.length; i++) {
    if (!argv[i].startsWith("--")) throw new Error(`unexpected argument ${argv[i]}`);
    const key = argv[i].slice(2);
    if (!(key in defaults)) throw new Error(`unknown option --${key}`);
    out[key] = argv[++i];
  }
  return out;
}

/** The user message of turn n: about the size of a real follow-up question. */
export function turnInput(n) {
  return `Turn ${n}: thanks. Could you expand on the previous point and give one concrete example, keeping it short?`;
}

export function percentile(sorted, q) {
  if (sorted.length === 0) return null;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((q / 100) * sorted.length) - 1));
  return sorted[i];
}

export function median(values) {
  const v = values.filter(x => x !== null && x !== undefined && !Number.isNaN(x)).sort((x, y) => x - y);
  if (v.length === 0) return null;
  const m = v.length >> 1;
  return v.length % 2 ? v[m] : (v[m - 1] + v[m]) / 2;
}
