// Stand-in for the "k6" module: check() counts passes and failures per name.
const results = new Map();

export function check(value, checks) {
  let all = true;
  for (const [name, fn] of Object.entries(checks)) {
    let ok = false;
    try {
      ok = Boolean(fn(value));
    } catch (e) {
      ok = false;
    }
    const r = results.get(name) || { pass: 0, fail: 0 };
    ok ? r.pass++ : r.fail++;
    results.set(name, r);
    all = all && ok;
  }
  return all;
}

export function sleep() {}

export function group(name, fn) {
  return fn();
}

export function report() {
  let failed = false;
  for (const [name, r] of results) {
    console.log(`${r.fail === 0 ? "✓" : "✗"} ${name}: ${r.pass} passed, ${r.fail} failed`);
    failed = failed || r.fail > 0;
  }
  return failed;
}
