#!/usr/bin/env bash
# Packs the curated standard library, compiled to .pyc, into runtimes/python/lib/python311.zip
# (mounted read-only in the guest at /usr/local/lib). Deterministic: fixed zip timestamps and
# unchecked-hash .pyc files, so a rebuild gives the same bytes. Run by build.sh.
source "$(dirname "$0")/../common.sh"
HERE="$RUNTIMES_DIR/python"
SRC="$BUILD_ROOT/cpython"
OUT="$BUILD_ROOT/cpython-wasi"
mkdir -p "$HERE/lib"
log "packing the standard library"
# sysconfig (and so zoneinfo) needs the generated _sysconfigdata module of the target build.
make -C "$OUT" pybuilddir.txt >/dev/null
SYSCONFIGDATA="$OUT/$(cat "$OUT/pybuilddir.txt")/_sysconfigdata__wasi_wasm32-wasi.py"
/usr/bin/python3.11 "$HERE/pack_stdlib.py" "$SRC/Lib" "$HERE/lib/python311.zip" "$HERE/_skwasm.py" "$HERE/sandbox_utils.py" "$SYSCONFIGDATA"
log "python311.zip: $(stat -c %s "$HERE/lib/python311.zip") bytes, sha256 $(sha256 "$HERE/lib/python311.zip")"
