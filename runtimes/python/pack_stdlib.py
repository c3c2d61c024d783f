"""Compile a curated CPython Lib/ tree to .pyc files in a folder (sourceless, unchecked-hash: deterministic).

usage: pack_stdlib.py LIB_DIR OUT_DIR EXTRA_PY...   (extra modules are added at the folder's root)

A folder rather than a zip: measured in the sandbox, interpreter start-up took 77 ms and 131 M fuel with the
folder against 151 ms and 244 M with a zip, and a fresh `import csv, statistics, decimal, sqlite3` 38 M
fuel against 74 M (zipimport reads and parses the archive's index); the folder is 11 MB against 3.9 MB.
"""
import importlib.util
import os
import sys

# What cannot work under WASI, or is of no use to sandboxed code, is left out (runtimes/README.md says why each).
EXCLUDED_DIRS = {
    "test", "idlelib", "tkinter", "turtledemo", "ensurepip", "venv", "site-packages", "msilib", "curses",
    "__pycache__", "multiprocessing",
}
KEEP_IN_EXCLUDED = set()
EXCLUDED_FILES = {"turtle.py"}

# Sources for tracebacks and inspect.getsource: one file, read only when a traceback or inspect asks (the runner's
# linecache hook). Not a zip: in the guest, `import zipfile` and reading a zip's directory cost 90 M fuel per
# traceback; this format is read with plain file reads and zlib (about 2 M). Layout: b"SKSRC1\n", the index's
# length in bytes and b"\n", the index (lines "RELPATH\tOFFSET\tLENGTH\n", offsets from the end of the index),
# then each source deflated (zlib), in index order.
SOURCE_ARCHIVE = "python311-src.pack"


def pyc_bytes(path, arcname):
    with open(path, "rb") as f:
        source = f.read()
    code = compile(source, "/usr/local/lib/python3.11/" + arcname, "exec", dont_inherit=True)
    source_hash = importlib.util.source_hash(source)
    return importlib._bootstrap_external._code_to_hash_pyc(code, source_hash, checked=False)


def main(lib_dir, out_dir, *extra):
    excluded = EXCLUDED_DIRS - KEEP_IN_EXCLUDED
    entries = []
    for root, dirs, files in os.walk(lib_dir):
        dirs[:] = sorted(d for d in dirs if d not in excluded and not d.startswith("test"))
        for name in sorted(files):
            if not name.endswith(".py") or name in EXCLUDED_FILES:
                continue
            path = os.path.join(root, name)
            rel = os.path.relpath(path, lib_dir).replace(os.sep, "/")
            entries.append((path, rel))
    entries.extend((path, os.path.basename(path)) for path in extra)
    import shutil
    tmp = out_dir + ".tmp"
    shutil.rmtree(tmp, ignore_errors=True)
    for path, rel in entries:
        try:
            data = pyc_bytes(path, rel)
        except SyntaxError as e:  # a few files are deliberately invalid (test fixtures)
            print("skipped", rel, e, file=sys.stderr)
            continue
        target = os.path.join(tmp, rel[:-3] + ".pyc")
        os.makedirs(os.path.dirname(target), exist_ok=True)
        with open(target, "wb") as f:
            f.write(data)
    import zlib
    index, blobs, offset = [], [], 0
    for path, rel in sorted(entries, key=lambda e: e[1]):
        with open(path, "rb") as f:
            blob = zlib.compress(f.read(), 9)
        index.append(f"{rel}\t{offset}\t{len(blob)}\n")
        blobs.append(blob)
        offset += len(blob)
    head = "".join(index).encode("utf-8")
    with open(os.path.join(tmp, SOURCE_ARCHIVE), "wb") as f:
        f.write(b"SKSRC1\n" + str(len(head)).encode() + b"\n" + head)
        for blob in blobs:
            f.write(blob)
    shutil.rmtree(out_dir, ignore_errors=True)
    os.replace(tmp, out_dir)
    print(f"{len(entries)} modules packed, sources in {SOURCE_ARCHIVE}")


if __name__ == "__main__":
    main(*sys.argv[1:])
