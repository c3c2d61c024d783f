#!/usr/bin/env bash
# Runs every agent-style program here twice, natively (Debian's /usr/bin/python3.11 with the same Debian packages
# the sandbox vendors) and in the sandbox (`skwasm run`, stateless, default limits), and compares their stdout.
# Programs headed "# expect-error: MODULE" need a library the sandbox does not have: they pass when the sandbox
# fails with guidance that names an alternative. Prints one line per program and "N passed, N failed".
# usage: tests/agent-corpus/compare.sh [--no-install] [PROGRAM.py ...]
set -uo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(cd "$HERE/../.." && pwd)"
INSTALL=1
[ "${1:-}" = "--no-install" ] && { INSTALL=0; shift; }
PROGRAMS=("$@")
[ ${#PROGRAMS[@]} -gt 0 ] || mapfile -t PROGRAMS < <(ls "$HERE"/*.py)

if [ "$INSTALL" = 1 ]; then
  # The native side gets the Debian packages the sandbox vendors (runtimes/python/vendor-packages.sh).
  mapfile -t DEBS < <(sed -n 's/^  "\(python3-[^|+]*\).*/\1/p' "$REPO/runtimes/python/vendor-packages.sh")
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3.11 "${DEBS[@]}" >/dev/null 2>&1 \
    || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3.11 "${DEBS[@]}" >/dev/null; }
fi
dotnet build "$REPO/src/SkWasmPlugin.Cli" -v q -nologo >/dev/null || exit 1
SKWASM="$REPO/src/SkWasmPlugin.Cli/bin/Debug/net10.0/skwasm"
export SKWASM_HOME="$(mktemp -d)"

pass=0 fail=0
for prog in "${PROGRAMS[@]}"; do
  name="$(basename "$prog")"
  work="$(mktemp -d)"
  expect="$(sed -n 's/^# expect-error: *//p' "$prog" | head -n1)"
  native="$(cd "$work" && timeout 120 /usr/bin/python3.11 "$prog" 2>/dev/null)"
  json="$("$SKWASM" run --json "$prog" 2>/dev/null)"
  sandbox="$(printf '%s' "$json" | python3 -c 'import json,sys; print(json.load(sys.stdin)["stdout"], end="")' 2>/dev/null)"
  outcome="$(printf '%s' "$json" | python3 -c 'import json,sys; r=json.load(sys.stdin); g=r.get("guidance") or {}; print(r["outcome"], g.get("errorType",""), "|", g.get("fix",""))' 2>/dev/null)"
  if [ -n "$expect" ]; then
    if [[ "$outcome" == error* ]] && [[ "$outcome" == *"MissingPackage"* ]]; then
      pass=$((pass + 1)); echo "pass  $name (clear error: ${outcome#*| })"
    else
      fail=$((fail + 1)); echo "FAIL  $name: expected a clear error for $expect, got: $outcome"
    fi
  elif [ "$native" == "$sandbox" ] && [ -n "$native" ]; then
    pass=$((pass + 1)); echo "pass  $name"
  else
    fail=$((fail + 1)); echo "FAIL  $name ($outcome)"
    diff <(printf '%s\n' "$native") <(printf '%s\n' "$sandbox") | head -n 8 | sed 's/^/      /'
  fi
  rm -rf "$work"
done
rm -rf "$SKWASM_HOME"
echo "agent-corpus: $pass passed, $fail failed"
[ "$fail" = 0 ]
