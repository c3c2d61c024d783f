"""Writes runtimes/FIDELITY.md from the results fidelity.sh collected.

usage: report.py RESULTS_DIR OUT_MD SKWASM_CLI MODULE...
"""
import json
import os
import re
import statistics
import sys

# (module regex, test-id regex, detail regex, class, explanation). First match wins.
RULES = [
    (r"test_sqlite3", r"test_transactions\.", r"database is locked", "WASI limitation",
     "WASI preview 1 has no POSIX advisory file locks, so SQLite's WASI build locks files with dot-files, "
     "which cannot share: a second connection cannot read while another holds a write transaction "
     "(with fcntl locks the reader would get a SHARED lock)."),
    (r"test_uuid", r"arp_getnode", r"gethostname", "WASI limitation",
     "WASI has no host name: the socket module of CPython's WASI build has no gethostname()."),
]
# Causes of skips that a native run does not have: (reason regex, cause).
SKIP_CAUSES = [
    (r"tzset", "WASI limitation: wasi-libc has no tzset() (no TZ-driven local time)"),
    (r"subprocess|multiprocessing|fork", "WASI limitation: no processes"),
    (r"thread", "WASI limitation: no threads"),
    (r"Emscripten/WASI", "WASI limitation (CPython's own WASI skip)"),
    (r"_testcapi|_testinternalcapi|legacy Unicode C API", "build: CPython's C test modules are not built "
     "(--disable-test-modules)"),
    (r"64bit", "wasm32 is a 32-bit platform"),
    (r"_uuid", "build: the _uuid C module needs libuuid, not linked"),
    (r"[Nn]umpy", "numpy is not in this runtime"),
    (r"_hashlib|_hashopenssl|OpenSSL", "build: no OpenSSL in the WASI build (hashlib uses its built-in algorithms)"),
    (r"ifconfig|requires ip\b", "WASI limitation: no processes (the test runs a command)"),
    (r"chmod|umask", "WASI limitation: no file modes or umask in WASI preview 1"),
]


def skip_cause(reason, sandbox, native):
    if native >= sandbox:
        return "—"
    for pattern, cause in SKIP_CAUSES:
        if re.search(pattern, reason):
            return cause
    return "unclassified"


def norm_reason(text):
    return re.sub(r"\d+(\.\d+)?G", "nG", text)[:90]


def classify(module, rec):
    detail = rec.get("detail", "")
    for mod_re, id_re, det_re, cls, why in RULES:
        if re.search(mod_re, module) and re.search(id_re, rec["id"]) and re.search(det_re, detail):
            return cls, why
    return "unclassified", "not yet analysed"


def last_line(text):
    lines = [l.strip() for l in text.strip().splitlines() if l.strip()]
    return lines[-1][:200] if lines else ""


def load(results, module):
    parts, clis = [], []
    i = 0
    while os.path.exists(os.path.join(results, f"{module}.part{i}.cli.json")) or \
            os.path.exists(os.path.join(results, f"{module}.part{i}.json")):
        p = os.path.join(results, f"{module}.part{i}.json")
        parts.append(json.load(open(p, encoding="utf-8")) if os.path.exists(p) else None)
        c = os.path.join(results, f"{module}.part{i}.cli.json")
        try:
            clis.append(json.load(open(c, encoding="utf-8")))
        except (OSError, ValueError):
            err = os.path.join(results, f"{module}.part{i}.cli.err")
            clis.append({"outcome": "host error",
                         "stderr": open(err, encoding="utf-8").read()[-500:] if os.path.exists(err) else ""})
        i += 1
    return parts, clis


def main(results, out, cli, *modules):
    rows, failures, problems, skip_reasons = [], [], [], {}
    tot = dict(run=0, passed=0, failed=0, errors=0, skipped=0)
    fuel_total = 0
    for m in modules:
        parts, clis = load(results, m)
        if not parts:
            problems.append(f"`{m}`: not run")
            continue
        run = 0
        failed_ids, error_ids, skipped = set(), set(), 0
        npath = os.path.join(results, f"{m}.native.json")
        native_skipped_ids = set()
        if os.path.exists(npath):
            native_skipped_ids = {r["id"] for r in json.load(open(npath, encoding="utf-8"))["records"]
                                  if r["status"] == "skip"}
        for i, (p, c) in enumerate(zip(parts, clis)):
            fuel_total += c.get("fuelConsumed") or 0
            if p is None:
                problems.append(f"`{m}` part {i + 1}/{len(parts)}: no result; sandbox outcome "
                                f"`{c.get('outcome')}` after {c.get('fuelConsumed', 0):,} fuel, "
                                f"{c.get('durationMs', 0) / 1000:.1f} s. {last_line(c.get('stderr', ''))}")
                continue
            if p["status"] != "ok":
                problems.append(f"`{m}` part {i + 1}: the module crashed: {last_line(p.get('crash') or '')}")
            run += p["run"]
            for r in p["records"]:
                if r["status"] == "fail":
                    failed_ids.add(r["id"])
                elif r["status"] == "error":
                    error_ids.add(r["id"])
                elif r["status"] == "skip":
                    skipped += 1
                    reason = norm_reason(r["detail"])
                    both = skip_reasons.setdefault(reason, [0, 0])
                    both[0] += 1
                    both[1] += r["id"] in native_skipped_ids
                if r["status"] in ("fail", "error"):
                    cls, why = classify(m, r)
                    failures.append((m, r["id"] + (f" {r['sub']}" if r.get("sub") else ""), r["status"],
                                     last_line(r["detail"]), cls, why))
        native_skips = None
        npath = os.path.join(results, f"{m}.native.json")
        if os.path.exists(npath):
            native = json.load(open(npath, encoding="utf-8"))
            native_skips = sum(1 for r in native["records"] if r["status"] == "skip")
        error_ids -= failed_ids
        passed = run - len(failed_ids) - len(error_ids) - skipped
        counted = run - skipped
        pct = 100.0 * passed / counted if counted else 0.0
        rows.append((m, run, passed, len(failed_ids), len(error_ids), skipped, pct, len(parts), native_skips))
        for k, v in zip(("run", "passed", "failed", "errors", "skipped"),
                        (run, passed, len(failed_ids), len(error_ids), skipped)):
            tot[k] += v

    hi = []
    for i in range(5):
        p = os.path.join(results, f"hi.{i}.json")
        if os.path.exists(p):
            hi.append(json.load(open(p, encoding="utf-8")))
    runtimes = os.path.dirname(os.path.abspath(out))
    size = lambda rel: os.path.getsize(os.path.join(runtimes, rel))

    L = []
    L.append("# Python fidelity: CPython's own tests inside the sandbox\n")
    L.append("Written by `runtimes/fidelity.sh` (scripts in `runtimes/python/fidelity/`). Each module of CPython "
             "3.11's regression suite (`Lib/test` of the same Debian `python3.11` source package the runtime is "
             "built from) runs inside the sandbox through the `skwasm` CLI, in its own session: the test files are "
             "copied into the session's workspace (`/app`) with the test modules they import and the data files of "
             "`Lib/test` they name, a driver runs the module with `unittest` and records every test's outcome; a "
             "module that runs out of fuel or time is run again in twice as many parts (\"calls\"), by itself. Resources as in a default `python -m test` run (`-u none`: tests needing the "
             "`cpu`, `decimal`, `network`… resources, and big-memory tests, are skipped as they are natively).\n")
    L.append("Pass % = passed / (run − skipped). A test with several failing subtests counts once. \"calls\" = "
             "sandbox calls the module needed; \"skipped natively\" = skips when the same driver runs the same "
             "files on the build machine's native Debian python3.11 (3.11.2), for comparison.\n")
    L.append("| module | run | passed | failed | errors | skipped | pass % | calls | skipped natively |")
    L.append("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    for m, run, passed, f, e, s, pct, parts, nat in rows:
        L.append(f"| {m} | {run} | {passed} | {f} | {e} | {s} | {pct:.1f} | {parts} | {'' if nat is None else nat} |")
    counted = tot["run"] - tot["skipped"]
    overall = 100.0 * tot["passed"] / counted if counted else 0.0
    L.append(f"| **total** | **{tot['run']}** | **{tot['passed']}** | **{tot['failed']}** | **{tot['errors']}** | "
             f"**{tot['skipped']}** | **{overall:.1f}** | | **{sum(r[8] or 0 for r in rows)}** |")
    L.append("")
    L.append(f"Overall: **{overall:.1f} %** of the tests that ran passed ({tot['passed']} of {counted}); "
             f"{tot['run']} tests run, {tot['skipped']} skipped. Total fuel {fuel_total / 1e9:.0f} G.\n")
    if problems:
        L.append("## Modules that did not finish\n")
        L.extend(f"- {p}" for p in problems)
        L.append("")
    L.append("## Failures and errors\n")
    if failures:
        L.append("| module | test | kind | message | cause | detail |")
        L.append("| --- | --- | --- | --- | --- | --- |")
        for m, tid, kind, msg, cls, why in failures:
            short_id = tid.replace(f"test.{m}.", "")
            L.append(f"| {m} | `{short_id}` | {kind} | {msg.replace('|', '/')} | {cls} | {why} |")
    else:
        L.append("None.")
    L.append("")
    L.append("## Why tests were skipped\n")
    L.append("\"native too\" = of these, how many the native run skips as well (for the same or another reason: "
             "resources, big memory, debug-build or verbose-only tests, C-API tests of the pure-Python variant). "
             "The cause is given for the skips only the sandbox has.\n")
    L.append("| reason | sandbox | native too | cause of the others |")
    L.append("| --- | ---: | ---: | --- |")
    for reason, (n_s, n_n) in sorted(skip_reasons.items(), key=lambda kv: (-kv[1][0], kv[0])):
        L.append(f"| {reason.replace('|', '/')} | {n_s} | {n_n} | {skip_cause(reason, n_s, n_n)} |")
    L.append("")
    L.append("## Test harness accommodations\n")
    L.append("- `test_sqlite3`: `test_dbapi.py` imports `INT_MAX`/`ULLONG_MAX` from `_testcapi` unconditionally; "
             "a two-constant stand-in (`python/fidelity/shims/test_sqlite3/_testcapi.py`, wasm32 values) is put in "
             "that session's workspace only. Without it the six sub-modules importing `test_dbapi` fail to load.")
    L.append("- `test_statistics` runs in 8 calls (contiguous slices of its tests, whole classes, same session): "
             "it needs about 70 G fuel and one call is capped at 50 G.")
    L.append("- Nothing had to be added to the standard library or the workspace for the selected modules: "
             "`unittest`, `doctest`, `pdb` and the rest of what `test.support` imports are in the compiled standard library (`python/lib/python3.11`).")
    L.append("")
    L.append("## Size and start-up\n")
    L.append(f"- `python/python.wasm`: {size('python/python.wasm'):,} bytes; "
             f"`python/lib/python3.11/`: {sum(os.path.getsize(os.path.join(d, n)) for d, _, ns in os.walk(os.path.join(runtimes, 'python/lib/python3.11')) for n in ns):,} bytes.")
    if hi:
        fuels = [h["fuelConsumed"] for h in hi]
        durs = [h["durationMs"] for h in hi]
        L.append(f"- `skwasm run --code \"print('hi')\" -l py --json`, fresh (stateless) call, 5 runs: median "
                 f"**{statistics.median(fuels):,.0f} fuel**, **{statistics.median(durs):.0f} ms** "
                 f"(runs: {', '.join(f'{d:.0f}' for d in durs)} ms; fuel {min(fuels):,}–{max(fuels):,}). "
                 "`durationMs` is the host's measure of the call; each run is a new `skwasm` process that restores "
                 "the interpreter from its snapshot. The compiled-module cache was warm for all five (the fidelity "
                 "runs before them had filled it); with a cold cache the first call also compiles python.wasm "
                 "(3–5 s on this kind of machine, per runtime-build-notes; not measured here).")
    L.append("")
    with open(out, "w", encoding="utf-8") as f:
        f.write("\n".join(L))
    print(f"wrote {out}: overall {overall:.1f} % ({tot['passed']}/{counted}), {len(failures)} failure records")


if __name__ == "__main__":
    main(*sys.argv[1:])
