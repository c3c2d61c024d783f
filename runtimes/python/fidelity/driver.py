# Runs one CPython regression-test module inside the sandbox and writes per-test outcomes to
# /app/fidelity-result-PART.json. fidelity.sh prepends `MODULE = "test.test_xxx"; PART = i; PARTS = n`:
# the module's tests, flattened in load order, are cut into PARTS contiguous slices (each call of the
# sandbox has a fuel ceiling) and slice PART (0-based) runs; a test class is never split.
# Like `python -m test` with its defaults: no optional resources (-u none), so tests that need the
# 'cpu', 'decimal', 'network', … resources are skipped, as in a default regrtest run.
import io
import json
import sys
import time
import traceback
import unittest

sys.path.insert(0, "/app")
t0 = time.perf_counter()

from test import support  # noqa: E402

support.use_resources = []
support.verbose = 0


def short(err_text):
    """The last line of a traceback: 'Type: message'."""
    lines = [l for l in err_text.strip().splitlines() if l.strip()]
    return lines[-1].strip()[:400] if lines else ""


class Recorder(unittest.TextTestResult):
    def __init__(self, *a, **k):
        super().__init__(*a, **k)
        self.records = []

    def _add(self, test, status, detail="", sub=None):
        rec = {"id": test.id() if hasattr(test, "id") else str(test), "status": status, "detail": detail[-2000:]}
        if sub is not None:
            rec["sub"] = sub
        self.records.append(rec)

    def addSuccess(self, test):
        super().addSuccess(test)
        self._add(test, "pass")

    def addFailure(self, test, err):
        super().addFailure(test, err)
        self._add(test, "fail", self.failures[-1][1])

    def addError(self, test, err):
        super().addError(test, err)
        self._add(test, "error", self.errors[-1][1])

    def addSkip(self, test, reason):
        super().addSkip(test, reason)
        self._add(test, "skip", str(reason)[:300])

    def addExpectedFailure(self, test, err):
        super().addExpectedFailure(test, err)
        self._add(test, "xfail")

    def addUnexpectedSuccess(self, test):
        super().addUnexpectedSuccess(test)
        self._add(test, "fail", "unexpected success")

    def addSubTest(self, test, subtest, err):
        super().addSubTest(test, subtest, err)
        if err is not None:
            status = "fail" if issubclass(err[0], test.failureException) else "error"
            self._add(test, status, self._exc_info_to_string(err, test), subtest._subDescription())


results = []


def run_suite(suite):
    stream = io.StringIO()
    runner = unittest.TextTestRunner(stream=stream, resultclass=Recorder, verbosity=0)
    result = runner.run(suite)
    results.append(result)
    return result


def run_unittest(*classes):
    loader = unittest.defaultTestLoader
    suite = unittest.TestSuite()
    for c in classes:
        if isinstance(c, str):
            suite.addTest(loader.loadTestsFromModule(sys.modules[c]))
        elif isinstance(c, (unittest.TestSuite, unittest.TestCase)):
            suite.addTest(c)
        else:
            suite.addTest(loader.loadTestsFromTestCase(c))
    return run_suite(suite)


def run_doctest(module, verbosity=None, optionflags=0):
    import doctest
    return run_suite(doctest.DocTestSuite(module, optionflags=optionflags))


def flatten(suite):
    for t in suite:
        if isinstance(t, unittest.TestSuite):
            yield from flatten(t)
        else:
            yield t


def select(suite):
    """Slice PART of PARTS, cut at test-class boundaries."""
    if PARTS == 1:  # noqa: F821
        return suite
    tests = list(flatten(suite))
    groups = []
    for t in tests:
        if groups and type(groups[-1][-1]) is type(t) and not isinstance(t, unittest.FunctionTestCase):
            groups[-1].append(t)
        else:
            groups.append([t])
    out = unittest.TestSuite()
    size = -(-len(tests) // PARTS)  # noqa: F821
    count = 0
    for g in groups:
        if count // size == PART:  # noqa: F821
            out.addTests(g)
        count += len(g)
    return out


status = "ok"
crash = None
try:
    module = __import__(MODULE, fromlist=["*"])  # noqa: F821 (defined by fidelity.sh)
    if hasattr(module, "test_main") and not hasattr(module, "load_tests"):
        module.run_unittest = run_unittest      # test_decimal's test_main() calls these
        module.run_doctest = run_doctest
        module.test_main()
    else:
        run_suite(select(unittest.defaultTestLoader.loadTestsFromModule(module)))
except BaseException as e:  # a crash of the module itself (import error, TestFailed from test_main, …)
    status = "crashed"
    crash = "".join(traceback.format_exception(e))[-3000:]

records = [r for res in results for r in res.records]
summary = {"module": MODULE, "part": PART, "parts": PARTS, "status": status, "crash": crash,  # noqa: F821
           "run": sum(res.testsRun for res in results),
           "seconds": round(time.perf_counter() - t0, 1), "records": records}
with open(f"/app/fidelity-result-{PART}.json", "w", encoding="utf-8") as f:  # noqa: F821
    json.dump(summary, f, indent=1)
counts = {}
for r in records:
    counts[r["status"]] = counts.get(r["status"], 0) + 1
print(json.dumps({"module": MODULE, "status": status, "run": summary["run"], **counts}))  # noqa: F821
