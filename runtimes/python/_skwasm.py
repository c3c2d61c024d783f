"""SkWasmPlugin's in-guest runner: executes one cell of user code per call and describes failures.

Called by the embedding shim (shim.c) as ``run(code, stdin, flags) -> (exit_code, report_json)``.
The report's shape is documented in runtimes/ABI.md. Everything here runs inside the sandbox.
"""
import _ast
import builtins
import gc
import io
import json
import linecache
import os
import re
import sys
import traceback

FILENAME = "<code>"
_MAX_CANDIDATES = 200
_MAX_MESSAGE = 4000  # characters of an exception message kept in the report (the host caps again)
_MAX_NAME = 300      # characters of a name, key, path or frame function
_MAX_FRAMES = 100    # innermost frames of the user's code
_MAX_TRACEBACK_PART = 10000  # characters of one part (a frame, the message) of the traceback on stderr
_MAX_RESULT = 10000  # characters of the last expression's repr kept in the report (the host caps again)
# The runner's own references: user code may patch the modules (json.dumps = None) and still gets its report.
_report_encoder = json.JSONEncoder(default=str)
_TextIOWrapper, _BytesIO = io.TextIOWrapper, io.BytesIO
_main = sys.modules["__main__"].__dict__
_main.setdefault("__builtins__", builtins)
_cells = 0


class Interrupted(BaseException):
    """Raised by the host's soft stop (fuel or time nearly used up) at the line that was running."""


def _frames(tb):
    """(line, function, frame) of the user's code, outermost first."""
    out = []
    while tb is not None:
        code = tb.tb_frame.f_code
        if code.co_filename == FILENAME:
            out.append((tb.tb_lineno, code.co_name, tb.tb_frame))
        tb = tb.tb_next
    return out


def _names(frame):
    """The user's own names first (locals, then globals), then builtins."""
    seen, out = set(), []
    for group in (frame.f_locals, frame.f_globals, dir(builtins)):
        for name in sorted(group):
            if name not in seen and not name.startswith("__"):
                seen.add(name)
                out.append(name)
    return out[:_MAX_CANDIDATES]


def _keys_on_line(frame, line_text):
    """Keys of the mappings named on the failing line: what the user could have meant."""
    keys, seen = [], set()
    for name in re.findall(r"[A-Za-z_][A-Za-z0-9_]*", line_text or ""):
        value = frame.f_locals.get(name, frame.f_globals.get(name))
        if isinstance(value, dict) and id(value) not in seen:
            seen.add(id(value))
            keys.extend(_short_repr(k) for k in list(value)[:_MAX_CANDIDATES])
    return keys[:_MAX_CANDIDATES] or None


def _text(value, limit=_MAX_NAME):
    """A report string: capped, and valid UTF-8 (a lone surrogate, as os.listdir gives for a non-UTF-8 name, kept as its escape)."""
    if value is None:
        return None
    if not isinstance(value, str):
        value = str(value)
    if len(value) > limit:
        value = value[:limit] + "… [%d more characters]" % (len(value) - limit)
    return value.encode("utf-8", "backslashreplace").decode("utf-8")


def _short_repr(value):
    """repr() of a key, without paying for the whole of a huge string (repr costs fuel per character)."""
    if isinstance(value, (str, bytes)) and len(value) > _MAX_NAME:
        return repr(value[:_MAX_NAME]) + "…"
    return repr(value)


def _clean(error):
    """Every string and list of a report capped (_text), whatever put it there."""
    out = {}
    for key, value in error.items():
        if isinstance(value, str):
            value = _text(value, _MAX_MESSAGE if key == "message" else _MAX_NAME)
        elif isinstance(value, list):
            kept = value[-_MAX_FRAMES:] if key == "frames" else value[:_MAX_CANDIDATES]
            value = [_clean(v) if isinstance(v, dict) else _text(v) for v in kept]
        elif isinstance(value, dict):
            value = _clean(value)
        out[key] = value
    return out


def _describe(exc):
    error = {
        "type": type(exc).__name__,
        "message": _message(exc),
        "line": None, "column": None, "function": None, "frames": [],
        "candidates": None, "missingName": None, "missingKey": None,
        "missingModule": None, "availableKeys": None,
    }
    frames = _frames(exc.__traceback__)
    error["frames"] = [{"line": ln, "function": fn} for ln, fn, _ in frames]
    if frames:
        error["line"], error["function"], frame = frames[-1]
    else:
        frame = None
    if isinstance(exc, SyntaxError):
        error["message"] = exc.msg
        if exc.filename == FILENAME:
            error["line"], error["column"] = exc.lineno, exc.offset
            error["function"] = None
    if isinstance(exc, NameError) and getattr(exc, "name", None):
        error["missingName"] = exc.name
        if frame is not None:
            error["candidates"] = _names(frame)
    elif isinstance(exc, AttributeError) and getattr(exc, "name", None):
        error["missingName"] = exc.name
        obj = getattr(exc, "obj", None)
        if obj is not None:
            error["candidates"] = [a for a in dir(obj) if not a.startswith("_")][:_MAX_CANDIDATES]
    elif isinstance(exc, KeyError) and exc.args:
        error["missingKey"] = _short_repr(exc.args[0])
        if frame is not None:
            error["availableKeys"] = _keys_on_line(frame, linecache.getline(FILENAME, error["line"] or 0))
    elif isinstance(exc, ImportError):
        error["missingModule"] = exc.name
    if isinstance(exc, OSError):
        import errno
        error["errno"] = errno.errorcode.get(exc.errno) if exc.errno else None
        error["path"] = exc.filename if isinstance(exc.filename, str) else None
    return error


def _message(exc):
    try:
        return str(exc)
    except BaseException as inner:  # a __str__ that fails must not take the report down
        return "<%s while reading the message: %s>" % (type(inner).__name__, _text(repr(inner)))


def _exit_code(exc):
    code = exc.code
    if code is None:
        return 0
    if isinstance(code, int):
        return code & 0xFF if code >= 0 else 1
    print(code, file=sys.stderr)
    return 1


def _print_user_traceback(exc):
    # Our own frame (run) is the outermost; the user sees only frames of their code and what it called.
    tb = exc.__traceback__
    if tb is not None and tb.tb_frame.f_code is run.__code__:
        tb = tb.tb_next
    # Messages are capped before formatting (formatting costs fuel per character) and each part after it, so a
    # huge message (raise ValueError('A' * 10**8)) shows as its start and the error, not as a limit.
    te = traceback.TracebackException(type(exc), exc, tb, compact=True)
    pending, seen = [te], set()
    while pending:
        t = pending.pop()
        if t is None or id(t) in seen:
            continue
        seen.add(id(t))
        if isinstance(getattr(t, "_str", None), str) and len(t._str) > _MAX_TRACEBACK_PART:
            t._str = t._str[:_MAX_TRACEBACK_PART] + "… [%d more characters]" % (len(t._str) - _MAX_TRACEBACK_PART)
        pending.extend((t.__cause__, t.__context__, *(getattr(t, "exceptions", None) or ())))
    for part in te.format():
        sys.stderr.write(part if len(part) <= _MAX_TRACEBACK_PART else _text(part, _MAX_TRACEBACK_PART) + "\n")


def _result_repr(value):
    """(repr capped at _MAX_RESULT characters, None), or (None, why) when repr() itself fails: a broken
    __repr__ is a note, never a failed run. A long str/bytes is cut before repr (repr costs fuel per character)."""
    try:
        if isinstance(value, (str, bytes, bytearray)) and len(value) > _MAX_RESULT:
            text = repr(value[:_MAX_RESULT])[:_MAX_RESULT] + "… [%d more characters]" % (len(value) - _MAX_RESULT)
        else:
            text = _text(repr(value), _MAX_RESULT)
        return _text(text, _MAX_RESULT + 40), None
    except Interrupted:
        raise
    except BaseException as exc:
        return None, _text("repr() of the result raised %s: %s" % (type(exc).__name__, _message(exc)), _MAX_MESSAGE)


def _split_tree(source):
    """(the cell without its last statement if that is an expression, that expression or None), compiled via a tree."""
    tree = compile(source, FILENAME, "exec", _ast.PyCF_ONLY_AST)
    last = tree.body.pop() if tree.body and isinstance(tree.body[-1], _ast.Expr) else None
    return compile(tree, FILENAME, "exec"), None if last is None else compile(_ast.Expression(last.value), FILENAME, "eval")


def _split_cell(text):
    """(code objects to run in order, the last statement's expression compiled for eval, or None).

    A tree costs as much again as compiling the cell (some 150 k fuel even for one line), so the last statement is
    found without one where that is certain: it starts at the cell's last line that begins in column 0 when the
    lines above compile on their own (every bracket and string is closed there, and that line cannot continue a
    statement above: further clauses of a compound statement, else/except/..., do not compile alone). It is an
    expression when it compiles as one, and not one when its line starts like a statement (_STATEMENT) and holds
    no ';'; otherwise its own tree decides. Line numbers stay the cell's (blank lines in front of the tail). Where
    no line fits, and for a cell that does not compile (for its error), the tree of the whole cell decides."""
    # Not for other line ends, a form feed (it resets the column) or future flags (they would not reach the tail).
    if "\r" not in text and "\f" not in text and "__future__" not in text:
        lines = text.split("\n")
        tries = 0
        for i in range(len(lines) - 1, -1, -1):
            first = lines[i][:1]
            if first in ("", " ", "\t", "#"):
                continue
            split = _split_at(lines, i)
            if split is not None:
                return split
            tries += 1  # inside brackets or a string, a further clause, or a real error: up to two lines further up
            if tries == 3:
                break
    body, last = _split_tree(text)
    return (body,), last


# A line that starts with one of these is a statement, never an expression: its tail skips the eval attempt (a
# failed compile costs as much as a good one, its error message being worked out by a second parse).
_STATEMENT = re.compile(
    r"(?:for|while|if|def|class|with|try|import|from|del|pass|raise|return|global|nonlocal|assert|break|continue|async)\b"
    r"|@|[A-Za-z_][\w.]*(?:\s*,\s*[A-Za-z_][\w.]*)*\s*(?://|\*\*|>>|<<|[-+*/%@&|^])?=(?!=)")


def _split_at(lines, i):
    """_split_cell's split with the last statement starting at line i, or None when line i cannot start it."""
    tail = "\n" * i + "\n".join(lines[i:])
    try:
        head = (compile("\n".join(lines[:i]), FILENAME, "exec"),) if i else ()
        if _STATEMENT.match(lines[i]) is None:
            try:
                return head, compile(tail, FILENAME, "eval")
            except SyntaxError:  # not only an expression (or one the eval grammar lacks): the tail's tree decides
                body, last = _split_tree(tail)
                return head + (body,), last
        body = compile(tail, FILENAME, "exec")
    except SyntaxError:
        return None
    if ";" in tail:  # more statements on the line: the last may be an expression
        body, last = _split_tree(tail)
        return head + (body,), last
    return head + (body,), None


def run(code, stdin, flags):
    global _cells
    _cells += 1
    exit_code, error = 0, None
    result = result_error = None
    try:
        # Inside the try: a soft stop may land on any line, these included.
        if _cells == 1:
            _reseed()
        sys.stdin = _TextIOWrapper(_BytesIO(stdin), encoding="utf-8", errors="replace")
        text = code.decode("utf-8", errors="replace")
        linecache.cache[FILENAME] = (len(text), None, text.splitlines(True), FILENAME)
        # A last statement that is an expression is evaluated on its own (same globals, same file name and line
        # numbers) so its value can be shown, as IPython's Out does.
        codes, last = _split_cell(text)
        for code_object in codes:
            exec(code_object, _main)
        if last is not None:
            value = eval(last, _main)
            if value is not None:
                result, result_error = _result_repr(value)
    except SystemExit as exc:
        exit_code = _exit_code(exc)
    except Interrupted as exc:
        exit_code = 1
        error = _describe(exc)
        exc.__traceback__ = None
    except BaseException as exc:  # the user's failure is a result, whatever it is
        exit_code = 1
        try:
            _print_user_traceback(exc)
            error = _describe(exc)
        except BaseException as inner:  # describing must never take the runner down
            error = {"type": type(exc).__name__, "message": _message(exc), "describeError": _text(repr(inner))}
        exc.__traceback__ = None
    finally:
        for stream in (sys.stdout, sys.stderr):
            try:
                stream.flush()
            except BaseException:  # a soft stop landing here must not lose the result
                pass
    # A soft stop requested as the program finished may land here, after the user's code: the program
    # did complete, so report it. The host asks once, so a second attempt is never interrupted.
    for _attempt in range(2):
        try:
            report = {"exitCode": exit_code, "error": _clean(error) if error else None}
            if error is None and (result is not None or result_error is not None):
                report["result"], report["resultError"] = result, result_error
            return exit_code, _report_encoder.encode(report)
        except Interrupted:
            continue
    return exit_code, '{"exitCode": %d, "error": null}' % exit_code


SITE_PACKAGES = "/data/site-packages"


def _prepare():
    # Output line by line, as QuickJS's driver writes it: CPython buffers a stdout that is not a terminal in 8 KB
    # blocks, so a streamed call would see nothing until the end, and a trap would lose what was printed. Set here, in
    # the start-up image, and not by a first cell: a cell run at start-up would count as the interpreter's first call
    # and skip _reseed in the user's.
    sys.stdout.reconfigure(line_buffering=True)
    # The workspace is the working directory, as a notebook user expects.
    try:
        os.chdir("/app")
    except OSError:
        pass
    # Every vendored package is importable from the start, in stateless calls too (one folder per package,
    # after the standard library, so stdlib imports never look there). Looking up a name that exists nowhere
    # makes each entry's finder list its folder now, so that listing is in the start-up image, not paid by
    # each fresh interpreter.
    try:
        folders = sorted(os.listdir(SITE_PACKAGES))
    except OSError:
        folders = []
    for name in folders:
        path = SITE_PACKAGES + "/" + name
        if path not in sys.path and os.path.isdir(path):
            sys.path.append(path)
    import importlib.util
    importlib.util.find_spec("_skwasm_no_such_module_")
    _disable_network()
    _readable_stdlib_sources()
    builtins.help = _Helper()
    _preload()


# Standard-library modules agents import most, imported at start-up so that every fresh interpreter already has them
# in sys.modules: importing them per call cost 5-25 M fuel each (statistics, calendar, fractions, sqlite3...), while
# each page they add to the start-up image costs every fresh call a copy. Chosen by measurement: bench/RESULTS.md.
PRELOADED = (
    "bisect", "base64", "calendar", "collections", "copy", "csv", "dataclasses", "datetime", "decimal", "fractions",
    "functools", "hashlib", "heapq", "hmac", "io", "itertools", "json", "math", "operator", "random", "re", "sqlite3",
    "statistics", "string", "textwrap", "typing",
)


def _preload():
    for name in PRELOADED:
        try:
            __import__(name)  # into sys.modules only: no name of the user's (__main__) namespace
        except ImportError:
            pass


def _reseed():
    """The first call of an interpreter restored from the start-up image: random's hidden generator was seeded
    when start-up imported it, so every fresh interpreter would otherwise draw the same numbers."""
    module = sys.modules.get("random")
    if module is not None and type(getattr(module, "_inst", None)) is getattr(module, "Random", None):
        module._inst.seed()


class _Helper:
    """help() as the site module defines it (the interpreter starts without site)."""

    def __repr__(self):
        return "Type help() for interactive help, or help(object) for help about object."

    def __call__(self, *args, **kwargs):
        import pydoc
        return pydoc.help(*args, **kwargs)


STDLIB = "/usr/local/lib/python3.11/"
STDLIB_SOURCES = "/usr/local/lib/python3.11/python311-src.pack"  # format: runtimes/python/pack_stdlib.py
_source_index = None


def _stdlib_source(rel):
    """The source of a standard-library module from the pack, or None."""
    global _source_index
    import zlib
    with open(STDLIB_SOURCES, "rb") as f:
        if f.readline() != b"SKSRC1\n":
            return None
        size = int(f.readline())
        head = f.read(size)
        if _source_index is None:
            _source_index = {}
            for line in head.decode("utf-8").splitlines():
                name, offset, length = line.split("\t")
                _source_index[name] = (int(offset), int(length))
        entry = _source_index.get(rel)
        if entry is None:
            return None
        f.seek(f.tell() + entry[0])
        return zlib.decompress(f.read(entry[1]))


def _readable_stdlib_sources():
    """The standard library ships as sourceless .pyc; its sources are in one pack that linecache reads on
    demand, so tracebacks show standard-library lines and inspect.getsource works."""
    original = linecache.updatecache

    def updatecache(filename, module_globals=None):
        lines = original(filename, module_globals)
        if lines or not filename.startswith(STDLIB) or not filename.endswith(".py"):
            return lines
        try:
            data = _stdlib_source(filename[len(STDLIB):])
        except (OSError, ValueError, ImportError):
            data = None
        if data is None:
            return []
        text = data.decode("utf-8", "replace")
        lines = text.splitlines(True)
        if lines and not lines[-1].endswith("\n"):
            lines[-1] += "\n"
        linecache.cache[filename] = (len(data), None, lines, filename)
        return lines

    linecache.updatecache = updatecache


NETWORK_DISABLED = "network access is disabled in the sandbox (no sockets, DNS or HTTP)"


def _disable_network():
    """WASI has no sockets: name lookups and connections fail with one clear OSError instead of an AttributeError."""
    import errno
    import socket
    import _socket

    def disabled(*args, **kwargs):
        raise OSError(errno.ENETUNREACH, NETWORK_DISABLED)

    for name in ("getaddrinfo", "gethostbyname", "gethostbyname_ex", "gethostbyaddr", "getnameinfo", "create_connection",
                 "create_server", "socketpair", "fromfd"):
        setattr(socket, name, disabled)
        if hasattr(_socket, name) or name in ("getaddrinfo", "gethostbyname"):
            setattr(_socket, name, disabled)
    for method in ("connect", "connect_ex", "bind", "listen", "sendto"):
        setattr(socket.socket, method, disabled)


_prepare()
# Run one cell now so the lazy imports of the first call (codecs, linecache, ...) are already in the
# start-up snapshot rather than paid by every fresh interpreter.
run(b"pass", b"", 0)
_cells = 0
# What start-up made stays for good: collected once, then frozen, so the collector never walks those objects again
# (each walk costs fuel and rewrites their headers, which a session's checkpoint would then have to hold).
gc.collect()
gc.freeze()
