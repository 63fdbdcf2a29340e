// Module hooks: k6's built-in module names resolve to the stand-ins in shim/, and the k6 scripts
// (plain .js files) load as ES modules.
import { fileURLToPath, pathToFileURL } from "node:url";
import path from "node:path";

const here = path.dirname(fileURLToPath(import.meta.url));
const SHIMS = {
  "k6": "k6.mjs",
  "k6/http": "http.mjs",
  "k6/metrics": "metrics.mjs",
  "k6/x/sse": "sse.mjs",
};

export async function resolve(specifier, context, next) {
  if (SHIMS[specifier]) {
    return { url: pathToFileURL(path.join(here, "shim", SHIMS[specifier])).href, shortCircuit: true };
  }
  return next(specifier, context);
}

export async function load(url, context, next) {
  if (url.startsWith("file:") && url.endsWith(".js") && fileURLToPath(url).includes(`${path.sep}k6${path.sep}`)) {
    return next(url, { ...context, format: "module" });
  }
  return next(url, context);
}
