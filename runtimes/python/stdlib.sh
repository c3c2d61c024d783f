#!/usr/bin/env bash
# Packs the curated standard library, compiled to .pyc, into runtimes/python/lib/python311.zip
# (mounted read-only in the guest at /usr/local/lib). Deterministic: fixed zip timestamps and
# unchecked-hash .pyc files, so a rebuild gives the same bytes. Run by build.sh.
source "$(dirname "$0")/../common.sh"
HERE="$RUNTIMES_DIR/python"
SRC="$BUILD_ROOT/cpython"
mkdir -p "$HERE/lib"
log "packing the standard library"
/usr/bin/python3.11 "$HERE/pack_stdlib.py" "$SRC/Lib" "$HERE/_skwasm.py" "$HERE/lib/python311.zip"
log "python311.zip: $(stat -c %s "$HERE/lib/python311.zip") bytes, sha256 $(sha256 "$HERE/lib/python311.zip")"
