#!/usr/bin/env bash
# Runs QuickJS's own tests (tests/ of the source package) with qjs-cli.wasm under Node's WASI and
# prints pass/fail per file and per test function. Needs node >= 20; builds first when needed.
# Script-mode files call their test functions at the bottom (`test_foo();`): those calls are
# replaced by a loop that runs each one on its own (awaiting async ones), so one failure does not
# hide the rest. Module files (import ...) count as one test each.
# The results and the cause of each failure are kept in FIDELITY.md.
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=../common.sh
source "$HERE/../common.sh"
SRC="$BUILD_ROOT/quickjs"
WASM="$HERE/qjs-cli.wasm"
[ -f "$WASM" ] && [ -d "$SRC/tests" ] || "$HERE/build.sh"

WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
cp -r "$SRC/tests" "$WORK/tests"

cat > "$WORK/run.js" <<'JS'
// node run.js WASM DIR ARGS...: run a WASI command with DIR preopened as the current directory
const { WASI } = require('node:wasi');
const fs = require('fs');
const [wasm, dir, ...args] = process.argv.slice(2);
const wasi = new WASI({ version: 'preview1', args: ['qjs-cli', ...args], env: {}, preopens: { '.': dir }, returnOnExit: true });
WebAssembly.compile(fs.readFileSync(wasm))
  .then((m) => WebAssembly.instantiate(m, wasi.getImportObject()))
  .then((inst) => { process.exitCode = wasi.start(inst); });
JS

FILES=(test_closure.js test_language.js test_loop.js test_bigint.js test_builtin.js
       test_cyclic_import.js test_std.js test_worker.js test_bjson.js)
total_pass=0; total_fail=0
for f in "${FILES[@]}"; do
  src="$WORK/tests/$f"
  [ -f "$src" ] || { echo "$f: missing"; continue; }
  if grep -q '^import' "$src"; then
    # module: one test, passes when the program exits 0
    set +e
    out="$(cd "$WORK" && timeout 300 node --no-warnings run.js "$WASM" "$WORK" --module "tests/$f" 2>&1)"
    rc=$?
    set -e
    if [ $rc = 0 ]; then echo "PASS $f (module)"; total_pass=$((total_pass + 1))
    else echo "FAIL $f (module): $(printf '%s' "$out" | head -n1)"; total_fail=$((total_fail + 1)); fi
    continue
  fi
  mapfile -t names < <(grep -E '^test[A-Za-z0-9_]*\(\);[[:space:]]*$' "$src" | sed 's/().*//')
  t="$WORK/tests/sk_$f"
  grep -vE '^test[A-Za-z0-9_]*\(\);[[:space:]]*$' "$src" > "$t"
  {
    printf '\n;(async () => {\n  let sk_p = 0, sk_f = 0;\n  for (const sk_n of ['
    for n in "${names[@]}"; do printf "'%s'," "$n"; done
    cat <<'JS'
]) {
    try {
      const r = globalThis[sk_n]();
      if (r && typeof r.then === 'function') await r;
      sk_p++;
      console.log('  ok   ' + sk_n);
    } catch (e) {
      sk_f++;
      const msg = e && e.name ? e.name + ': ' + e.message : String(e);
      const at = e && typeof e.stack === 'string' ? (e.stack.split('\n').find((l) => l.includes('sk_test_')) || '').trim() : '';
      console.log('  FAIL ' + sk_n + ': ' + msg.split('\n')[0] + (at ? ' [' + at.replace(/.*\((.*)\)$/, '$1') + ']' : ''));
    }
  }
  console.log('RESULT ' + sk_p + ' ' + sk_f);
})();
JS
  } >> "$t"
  set +e
  out="$(cd "$WORK" && timeout 300 node --no-warnings run.js "$WASM" "$WORK" "tests/sk_$f" 2>&1)"
  rc=$?
  set -e
  res="$(printf '%s\n' "$out" | grep '^RESULT ' | tail -n1 || true)"
  if [ -z "$res" ]; then
    echo "FAIL $f (did not finish, exit $rc): $(printf '%s' "$out" | grep -v '^  ' | head -n3 | tr '\n' ' ')"
    total_fail=$((total_fail + ${#names[@]}))
    continue
  fi
  read -r _ p fl <<<"$res"
  total_pass=$((total_pass + p)); total_fail=$((total_fail + fl))
  if [ "$fl" = 0 ] && [ $rc = 0 ]; then echo "PASS $f ($p/${#names[@]} test functions)"
  else echo "FAIL $f ($p/${#names[@]} test functions pass, exit $rc)"; fi
  printf '%s\n' "$out" | grep -E '^  (FAIL|ok)' || true
  printf '%s\n' "$out" | grep -vE '^  (FAIL|ok)|^RESULT ' | sed 's/^/  | /' | head -n 10 || true
done
echo "fidelity: $total_pass passed, $total_fail failed"
