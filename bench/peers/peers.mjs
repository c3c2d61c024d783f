// The JavaScript and Python sandboxes people already use in Node, timed the way the benchmark times ours
// (SkWasmPlugin.Benchmarks 'peers' mode runs this and puts both side by side):
//   quickjs-emscripten fresh: new runtime + new context (+ console.log) + eval "console.log(2+2)" + dispose
//   quickjs-emscripten warm:  eval "console.log(2+2)" in one existing context
//   Pyodide warm:             runPython("print(2+2)") in one loaded interpreter
//   Pyodide fresh:            loadPyodide() + runPython("print(2+2)") (few runs: about a second each)
// Every run's output must be "4". Prints one JSON object of samples in milliseconds on stdout.
//   node peers.mjs MODULES_DIR [--warm N] [--fresh N] [--pyodide-fresh N]
import { createRequire } from "node:module";
import path from "node:path";
import fs from "node:fs";

const args = process.argv.slice(2);
const dir = args[0];
if (!dir) {
  console.error("usage: node peers.mjs MODULES_DIR [--warm N] [--fresh N] [--pyodide-fresh N]");
  process.exit(2);
}
const opt = (name, fallback) => {
  const i = args.indexOf(name);
  return i >= 0 && i + 1 < args.length ? Number(args[i + 1]) : fallback;
};
const warmN = opt("--warm", 1000), freshN = opt("--fresh", 200), pyFreshN = opt("--pyodide-fresh", 3);
const require = createRequire(path.join(path.resolve(dir), "package.json"));
const log = (m) => console.error(`[peers] ${m}`);
const now = () => Number(process.hrtime.bigint()) / 1e6;
const check = (out, what) => {
  if (out !== "4") throw new Error(`${what} printed ${JSON.stringify(out)}, not 4`);
};

const { getQuickJS } = require("quickjs-emscripten");
const QuickJS = await getQuickJS(); // the WebAssembly module, compiled once (as our module cache is)

// console.log in a context, writing to the host like our sandbox's stdout.
function withConsole(ctx, sink) {
  const consoleObj = ctx.newObject();
  const logFn = ctx.newFunction("log", (...a) => {
    sink.push(a.map((h) => ctx.dump(h)).join(" "));
  });
  ctx.setProp(consoleObj, "log", logFn);
  ctx.setProp(ctx.global, "console", consoleObj);
  logFn.dispose();
  consoleObj.dispose();
}

function quickjsFresh() {
  const out = [];
  const t0 = now();
  const rt = QuickJS.newRuntime();
  const ctx = rt.newContext();
  withConsole(ctx, out);
  const r = ctx.evalCode("console.log(2+2)");
  if (r.error) { const e = ctx.dump(r.error); r.error.dispose(); throw new Error(JSON.stringify(e)); }
  r.value.dispose();
  ctx.dispose();
  rt.dispose();
  const ms = now() - t0;
  check(out.join("\n"), "quickjs fresh");
  return ms;
}

const samples = {};
const time = (name, n, warmup, f) => {
  for (let i = 0; i < warmup; i++) f();
  const s = [];
  for (let i = 0; i < n; i++) s.push(f());
  samples[name] = s;
  const sorted = [...s].sort((a, b) => a - b);
  log(`${name}: p50 ${sorted[Math.ceil(0.5 * sorted.length) - 1].toFixed(4)} ms (n=${n})`);
};

time("quickjs_fresh", freshN, Math.max(20, freshN / 4), quickjsFresh);

{
  const rt = QuickJS.newRuntime();
  const ctx = rt.newContext();
  const out = [];
  withConsole(ctx, out);
  time("quickjs_warm", warmN, Math.max(100, warmN / 10), () => {
    out.length = 0;
    const t0 = now();
    const r = ctx.evalCode("console.log(2+2)");
    if (r.error) { r.error.dispose(); throw new Error("quickjs warm eval failed"); }
    r.value.dispose();
    const ms = now() - t0;
    check(out.join("\n"), "quickjs warm");
    return ms;
  });
  ctx.dispose();
  rt.dispose();
}

const { loadPyodide } = require("pyodide");
let out = [];
const pyOptions = { stdout: (s) => out.push(s), stderr: (s) => log("pyodide stderr: " + s) };
{
  const fresh = [];
  for (let i = 0; pyFreshN > 0 && i < pyFreshN + 1; i++) {
    out = [];
    const t0 = now();
    const py = await loadPyodide(pyOptions);
    py.runPython("print(2+2)");
    const ms = now() - t0;
    check(out.join("\n"), "pyodide fresh");
    if (i > 0) fresh.push(ms); // the first also compiles the module: left out, as our cases run with a warm cache
  }
  samples.pyodide_fresh = fresh;
  if (fresh.length > 0) log(`pyodide_fresh: ${fresh.map((m) => m.toFixed(0)).join(", ")} ms`);
}
{
  const py = await loadPyodide(pyOptions);
  time("pyodide_warm", warmN, Math.max(100, warmN / 10), () => {
    out = [];
    const t0 = now();
    py.runPython("print(2+2)");
    const ms = now() - t0;
    check(out.join("\n"), "pyodide warm");
    return ms;
  });
}

const versionOf = (name) => JSON.parse(fs.readFileSync(path.join(path.resolve(dir), "node_modules", name, "package.json"), "utf8")).version;
samples.versions = { node: process.versions.node, "quickjs-emscripten": versionOf("quickjs-emscripten"), pyodide: versionOf("pyodide") };
process.stdout.write(JSON.stringify(samples) + "\n");
