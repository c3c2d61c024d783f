#!/usr/bin/env bash
# Builds zlib, bzip2, liblzma and sqlite3 as static wasm32-wasi libraries for CPython's extension modules,
# from Debian's source packages. Output: $BUILD_ROOT/deps/{include,lib}. Re-runnable.
source "$(dirname "$0")/../common.sh"
ensure_toolchain

DEPS="$BUILD_ROOT/deps"
mkdir -p "$DEPS/include" "$DEPS/lib"
CFLAGS_WASM="-O2 -ffile-prefix-map=$BUILD_ROOT=. -D_WASI_EMULATED_SIGNAL -D_WASI_EMULATED_PROCESS_CLOCKS"
AR=llvm-ar-19

# compile_static NAME SRCDIR FILES...: compile C files into lib$NAME.a
compile_static() {
  local name="$1" src="$2"; shift 2
  local obj="$BUILD_ROOT/obj-$name"
  rm -rf "$obj"; mkdir -p "$obj"
  for f in "$@"; do
    $WASM_CC $CFLAGS_WASM ${EXTRA_CFLAGS:-} -I"$src" -c "$src/$f" -o "$obj/$(basename "${f%.c}").o"
  done
  rm -f "$DEPS/lib/lib$name.a"
  $AR rcsD "$DEPS/lib/lib$name.a" "$obj"/*.o
}

if [ ! -f "$DEPS/lib/libz.a" ]; then
  log "zlib $(source_version zlib)"
  fetch_source zlib "$BUILD_ROOT/zlib"
  ZSRC="$BUILD_ROOT/zlib"
  EXTRA_CFLAGS="-DHAVE_UNISTD_H -DHAVE_STDARG_H" compile_static z "$ZSRC" \
    adler32.c crc32.c deflate.c infback.c inffast.c inflate.c inftrees.c trees.c zutil.c \
    compress.c uncompr.c gzclose.c gzlib.c gzread.c gzwrite.c
  cp "$ZSRC/zlib.h" "$ZSRC/zconf.h" "$DEPS/include/"
fi

if [ ! -f "$DEPS/lib/libbz2.a" ]; then
  log "bzip2 $(source_version bzip2)"
  fetch_source bzip2 "$BUILD_ROOT/bzip2"
  compile_static bz2 "$BUILD_ROOT/bzip2" \
    blocksort.c huffman.c crctable.c randtable.c compress.c decompress.c bzlib.c
  cp "$BUILD_ROOT/bzip2/bzlib.h" "$DEPS/include/"
fi

if [ ! -f "$DEPS/lib/liblzma.a" ]; then
  log "xz-utils $(source_version xz-utils)"
  fetch_source xz-utils "$BUILD_ROOT/xz"
  (
    cd "$BUILD_ROOT/xz"
    # WASI has no threads: force mythread.h onto its single-threaded branch.
    # WASI has no threads and no signal masks: drop the sigprocmask helper (unused without threads).
    sed -i 's/^#if !(defined(_WIN32) \&\& !defined(__CYGWIN__))$/#if !defined(__wasi__) \&\& !(defined(_WIN32) \&\& !defined(__CYGWIN__))/' src/common/mythread.h
    [ -f Makefile ] || CC="$WASM_CC" CFLAGS="$CFLAGS_WASM" AR=$AR RANLIB=llvm-ranlib-19 ./configure \
      --host=wasm32-unknown-wasi --build="$(./build-aux/config.guess)" \
      --disable-shared --enable-static --disable-threads --disable-xz --disable-xzdec \
      --disable-lzmadec --disable-lzmainfo --disable-scripts --disable-doc --disable-nls \
      --disable-lzma-links >/dev/null
    make -C src/liblzma -j2 >/dev/null
  )
  cp "$BUILD_ROOT/xz/src/liblzma/.libs/liblzma.a" "$DEPS/lib/"
  cp -r "$BUILD_ROOT/xz/src/liblzma/api/lzma.h" "$BUILD_ROOT/xz/src/liblzma/api/lzma" "$DEPS/include/"
fi

if [ ! -f "$DEPS/lib/libsqlite3.a" ]; then
  # 3.41+ knows WASI (no fcntl locks); bookworm has 3.40, so take trixie's.
  fetch_source sqlite3/trixie "$BUILD_ROOT/sqlite3"
  (
    cd "$BUILD_ROOT/sqlite3"
    # The amalgamation is generated with tclsh on the build machine; only sqlite3.c is cross-compiled.
    [ -f Makefile ] || ./configure >/dev/null
    make sqlite3.c >/dev/null
  )
  EXTRA_CFLAGS="-DSQLITE_OMIT_LOAD_EXTENSION -DSQLITE_THREADSAFE=0 -DSQLITE_OMIT_WAL -DSQLITE_OMIT_RANDOMNESS=0 -DSQLITE_DEFAULT_MEMSTATUS=0" \
    compile_static sqlite3 "$BUILD_ROOT/sqlite3" sqlite3.c
  cp "$BUILD_ROOT/sqlite3/sqlite3.h" "$DEPS/include/"
  log "sqlite3 $(source_version sqlite3)"
fi
log "deps ready in $DEPS"
ls -la "$DEPS/lib"
