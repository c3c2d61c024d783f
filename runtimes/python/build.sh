#!/usr/bin/env bash
# Builds CPython (Debian's python3.11 source package) as a WASI reactor with our embedding shim
# (shim.c, runtime helper _skwasm.py), plus the curated standard library zip.
# Output: runtimes/python/python.wasm, runtimes/python/lib/python3.11/ (the compiled standard library). Re-runnable; ~12 min on 2 cores.
source "$(dirname "$0")/../common.sh"
ensure_toolchain
HERE="$RUNTIMES_DIR/python"
"$HERE/build-deps.sh"

DEPS="$BUILD_ROOT/deps"
SRC="$BUILD_ROOT/cpython"
OUT="$BUILD_ROOT/cpython-wasi"
fetch_source python3.11 "$SRC"
PYVER=$(source_version python3.11)
BUILD_PYTHON=/usr/bin/python3.11   # cross builds need a native interpreter of the same minor version
[ -x "$BUILD_PYTHON" ] || { apt-get install -y -qq python3.11 >/dev/null; }

mkdir -p "$OUT"
if [ ! -f "$OUT/Makefile" ]; then
  log "configuring CPython $PYVER for wasm32-wasi"
  (
    cd "$OUT"
    # Without the empty pkg-config paths configure finds the host's zlib/lzma and the build fails.
    # The source path is relative: configure bakes it into the binary (VPATH), so an absolute one would
    # make the bytes depend on where the build ran.
    CONFIG_SITE="$SRC/Tools/wasm/config.site-wasm32-wasi" \
    PKG_CONFIG_LIBDIR=/nonexistent PKG_CONFIG_PATH= \
    CC="$WASM_CC" CPP="$WASM_CC -E" AR=llvm-ar-19 RANLIB=llvm-ranlib-19 \
    CFLAGS="-O2 -Wno-int-conversion -ffile-prefix-map=$BUILD_ROOT=. -D_WASI_EMULATED_SIGNAL -D_WASI_EMULATED_GETPID -D_WASI_EMULATED_PROCESS_CLOCKS" \
    CPPFLAGS="-I$DEPS/include" LDFLAGS="-L$DEPS/lib" \
    LIBS="-lwasi-emulated-signal -lwasi-emulated-getpid -lwasi-emulated-process-clocks" \
    ZLIB_CFLAGS="-I$DEPS/include" ZLIB_LIBS="-lz" \
    BZIP2_CFLAGS="-I$DEPS/include" BZIP2_LIBS="-lbz2" \
    LIBLZMA_CFLAGS="-I$DEPS/include" LIBLZMA_LIBS="-llzma" \
    LIBSQLITE3_CFLAGS="-I$DEPS/include" LIBSQLITE3_LIBS="-lsqlite3" \
    "../$(basename "$SRC")/configure" --host=wasm32-unknown-wasi --build="$("$SRC/config.guess")" \
      --with-build-python="$BUILD_PYTHON" --disable-ipv6 --disable-test-modules \
      --without-ensurepip --with-pymalloc --prefix=/usr/local > "$OUT/configure.log"
  )
fi
log "compiling CPython (make -j2)"
make -C "$OUT" -j2 libpython3.11.a > "$OUT/make.log" 2>&1 || { tail -40 "$OUT/make.log"; exit 1; }
"$HERE/link.sh"
"$HERE/stdlib.sh"
