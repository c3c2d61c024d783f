#!/usr/bin/env bash
# Writes runtimes/manifest.json: sha256, size, Debian source package, version and licence of every
# committed guest artifact, and refreshes the licence texts under runtimes/licenses/ from the unpacked
# sources in $BUILD_ROOT. Run by build-all.sh; safe to run alone. Without $BUILD_ROOT (a fresh clone) the
# committed licence texts are kept, and versions that cannot be read are taken from the existing manifest.
#
# Folders (site-packages, zoneinfo) get one aggregate entry: sha256 over the lines "RELPATH SHA256\n" of
# all their files, sorted by RELPATH (byte order); README.md shows the equivalent shell command.
source "$(dirname "$0")/common.sh"
REPO="$(cd "$RUNTIMES_DIR/.." && pwd)"
LIC="$RUNTIMES_DIR/licenses"
mkdir -p "$LIC"

# copy_licence SRC DEST [HEADER]: refresh a licence text when its source is on this machine.
copy_licence() {
  local src="$1" dest="$LIC/$2" header="${3:-}"
  [ -f "$src" ] || return 0
  { [ -n "$header" ] && printf '%s\n\n' "$header"; cat "$src"; } > "$dest.tmp"
  mv "$dest.tmp" "$dest"
}
# rst_section FILE TITLE: one section of CPython's Doc/license.rst, from its title to the next title.
rst_section() {
  python3 - "$1" "$2" <<'PY'
import re, sys
lines = open(sys.argv[1], encoding="utf-8").read().split("\n")
title = lambda i: i + 1 < len(lines) and lines[i] and re.fullmatch(r"-{3,}", lines[i + 1] or "")
start = next(i for i in range(len(lines)) if lines[i] == sys.argv[2] and title(i))
end = next((i for i in range(start + 2, len(lines)) if title(i)), len(lines))
print("\n".join(lines[start:end]).rstrip())
PY
}

CPY="$BUILD_ROOT/cpython"
copy_licence "$CPY/LICENSE" cpython.txt
copy_licence "$BUILD_ROOT/zlib/LICENSE" zlib.txt
copy_licence "$BUILD_ROOT/bzip2/LICENSE" bzip2.txt
copy_licence "$BUILD_ROOT/xz/COPYING" xz.txt "liblzma (XZ Utils $(source_version xz-utils)) is in the public domain; only liblzma is linked into python.wasm."
copy_licence "$BUILD_ROOT/sqlite3/LICENSE.md" sqlite3.txt "SQLite $(source_version sqlite3) is in the public domain (D. Richard Hipp)."
copy_licence "$CPY/Modules/expat/COPYING" expat.txt "Expat, bundled in CPython 3.11 (Modules/expat)."
copy_licence "$CPY/Modules/_sha3/LICENSE" tiny_sha3.txt "tiny_sha3, bundled in CPython 3.11 (Modules/_sha3)."
if [ -f "$CPY/Doc/license.rst" ]; then
  { echo "libmpdec, bundled in CPython 3.11 (Modules/_decimal/libmpdec); from CPython's Doc/license.rst:"; echo
    rst_section "$CPY/Doc/license.rst" libmpdec; } > "$LIC/mpdecimal.txt"
fi
copy_licence /usr/share/doc/wasi-libc/copyright wasi-libc.txt "wasi-libc (Debian package wasi-libc), linked into every guest .wasm."
copy_licence /usr/share/doc/libclang-rt-19-dev-wasm32/copyright compiler-rt.txt "compiler-rt builtins for wasm32 (Debian package libclang-rt-19-dev-wasm32), linked into every guest .wasm."

pkgver() { dpkg-query -W -f '${Version}' "$1" 2>/dev/null || echo unknown; }
mpd_version=$(sed -n 's/^#define MPD_VERSION "\(.*\)"/\1/p' "$CPY/Modules/_decimal/libmpdec/mpdecimal.h" 2>/dev/null || true)
expat_version=$( [ -f "$CPY/Modules/expat/expat.h" ] && awk '/define XML_MAJOR_VERSION/{a=$3}/define XML_MINOR_VERSION/{b=$3}/define XML_MICRO_VERSION/{c=$3}END{print a"."b"."c}' "$CPY/Modules/expat/expat.h" || true)

SKW_REPO="$REPO" \
SKW_V_PYTHON="$(source_version python3.11)" SKW_V_ZLIB="$(source_version zlib)" SKW_V_BZIP2="$(source_version bzip2)" \
SKW_V_XZ="$(source_version xz-utils)" SKW_V_SQLITE="$(source_version sqlite3)" \
SKW_V_MPD="${mpd_version:-unknown}" SKW_V_EXPAT="${expat_version:-unknown}" \
SKW_V_WASILIBC="$(pkgver wasi-libc)" SKW_V_CRT="$(pkgver libclang-rt-19-dev-wasm32)" \
python3 - <<'PY'
import hashlib, json, os

repo = os.environ["SKW_REPO"]
out = os.path.join(repo, "runtimes", "manifest.json")
try:
    with open(out, encoding="utf-8") as f:
        old = {e["path"]: e for e in json.load(f)["artifacts"]}
except (OSError, ValueError, KeyError):
    old = {}


def ver(env, path=None, component=None):
    """A version read on this machine, else the one the existing manifest recorded."""
    v = os.environ.get(env, "unknown")
    if v and v != "unknown":
        return v
    entry = old.get(path, {})
    if component:
        entry = next((c for c in entry.get("components", []) if c.get("name") == component), {})
    return entry.get("version", "unknown")


def file_sha(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def lic(name):
    rel = f"runtimes/licenses/{name}"
    if not os.path.isfile(os.path.join(repo, rel)):
        print(f"warning: licence file {rel} is missing")
    return rel


def file_entry(rel, source, version, licence, licence_file, components=None):
    full = os.path.join(repo, rel)
    e = {"path": rel, "sha256": file_sha(full), "size": os.path.getsize(full),
         "sourcePackage": source, "version": version, "licence": licence, "licenceFile": licence_file}
    if components is not None:
        e["components"] = components
    return e


def folder_entry(rel, source, version, licence, licence_file, components=None):
    root = os.path.join(repo, rel)
    files = []
    for d, dirs, names in os.walk(root):
        for n in names:
            p = os.path.join(d, n)
            files.append((os.path.relpath(p, root).replace(os.sep, "/"), p))
    files.sort(key=lambda t: t[0].encode("utf-8"))
    h = hashlib.sha256()
    size = 0
    for r, p in files:
        h.update(f"{r} {file_sha(p)}\n".encode("utf-8"))
        size += os.path.getsize(p)
    e = {"path": rel, "sha256": h.hexdigest(), "size": size, "files": len(files),
         "sourcePackage": source, "version": version, "licence": licence, "licenceFile": licence_file}
    if components is not None:
        e["components"] = components
    return e


def comp(name, source, version, licence, licence_file, note=None):
    c = {"name": name, "sourcePackage": source, "version": version, "licence": licence, "licenceFile": lic(licence_file)}
    if note:
        c["note"] = note
    return c


PYWASM = "runtimes/python/python.wasm"
toolchain = [
    comp("wasi-libc", "wasi-libc", ver("SKW_V_WASILIBC", PYWASM, "wasi-libc"),
         "Apache-2.0 WITH LLVM-exception OR Apache-2.0 OR MIT", "wasi-libc.txt", "Debian bookworm binary package"),
    comp("compiler-rt", "llvm-toolchain-19", ver("SKW_V_CRT", PYWASM, "compiler-rt"),
         "Apache-2.0 WITH LLVM-exception", "compiler-rt.txt", "libclang-rt-19-dev-wasm32, Debian bookworm binary package"),
]
py_components = [
    comp("zlib", "zlib", ver("SKW_V_ZLIB", PYWASM, "zlib"), "Zlib", "zlib.txt", "Debian bookworm source"),
    comp("bzip2", "bzip2", ver("SKW_V_BZIP2", PYWASM, "bzip2"), "bzip2-1.0.6", "bzip2.txt", "Debian bookworm source"),
    comp("liblzma", "xz-utils", ver("SKW_V_XZ", PYWASM, "liblzma"), "public-domain", "xz.txt", "Debian bookworm source"),
    comp("sqlite3", "sqlite3", ver("SKW_V_SQLITE", PYWASM, "sqlite3"), "public-domain", "sqlite3.txt", "Debian trixie source"),
    comp("mpdecimal", "python3.11", ver("SKW_V_MPD", PYWASM, "mpdecimal"), "BSD-2-Clause", "mpdecimal.txt",
         "libmpdec bundled in CPython (Modules/_decimal/libmpdec)"),
    comp("expat", "python3.11", ver("SKW_V_EXPAT", PYWASM, "expat"), "MIT", "expat.txt", "bundled in CPython (Modules/expat)"),
    comp("tiny_sha3", "python3.11", "CPython 3.11", "MIT", "tiny_sha3.txt", "bundled in CPython (Modules/_sha3)"),
] + toolchain

pyver = ver("SKW_V_PYTHON", PYWASM)
artifacts = [
    file_entry(PYWASM, "python3.11", pyver, "Python-2.0", lic("cpython.txt"), py_components),
    folder_entry("runtimes/python/lib/python3.11", "python3.11", pyver, "Python-2.0", lic("cpython.txt")),
]

qjs_version = open(os.path.join(repo, "runtimes/quickjs/VERSION"), encoding="utf-8").read().strip()
qjs_lic = next((f"runtimes/licenses/{n}" for n in sorted(os.listdir(os.path.join(repo, "runtimes/licenses")))
                if n.lower().startswith("quickjs") and n.endswith(".txt")), None)
if qjs_lic is None:
    print("warning: no runtimes/licenses/quickjs*.txt yet")
for name in ("qjs.wasm", "qjs-cli.wasm"):
    rel = f"runtimes/quickjs/{name}"
    if os.path.isfile(os.path.join(repo, rel)):
        artifacts.append(file_entry(rel, "quickjs", qjs_version, "MIT", qjs_lic, toolchain))

index_path = os.path.join(repo, "runtimes/licenses/python-packages/index.json")
pkgs = json.load(open(index_path, encoding="utf-8"))["packages"] if os.path.isfile(index_path) else []
pkg_components = [{"name": p["name"], "sourcePackage": p["sourcePackage"], "debianPackage": p["debianPackage"],
                   "version": p["debianVersion"], "licence": p["licence"], "licenceFile": p["licenceFile"]}
                  for p in pkgs]
if os.path.isfile(os.path.join(repo, "runtimes/data/packages.json")):
    artifacts.append(file_entry("runtimes/data/packages.json", "(vendor-packages.sh)", "-", "per-package",
                                "runtimes/licenses/python-packages/index.json"))
if os.path.isdir(os.path.join(repo, "runtimes/data/site-packages")):
    artifacts.append(folder_entry("runtimes/data/site-packages", "(several, see components)", "bookworm",
                                  "per-package", "runtimes/licenses/python-packages/", pkg_components))

tz_version = "unknown"
tz_lic = os.path.join(repo, "runtimes/licenses/tzdata.txt")
if os.path.isfile(tz_lic):
    first = open(tz_lic, encoding="utf-8").readline()
    if "tzdata package " in first:
        tz_version = first.split("tzdata package ", 1)[1].split()[0]
if os.path.isdir(os.path.join(repo, "runtimes/python/zoneinfo")):
    artifacts.append(folder_entry("runtimes/python/zoneinfo", "tzdata", tz_version, "public-domain", lic("tzdata.txt")))

manifest = {
    "description": "Guest runtime artifacts of SkWasmPlugin; written by runtimes/write-manifest.sh.",
    "aggregateHash": "folders: sha256 of the lines 'RELPATH SHA256\\n' of their files, sorted by RELPATH",
    "artifacts": artifacts,
}
tmp = out + ".tmp"
with open(tmp, "w", encoding="utf-8") as f:
    json.dump(manifest, f, indent=2, ensure_ascii=False)
    f.write("\n")
os.replace(tmp, out)
for a in artifacts:
    print(f"  {a['path']:<40} {a['size']:>10}  {a['sha256'][:16]}…  {a['sourcePackage']} {a['version']}")
PY
log "wrote $RUNTIMES_DIR/manifest.json"
