#!/usr/bin/env bash
# Shared by the runtime build scripts: Debian toolchain, deb-src entries, a wasm32-wasi sysroot.
# Sourced, not run. Re-runnable: every step checks before it changes anything.
set -euo pipefail

RUNTIMES_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
BUILD_ROOT="${SKWASM_BUILD_ROOT:-$RUNTIMES_DIR/.build}"
SYSROOT="$BUILD_ROOT/sysroot"
WASM_CC="clang-19 --target=wasm32-wasi --sysroot=$SYSROOT"
TOOLCHAIN_PACKAGES=(clang-19 lld-19 llvm-19 libclang-rt-19-dev-wasm32 wasi-libc binaryen wabt dpkg-dev tcl make xz-utils zip unzip)

# Reproducible builds: __DATE__/__TIME__ (CPython's build info) come from this fixed moment, not the clock.
export SOURCE_DATE_EPOCH="${SOURCE_DATE_EPOCH:-1577836800}"   # 2020-01-01T00:00:00Z

log() { printf '\033[1;34m[runtimes]\033[0m %s\n' "$*"; }

ensure_deb_src() {
  local f=/etc/apt/sources.list.d/skwasm-deb-src.sources
  if [ ! -f "$f" ]; then
    log "adding deb-src entries ($f)"
    cat > "$f" <<'SRC'
Types: deb-src
URIs: http://deb.debian.org/debian
Suites: bookworm bookworm-updates trixie
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
SRC
    apt-get update -qq
  fi
}

ensure_toolchain() {
  local missing=()
  for p in "${TOOLCHAIN_PACKAGES[@]}"; do
    dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p")
  done
  if [ ${#missing[@]} -gt 0 ]; then
    log "installing toolchain: ${missing[*]}"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}"
  fi
  ensure_deb_src
  mkdir -p "$SYSROOT/lib"
  ln -sfn /usr/include/wasm32-wasi "$SYSROOT/include"
  ln -sfn /usr/lib/wasm32-wasi "$SYSROOT/lib/wasm32-wasi"
  # clang runs `wasm-opt` from PATH after an optimised link; Debian's binaryen 108 cannot parse what
  # clang 19 emits and fails the link (configure then wrongly concludes libraries are missing).
  mkdir -p "$BUILD_ROOT/bin"
  printf '#!/bin/sh\nexit 0\n' > "$BUILD_ROOT/bin/wasm-opt"
  chmod +x "$BUILD_ROOT/bin/wasm-opt"
  export PATH="$BUILD_ROOT/bin:$PATH"
}

# fetch_source PKG[/SUITE] DIR: unpack the upstream (orig) tarball of Debian source package PKG (from
# SUITE, default bookworm) into DIR.
# Debian's own patches target Debian's multiarch layout, not wasm32-wasi, so they are not applied.
fetch_source() {
  local spec="$1" dest="$2"
  local pkg="${spec%%/*}" suite=bookworm
  [[ "$spec" == */* ]] && suite="${spec#*/}"
  if [ -d "$dest" ]; then return 0; fi
  mkdir -p "$BUILD_ROOT/dl/$pkg"
  (cd "$BUILD_ROOT/dl/$pkg" && ls ./*.orig.tar.* >/dev/null 2>&1 || apt-get source --download-only -qq "$pkg/$suite")
  local tarball
  tarball=$(ls "$BUILD_ROOT/dl/$pkg"/*.orig.tar.* | grep -v '\.asc$' | head -n1)
  [ -n "$tarball" ] || { echo "apt-get source $pkg produced no orig tarball" >&2; exit 1; }
  mkdir -p "$dest.tmp"
  tar -xf "$tarball" -C "$dest.tmp"
  local inner
  inner=$(find "$dest.tmp" -mindepth 1 -maxdepth 1 -type d | head -n1)
  mv "$inner" "$dest"
  rm -rf "$dest.tmp"
}

# source_version PKG: the Debian version of the source package fetch_source downloaded.
source_version() {
  local dsc
  dsc=$(ls "$BUILD_ROOT/dl/$1"/*.dsc 2>/dev/null | head -n1)
  [ -n "$dsc" ] && basename "$dsc" .dsc | sed 's/^[^_]*_//' || echo unknown
}

sha256() { sha256sum "$1" | cut -d' ' -f1; }
