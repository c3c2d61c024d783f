#!/usr/bin/env bash
# Links libpython3.11.a with our shim into the reactor runtimes/python/python.wasm. Run by build.sh.
source "$(dirname "$0")/../common.sh"
HERE="$RUNTIMES_DIR/python"
OUT="$BUILD_ROOT/cpython-wasi"
SRC="$BUILD_ROOT/cpython"
DEPS="$BUILD_ROOT/deps"
log "linking python.wasm (reactor)"
$WASM_CC -O2 -ffile-prefix-map="$RUNTIMES_DIR=." -I"$OUT" -I"$SRC/Include" -c "$HERE/shim.c" -o "$OUT/shim.o"
# 1 MiB C stack placed first, so an overflow traps instead of overwriting the heap.
$WASM_CC -mexec-model=reactor -z stack-size=1048576 -Wl,--stack-first \
  -Wl,--initial-memory=16777216 -Wl,--export=__stack_pointer \
  "$OUT/shim.o" "$OUT/libpython3.11.a" \
  "$OUT/Modules/_decimal/libmpdec/libmpdec.a" "$OUT/Modules/expat/libexpat.a" \
  -L"$DEPS/lib" -lz -lbz2 -llzma -lsqlite3 \
  -lwasi-emulated-signal -lwasi-emulated-getpid -lwasi-emulated-process-clocks -lm \
  -o "$OUT/python-reactor.wasm"
llvm-strip-19 -o "$HERE/python.wasm" "$OUT/python-reactor.wasm"
log "python.wasm: $(stat -c %s "$HERE/python.wasm") bytes, sha256 $(sha256 "$HERE/python.wasm")"
