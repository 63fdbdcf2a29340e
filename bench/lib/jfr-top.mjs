// Summarises the CPU samples of a JFR recording (jdk.ExecutionSample): the hottest methods by self time
// and by total time (each method counted once per sample it appears in), and the hottest Parley methods.
//   node jfr-top.mjs recording.jfr [top]
import { spawn } from "node:child_process";
import { createInterface } from "node:readline";

const [file, topArg] = process.argv.slice(2);
const top = Number(topArg || 25);
const jfr = spawn("jfr", ["print", "--events", "jdk.ExecutionSample", "--stack-depth", "96", file]);
const lines = createInterface({ input: jfr.stdout });
const self = new Map(), total = new Map(), parleySelf = new Map(), threads = new Map();
let samples = 0, frames = null, thread = "";
const bump = (m, k) => m.set(k, (m.get(k) || 0) + 1);

lines.on("line", (line) => {
  const t = line.match(/^\s*sampledThread = "([^"]*)"/);
  if (t) { thread = t[1].replace(/\d+$/, "N"); return; }
  if (/^\s*stackTrace = \[/.test(line)) { frames = []; return; }
  if (frames && /^\s*\]/.test(line)) {
    samples++;
    bump(threads, thread);
    if (frames.length) bump(self, frames[0]);
    for (const f of new Set(frames)) bump(total, f);
    const mine = frames.find(f => f.startsWith("io.parley."));
    if (mine) bump(parleySelf, mine);
    frames = null;
    return;
  }
  if (frames) {
    const f = line.trim().replace(/\s+line:.*$/, "").replace(/\(.*\)$/, "");
    if (f && f !== "...") frames.push(f);
  }
});

lines.on("close", () => {
  const show = (title, m) => {
    console.log(`\n${title}`);
    [...m.entries()].sort((a, b) => b[1] - a[1]).slice(0, top)
      .forEach(([k, v]) => console.log(`${(100 * v / samples).toFixed(1).padStart(6)}%  ${k}`));
  };
  console.log(`${file}: ${samples} CPU samples`);
  show("by thread", threads);
  show("self time (top frame)", self);
  show("total time (method anywhere on the stack)", total);
  show("nearest Parley frame (where in Parley the time is spent, callees included)", parleySelf);
});
