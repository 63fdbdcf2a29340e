// Difference of two `redis-cli INFO all` dumps: commands by name (INFO itself left out), read events
// (each is one request/response exchange from a client: a round trip, or one pipelined batch), and
// bytes Redis sent (what Parley read). Prints JSON.
//   node redis-delta.mjs before.txt after.txt
import { readFileSync } from "node:fs";

function parse(file) {
  const info = { cmds: {} };
  for (const line of readFileSync(file, "utf8").split(/\r?\n/)) {
    const cmd = line.match(/^cmdstat_([^:]+):calls=(\d+)/);
    if (cmd) { info.cmds[cmd[1]] = Number(cmd[2]); continue; }
    const kv = line.match(/^(total_reads_processed|total_net_output_bytes|total_net_input_bytes):(\d+)/);
    if (kv) info[kv[1]] = Number(kv[2]);
  }
  return info;
}

const [before, after] = process.argv.slice(2).map(parse);
const byCmd = {};
let calls = 0;
for (const [name, n] of Object.entries(after.cmds)) {
  if (name === "info") continue;
  const d = n - (before.cmds[name] || 0);
  if (d > 0) { byCmd[name] = d; calls += d; }
}
console.log(JSON.stringify({
  calls, by_cmd: byCmd,
  reads: after.total_reads_processed - before.total_reads_processed,
  bytes_out: after.total_net_output_bytes - before.total_net_output_bytes,
  bytes_in: after.total_net_input_bytes - before.total_net_input_bytes,
}));
