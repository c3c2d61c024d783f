#!/usr/bin/env bash
# Runs a selection of CPython's own regression tests (Lib/test of the same python3.11 source package the
# runtime is built from) inside the sandbox, through the skwasm CLI, one session per test module, and
# writes runtimes/FIDELITY.md.
#
#   runtimes/fidelity.sh [MODULE...]      default: the modules in DEFAULT_MODULES
#
# Environment: SKWASM_CLI (a built skwasm; default: build src/SkWasmPlugin.Cli once), FIDELITY_FUEL,
# FIDELITY_TIMEOUT_MS, FIDELITY_MEMORY_MB, FIDELITY_NO_REPORT=1 (only run, keep FIDELITY.md).
# Results: $BUILD_ROOT/fidelity/results/<module>.part<i>.json (the guest's per-test records) and
# <module>.part<i>.cli.json (the CLI's result: outcome, fuel, duration).
source "$(dirname "$0")/common.sh"
REPO="$(cd "$RUNTIMES_DIR/.." && pwd)"
FID="$BUILD_ROOT/fidelity"
SCRIPTS="$RUNTIMES_DIR/python/fidelity"
LIB="$BUILD_ROOT/cpython/Lib"
FUEL="${FIDELITY_FUEL:-50000000000}"
TIMEOUT_MS="${FIDELITY_TIMEOUT_MS:-600000}"
MEMORY_MB="${FIDELITY_MEMORY_MB:-1024}"
DEFAULT_MODULES=(test_json test_re test_datetime test_decimal test_csv test_sqlite3 test_collections
  test_itertools test_statistics test_textwrap test_fractions test_math test_string)
# Test files each module needs besides Lib/test/__init__.py and Lib/test/support/.
declare -A FILES=(
  [test_datetime]="test_datetime.py datetimetester.py"
  [test_decimal]="test_decimal.py decimaltestdata"
  [test_math]="test_math.py math_testcases.txt cmath_testcases.txt ieee754.txt"
  [test_json]="test_json"
  [test_re]="test_re.py re_tests.py"
  [test_sqlite3]="test_sqlite3"
)
# Pure-Python standard modules the tests import that the compiled standard library leaves out on purpose would go into
# the workspace (/app, first on sys.path) instead of the zip; the selected modules need none.
EXTRA_STDLIB=()
# Modules that need more than the default fuel. The host caps one call at 50 G fuel, so a heavy module
# is cut into parts (contiguous slices of its tests, run one call each in the same session): a module whose run
# runs out of fuel or time is run again in twice as many parts, up to MAX_PARTS, by itself. PARTS_FOR only saves
# those first tries for modules known to be heavy.
MAX_PARTS="${FIDELITY_MAX_PARTS:-32}"
declare -A FUEL_FOR=()
declare -A PARTS_FOR=(
  [test_statistics]=8
  [test_pickle]=8
)
# python/fidelity/shims/<module>/ holds stand-ins copied into that module's workspace only.

modules=("$@")
[ ${#modules[@]} -gt 0 ] || modules=("${DEFAULT_MODULES[@]}")
[ -d "$LIB/test" ] || fetch_source python3.11 "$BUILD_ROOT/cpython"

# A private copy of the CLI whose guest/ folder is this runtimes/ folder, so the run measures the
# runtimes as they are here (and another build refreshing bin/ cannot change them mid-run).
CLI_DIR="$FID/cli"
if [ -z "${SKWASM_CLI:-}" ]; then
  built="$REPO/src/SkWasmPlugin.Cli/bin/Debug/net10.0"
  if [ ! -x "$built/skwasm" ]; then
    log "building the skwasm CLI"
    dotnet build "$REPO/src/SkWasmPlugin.Cli" -v q -nologo >/dev/null
  fi
  rm -rf "$CLI_DIR"; mkdir -p "$CLI_DIR"
  find "$built" -mindepth 1 -maxdepth 1 ! -name guest -exec cp -r {} "$CLI_DIR/" \;
  ln -sfn "$RUNTIMES_DIR" "$CLI_DIR/guest"
  SKWASM_CLI="$CLI_DIR/skwasm"
fi
STORE="$FID/store"
mkdir -p "$FID/results"

for m in "${modules[@]}"; do
  session="fid-${m//_/-}"
  rm -rf "${STORE:?}/$session"
  log "$m: creating session $session"
  "$SKWASM_CLI" run --code "pass" -l py --session "$session" --store "$STORE" >/dev/null 2>&1
  ws="$STORE/$session/workspace"
  mkdir -p "$ws/test"
  cp "$LIB/test/__init__.py" "$ws/test/"
  cp -r "$LIB/test/support" "$ws/test/"
  default="$m.py"; [ -e "$LIB/test/$default" ] || default="$m"   # a module of one file, or a package (test_tomllib/)
  for f in ${FILES[$m]:-$default}; do cp -r "$LIB/test/$f" "$ws/test/"; done
  # Test modules these import (test.test_dbm for test_shelve, test.pickletester for test_pickle, …), transitively.
  /usr/bin/python3 - "$LIB/test" "$ws/test" <<'PY'
import os, re, shutil, sys
src, dst = sys.argv[1:]
pattern = re.compile(r"^\s*(?:from\s+test(?:\.(\w+))?\s+import\s+([\w, ()]+)|import\s+test\.(\w+))", re.M)
pending = [os.path.join(root, f) for root, _, files in os.walk(dst) for f in files if f.endswith(".py")]
while pending:
    text = open(pending.pop(), encoding="utf-8", errors="replace").read()
    for sub, names, plain in pattern.findall(text):
        candidates = [sub or plain] if (sub or plain) else [n.strip() for n in names.replace("(", "").replace(")", "").split(",")]
        for name in candidates:
            if not name or name == "support":
                continue
            for found in (os.path.join(src, name + ".py"), os.path.join(src, name)):
                target = os.path.join(dst, os.path.basename(found))
                if os.path.exists(found) and not os.path.exists(target):
                    (shutil.copytree if os.path.isdir(found) else shutil.copy)(found, target)
                    pending += [target] if target.endswith(".py") else [os.path.join(r, f) for r, _, fs in os.walk(target) for f in fs if f.endswith(".py")]
PY
  # Data files and folders of Lib/test the copied tests name in a string literal ('data', 'test_difflib_expect.html',
  # 'decimaltestdata', …), at most 64 MB in all.
  /usr/bin/python3 - "$LIB/test" "$ws/test" <<'PY'
import ast, os, shutil, sys
src, dst = sys.argv[1:]
entries = {e for e in os.listdir(src) if not e.endswith(".py") and e not in ("__pycache__", "support", "libregrtest")}
named = set()
for root, _, files in os.walk(dst):
    for f in files:
        if f.endswith(".py"):
            try:
                tree = ast.parse(open(os.path.join(root, f), encoding="utf-8", errors="replace").read())
            except SyntaxError:
                continue
            named |= {n.value for n in ast.walk(tree) if isinstance(n, ast.Constant) and isinstance(n.value, str) and n.value in entries}
def size(path):
    return os.path.getsize(path) if os.path.isfile(path) else sum(os.path.getsize(os.path.join(r, f)) for r, _, fs in os.walk(path) for f in fs)
budget = 64 * 1024 * 1024
for name in sorted(named):
    found, target = os.path.join(src, name), os.path.join(dst, name)
    if os.path.exists(target) or size(found) > budget:
        continue
    budget -= size(found)
    (shutil.copytree if os.path.isdir(found) else shutil.copy)(found, target)
PY
  for f in "${EXTRA_STDLIB[@]}"; do cp -r "$LIB/$f" "$ws/"; done
  [ -d "$SCRIPTS/shims/$m" ] && cp -r "$SCRIPTS/shims/$m/." "$ws/"
  fuel="${FUEL_FOR[$m]:-$FUEL}"
  find "$ws" -name __pycache__ -prune -exec rm -rf {} +
  parts="${PARTS_FOR[$m]:-1}"
  while :; do
  rm -f "$FID/results/$m".*
  starved=0
  for ((part = 0; part < parts; part++)); do
    tag="$m.part$part"
    { echo "MODULE = \"test.$m\"; PART = $part; PARTS = $parts"; cat "$SCRIPTS/driver.py"; } > "$FID/driver-$tag.py"
    log "$m: part $((part + 1))/$parts (fuel $fuel, timeout $TIMEOUT_MS ms, memory $MEMORY_MB MB)"
    start=$SECONDS
    set +e
    "$SKWASM_CLI" run "$FID/driver-$tag.py" --session "$session" --store "$STORE" --fuel "$fuel" \
      --timeout-ms "$TIMEOUT_MS" --memory-mb "$MEMORY_MB" --json > "$FID/results/$tag.cli.json" 2> "$FID/results/$tag.cli.err"
    rc=$?
    set -e
    [ -f "$ws/fidelity-result-$part.json" ] && mv "$ws/fidelity-result-$part.json" "$FID/results/$tag.json"
    python3 - "$FID/results/$tag.cli.json" "$rc" "$((SECONDS - start))" <<'PY'
import json, sys
try:
    r = json.load(open(sys.argv[1], encoding="utf-8"))
    print(f"  exit {sys.argv[2]}, {sys.argv[3]} s, outcome {r.get('outcome')}, fuel {r.get('fuelConsumed'):,}: {r.get('stdout', '').strip()[-300:]}")
except Exception as e:
    print(f"  exit {sys.argv[2]}, no JSON result ({e})")
PY
    grep -qE '"outcome": *"(fuelExhausted|timedOut)"' "$FID/results/$tag.cli.json" 2>/dev/null && starved=1
  done
  # The parts run again in the same session: a slice imports its module afresh, and nothing else it ran is kept.
  if [ "$starved" = 1 ] && [ "$parts" -lt "$MAX_PARTS" ]; then
    parts=$((parts * 2))
    log "$m: a part ran out of fuel or time; again in $parts parts"
    continue
  fi
  break
  done
  # The same driver on the build machine's native python3.11 (Debian's 3.11.2, same sources), for the
  # skip counts a native run has; it writes nothing into the sandbox's results.
  if [ -x /usr/bin/python3.11 ]; then
    { echo "MODULE = \"test.$m\"; PART = 0; PARTS = 1"; cat "$SCRIPTS/driver.py"; } | sed "s|/app|$ws|g" > "$FID/native-$m.py"
    (cd "$ws" && timeout 600 /usr/bin/python3.11 -I -B "$FID/native-$m.py" >/dev/null 2>&1) || true
    [ -f "$ws/fidelity-result-0.json" ] && mv "$ws/fidelity-result-0.json" "$FID/results/$m.native.json"
  fi
done

if [ ${#@} -eq 0 ] || [ "${FIDELITY_HI:-0}" = 1 ]; then
  log "start-up: print('hi') on a fresh call, 5 runs"
  for i in 0 1 2 3 4; do
    "$SKWASM_CLI" run --code "print('hi')" -l py --json > "$FID/results/hi.$i.json"
    python3 -c "import json,sys; r=json.load(open(sys.argv[1])); print('  fuel', r['fuelConsumed'], 'durationMs', r['durationMs'])" "$FID/results/hi.$i.json"
  done
fi

if [ "${FIDELITY_NO_REPORT:-0}" != 1 ]; then
  # The modules of this run (the default list when none were named).
  python3 "$SCRIPTS/report.py" "$FID/results" "$RUNTIMES_DIR/FIDELITY.md" "$SKWASM_CLI" "${modules[@]}"
fi
