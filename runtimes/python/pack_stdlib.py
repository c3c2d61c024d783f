"""Compile a curated CPython Lib/ tree to .pyc and pack it into a deterministic zip.

usage: pack_stdlib.py LIB_DIR OUT_ZIP EXTRA_PY...   (extra modules are added at the zip root)
"""
import importlib.util
import os
import sys
import zipfile

# What cannot work under WASI, or is of no use to sandboxed code, is left out.
EXCLUDED_DIRS = {
    "test", "idlelib", "tkinter", "turtledemo", "ensurepip", "lib2to3", "venv", "distutils",
    "site-packages", "pydoc_data", "msilib", "curses", "dbm", "__pycache__", "multiprocessing",
    "concurrent", "asyncio", "xmlrpc", "wsgiref", "urllib", "http", "email", "unittest",
}
KEEP_IN_EXCLUDED = {"email", "urllib", "http", "unittest", "asyncio", "concurrent"}
EXCLUDED_FILES = {"turtle.py", "antigravity.py", "this.py", "pydoc.py", "webbrowser.py", "smtpd.py"}
FIXED_TIME = (2020, 1, 1, 0, 0, 0)


def pyc_bytes(path, arcname):
    with open(path, "rb") as f:
        source = f.read()
    code = compile(source, "/usr/local/lib/python311.zip/" + arcname, "exec", dont_inherit=True)
    source_hash = importlib.util.source_hash(source)
    return importlib._bootstrap_external._code_to_hash_pyc(code, source_hash, checked=False)


def main(lib_dir, out_zip, *extra):
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
    tmp = out_zip + ".tmp"
    with zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as z:
        for path, rel in entries:
            arc = rel[:-3] + ".pyc"
            try:
                data = pyc_bytes(path, rel)
            except SyntaxError as e:  # a few files are deliberately invalid (lib2to3 fixtures)
                print("skipped", rel, e, file=sys.stderr)
                continue
            info = zipfile.ZipInfo(arc, FIXED_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            z.writestr(info, data)
    os.replace(tmp, out_zip)
    print(f"{len(entries)} modules packed")


if __name__ == "__main__":
    main(*sys.argv[1:])
