#!/usr/bin/env bash
# Builds the benchmarks once (Release), measures every case, and prints one table ending with four summary lines.
#   bench/compare.sh            full run (about 2-4 minutes on 2 cores)
#   bench/compare.sh --quick    fewer iterations, 20 sessions instead of 100 (about 1 minute)
# Progress and per-case details go to stderr; the table goes to stdout.
# SKWASM_BENCH_TSV=path keeps the raw rows; SKWASM_BENCH_CACHE=dir moves the compiled-module cache
# (default ~/.cache/skwasm-bench; the empty-cache first-run case always uses fresh empty folders).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
project="$here/SkWasmPlugin.Benchmarks"
quick=()
if [[ "${1:-}" == "--quick" ]]; then quick=(--quick); fi

echo "building $project (Release)..." >&2
dotnet build -c Release "$project" -nologo -v quiet >&2
dll="$project/bin/Release/net10.0/SkWasmPlugin.Benchmarks.dll"

work="$(mktemp -d "${TMPDIR:-/tmp}/skwasm-compare.XXXXXX")"
trap 'rm -rf "$work"' EXIT
rows="$work/rows.tsv"
: > "$rows"

runs=30; cold=2; warm=5
if [[ ${#quick[@]} -gt 0 ]]; then runs=15; cold=1; warm=3; fi

dotnet "$dll" native --runs "$runs" --out "$rows"
dotnet "$dll" compare "${quick[@]}" --out "$rows"
# Realistic agent cells (bench/SkWasmPlugin.Benchmarks/Cells.cs) fresh, side by side with native python3 file.py.
cell_rounds=20; if [[ ${#quick[@]} -gt 0 ]]; then cell_rounds=6; fi
dotnet "$dll" cells --rounds "$cell_rounds" --out "$rows"
dotnet "$dll" first-run-all --cold "$cold" --warm "$warm" --out "$rows"
# The same program published ReadyToRun (how an app ships): first-run costs are mostly JIT and loading.
case "$(uname -m)" in aarch64|arm64) rid=linux-arm64 ;; *) rid=linux-x64 ;; esac
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

if [[ -n "${SKWASM_BENCH_TSV:-}" ]]; then cp "$rows" "$SKWASM_BENCH_TSV"; fi
dotnet "$dll" report --in "$rows"
