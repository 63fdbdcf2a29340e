// Stand-in for xk6-sse's "k6/x/sse": reads the whole stream through curl, then replays its events to
// the handlers in order (fine for checking the script's logic; it does not time tokens).
import { execFileSync } from "node:child_process";
import { sample } from "./metrics.mjs";

export default {
  open(url, params, setup) {
    const handlers = {};
    let closed = false;
    setup({
      on(event, fn) {
        handlers[event] = fn;
      },
      close() {
        closed = true;
      },
    });
    const args = ["-sSN", "-X", params.method || "GET", url, "-w", "\n%{http_code}"];
    for (const [k, v] of Object.entries(params.headers || {})) {
      args.push("-H", `${k}: ${v}`);
    }
    if (params.body) {
      args.push("--data-binary", "@-");
    }
    const out = execFileSync("curl", args, { input: params.body || "" }).toString();
    const cut = out.lastIndexOf("\n");
    const status = parseInt(out.slice(cut + 1), 10);
    sample("http_req_failed", status >= 400 ? 1 : 0, params.tags);
    if (handlers.open) {
      handlers.open();
    }
    for (const block of out.slice(0, cut).split("\n\n")) {
      if (closed) {
        break;
      }
      const event = { id: "", name: "", data: "" };
      for (const line of block.split("\n")) {
        if (line.startsWith("event: ")) {
          event.name = line.slice(7);
        } else if (line.startsWith("data: ")) {
          event.data += line.slice(6);
        }
      }
      if (event.data && handlers.event) {
        handlers.event(event);
      }
    }
    return { status };
  },
};
