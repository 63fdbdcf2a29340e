// Summarises an async-profiler collapsed-stack file (one "frame;frame;... count" line per stack): where the
// CPU went by component (the leaf frame's package, or the kernel/libc for system calls), the hottest leaf
// frames, and the hottest Parley frames inclusive of what they call. Prints Markdown.
//   node profile-top.mjs FILE.collapsed "title"
import { readFileSync } from "node:fs";

const [file, title = file] = process.argv.slice(2);
const lines = readFileSync(file, "utf8").split("\n").filter(Boolean);
const COMPONENTS = [
  ["Parley", /^io\/parley\//],
  ["logging (logback, logstash encoder)", /^(ch\/qos\/logback|net\/logstash)\//],
  ["Jackson", /^com\/fasterxml\//],
  ["Vert.x", /^io\/vertx\//],
  ["Netty", /^io\/netty\//],
  ["Caffeine", /^com\/github\/benmanes\//],
  ["JDK", /^(java|javax|jdk|sun)\//],
  ["JVM (compiler, GC, runtime, generated stubs)", /^(Compile|C2|C1|G1|Serial|Parallel|Interpreter|[A-Z][A-Za-z]*::)|stub|arraycopy|_fill$|^Stub|^I2C|^C2I/],
];
const component = (leaf) => {
  for (const [name, re] of COMPONENTS) if (re.test(leaf)) return name;
  // No package: native code, mostly the system calls of socket I/O and what the kernel does under them.
  return leaf.includes("/") ? "other Java" : "kernel and libc (socket I/O, epoll)";
};
let total = 0;
const byComponent = new Map(), self = new Map(), parley = new Map(), threads = new Map();
for (const l of lines) {
  const i = l.lastIndexOf(" ");
  const n = Number(l.slice(i + 1)), frames = l.slice(0, i).split(";");
  total += n;
  const leaf = frames[frames.length - 1];
  const c = component(leaf);
  byComponent.set(c, (byComponent.get(c) || 0) + n);
  self.set(leaf, (self.get(leaf) || 0) + n);
  const thread = frames[0].startsWith("[") ? frames[0].replace(/ tid=\d+\]$/, "]").replace(/-\d+\]$/, "-N]") : "(thread not recorded)";
  threads.set(thread, (threads.get(thread) || 0) + n);
  for (const f of new Set(frames.filter(f => f.startsWith("io/parley/") && !f.includes("$$Lambda")))) parley.set(f, (parley.get(f) || 0) + n);
}
const pct = (n) => `${(100 * n / total).toFixed(1)} %`;
const top = (m, k) => [...m].sort((a, b) => b[1] - a[1]).slice(0, k);
const out = [`# ${title}`, "", `${total} samples.`, "", "## By component (leaf frame)", "", "| component | share of CPU samples |", "|---|---|"];
for (const [c, n] of top(byComponent, 20)) out.push(`| ${c} | ${pct(n)} |`);
out.push("", "## By thread", "", "| thread | share |", "|---|---|");
for (const [t, n] of top(threads, 6)) out.push(`| ${t} | ${pct(n)} |`);
out.push("", "## Hottest leaf frames", "", "| frame | self |", "|---|---|");
for (const [f, n] of top(self, 25)) out.push(`| \`${f}\` | ${pct(n)} |`);
out.push("", "## Parley frames, inclusive of what they call", "", "| frame | inclusive |", "|---|---|");
for (const [f, n] of top(parley, 25)) out.push(`| \`${f}\` | ${pct(n)} |`);
console.log(out.join("\n"));
