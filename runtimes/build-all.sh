#!/usr/bin/env bash
# Rebuilds every guest runtime artifact from Debian packages, then runtimes/manifest.json.
#   python/build.sh           CPython 3.11 WASI reactor + standard library zip (~12 min on 2 cores)
#   quickjs/build.sh          QuickJS WASI reactor (+ qjs-cli.wasm)
#   python/vendor-packages.sh pure-Python packages for /data/site-packages
#   python/zoneinfo.sh        tzdata for /usr/share/zoneinfo
#   write-manifest.sh         hashes, sizes, versions and licences
# Needs root (apt-get) on Debian bookworm. Re-runnable: each step reuses what $BUILD_ROOT already has.
# Options: --skip-python / --skip-quickjs leave those (slow) builds out and keep the committed binaries.
source "$(dirname "$0")/common.sh"

skip_python=0; skip_quickjs=0
for arg in "$@"; do
  case "$arg" in
    --skip-python) skip_python=1 ;;
    --skip-quickjs) skip_quickjs=1 ;;
    -h|--help) sed -n '2,9p' "$0"; exit 0 ;;
    *) echo "unknown option $arg" >&2; exit 2 ;;
  esac
done

step() { log "== $1"; local t=$SECONDS; "${@:2}"; log "== $1 done in $((SECONDS - t)) s"; }
[ "$skip_python" = 1 ] || step "python" "$RUNTIMES_DIR/python/build.sh"
[ "$skip_quickjs" = 1 ] || step "quickjs" "$RUNTIMES_DIR/quickjs/build.sh"
step "vendored packages" "$RUNTIMES_DIR/python/vendor-packages.sh"
step "zoneinfo" "$RUNTIMES_DIR/python/zoneinfo.sh"
step "manifest" "$RUNTIMES_DIR/write-manifest.sh" >/dev/null

python3 - "$RUNTIMES_DIR/manifest.json" <<'PY'
import json, sys
arts = json.load(open(sys.argv[1], encoding="utf-8"))["artifacts"]
print(f"{'file':<36} {'size':>11} {'files':>6}  sha256")
for a in arts:
    print(f"{a['path'].removeprefix('runtimes/'):<36} {a['size']:>11,} {a.get('files', ''):>6}  {a['sha256']}")
PY
