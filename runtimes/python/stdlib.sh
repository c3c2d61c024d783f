#!/usr/bin/env bash
# Compiles the curated standard library to .pyc files in runtimes/python/lib/python3.11/ (mounted
# read-only in the guest at /usr/local/lib). Deterministic: unchecked-hash .pyc files, so a rebuild
# gives the same bytes. Run by build.sh. (Why a folder and not a zip: see pack_stdlib.py.)
source "$(dirname "$0")/../common.sh"
HERE="$RUNTIMES_DIR/python"
SRC="$BUILD_ROOT/cpython"
OUT="$BUILD_ROOT/cpython-wasi"
mkdir -p "$HERE/lib"
log "packing the standard library"
# sysconfig (and so zoneinfo) needs the generated _sysconfigdata module of the target build.
make -C "$OUT" pybuilddir.txt >/dev/null
# It records the build's own paths (CONFIG_ARGS, srcdir, …); those are replaced by a fixed one so that
# a rebuild in another folder gives the same bytes.
SYSCONFIGDATA="$BUILD_ROOT/sysconfig/_sysconfigdata__wasi_wasm32-wasi.py"
mkdir -p "$BUILD_ROOT/sysconfig"
sed "s|$BUILD_ROOT|/build|g" "$OUT/$(cat "$OUT/pybuilddir.txt")/_sysconfigdata__wasi_wasm32-wasi.py" > "$SYSCONFIGDATA"
/usr/bin/python3.11 "$HERE/pack_stdlib.py" "$SRC/Lib" "$HERE/lib/python3.11" "$HERE/_skwasm.py" "$HERE/sandbox_utils.py" "$SYSCONFIGDATA"
rm -f "$HERE/lib/python311.zip"
log "lib/python3.11: $(find "$HERE/lib/python3.11" -type f | wc -l) files, $(du -sb "$HERE/lib/python3.11" | cut -f1) bytes"
