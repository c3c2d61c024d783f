"""File utilities for sandboxed code, confined to the /app workspace.

Every path is taken relative to /app (absolute paths must lie under /app); anything that would leave the
workspace raises PermissionError with a clear message. The sandbox itself enforces the same boundary
(only /app is writable), so this module is a convenience, not the security boundary.

    import sandbox_utils as su
    su.ls(); su.head("data.csv", 5); su.grep("error", "log.txt"); su.csv_to_json("data.csv")
    su.show(chart.render())   # an SVG or PNG shown to the user (the host lists it as a file the run made)
"""
import csv
import fnmatch
import json
import os
import re
import shutil

ROOT = "/app"

__all__ = ["ls", "cat", "head", "tail", "grep", "find", "tree", "wc", "cp", "mv", "rm", "mkdir",
           "replace", "csv_to_json", "json_pretty", "resolve", "show"]

SHOW_DIR = ROOT + "/.skwasm/show"  # the host marks files here as shown (WorkspaceFileChange.Shown)
_SIGNATURES = ((b"\x89PNG\r\n\x1a\n", "png"), (b"\xff\xd8\xff", "jpg"), (b"GIF87a", "gif"), (b"GIF89a", "gif"))


def resolve(path="."):
    """The absolute path of *path* inside /app; PermissionError if it leaves the workspace."""
    path = os.fspath(path)
    if "\0" in path:
        raise ValueError("path contains a NUL byte")
    full = os.path.normpath(path if os.path.isabs(path) else os.path.join(ROOT, path))
    if full != ROOT and not full.startswith(ROOT + "/"):
        raise PermissionError(f"{path!r} is outside the workspace; sandbox_utils works under /app only")
    return full


def _rel(full):
    return os.path.relpath(full, ROOT)


def ls(path=".", show_hidden=False):
    """Names in a folder, folders marked with a trailing '/'."""
    full = resolve(path)
    out = []
    for name in sorted(os.listdir(full)):
        if name.startswith(".") and not show_hidden:
            continue
        out.append(name + "/" if os.path.isdir(os.path.join(full, name)) else name)
    return out


def cat(path, encoding="utf-8"):
    """The whole text of a file."""
    with open(resolve(path), encoding=encoding, errors="replace") as f:
        return f.read()


def head(path, n=10, encoding="utf-8"):
    """The first *n* lines (without newlines)."""
    out = []
    with open(resolve(path), encoding=encoding, errors="replace") as f:
        for line in f:
            if len(out) >= n:
                break
            out.append(line.rstrip("\n"))
    return out


def tail(path, n=10, encoding="utf-8"):
    """The last *n* lines (without newlines)."""
    from collections import deque
    with open(resolve(path), encoding=encoding, errors="replace") as f:
        return [line.rstrip("\n") for line in deque(f, maxlen=n)]


def grep(pattern, path=".", ignore_case=False, glob="*"):
    """Lines matching a regular expression, as (file, line number, line) tuples; folders are searched recursively."""
    rx = re.compile(pattern, re.IGNORECASE if ignore_case else 0)
    full = resolve(path)
    files = [full] if os.path.isfile(full) else [os.path.join(ROOT, p) for p in find(glob, path, files_only=True)]
    hits = []
    for file in files:
        try:
            with open(file, encoding="utf-8", errors="replace") as f:
                for number, line in enumerate(f, 1):
                    if rx.search(line):
                        hits.append((_rel(file), number, line.rstrip("\n")))
        except (IsADirectoryError, PermissionError):
            continue
    return hits


def find(pattern="*", path=".", files_only=False):
    """Workspace-relative paths below *path* whose name matches a glob pattern."""
    out = []
    for dirpath, dirnames, filenames in os.walk(resolve(path)):
        dirnames.sort()
        names = sorted(filenames) if files_only else sorted(filenames + [d for d in dirnames])
        for name in names:
            if fnmatch.fnmatch(name, pattern):
                out.append(_rel(os.path.join(dirpath, name)))
    return sorted(out)


def tree(path=".", max_depth=4):
    """A printable tree of the folder."""
    full = resolve(path)
    lines = [_rel(full) if full != ROOT else "/app"]

    def walk(folder, prefix, depth):
        if depth > max_depth:
            return
        entries = sorted(os.listdir(folder))
        for i, name in enumerate(entries):
            last = i == len(entries) - 1
            child = os.path.join(folder, name)
            is_dir = os.path.isdir(child)
            lines.append(prefix + ("└── " if last else "├── ") + name + ("/" if is_dir else ""))
            if is_dir:
                walk(child, prefix + ("    " if last else "│   "), depth + 1)

    walk(full, "", 1)
    return "\n".join(lines)


def wc(path):
    """{'lines', 'words', 'chars', 'bytes'} of a file."""
    full = resolve(path)
    with open(full, "rb") as f:
        data = f.read()
    text = data.decode("utf-8", errors="replace")
    return {"lines": text.count("\n"), "words": len(text.split()), "chars": len(text), "bytes": len(data)}


def cp(src, dst):
    """Copy a file or a folder tree."""
    s, d = resolve(src), resolve(dst)
    if os.path.isdir(s):
        shutil.copytree(s, d)
    else:
        if os.path.isdir(d):
            d = os.path.join(d, os.path.basename(s))
        shutil.copyfile(s, d)
    return _rel(d)


def mv(src, dst):
    """Move or rename a file or folder."""
    s, d = resolve(src), resolve(dst)
    if os.path.isdir(d):
        d = os.path.join(d, os.path.basename(s))
    os.rename(s, d)
    return _rel(d)


def rm(path, recursive=False):
    """Delete a file, or a folder with recursive=True."""
    full = resolve(path)
    if full == ROOT:
        raise PermissionError("refusing to delete the workspace itself")
    if os.path.isdir(full):
        if not recursive:
            raise IsADirectoryError(f"{path!r} is a folder; pass recursive=True to delete it")
        shutil.rmtree(full)
    else:
        os.remove(full)


def mkdir(path, parents=True):
    """Create a folder (and its parents)."""
    full = resolve(path)
    os.makedirs(full, exist_ok=parents) if parents else os.mkdir(full)
    return _rel(full)


def replace(path, pattern, replacement, count=0, regex=True):
    """sed-like in-place substitution; returns the number of replacements."""
    full = resolve(path)
    with open(full, encoding="utf-8") as f:
        text = f.read()
    if regex:
        new, n = re.subn(pattern, replacement, text, count=count)
    else:
        n = text.count(pattern) if count == 0 else min(count, text.count(pattern))
        new = text.replace(pattern, replacement, n if count else -1)
    with open(full, "w", encoding="utf-8") as f:
        f.write(new)
    return n


def csv_to_json(path, out=None, delimiter=","):
    """Rows of a CSV file (with a header) as a list of dicts; written as JSON to *out* when given."""
    with open(resolve(path), newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f, delimiter=delimiter))
    if out is not None:
        with open(resolve(out), "w", encoding="utf-8") as f:
            json.dump(rows, f, indent=2, ensure_ascii=False)
    return rows


def json_pretty(path_or_value, out=None):
    """Pretty-printed JSON of a file (or of a value); written to *out* when given."""
    if isinstance(path_or_value, (str, os.PathLike)) and os.path.exists(resolve(path_or_value)):
        with open(resolve(path_or_value), encoding="utf-8") as f:
            value = json.load(f)
    else:
        value = path_or_value
    text = json.dumps(value, indent=2, ensure_ascii=False, sort_keys=True)
    if out is not None:
        with open(resolve(out), "w", encoding="utf-8") as f:
            f.write(text + "\n")
    return text


def _image_kind(data):
    for signature, ext in _SIGNATURES:
        if data.startswith(signature):
            return ext
    head = data[:2048].lstrip()
    if head.startswith(b"\xef\xbb\xbf"):
        head = head[3:].lstrip()
    return "svg" if head.startswith(b"<") and re.search(rb"<svg[\s>]", head) else None


def show(path_or_svg_text):
    """Shows an image to the user: SVG text (a str starting with '<'), PNG/JPEG/GIF/SVG bytes (e.g. pygal's
    chart.render()), an object with _repr_svg_() or _repr_png_(), or the path of such a file in /app (copied).
    Writes it to /app/.skwasm/show/NNN.ext, which the host lists among the files the run made (shown: true),
    and returns None."""
    value = path_or_svg_text
    if hasattr(value, "_repr_svg_"):
        value = value._repr_svg_()
    elif hasattr(value, "_repr_png_"):
        value = value._repr_png_()
    if isinstance(value, str) and value.lstrip().startswith("<"):
        data = value.encode("utf-8")
    elif isinstance(value, (bytes, bytearray, memoryview)):
        data = bytes(value)
    elif isinstance(value, (str, os.PathLike)):
        with open(resolve(value), "rb") as f:
            data = f.read()
    else:
        raise TypeError(f"show() takes SVG text, image bytes or the path of an image file, not {type(value).__name__}")
    kind = _image_kind(data)
    if kind is None:
        raise ValueError("show() needs a PNG, JPEG, GIF or SVG image; this is none of them")
    os.makedirs(SHOW_DIR, exist_ok=True)
    taken = [int(m.group(1)) for m in (re.match(r"(\d+)\.", n) for n in os.listdir(SHOW_DIR)) if m]
    target = "%s/%03d.%s" % (SHOW_DIR, max(taken, default=0) + 1, kind)
    with open(target, "wb") as f:
        f.write(data)
    return None
