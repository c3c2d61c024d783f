/* SkWasmPlugin embedding shim: turns CPython into a WASI reactor the host keeps alive between calls.
 * The ABI is described in runtimes/ABI.md. Almost all logic lives in _skwasm.py (in the stdlib zip);
 * this file only starts the interpreter and moves bytes across the boundary. */
#define PY_SSIZE_T_CLEAN
#define Py_BUILD_CORE 1   /* for the interpreter's eval-breaker state used by the soft stop */
#include <Python.h>
#include "internal/pycore_interp.h"
#include <stdlib.h>
#include <string.h>

#define EXPORT(name) __attribute__((export_name(name)))

static PyObject *run_cell;      /* _skwasm.run */
static PyObject *interrupted;   /* _skwasm.Interrupted, raised by a soft stop */
static PyThreadState *main_tstate;
static int interrupt_requested;
/* Soft stop: (address, value) pairs the host writes, in order, to make the eval loop raise
 * _skwasm.Interrupted at the next instruction boundary (a real traceback, no trap). 0-terminated. */
static int32_t interrupt_plan[9];
static char *report;            /* last report, malloc'd, NUL-terminated */
static const char fallback_report[] =
    "{\"exitCode\":1,\"error\":{\"type\":\"InternalError\",\"message\":\"the runtime helper failed\"}}";

EXPORT("sk_alloc") void *sk_alloc(int size) { return malloc(size > 0 ? (size_t)size : 1); }
EXPORT("sk_free") void sk_free(void *ptr) { free(ptr); }

static void set_report(const char *text) {
    free(report);
    report = strdup(text ? text : fallback_report);
}

EXPORT("sk_report") const char *sk_report(void) { return report ? report : fallback_report; }

EXPORT("sk_init") int sk_init(int flags) {
    (void)flags;
    if (run_cell) return 0;
    /* UTF-8 mode: stdio and open() default to UTF-8 (the isolated defaults would make stdout ASCII). */
    PyPreConfig preconfig;
    PyPreConfig_InitIsolatedConfig(&preconfig);
    preconfig.utf8_mode = 1;
    PyStatus pre = Py_PreInitialize(&preconfig);
    if (PyStatus_Exception(pre)) {
        fprintf(stderr, "python pre-init failed: %s\n", pre.err_msg ? pre.err_msg : "?");
        return 1;
    }
    PyConfig config;
    PyConfig_InitIsolatedConfig(&config);
    config.site_import = 0;          /* site adds nothing useful here and costs start-up fuel */
    config.write_bytecode = 0;       /* the stdlib is read-only */
    config.install_signal_handlers = 0;
    config.user_site_directory = 0;
    config.pathconfig_warnings = 0;
    config.buffered_stdio = 1;
    PyStatus st = PyConfig_SetString(&config, &config.home, L"/usr/local");
    if (!PyStatus_Exception(st)) st = PyConfig_SetString(&config, &config.program_name, L"python3");
    if (!PyStatus_Exception(st)) st = Py_InitializeFromConfig(&config);
    PyConfig_Clear(&config);
    if (PyStatus_Exception(st)) {
        fprintf(stderr, "python init failed: %s\n", st.err_msg ? st.err_msg : "?");
        return 1;
    }
    PyObject *mod = PyImport_ImportModule("_skwasm");
    if (!mod) { PyErr_Print(); return 2; }
    run_cell = PyObject_GetAttrString(mod, "run");
    interrupted = PyObject_GetAttrString(mod, "Interrupted");
    Py_DECREF(mod);
    if (!run_cell || !interrupted) { PyErr_Print(); return 3; }
    main_tstate = PyThreadState_Get();
    PyInterpreterState *interp = main_tstate->interp;
    int32_t plan[] = {
        (int32_t)(intptr_t)&interrupt_requested, 1,
        (int32_t)(intptr_t)&main_tstate->async_exc, (int32_t)(intptr_t)interrupted,
        (int32_t)(intptr_t)&interp->ceval.pending.async_exc, 1,
        (int32_t)(intptr_t)&interp->ceval.eval_breaker, 1,
        0 };
    memcpy(interrupt_plan, plan, sizeof plan);
    return 0;
}

EXPORT("sk_interrupt_plan") int32_t *sk_interrupt_plan(void) { return interrupt_plan; }

/* After a call: drop an injected exception the eval loop did not get to, and balance the reference
 * handed to the eval loop (it releases one when it raises the exception). */
static void settle_interrupt(void) {
    if (main_tstate->async_exc == interrupted) {
        main_tstate->async_exc = NULL;
        main_tstate->interp->ceval.pending.async_exc = 0;
        Py_DECREF(interrupted);
    } else if (!interrupt_requested) {
        Py_DECREF(interrupted);
    }
    interrupt_requested = 0;
}

EXPORT("sk_exec") int sk_exec(const char *code, int code_len, const char *input, int input_len, int flags) {
    if (!run_cell) { set_report(NULL); return 1; }
    interrupt_requested = 0;
    Py_INCREF(interrupted);
    PyObject *result = PyObject_CallFunction(run_cell, "y#y#i", code, (Py_ssize_t)code_len,
                                             input ? input : "", (Py_ssize_t)(input ? input_len : 0), flags);
    if (!result) {
        /* _skwasm.run catches everything; reaching here means the helper itself broke. */
        PyErr_Print();
        set_report(NULL);
        settle_interrupt();
        return 1;
    }
    long rc = 1;
    if (PyTuple_Check(result) && PyTuple_GET_SIZE(result) == 2) {
        rc = PyLong_AsLong(PyTuple_GET_ITEM(result, 0));
        set_report(PyUnicode_AsUTF8(PyTuple_GET_ITEM(result, 1)));
    } else {
        set_report(NULL);
    }
    if (PyErr_Occurred()) PyErr_Clear();
    Py_DECREF(result);
    settle_interrupt();
    return (int)rc;
}
