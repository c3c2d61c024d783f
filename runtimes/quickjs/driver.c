/*
 * SkWasmPlugin JavaScript guest: driver around QuickJS for wasm32-wasi.
 *
 * Reactor build (default): exports the guest ABI of ../ABI.md (sk_alloc, sk_free, sk_init,
 * sk_exec, sk_report) plus sk_set_limits. One JSRuntime/JSContext lives from sk_init on;
 * every sk_exec evaluates in it, so script-mode globals persist between calls like a REPL.
 * Command build (-DSK_CLI): main() runs one program from a file or stdin.
 *
 * The JavaScript half (console formatting, timers) is prelude.js, embedded at build time
 * as prelude.h.
 */
#include <stdio.h>
#include <stdlib.h>
#include <stdint.h>
#include <string.h>
#include <errno.h>
#include <time.h>
#include <dirent.h>
#include <unistd.h>
#include <sys/stat.h>
#include "quickjs.h"
#include "prelude.h" /* static const unsigned char sk_prelude_js[]; sk_prelude_js_len */

/* sk_internal.c */
void sk_js_drop_jobs(JSRuntime *rt);
JSValue sk_js_global_lexicals(JSContext *ctx);
void sk_js_request_interrupt(JSContext *ctx);
void sk_js_reseed(JSContext *ctx);

#ifdef SK_CLI
#define SK_EXPORT(name)
#else
#define SK_EXPORT(name) __attribute__((export_name(name), used))
#endif

#define C_STACK_SIZE (1024 * 1024)               /* -z stack-size in build.sh */
#define DEFAULT_JS_STACK (C_STACK_SIZE / 4 * 3)  /* QuickJS stops at 3/4 of it */
#define MAX_LIST 200                             /* cap of candidates in the report */
#define MAX_FRAMES 50                            /* innermost frames kept in the report */
#define MAX_STACK_LINES 20                       /* frames printed on stderr */
#define MAX_MESSAGE 4000                         /* bytes of an error message kept in the report */
#define MAX_NAME 300                             /* bytes of a name (type, candidate) kept in the report */
#define MAX_ERROR_TEXT 10000                     /* bytes of the error's text (message, stack) on stderr */
#define CODE_FILE "<code>"

static JSRuntime *rt;
static JSContext *ctx;
static JSValue g_hooks = JS_UNDEFINED;   /* object returned by prelude.js */
static JSValue g_fs = JS_UNDEFINED;      /* the fs object (global `fs`, require('fs')) */
static JSValue g_stats_proto = JS_UNDEFINED;
static size_t g_js_stack = DEFAULT_JS_STACK;
static const char *g_file = CODE_FILE;   /* file name of the user's code */

/* ---------------------------------------------------------------- input of this call */
static const unsigned char *in_buf;
static size_t in_len, in_pos;
static int in_from_stdin; /* CLI with a program file: read the real stdin lazily */

static int in_getc(void)
{
    if (in_from_stdin)
        return getchar();
    if (in_pos < in_len)
        return in_buf[in_pos++];
    return EOF;
}

/* ---------------------------------------------------------------- growable buffer */
typedef struct { char *p; size_t len, cap; int oom; } Buf;

static void buf_reserve(Buf *b, size_t extra)
{
    if (b->oom || b->len + extra + 1 <= b->cap)
        return;
    size_t cap = b->cap ? b->cap : 256;
    while (cap < b->len + extra + 1)
        cap *= 2;
    char *p = realloc(b->p, cap);
    if (!p) { b->oom = 1; return; }
    b->p = p;
    b->cap = cap;
}
static void buf_put(Buf *b, const void *s, size_t n)
{
    buf_reserve(b, n);
    if (b->oom) return;
    memcpy(b->p + b->len, s, n);
    b->len += n;
    b->p[b->len] = 0;
}
static void buf_puts(Buf *b, const char *s) { buf_put(b, s, strlen(s)); }
static void buf_putc(Buf *b, char c) { buf_put(b, &c, 1); }
static void buf_int(Buf *b, long v) { char t[32]; snprintf(t, sizeof t, "%ld", v); buf_puts(b, t); }

/* JSON string literal; invalid UTF-8 (including the lone surrogates QuickJS may produce)
 * becomes U+FFFD so the report is always valid UTF-8 JSON. */
static void buf_json_str(Buf *b, const char *s, size_t n)
{
    static const char hex[] = "0123456789abcdef";
    const unsigned char *p = (const unsigned char *)s, *end = p + n;
    buf_putc(b, '"');
    while (p < end) {
        unsigned c = *p;
        if (c < 0x80) {
            switch (c) {
            case '"': buf_puts(b, "\\\""); break;
            case '\\': buf_puts(b, "\\\\"); break;
            case '\n': buf_puts(b, "\\n"); break;
            case '\r': buf_puts(b, "\\r"); break;
            case '\t': buf_puts(b, "\\t"); break;
            case '\b': buf_puts(b, "\\b"); break;
            case '\f': buf_puts(b, "\\f"); break;
            default:
                if (c < 0x20 || c == 0x7f) {
                    char u[7] = { '\\', 'u', '0', '0', hex[c >> 4], hex[c & 15], 0 };
                    buf_puts(b, u);
                } else {
                    buf_putc(b, (char)c);
                }
            }
            p++;
            continue;
        }
        /* multi-byte sequence: validate strictly (no overlongs, no surrogates, <= U+10FFFF) */
        int len = 0;
        unsigned cp = 0, min = 0;
        if (c >= 0xc2 && c <= 0xdf) { len = 2; cp = c & 0x1f; min = 0x80; }
        else if (c >= 0xe0 && c <= 0xef) { len = 3; cp = c & 0x0f; min = 0x800; }
        else if (c >= 0xf0 && c <= 0xf4) { len = 4; cp = c & 0x07; min = 0x10000; }
        int ok = len > 0 && p + len <= end;
        for (int i = 1; ok && i < len; i++) {
            if ((p[i] & 0xc0) != 0x80) ok = 0;
            else cp = (cp << 6) | (p[i] & 0x3f);
        }
        if (ok && (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))) {
            /* well-formed but not a scalar value (e.g. a lone surrogate): one U+FFFD */
            buf_puts(b, "\xef\xbf\xbd");
            p += len;
        } else if (ok) {
            buf_put(b, p, len);
            p += len;
        } else {
            buf_puts(b, "\xef\xbf\xbd");
            p++;
        }
    }
    buf_putc(b, '"');
}
static void buf_json_cstr(Buf *b, const char *s)
{
    if (s) buf_json_str(b, s, strlen(s));
    else buf_puts(b, "null");
}

/* ---------------------------------------------------------------- small JS helpers */
static const char *to_cstr(JSContext *c, JSValueConst v, size_t *plen)
{
    const char *s = JS_ToCStringLen(c, plen, v);
    if (!s) {
        JS_FreeValue(c, JS_GetException(c));
        if (plen) *plen = 0;
    }
    return s;
}

/* string property of an object (NULL when missing/unconvertible; free with free()) */
static char *get_str_prop(JSContext *c, JSValueConst obj, const char *name)
{
    if (!JS_IsObject(obj))
        return NULL;
    JSValue v = JS_GetPropertyStr(c, obj, name);
    if (JS_IsException(v)) {
        JS_FreeValue(c, JS_GetException(c));
        return NULL;
    }
    char *res = NULL;
    if (!JS_IsUndefined(v) && !JS_IsNull(v)) {
        size_t n;
        const char *s = to_cstr(c, v, &n);
        if (s) {
            res = malloc(n + 1);
            if (res) { memcpy(res, s, n); res[n] = 0; }
            JS_FreeCString(c, s);
        }
    }
    JS_FreeValue(c, v);
    return res;
}

static void set_prop_str(JSContext *c, JSValueConst obj, const char *name, const char *val)
{
    JS_SetPropertyStr(c, obj, name, JS_NewString(c, val));
}

static void def_hidden(JSContext *c, JSValueConst obj, const char *name, JSValue val)
{
    JS_DefinePropertyValueStr(c, obj, name, val, JS_PROP_WRITABLE | JS_PROP_CONFIGURABLE);
}

static void def_func(JSContext *c, JSValueConst obj, const char *name, JSCFunction *f, int len)
{
    JS_SetPropertyStr(c, obj, name, JS_NewCFunction(c, f, name, len));
}

/* ---------------------------------------------------------------- process.exit */
static int exit_requested, exit_code;
/* Soft stop: the host writes 1 here (see sk_interrupt_plan) when the call's fuel or time is nearly
 * used up; QuickJS then throws an uncatchable error at the running line, reported as "Interrupted". */
static int stop_requested;
static int32_t interrupt_plan[3];

static int interrupt_handler(JSRuntime *r, void *opaque)
{
    (void)r; (void)opaque;
    return exit_requested || stop_requested; /* after process.exit() nothing else may run */
}

/* process.exit(code): remember the code and throw an uncatchable error; it skips every
 * catch/finally. Where an engine-level catch (promise jobs, async functions) turns it into
 * a rejection anyway, the interrupt handler stops the next JS instruction and the driver
 * stops running jobs. */
static JSValue js_process_exit(JSContext *c, JSValueConst this_val, int argc, JSValueConst *argv)
{
    int32_t code = 0;
    if (argc > 0 && !JS_IsUndefined(argv[0])) {
        if (JS_ToInt32(c, &code, argv[0]))
            JS_FreeValue(c, JS_GetException(c));
    } else {
        /* process.exitCode, when set, is the default */
        JSValue g = JS_GetGlobalObject(c);
        JSValue p = JS_GetPropertyStr(c, g, "process");
        JSValue ec = JS_IsObject(p) ? JS_GetPropertyStr(c, p, "exitCode") : JS_UNDEFINED;
        if (JS_IsNumber(ec))
            JS_ToInt32(c, &code, ec);
        JS_FreeValue(c, ec);
        JS_FreeValue(c, p);
        JS_FreeValue(c, g);
    }
    exit_requested = 1;
    exit_code = code;
    sk_js_request_interrupt(c);
    JS_ThrowInternalError(c, "process.exit(%d)", (int)code);
    JSValue e = JS_GetException(c);
    JS_SetUncatchableError(c, e, 1);
    return JS_Throw(c, e);
}

/* ---------------------------------------------------------------- output */
static JSValue write_to(JSContext *c, FILE *f, JSValueConst v)
{
    size_t n;
    const char *s = JS_ToCStringLen(c, &n, v);
    if (!s)
        return JS_EXCEPTION;
    fwrite(s, 1, n, f);
    JS_FreeCString(c, s);
    return JS_TRUE;
}

/* native.write(fd, str) for prelude.js */
static JSValue js_native_write(JSContext *c, JSValueConst this_val, int argc, JSValueConst *argv)
{
    int32_t fd = 1;
    if (argc < 2 || JS_ToInt32(c, &fd, argv[0]))
        return JS_EXCEPTION;
    return write_to(c, fd == 2 ? stderr : stdout, argv[1]);
}
static JSValue js_stdout_write(JSContext *c, JSValueConst this_val, int argc, JSValueConst *argv)
{
    return argc ? write_to(c, stdout, argv[0]) : JS_TRUE;
}
static JSValue js_stderr_write(JSContext *c, JSValueConst this_val, int argc, JSValueConst *argv)
{
    return argc ? write_to(c, stderr, argv[0]) : JS_TRUE;
}

static JSValue js_native_now(JSContext *c, JSValueConst this_val, int argc, JSValueConst *argv)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return JS_NewFloat64(c, ts.tv_sec * 1e3 + ts.tv_nsec / 1e6);
}

/* native.promiseState(p) -> [state (0 pending, 1 fulfilled, 2 rejected), result] */
static JSValue js_native_promise_state(JSContext *c, JSValueConst this_val, int argc, JSValueConst *argv)
{
    int st = argc ? (int)JS_PromiseState(c, argv[0]) : -1;
    JSValue arr = JS_NewArray(c);
    JS_SetPropertyUint32(c, arr, 0, JS_NewInt32(c, st));
    JS_SetPropertyUint32(c, arr, 1, st > 0 ? JS_PromiseResult(c, argv[0]) : JS_UNDEFINED);
    return arr;
}

/* ---------------------------------------------------------------- input functions */
/* readline(): next line of this call's input without its newline, null at EOF */
static JSValue js_readline(JSContext *c, JSValueConst this_val, int argc, JSValueConst *argv)
{
    Buf b = { 0 };
    int ch, any = 0;
    while ((ch = in_getc()) != EOF) {
        any = 1;
        if (ch == '\n')
            break;
        buf_putc(&b, (char)ch);
    }
    if (!any)
        return JS_NULL;
    if (b.len && b.p[b.len - 1] == '\r')
        b.len--;
    JSValue s = JS_NewStringLen(c, b.p ? b.p : "", b.len);
    free(b.p);
    return s;
}

static void read_rest_of_input(Buf *b)
{
    if (in_from_stdin) {
        char tmp[4096];
        size_t n;
        while ((n = fread(tmp, 1, sizeof tmp, stdin)) > 0)
            buf_put(b, tmp, n);
    } else if (in_pos < in_len) {
        buf_put(b, in_buf + in_pos, in_len - in_pos);
        in_pos = in_len;
    }
}

/* readStdin(): all remaining input of this call ('' at EOF) */
static JSValue js_read_stdin(JSContext *c, JSValueConst this_val, int argc, JSValueConst *argv)
{
    Buf b = { 0 };
    read_rest_of_input(&b);
    JSValue s = JS_NewStringLen(c, b.p ? b.p : "", b.len);
    free(b.p);
    return s;
}

/* ---------------------------------------------------------------- fs */
static const char *errno_code(int e)
{
    switch (e) {
    case ENOENT: return "ENOENT";
    case EEXIST: return "EEXIST";
    case ENOTDIR: return "ENOTDIR";
    case EISDIR: return "EISDIR";
    case ENOTEMPTY: return "ENOTEMPTY";
    case EACCES: return "EACCES";
    case EPERM: return "EPERM";
    case ENOTCAPABLE: return "EACCES";
    case EBADF: return "EBADF";
    case EINVAL: return "EINVAL";
    case ENOSPC: return "ENOSPC";
    case EROFS: return "EROFS";
    case EMFILE: return "EMFILE";
    case ENAMETOOLONG: return "ENAMETOOLONG";
    case EXDEV: return "EXDEV";
    case EBUSY: return "EBUSY";
    case ELOOP: return "ELOOP";
    case ENOSYS: return "ENOSYS";
    case ENOTSUP: return "ENOTSUP";
    default: return "EIO";
    }
}

static const char *errno_text(int e)
{
    switch (e) {
    case ENOENT: return "no such file or directory";
    case EEXIST: return "file already exists";
    case ENOTDIR: return "not a directory";
    case EISDIR: return "illegal operation on a directory";
    case ENOTEMPTY: return "directory not empty";
    case EACCES: return "permission denied";
    case ENOTCAPABLE: return "permission denied (outside the sandbox's directories)";
    case EPERM: return "operation not permitted";
    case EBADF: return "bad file descriptor";
    case EINVAL: return "invalid argument";
    case ENOSPC: return "no space left on device";
    case EROFS: return "read-only file system";
    default: return strerror(e);
    }
}

/* Throws an Error like Node's: message "ENOENT: no such file or directory, open 'x'",
 * properties code, errno, syscall, path. */
static JSValue throw_errno(JSContext *c, int e, const char *syscall, const char *path, const char *path2)
{
    char msg[1024];
    if (path2)
        snprintf(msg, sizeof msg, "%s: %s, %s '%s' -> '%s'", errno_code(e), errno_text(e), syscall, path, path2);
    else if (path)
        snprintf(msg, sizeof msg, "%s: %s, %s '%s'", errno_code(e), errno_text(e), syscall, path);
    else
        snprintf(msg, sizeof msg, "%s: %s, %s", errno_code(e), errno_text(e), syscall);
    JSValue err = JS_NewError(c);
    def_hidden(c, err, "message", JS_NewString(c, msg));
    JS_SetPropertyStr(c, err, "errno", JS_NewInt32(c, -e));
    set_prop_str(c, err, "code", errno_code(e));
    set_prop_str(c, err, "syscall", syscall);
    if (path)
        set_prop_str(c, err, "path", path);
    if (path2)
        set_prop_str(c, err, "dest", path2);
    return JS_Throw(c, err);
}

/* path argument: a string (or something convertible); *fd set to 0/1/2 for numeric fds */
static const char *get_path(JSContext *c, JSValueConst v, int *fd)
{
    *fd = -1;
    if (JS_IsNumber(v)) {
        int32_t n;
        JS_ToInt32(c, &n, v);
        if (n < 0 || n > 2) {
            JS_ThrowRangeError(c, "fs: only the file descriptors 0, 1 and 2 are supported");
            return NULL;
        }
        *fd = n;
        return NULL;
    }
    if (!JS_IsString(v) && !JS_IsObject(v)) {
        JS_ThrowTypeError(c, "The \"path\" argument must be of type string");
        return NULL;
    }
    const char *p = JS_ToCString(c, v);
    if (!p)
        return NULL;
    if (!strcmp(p, "/dev/stdin")) *fd = 0;
    else if (!strcmp(p, "/dev/stdout")) *fd = 1;
    else if (!strcmp(p, "/dev/stderr")) *fd = 2;
    if (*fd >= 0) {
        JS_FreeCString(c, p);
        return NULL;
    }
    return p;
}
#define PATH_ARG(var, fdvar, idx)                                             \
    int fdvar;                                                                \
    const char *var = get_path(c, argc > (idx) ? argv[idx] : JS_UNDEFINED, &fdvar); \
    if (!var && fdvar < 0) return JS_EXCEPTION;

/* fs.readFileSync(path | 0, encoding?): returns the content as a string whether or not an
 * encoding is given (there is no Buffer in this sandbox); bytes are decoded as UTF-8. */
static JSValue js_fs_read_file(JSContext *c, JSValueConst this_val, int argc, JSValueConst *argv)
{
    PATH_ARG(path, fd, 0);
    Buf b = { 0 };
    if (fd == 0) {
        read_rest_of_input(&b);
    } else if (fd > 0) {
        return throw_errno(c, EBADF, "read", NULL, NULL);
    } else {
        struct stat st;
        if (stat(path, &st) == 0 && S_ISDIR(st.st_mode)) {
            JSValue r = throw_errno(c, EISDIR, "read", path, NULL);
            JS_FreeCString(c, path);
            return r;
        }
        FILE *f = fopen(path, "rb");
        if (!f) {
            JSValue r = throw_errno(c, errno, "open", path, NULL);
            JS_FreeCString(c, path);
            return r;
        }
        char tmp[16384];
        size_t n;
        while ((n = fread(tmp, 1, sizeof tmp, f)) > 0)
            buf_put(&b, tmp, n);
        fclose(f);
        JS_FreeCString(c, path);
    }
    if (b.oom) {
        free(b.p);
        return JS_ThrowOutOfMemory(c);
    }
    JSValue s = JS_NewStringLen(c, b.p ? b.p : "", b.len);
    free(b.p);
    return s;
}

/* bytes of a string, ArrayBuffer or typed array (else String(data)) */
static int get_bytes(JSContext *c, JSValueConst v, const uint8_t **pp, size_t *plen, const char **to_free)
{
    *to_free = NULL;
    if (JS_IsObject(v)) {
        size_t off, len, bpe;
        JSValue ab = JS_GetTypedArrayBuffer(c, v, &off, &len, &bpe);
        if (!JS_IsException(ab)) {
            size_t size;
            uint8_t *p = JS_GetArrayBuffer(c, &size, ab);
            JS_FreeValue(c, ab);
            if (p) { *pp = p + off; *plen = len; return 0; }
        }
        JS_FreeValue(c, JS_GetException(c));
        size_t size;
        uint8_t *p = JS_GetArrayBuffer(c, &size, v);
        if (p) { *pp = p; *plen = size; return 0; }
        JS_FreeValue(c, JS_GetException(c));
    }
    const char *s = JS_ToCStringLen(c, plen, v);
    if (!s)
        return -1;
    *pp = (const uint8_t *)s;
    *to_free = s;
    return 0;
}

static JSValue write_file(JSContext *c, int argc, JSValueConst *argv, int append)
{
    PATH_ARG(path, fd, 0);
    const uint8_t *data;
    size_t len;
    const char *to_free;
    if (get_bytes(c, argc > 1 ? argv[1] : JS_UNDEFINED, &data, &len, &to_free)) {
        if (path) JS_FreeCString(c, path);
        return JS_EXCEPTION;
    }
    /* options: {flag: 'a'} appends too */
    if (!append && argc > 2 && JS_IsObject(argv[2])) {
        char *flag = get_str_prop(c, argv[2], "flag");
        if (flag && flag[0] == 'a') append = 1;
        free(flag);
    }
    JSValue ret = JS_UNDEFINED;
    if (fd >= 0) {
        FILE *f = fd == 2 ? stderr : fd == 1 ? stdout : NULL;
        if (f) fwrite(data, 1, len, f);
        else ret = throw_errno(c, EBADF, "write", NULL, NULL);
    } else {
        FILE *f = fopen(path, append ? "ab" : "wb");
        if (!f) {
            ret = throw_errno(c, errno, "open", path, NULL);
        } else {
            int bad = len && fwrite(data, 1, len, f) != len;
            int e = errno;
            if (fclose(f) != 0 && !bad) { bad = 1; e = errno; }
            if (bad) ret = throw_errno(c, e, "write", path, NULL);
        }
        JS_FreeCString(c, path);
    }
    if (to_free) JS_FreeCString(c, to_free);
    return ret;
}
static JSValue js_fs_write_file(JSContext *c, JSValueConst this_val, int argc, JSValueConst *argv)
{
    return write_file(c, argc, argv, 0);
}
static JSValue js_fs_append_file(JSContext *c, JSValueConst this_val, int argc, JSValueConst *argv)
{
    return write_file(c, argc, argv, 1);
}

static JSValue js_fs_exists(JSContext *c, JSValueConst this_val, int argc, JSValueConst *argv)
{
    if (argc < 1 || !JS_IsString(argv[0]))
        return JS_FALSE;
    const char *p = JS_ToCString(c, argv[0]);
    if (!p) return JS_EXCEPTION;
    struct stat st;
    int ok = stat(p, &st) == 0;
    JS_FreeCString(c, p);
    return JS_NewBool(c, ok);
}

static int cmp_names(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* fs.readdirSync(path): names sorted, without . and .. */
static JSValue js_fs_readdir(JSContext *c, JSValueConst this_val, int argc, JSValueConst *argv)
{
    PATH_ARG(path, fd, 0);
    if (!path) return throw_errno(c, ENOTDIR, "scandir", NULL, NULL);
    DIR *d = opendir(path);
    if (!d) {
        JSValue r = throw_errno(c, errno, "scandir", path, NULL);
        JS_FreeCString(c, path);
        return r;
    }
    char **names = NULL;
    size_t n = 0, cap = 0;
    struct dirent *de;
    while ((de = readdir(d)) != NULL) {
        if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
            continue;
        if (n == cap) {
            cap = cap ? cap * 2 : 16;
            char **nn = realloc(names, cap * sizeof *names);
            if (!nn) break;
            names = nn;
        }
        names[n] = strdup(de->d_name);
        if (names[n]) n++;
    }
    closedir(d);
    JS_FreeCString(c, path);
    qsort(names, n, sizeof *names, cmp_names);
    JSValue arr = JS_NewArray(c);
    for (size_t i = 0; i < n; i++) {
        JS_SetPropertyUint32(c, arr, (uint32_t)i, JS_NewString(c, names[i]));
        free(names[i]);
    }
    free(names);
    return arr;
}

static double ts_ms(struct timespec t) { return t.tv_sec * 1e3 + t.tv_nsec / 1e6; }

/* fs.statSync(path) -> {size, mode, mtimeMs, atimeMs, ctimeMs, mtime, isFile(), isDirectory(),
 * isSymbolicLink()}; lstatSync likewise without following a final symlink */
static JSValue do_stat(JSContext *c, int argc, JSValueConst *argv, int link)
{
    PATH_ARG(path, fd, 0);
    struct stat st;
    int r = path ? (link ? lstat(path, &st) : stat(path, &st)) : fstat(fd, &st);
    if (r != 0) {
        JSValue e = throw_errno(c, errno, link ? "lstat" : "stat", path, NULL);
        if (path) JS_FreeCString(c, path);
        return e;
    }
    if (path) JS_FreeCString(c, path);
    JSValue o = JS_NewObjectProto(c, g_stats_proto);
    JS_SetPropertyStr(c, o, "size", JS_NewFloat64(c, (double)st.st_size));
    JS_SetPropertyStr(c, o, "mode", JS_NewInt32(c, (int32_t)st.st_mode));
    JS_SetPropertyStr(c, o, "nlink", JS_NewFloat64(c, (double)st.st_nlink));
    JS_SetPropertyStr(c, o, "ino", JS_NewFloat64(c, (double)st.st_ino));
    JS_SetPropertyStr(c, o, "atimeMs", JS_NewFloat64(c, ts_ms(st.st_atim)));
    JS_SetPropertyStr(c, o, "mtimeMs", JS_NewFloat64(c, ts_ms(st.st_mtim)));
    JS_SetPropertyStr(c, o, "ctimeMs", JS_NewFloat64(c, ts_ms(st.st_ctim)));
    JS_SetPropertyStr(c, o, "birthtimeMs", JS_NewFloat64(c, ts_ms(st.st_ctim)));
    return o;
}
static JSValue js_fs_stat(JSContext *c, JSValueConst this_val, int argc, JSValueConst *argv)
{
    return do_stat(c, argc, argv, 0);
}
static JSValue js_fs_lstat(JSContext *c, JSValueConst this_val, int argc, JSValueConst *argv)
{
    return do_stat(c, argc, argv, 1);
}

/* Stats.prototype.isFile() etc.: magic = the S_IFMT value tested */
static JSValue js_stats_is(JSContext *c, JSValueConst this_val, int argc, JSValueConst *argv, int magic)
{
    int32_t mode = 0;
    JSValue m = JS_GetPropertyStr(c, this_val, "mode");
    if (JS_ToInt32(c, &mode, m)) { JS_FreeValue(c, m); return JS_EXCEPTION; }
    JS_FreeValue(c, m);
    return JS_NewBool(c, (mode & S_IFMT) == magic);
}

static int mkdir_p(char *path)
{
    /* create every missing component; an existing directory is fine */
    size_t n = strlen(path);
    while (n > 1 && path[n - 1] == '/')
        path[--n] = 0;
    for (char *p = path + 1; ; p++) {
        if (*p == '/' || *p == 0) {
            char save = *p;
            *p = 0;
            if (mkdir(path, 0777) != 0) {
                int e = errno;
                struct stat st;
                if (!(e == EEXIST && stat(path, &st) == 0 && S_ISDIR(st.st_mode))) {
                    if (e == EEXIST) e = ENOTDIR;
                    *p = save;
                    errno = e;
                    return -1;
                }
            }
            *p = save;
            if (!save) break;
        }
    }
    return 0;
}

/* fs.mkdirSync(path, {recursive}) */
static JSValue js_fs_mkdir(JSContext *c, JSValueConst this_val, int argc, JSValueConst *argv)
{
    PATH_ARG(path, fd, 0);
    if (!path) return throw_errno(c, EEXIST, "mkdir", NULL, NULL);
    int recursive = 0;
    if (argc > 1 && JS_IsObject(argv[1])) {
        JSValue r = JS_GetPropertyStr(c, argv[1], "recursive");
        recursive = JS_ToBool(c, r) > 0;
        JS_FreeValue(c, r);
    }
    int rc;
    if (recursive) {
        char *copy = strdup(path);
        rc = copy ? mkdir_p(copy) : (errno = ENOMEM, -1);
        free(copy);
    } else {
        rc = mkdir(path, 0777);
    }
    JSValue ret = rc ? throw_errno(c, errno, "mkdir", path, NULL) : JS_UNDEFINED;
    JS_FreeCString(c, path);
    return ret;
}

static JSValue js_fs_unlink(JSContext *c, JSValueConst this_val, int argc, JSValueConst *argv)
{
    PATH_ARG(path, fd, 0);
    if (!path) return throw_errno(c, EPERM, "unlink", NULL, NULL);
    JSValue ret = unlink(path) ? throw_errno(c, errno, "unlink", path, NULL) : JS_UNDEFINED;
    JS_FreeCString(c, path);
    return ret;
}

static int remove_tree(const char *path)
{
    struct stat st;
    if (lstat(path, &st) != 0)
        return -1;
    if (!S_ISDIR(st.st_mode))
        return unlink(path);
    DIR *d = opendir(path);
    if (!d)
        return -1;
    struct dirent *de;
    int rc = 0;
    while (rc == 0 && (de = readdir(d)) != NULL) {
        if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
            continue;
        size_t n = strlen(path) + strlen(de->d_name) + 2;
        char *child = malloc(n);
        if (!child) { errno = ENOMEM; rc = -1; break; }
        snprintf(child, n, "%s/%s", path, de->d_name);
        rc = remove_tree(child);
        free(child);
    }
    closedir(d);
    return rc ? rc : rmdir(path);
}

static int opt_bool(JSContext *c, int argc, JSValueConst *argv, int idx, const char *name)
{
    if (argc <= idx || !JS_IsObject(argv[idx]))
        return 0;
    JSValue r = JS_GetPropertyStr(c, argv[idx], name);
    int b = JS_ToBool(c, r) > 0;
    JS_FreeValue(c, r);
    return b;
}

/* fs.rmdirSync(path, {recursive}) */
static JSValue js_fs_rmdir(JSContext *c, JSValueConst this_val, int argc, JSValueConst *argv)
{
    PATH_ARG(path, fd, 0);
    if (!path) return throw_errno(c, ENOTDIR, "rmdir", NULL, NULL);
    int rc = opt_bool(c, argc, argv, 1, "recursive") ? remove_tree(path) : rmdir(path);
    JSValue ret = rc ? throw_errno(c, errno, "rmdir", path, NULL) : JS_UNDEFINED;
    JS_FreeCString(c, path);
    return ret;
}

/* fs.rmSync(path, {recursive, force}) */
static JSValue js_fs_rm(JSContext *c, JSValueConst this_val, int argc, JSValueConst *argv)
{
    PATH_ARG(path, fd, 0);
    if (!path) return throw_errno(c, EPERM, "rm", NULL, NULL);
    int recursive = opt_bool(c, argc, argv, 1, "recursive");
    int force = opt_bool(c, argc, argv, 1, "force");
    struct stat st;
    int rc;
    if (lstat(path, &st) != 0) rc = -1;
    else if (S_ISDIR(st.st_mode)) rc = recursive ? remove_tree(path) : (errno = EISDIR, -1);
    else rc = unlink(path);
    JSValue ret = JS_UNDEFINED;
    if (rc && !(force && errno == ENOENT))
        ret = throw_errno(c, errno, "rm", path, NULL);
    JS_FreeCString(c, path);
    return ret;
}

static JSValue js_fs_rename(JSContext *c, JSValueConst this_val, int argc, JSValueConst *argv)
{
    PATH_ARG(from, fd1, 0);
    if (!from) return throw_errno(c, EPERM, "rename", NULL, NULL);
    int fd2;
    const char *to = get_path(c, argc > 1 ? argv[1] : JS_UNDEFINED, &fd2);
    if (!to) {
        JS_FreeCString(c, from);
        return fd2 >= 0 ? throw_errno(c, EPERM, "rename", NULL, NULL) : JS_EXCEPTION;
    }
    JSValue ret = rename(from, to) ? throw_errno(c, errno, "rename", from, to) : JS_UNDEFINED;
    JS_FreeCString(c, from);
    JS_FreeCString(c, to);
    return ret;
}

/* fs.copyFileSync(src, dest): a byte-exact copy (readFileSync gives text only, so JavaScript alone cannot copy an image) */
static JSValue js_fs_copy_file(JSContext *c, JSValueConst this_val, int argc, JSValueConst *argv)
{
    PATH_ARG(from, fd1, 0);
    if (!from) return throw_errno(c, EPERM, "copyfile", NULL, NULL);
    int fd2;
    const char *to = get_path(c, argc > 1 ? argv[1] : JS_UNDEFINED, &fd2);
    if (!to) {
        JS_FreeCString(c, from);
        return fd2 >= 0 ? throw_errno(c, EPERM, "copyfile", NULL, NULL) : JS_EXCEPTION;
    }
    JSValue ret = JS_UNDEFINED;
    FILE *in = fopen(from, "rb"), *out = NULL;
    if (!in || !(out = fopen(to, "wb"))) {
        ret = throw_errno(c, errno, "copyfile", from, to);
    } else {
        char tmp[16384];
        size_t n;
        while ((n = fread(tmp, 1, sizeof tmp, in)) > 0) {
            if (fwrite(tmp, 1, n, out) != n) { ret = throw_errno(c, errno, "copyfile", from, to); break; }
        }
    }
    if (in) fclose(in);
    if (out && fclose(out) && JS_IsUndefined(ret)) ret = throw_errno(c, errno, "copyfile", from, to);
    JS_FreeCString(c, from);
    JS_FreeCString(c, to);
    return ret;
}

static const JSCFunctionListEntry fs_funcs[] = {
    JS_CFUNC_DEF("readFileSync", 2, js_fs_read_file),
    JS_CFUNC_DEF("writeFileSync", 3, js_fs_write_file),
    JS_CFUNC_DEF("appendFileSync", 3, js_fs_append_file),
    JS_CFUNC_DEF("existsSync", 1, js_fs_exists),
    JS_CFUNC_DEF("readdirSync", 2, js_fs_readdir),
    JS_CFUNC_DEF("statSync", 2, js_fs_stat),
    JS_CFUNC_DEF("lstatSync", 2, js_fs_lstat),
    JS_CFUNC_DEF("mkdirSync", 2, js_fs_mkdir),
    JS_CFUNC_DEF("unlinkSync", 1, js_fs_unlink),
    JS_CFUNC_DEF("rmdirSync", 2, js_fs_rmdir),
    JS_CFUNC_DEF("rmSync", 2, js_fs_rm),
    JS_CFUNC_DEF("renameSync", 2, js_fs_rename),
    JS_CFUNC_DEF("copyFileSync", 2, js_fs_copy_file),
};

static const JSCFunctionListEntry stats_funcs[] = {
    JS_CFUNC_MAGIC_DEF("isFile", 0, js_stats_is, S_IFREG),
    JS_CFUNC_MAGIC_DEF("isDirectory", 0, js_stats_is, S_IFDIR),
    JS_CFUNC_MAGIC_DEF("isSymbolicLink", 0, js_stats_is, S_IFLNK),
};

/* ---------------------------------------------------------------- modules */
#define NOT_FOUND_TAIL "': Node.js modules are not available in this sandbox (only 'fs' is provided)"

static int is_fs_name(const char *n) { return !strcmp(n, "fs") || !strcmp(n, "node:fs"); }

static JSValue throw_module_not_found(JSContext *c, const char *name, int is_file)
{
    Buf b = { 0 };
    buf_puts(&b, "Cannot find module '");
    buf_puts(&b, name);
    buf_puts(&b, is_file ? "'" : NOT_FOUND_TAIL);
    JSValue err = JS_NewError(c);
    def_hidden(c, err, "message", JS_NewString(c, b.oom ? "Cannot find module" : b.p));
    set_prop_str(c, err, "code", is_file ? "ERR_MODULE_NOT_FOUND" : "MODULE_NOT_FOUND");
    free(b.p);
    return JS_Throw(c, err);
}

/* require(name): only 'fs' / 'node:fs' */
static JSValue js_require(JSContext *c, JSValueConst this_val, int argc, JSValueConst *argv)
{
    const char *name = argc ? JS_ToCString(c, argv[0]) : NULL;
    if (!name) {
        if (argc) return JS_EXCEPTION;
        return JS_ThrowTypeError(c, "The \"id\" argument must be of type string");
    }
    JSValue ret = is_fs_name(name) ? JS_DupValue(c, g_fs)
        : !strcmp(name, "sandbox_utils") ? JS_GetPropertyStr(c, g_hooks, "sandboxUtils")
        : throw_module_not_found(c, name, 0);
    JS_FreeCString(c, name);
    return ret;
}

static int fs_module_init(JSContext *c, JSModuleDef *m)
{
    JS_SetModuleExport(c, m, "default", JS_DupValue(c, g_fs));
    for (size_t i = 0; i < sizeof fs_funcs / sizeof fs_funcs[0]; i++)
        JS_SetModuleExport(c, m, fs_funcs[i].name, JS_GetPropertyStr(c, g_fs, fs_funcs[i].name));
    return 0;
}

/* Relative specifiers are resolved against the importing file and keep a leading "./" or
 * "/", so the loader can tell files from bare package names. */
static char *module_normalize(JSContext *c, const char *base, const char *name, void *opaque)
{
    Buf b = { 0 };
    if (name[0] == '.' && (name[1] == '/' || (name[1] == '.' && name[2] == '/'))) {
        const char *slash = strrchr(base, '/');
        if (slash)
            buf_put(&b, base, (size_t)(slash - base));
        else
            buf_putc(&b, '.');
        const char *p = name;
        for (;;) {
            if (p[0] == '.' && p[1] == '/') {
                p += 2;
            } else if (p[0] == '.' && p[1] == '.' && p[2] == '/') {
                char *last = b.p ? strrchr(b.p, '/') : NULL;
                if (last && strcmp(last + 1, "..") && strcmp(last + 1, ".")) {
                    b.len = (size_t)(last - b.p);
                    b.p[b.len] = 0;
                } else if (b.p && (!strcmp(b.p, ".") || b.len == 0)) {
                    b.len = 0;
                    buf_puts(&b, "..");
                } else {
                    buf_puts(&b, "/..");
                }
                p += 3;
            } else {
                break;
            }
        }
        buf_putc(&b, '/');
        buf_puts(&b, p);
        if (b.p && b.p[0] != '.' && b.p[0] != '/') {
            /* "dir/x.js" -> "./dir/x.js": file names always start with '.' or '/' */
            Buf t = { 0 };
            buf_puts(&t, "./");
            buf_put(&t, b.p, b.len);
            free(b.p);
            b = t;
        }
    } else {
        buf_puts(&b, name);
    }
    char *res = js_malloc(c, b.len + 1);
    if (res) memcpy(res, b.p ? b.p : "", b.len + 1);
    free(b.p);
    return res;
}

static JSModuleDef *module_loader(JSContext *c, const char *name, void *opaque)
{
    if (is_fs_name(name)) {
        JSModuleDef *m = JS_NewCModule(c, name, fs_module_init);
        if (!m) return NULL;
        JS_AddModuleExport(c, m, "default");
        for (size_t i = 0; i < sizeof fs_funcs / sizeof fs_funcs[0]; i++)
            JS_AddModuleExport(c, m, fs_funcs[i].name);
        return m;
    }
    int is_file = name[0] == '.' || name[0] == '/';
    if (!is_file) {
        throw_module_not_found(c, name, 0);
        return NULL;
    }
    FILE *f = fopen(name, "rb");
    if (!f) {
        throw_module_not_found(c, name, 1);
        return NULL;
    }
    Buf b = { 0 };
    char tmp[16384];
    size_t n;
    while ((n = fread(tmp, 1, sizeof tmp, f)) > 0)
        buf_put(&b, tmp, n);
    fclose(f);
    if (b.oom) { free(b.p); JS_ThrowOutOfMemory(c); return NULL; }
    JSValue fn = JS_Eval(c, b.p ? b.p : "", b.len, name, JS_EVAL_TYPE_MODULE | JS_EVAL_FLAG_COMPILE_ONLY);
    free(b.p);
    if (JS_IsException(fn))
        return NULL;
    JSModuleDef *m = JS_VALUE_GET_PTR(fn);
    JS_FreeValue(c, fn);
    return m;
}

/* ---------------------------------------------------------------- unhandled rejections */
typedef struct { JSValue promise, reason; } Rejection;
static Rejection *rejections;
static size_t n_rejections, cap_rejections;

static void rejection_tracker(JSContext *c, JSValueConst promise, JSValueConst reason,
                              JS_BOOL is_handled, void *opaque)
{
    if (is_handled) {
        for (size_t i = 0; i < n_rejections; i++) {
            if (JS_VALUE_GET_PTR(rejections[i].promise) == JS_VALUE_GET_PTR(promise)) {
                JS_FreeValue(c, rejections[i].promise);
                JS_FreeValue(c, rejections[i].reason);
                rejections[i] = rejections[--n_rejections];
                return;
            }
        }
        return;
    }
    if (n_rejections == cap_rejections) {
        size_t cap = cap_rejections ? cap_rejections * 2 : 8;
        Rejection *r = realloc(rejections, cap * sizeof *r);
        if (!r) return;
        rejections = r;
        cap_rejections = cap;
    }
    rejections[n_rejections].promise = JS_DupValue(c, promise);
    rejections[n_rejections].reason = JS_DupValue(c, reason);
    n_rejections++;
}

static void clear_rejections(void)
{
    for (size_t i = 0; i < n_rejections; i++) {
        JS_FreeValue(ctx, rejections[i].promise);
        JS_FreeValue(ctx, rejections[i].reason);
    }
    n_rejections = 0;
}

/* ---------------------------------------------------------------- the report */
static char *g_report;
static const char k_report_ok[] = "{\"exitCode\":0,\"error\":null}";

static void set_report(Buf *b)
{
    if (b->oom || !b->p) {
        free(b->p);
        b->p = NULL;
        return;
    }
    free(g_report);
    g_report = b->p;
    b->p = NULL;
}

static void report_simple(int code)
{
    Buf b = { 0 };
    buf_puts(&b, "{\"exitCode\":");
    buf_int(&b, code);
    buf_puts(&b, ",\"error\":null}");
    set_report(&b);
}

static void cap_utf8(char **text, size_t max);

/* The report of a call that ended normally: its exit code and, for a script that ended with 0, its completion
 * value as prelude.js formatResult shows it ("result"), or why that failed ("resultError", a note on the host). */
static void report_success(int code, JSValueConst val, int is_module)
{
    char *result = NULL, *note = NULL;
    size_t result_len = 0;
    if (code == 0 && !is_module && !JS_IsUndefined(val)) {
        JSValue fn = JS_GetPropertyStr(ctx, g_hooks, "formatResult");
        JSValue text = JS_Call(ctx, fn, JS_UNDEFINED, 1, &val);
        JS_FreeValue(ctx, fn);
        if (JS_IsException(text)) {
            JSValue e = JS_GetException(ctx);
            if (stop_requested) {
                note = strdup("the result was not shown: the call ran out of time or fuel while formatting it");
            } else {
                size_t n;
                const char *m = to_cstr(ctx, e, &n);
                Buf nb = { 0 };
                buf_puts(&nb, "formatting the result raised ");
                buf_put(&nb, m ? m : "an error", m ? n : 8);
                if (m) JS_FreeCString(ctx, m);
                if (nb.oom) { free(nb.p); nb.p = NULL; }
                note = nb.p;
                if (note) cap_utf8(&note, MAX_MESSAGE);
            }
            JS_FreeValue(ctx, e);
        } else if (JS_IsString(text)) {
            const char *s = JS_ToCStringLen(ctx, &result_len, text);
            if (s) {
                result = malloc(result_len + 1);
                if (result) memcpy(result, s, result_len + 1);
                JS_FreeCString(ctx, s);
            }
        }
        JS_FreeValue(ctx, text);
        if (JS_HasException(ctx))
            JS_FreeValue(ctx, JS_GetException(ctx));
    }
    Buf b = { 0 };
    buf_puts(&b, "{\"exitCode\":");
    buf_int(&b, code);
    buf_puts(&b, ",\"error\":null");
    if (result) {
        buf_puts(&b, ",\"result\":");
        buf_json_str(&b, result, result_len);
    }
    if (note) {
        buf_puts(&b, ",\"resultError\":");
        buf_json_cstr(&b, note);
    }
    buf_putc(&b, '}');
    free(result);
    free(note);
    set_report(&b);
}

typedef struct { long line, col; char *func; } Frame;

/* Frames of the user's file from a QuickJS stack string, innermost first. Lines look like
 * "    at NAME (FILE:LINE:COL)", "    at NAME (native)" or, for a syntax error, a first
 * "    at FILE:LINE:COL". */
static size_t parse_frames(const char *stack, const char *file, const char *top_name,
                           Frame *out, size_t max)
{
    size_t n = 0, flen = strlen(file);
    const char *p = stack;
    while (p && *p && n < max) {
        const char *eol = strchr(p, '\n');
        size_t len = eol ? (size_t)(eol - p) : strlen(p);
        const char *at = NULL;
        for (const char *q = p; q + 3 <= p + len; q++)
            if (!strncmp(q, "at ", 3)) { at = q + 3; break; }
        if (at) {
            const char *end = p + len;
            const char *loc = NULL, *name_end = NULL;
            if ((size_t)(end - at) > flen && !strncmp(at, file, flen) && at[flen] == ':') {
                loc = at + flen + 1;           /* "at FILE:L:C" */
                name_end = NULL;
            } else {
                /* "at NAME (FILE:L:C)": the last " (FILE:" on the line */
                for (const char *q = end - 1; q > at; q--) {
                    if (q[0] == '(' && q[-1] == ' ' && (size_t)(end - q) > flen + 1 &&
                        !strncmp(q + 1, file, flen) && q[1 + flen] == ':') {
                        loc = q + 2 + flen;
                        name_end = q - 1;
                        break;
                    }
                }
            }
            if (loc) {
                char *e1;
                long line = strtol(loc, &e1, 10);
                long col = 0;
                if (*e1 == ':') col = strtol(e1 + 1, NULL, 10);
                Frame *f = &out[n++];
                f->line = line;
                f->col = col;
                if (name_end) {
                    size_t nl = (size_t)(name_end - at);
                    f->func = malloc(nl + 1);
                    if (f->func) { memcpy(f->func, at, nl); f->func[nl] = 0; }
                } else {
                    f->func = strdup(top_name);
                }
            }
        }
        p = eol ? eol + 1 : NULL;
    }
    return n;
}

/* the global object's property names right after start-up, NUL-separated ("builtins") */
static Buf g_builtin_names;

static int is_builtin_name(const char *s)
{
    for (size_t i = 0; g_builtin_names.p && i < g_builtin_names.len; i += strlen(g_builtin_names.p + i) + 1)
        if (!strcmp(g_builtin_names.p + i, s))
            return 1;
    return 0;
}

static void record_builtin_names(JSContext *c)
{
    JSPropertyEnum *tab;
    uint32_t len;
    JSValue g = JS_GetGlobalObject(c);
    if (JS_GetOwnPropertyNames(c, &tab, &len, g, JS_GPN_STRING_MASK) == 0) {
        for (uint32_t i = 0; i < len; i++) {
            const char *s = JS_AtomToCString(c, tab[i].atom);
            if (s) {
                buf_put(&g_builtin_names, s, strlen(s) + 1);
                JS_FreeCString(c, s);
            }
            JS_FreeAtom(c, tab[i].atom);
        }
        js_free(c, tab);
    }
    JS_FreeValue(c, g);
}

/* property names (strings only) of obj appended to list as JSON strings, skipping duplicates,
 * up to MAX_LIST; builtins: 0 = only names defined after start-up, 1 = only start-up names,
 * -1 = all */
static void add_names(JSContext *c, Buf *list, size_t *count, JSValueConst obj, int builtins)
{
    JSPropertyEnum *tab;
    uint32_t len;
    if (JS_GetOwnPropertyNames(c, &tab, &len, obj, JS_GPN_STRING_MASK)) {
        JS_FreeValue(c, JS_GetException(c));
        return;
    }
    for (uint32_t i = 0; i < len; i++) {
        if (*count < MAX_LIST) {
            const char *s = JS_AtomToCString(c, tab[i].atom);
            if (s && builtins >= 0 && is_builtin_name(s) != builtins) {
                JS_FreeCString(c, s);
            } else if (s && strlen(s) > MAX_NAME) {
                JS_FreeCString(c, s);                /* no one means a name that long */
            } else if (s) {
                /* dedupe: the list is small (<= 200), a linear scan is fine */
                Buf key = { 0 };
                buf_json_cstr(&key, s);
                int dup = 0;
                if (key.p && list->p) {
                    const char *hit = list->p;
                    size_t kl = key.len;
                    while ((hit = strstr(hit, key.p)) != NULL) {
                        char before = hit == list->p ? '[' : hit[-1];
                        char after = hit[kl];
                        if ((before == '[' || before == ',') && (after == ',' || after == 0)) { dup = 1; break; }
                        hit += kl;
                    }
                }
                if (!dup && key.p) {
                    if (*count) buf_putc(list, ',');
                    buf_put(list, key.p, key.len);
                    (*count)++;
                }
                free(key.p);
                JS_FreeCString(c, s);
            } else {
                JS_FreeValue(c, JS_GetException(c));
            }
        }
        JS_FreeAtom(c, tab[i].atom);
    }
    js_free(c, tab);
}

static char *between(const char *s, const char *prefix, const char *suffix)
{
    size_t pl = strlen(prefix);
    if (!s || strncmp(s, prefix, pl))
        return NULL;
    const char *start = s + pl;
    const char *end = suffix ? strstr(start, suffix) : NULL;
    if (!end) {
        /* last quote */
        end = strrchr(start, '\'');
        if (!end) return NULL;
    }
    size_t n = (size_t)(end - start);
    char *r = malloc(n + 1);
    if (r) { memcpy(r, start, n); r[n] = 0; }
    return r;
}

/* The longest prefix of s (of at least max bytes) that is at most max bytes and ends on a UTF-8 boundary. */
static size_t utf8_boundary(const char *s, size_t max)
{
    while (max > 0 && ((unsigned char)s[max] & 0xc0) == 0x80) max--;
    return max;
}

/* Cuts a malloc'd string to at most max bytes (on a UTF-8 boundary), saying how much was cut. */
static void cap_utf8(char **text, size_t max)
{
    size_t n = strlen(*text);
    if (n <= max) return;
    size_t keep = utf8_boundary(*text, max);
    char tail[48];
    int t = snprintf(tail, sizeof tail, "... [%zu more bytes]", n - keep);
    char *out = malloc(keep + (size_t)t + 1);
    if (!out) { (*text)[keep] = 0; return; }
    memcpy(out, *text, keep);
    memcpy(out + keep, tail, (size_t)t + 1);
    free(*text);
    *text = out;
}

/* Print the uncaught value to stderr and build the report for it. */
static void report_error(JSValueConst exc, int is_module)
{
    JSContext *c = ctx;
    int is_error = JS_IsError(c, exc);
    char *type = NULL, *message = NULL, *stack = NULL, *code = NULL;
    if (is_error) {
        type = get_str_prop(c, exc, "name");
        message = get_str_prop(c, exc, "message");
        stack = get_str_prop(c, exc, "stack");
        code = get_str_prop(c, exc, "code");
    } else {
        JSValue text;
        if (JS_IsString(exc)) {
            text = JS_DupValue(c, exc);
        } else {
            JSValue fn = JS_GetPropertyStr(c, g_hooks, "inspect");
            text = JS_Call(c, fn, JS_UNDEFINED, 1, &exc);
            JS_FreeValue(c, fn);
        }
        size_t n;
        const char *s = JS_IsException(text) ? NULL : to_cstr(c, text, &n);
        if (JS_IsException(text)) JS_FreeValue(c, JS_GetException(c));
        if (s) { message = strdup(s); JS_FreeCString(c, s); }
        JS_FreeValue(c, text);
    }
    if (!type) type = strdup("Error");
    if (!message) message = strdup("");
    cap_utf8(&message, MAX_MESSAGE);
    cap_utf8(&type, MAX_NAME);
    if (stop_requested) { free(type); type = strdup("Interrupted"); }

    /* the human form on stderr: "Name: message" then the stack (prelude's errorText),
     * "Uncaught <value>" for a thrown non-Error */
    {
        JSValue fn = JS_GetPropertyStr(c, g_hooks, is_error ? "errorText" : "inspect");
        JSValue text = JS_Call(c, fn, JS_UNDEFINED, 1, &exc);
        JS_FreeValue(c, fn);
        size_t n;
        const char *s = JS_IsException(text) ? NULL : to_cstr(c, text, &n);
        if (JS_IsException(text)) JS_FreeValue(c, JS_GetException(c));
        fflush(stdout);
        if (!is_error) fputs("Uncaught ", stderr);
        if (s) {
            /* at most MAX_STACK_LINES frames, like Node's stackTraceLimit */
            const char *p = s, *cut = NULL;
            size_t lines = 0, more = 0;
            for (const char *q = s; q < s + n; q++) {
                if (*q != '\n') continue;
                if (++lines == MAX_STACK_LINES + 1) cut = q;
                if (lines > MAX_STACK_LINES + 1 && q + 1 < s + n) more++;
            }
            size_t shown = cut && more > 1 ? (size_t)(cut - p) : n;
            if (shown > MAX_ERROR_TEXT) {
                /* a huge message (throw new Error('A'.repeat(1e8))): its start, not an output limit */
                size_t keep = utf8_boundary(s, MAX_ERROR_TEXT);
                fwrite(s, 1, keep, stderr);
                fprintf(stderr, "... [%zu more bytes]", n - keep);
            } else if (cut && more > 1) {
                fwrite(p, 1, shown, stderr);
                fprintf(stderr, "\n    ... %zu more frames", more + 1);
            } else {
                fwrite(s, 1, n, stderr);
            }
            JS_FreeCString(c, s);
        } else {
            fprintf(stderr, "%s: %s", type, message);
        }
        fputc('\n', stderr);
        JS_FreeValue(c, text);
    }

    /* QuickJS names top-level code "<eval>" (script) and "<anonymous>" (module) in stacks */
    const char *top = is_module ? "<anonymous>" : "<eval>";
    Frame frames[MAX_FRAMES];
    size_t nf = stack ? parse_frames(stack, g_file, top, frames, MAX_FRAMES) : 0;
    long line = -1, col = -1;
    const char *func = NULL;
    if (nf) {
        line = frames[0].line;
        col = frames[0].col;
        func = frames[0].func;
    }
    if (type && !strcmp(type, "SyntaxError") && is_error) {
        /* parse errors carry fileName/lineNumber/columnNumber */
        char *fname = get_str_prop(c, exc, "fileName");
        if (fname && !strcmp(fname, g_file)) {
            char *ln = get_str_prop(c, exc, "lineNumber");
            char *cn = get_str_prop(c, exc, "columnNumber");
            if (ln) line = strtol(ln, NULL, 10);
            if (cn) col = strtol(cn, NULL, 10);
            free(ln);
            free(cn);
        }
        free(fname);
    }

    char *missing_name = NULL, *missing_module = NULL;
    if (!strcmp(type, "ReferenceError"))
        missing_name = between(message, "'", "' is not defined");
    if (code && (!strcmp(code, "MODULE_NOT_FOUND") || !strcmp(code, "ERR_MODULE_NOT_FOUND")))
        missing_module = between(message, "Cannot find module '", !strcmp(code, "MODULE_NOT_FOUND") ? NOT_FOUND_TAIL : NULL);

    Buf b = { 0 };
    buf_puts(&b, "{\"exitCode\":1,\"error\":{\"type\":");
    buf_json_cstr(&b, type);
    buf_puts(&b, ",\"message\":");
    buf_json_cstr(&b, message);
    buf_puts(&b, ",\"line\":");
    if (line >= 0) buf_int(&b, line); else buf_puts(&b, "null");
    buf_puts(&b, ",\"column\":");
    if (col >= 0 && line >= 0) buf_int(&b, col); else buf_puts(&b, "null");
    buf_puts(&b, ",\"function\":");
    buf_json_cstr(&b, func);
    buf_puts(&b, ",\"frames\":[");
    for (size_t i = 0; i < nf; i++) {       /* innermost last */
        Frame *f = &frames[nf - 1 - i];
        if (i) buf_putc(&b, ',');
        buf_puts(&b, "{\"line\":");
        buf_int(&b, f->line);
        buf_puts(&b, ",\"function\":");
        buf_json_cstr(&b, f->func);
        buf_putc(&b, '}');
    }
    buf_puts(&b, "],\"candidates\":");
    if (missing_name) {
        Buf list = { 0 };
        size_t count = 0;
        buf_putc(&list, '[');
        JSValue lex = sk_js_global_lexicals(c);
        add_names(c, &list, &count, lex, -1);  /* the user's let/const/class first */
        JS_FreeValue(c, lex);
        JSValue g = JS_GetGlobalObject(c);
        add_names(c, &list, &count, g, 0);     /* then the user's var/function globals */
        add_names(c, &list, &count, g, 1);     /* then the builtins */
        JS_FreeValue(c, g);
        buf_putc(&list, ']');
        if (list.p) buf_put(&b, list.p, list.len); else buf_puts(&b, "[]");
        free(list.p);
    } else {
        buf_puts(&b, "null");
    }
    buf_puts(&b, ",\"missingName\":");
    buf_json_cstr(&b, missing_name);
    buf_puts(&b, ",\"missingKey\":null,\"missingModule\":");
    buf_json_cstr(&b, missing_module);
    buf_puts(&b, ",\"availableKeys\":null}}");
    set_report(&b);

    for (size_t i = 0; i < nf; i++) free(frames[i].func);
    free(type); free(message); free(stack); free(code);
    free(missing_name); free(missing_module);
}

/* __skwasm_names(): a JSON array of the names the user's code defined (global let/const/class first,
 * then var/function globals), for the host's get_workspace_info. */
static JSValue js_sk_names(JSContext *c, JSValueConst this_val, int argc, JSValueConst *argv)
{
    (void)this_val; (void)argc; (void)argv;
    Buf list = { 0 };
    size_t count = 0;
    buf_putc(&list, '[');
    JSValue lex = sk_js_global_lexicals(c);
    add_names(c, &list, &count, lex, -1);
    JS_FreeValue(c, lex);
    JSValue g = JS_GetGlobalObject(c);
    add_names(c, &list, &count, g, 0);
    JS_FreeValue(c, g);
    buf_putc(&list, ']');
    JSValue out = list.oom || !list.p ? JS_NewString(c, "[]") : JS_NewStringLen(c, list.p, list.len);
    free(list.p);
    return out;
}

/* ---------------------------------------------------------------- init */
static JSValue new_func_obj(JSContext *c, const JSCFunctionListEntry *tab, int n)
{
    JSValue o = JS_NewObject(c);
    JS_SetPropertyFunctionList(c, o, tab, n);
    return o;
}

static int setup_globals(void)
{
    JSContext *c = ctx;
    JSValue g = JS_GetGlobalObject(c);

    g_stats_proto = new_func_obj(c, stats_funcs, sizeof stats_funcs / sizeof stats_funcs[0]);
    g_fs = new_func_obj(c, fs_funcs, sizeof fs_funcs / sizeof fs_funcs[0]);
    def_hidden(c, g, "fs", JS_DupValue(c, g_fs));
    def_hidden(c, g, "require", JS_NewCFunction(c, js_require, "require", 1));
    def_hidden(c, g, "readline", JS_NewCFunction(c, js_readline, "readline", 0));
    def_hidden(c, g, "readStdin", JS_NewCFunction(c, js_read_stdin, "readStdin", 0));
    def_hidden(c, g, "__skwasm_names", JS_NewCFunction(c, js_sk_names, "__skwasm_names", 0));

    JSValue proc = JS_NewObject(c);
    JS_SetPropertyStr(c, proc, "argv", JS_NewArray(c));
    JS_SetPropertyStr(c, proc, "env", JS_NewObject(c)); /* never the host's variables */
    set_prop_str(c, proc, "platform", "wasi");
    def_func(c, proc, "exit", js_process_exit, 1);
    JSValue out = JS_NewObject(c), err = JS_NewObject(c);
    def_func(c, out, "write", js_stdout_write, 1);
    def_func(c, err, "write", js_stderr_write, 1);
    JS_SetPropertyStr(c, out, "isTTY", JS_FALSE);
    JS_SetPropertyStr(c, err, "isTTY", JS_FALSE);
    JS_SetPropertyStr(c, proc, "stdout", out);
    JS_SetPropertyStr(c, proc, "stderr", err);
    JSValue versions = JS_NewObject(c);
    set_prop_str(c, versions, "quickjs", SK_QJS_VERSION);
    JS_SetPropertyStr(c, proc, "versions", versions);
    def_hidden(c, g, "process", proc);

    /* prelude.js: console, print, timers */
    JSValue fn = JS_Eval(c, (const char *)sk_prelude_js, sk_prelude_js_len, "<sk-prelude>",
                         JS_EVAL_TYPE_GLOBAL | JS_EVAL_FLAG_STRICT);
    int rc = -1;
    if (!JS_IsException(fn)) {
        JSValue native = JS_NewObject(c);
        def_func(c, native, "write", js_native_write, 2);
        def_func(c, native, "now", js_native_now, 0);
        def_func(c, native, "promiseState", js_native_promise_state, 1);
        g_hooks = JS_Call(c, fn, JS_UNDEFINED, 1, (JSValueConst *)&native);
        JS_FreeValue(c, native);
        rc = JS_IsException(g_hooks) ? -1 : 0;
    }
    JS_FreeValue(c, fn);
    if (rc) {
        JSValue e = JS_GetException(c);
        char *s = JS_IsError(c, e) ? get_str_prop(c, e, "stack") : NULL;
        const char *m = JS_ToCString(c, e);
        fprintf(stderr, "skwasm: prelude failed: %s\n%s\n", m ? m : "?", s ? s : "");
        if (m) JS_FreeCString(c, m);
        free(s);
        JS_FreeValue(c, e);
        g_hooks = JS_NewObject(c);
    }
    /* process.nextTick(fn, ...args) */
    static const char next_tick[] =
        "process.nextTick = (fn, ...args) => queueMicrotask(() => fn(...args));";
    JS_FreeValue(c, JS_Eval(c, next_tick, sizeof next_tick - 1, "<sk-prelude>", JS_EVAL_TYPE_GLOBAL));
    JS_FreeValue(c, g);
    record_builtin_names(c);
    fflush(stderr);
    return rc;
}

SK_EXPORT("sk_init") int sk_init(int flags)
{
    (void)flags;
    if (ctx)
        return 0;
    /* line-buffered stdout: what was printed survives a later trap (fuel, deadline) */
    setvbuf(stdout, NULL, _IOLBF, BUFSIZ);
    /* the workspace is the working directory, as for Python */
    (void)chdir("/app");
    interrupt_plan[0] = (int32_t)(intptr_t)&stop_requested;
    interrupt_plan[1] = 1;
    interrupt_plan[2] = 0;
    rt = JS_NewRuntime();
    if (!rt)
        return 1;
    JS_SetMaxStackSize(rt, g_js_stack);
    JS_SetInterruptHandler(rt, interrupt_handler, NULL);
    JS_SetHostPromiseRejectionTracker(rt, rejection_tracker, NULL);
    JS_SetModuleLoaderFunc(rt, module_normalize, module_loader, NULL);
    ctx = JS_NewContext(rt);
    if (!ctx)
        return 1;
    return setup_globals() ? 2 : 0;
}

/* sk_set_limits(memory_bytes, stack_bytes): QuickJS heap limit and JS stack limit; 0 keeps
 * the default (unlimited heap; 3/4 of the 1 MiB C stack). The stack is capped at that C stack
 * less 64 KiB so a deep recursion is a JS RangeError, never a wasm trap. */
SK_EXPORT("sk_set_limits") void sk_set_limits(int memory_bytes, int stack_bytes)
{
    if (!rt && sk_init(0))
        return;
    JS_SetMemoryLimit(rt, memory_bytes ? (size_t)(uint32_t)memory_bytes : (size_t)-1);
    size_t s = stack_bytes ? (size_t)(uint32_t)stack_bytes : DEFAULT_JS_STACK;
    if (s > C_STACK_SIZE - 64 * 1024)
        s = C_STACK_SIZE - 64 * 1024;
    g_js_stack = s;
    JS_SetMaxStackSize(rt, s);
}

SK_EXPORT("sk_interrupt_plan") int32_t *sk_interrupt_plan(void) { return interrupt_plan; }

SK_EXPORT("sk_alloc") void *sk_alloc(int size) { return malloc(size > 0 ? (size_t)size : 1); }
SK_EXPORT("sk_free") void sk_free(void *p) { free(p); }
SK_EXPORT("sk_report") const char *sk_report(void) { return g_report ? g_report : k_report_ok; }

/* run promise jobs and (virtual) timers until none is left; 1 with *err set on an exception */
static int run_jobs(JSValue *err)
{
    for (;;) {
        JSContext *c1;
        int r;
        while (!exit_requested && (r = JS_ExecutePendingJob(rt, &c1)) != 0) {
            if (r < 0) {
                *err = JS_GetException(ctx);
                return 1;
            }
        }
        if (exit_requested)
            return 0;
        /* nextTimer() -> null, or [callback, ...args] of the earliest timer */
        JSValue fn = JS_GetPropertyStr(ctx, g_hooks, "nextTimer");
        JSValue t = JS_Call(ctx, fn, JS_UNDEFINED, 0, NULL);
        JS_FreeValue(ctx, fn);
        if (JS_IsException(t)) {
            *err = JS_GetException(ctx);
            return 1;
        }
        if (!JS_IsObject(t))
            return 0;
        int64_t n = 0;
        JSValue len = JS_GetPropertyStr(ctx, t, "length");
        JS_ToInt64(ctx, &n, len);
        JS_FreeValue(ctx, len);
        if (n < 1 || n > 65536) n = 1;
        JSValue *argv = malloc((size_t)n * sizeof(JSValue));
        if (!argv) {
            JS_FreeValue(ctx, t);
            *err = JS_ThrowOutOfMemory(ctx), *err = JS_GetException(ctx);
            return 1;
        }
        for (int64_t i = 0; i < n; i++)
            argv[i] = JS_GetPropertyUint32(ctx, t, (uint32_t)i);
        JS_FreeValue(ctx, t);
        JSValue res = JS_Call(ctx, argv[0], JS_UNDEFINED, (int)n - 1, (JSValueConst *)argv + 1);
        for (int64_t i = 0; i < n; i++)
            JS_FreeValue(ctx, argv[i]);
        free(argv);
        if (JS_IsException(res)) {
            *err = JS_GetException(ctx);
            return 1;
        }
        JS_FreeValue(ctx, res);
        if (exit_requested)
            return 0;
    }
}

static void reset_after_abort(void)
{
    sk_js_drop_jobs(rt);
    JSValue fn = JS_GetPropertyStr(ctx, g_hooks, "resetTimers");
    JS_FreeValue(ctx, JS_Call(ctx, fn, JS_UNDEFINED, 0, NULL));
    JS_FreeValue(ctx, fn);
    if (JS_HasException(ctx))
        JS_FreeValue(ctx, JS_GetException(ctx));
}

static int exec_code(const char *code, size_t code_len, int flags)
{
    int is_module = flags & 1;
    exit_requested = 0;
    exit_code = 0;
    clear_rejections();
    {
        /* process.exitCode belongs to one call */
        JSValue g = JS_GetGlobalObject(ctx);
        JSValue p = JS_GetPropertyStr(ctx, g, "process");
        if (JS_IsObject(p) && JS_SetPropertyStr(ctx, p, "exitCode", JS_UNDEFINED) < 0)
            JS_FreeValue(ctx, JS_GetException(ctx));
        JS_FreeValue(ctx, p);
        JS_FreeValue(ctx, g);
    }
    JS_UpdateStackTop(rt);
    JS_SetMaxStackSize(rt, g_js_stack);

    char *src = malloc(code_len + 1);
    if (!src) {
        report_simple(1);
        return 1;
    }
    memcpy(src, code, code_len);
    src[code_len] = 0;
    JSValue val = JS_Eval(ctx, src, code_len, g_file,
                          is_module ? JS_EVAL_TYPE_MODULE : JS_EVAL_TYPE_GLOBAL);
    free(src);

    JSValue err = JS_UNDEFINED;
    int failed = 0;
    if (JS_IsException(val)) {
        err = JS_GetException(ctx);
        failed = !exit_requested;
    } else if (!exit_requested) {
        failed = run_jobs(&err);
        if (!failed && !exit_requested && is_module) {
            int st = JS_PromiseState(ctx, val);
            if (st == JS_PROMISE_REJECTED) {
                err = JS_PromiseResult(ctx, val);
                failed = 1;
            } else if (st == JS_PROMISE_PENDING) {
                JS_ThrowInternalError(ctx, "top-level await never settled (nothing left to run)");
                err = JS_GetException(ctx);
                failed = 1;
            }
            /* its rejection is reported above, not as an unhandled one */
            for (size_t i = 0; i < n_rejections; i++) {
                if (JS_VALUE_GET_PTR(rejections[i].promise) == JS_VALUE_GET_PTR(val)) {
                    JS_FreeValue(ctx, rejections[i].promise);
                    JS_FreeValue(ctx, rejections[i].reason);
                    rejections[i] = rejections[--n_rejections];
                    break;
                }
            }
        }
        if (!failed && !exit_requested && n_rejections) {
            err = JS_DupValue(ctx, rejections[0].reason);
            failed = 1;
        }
    }

    int rc;
    if (exit_requested) {
        rc = exit_code;
        reset_after_abort();
        report_simple(rc);
    } else if (failed) {
        reset_after_abort();
        report_error(err, is_module);
        rc = 1;
    } else {
        /* process.exitCode = n at a normal end */
        rc = 0;
        JSValue g = JS_GetGlobalObject(ctx);
        JSValue p = JS_GetPropertyStr(ctx, g, "process");
        JSValue ec = JS_IsObject(p) ? JS_GetPropertyStr(ctx, p, "exitCode") : JS_UNDEFINED;
        int32_t n;
        if (JS_IsNumber(ec) && JS_ToInt32(ctx, &n, ec) == 0)
            rc = n;
        JS_FreeValue(ctx, ec);
        JS_FreeValue(ctx, p);
        JS_FreeValue(ctx, g);
        if (JS_HasException(ctx))
            JS_FreeValue(ctx, JS_GetException(ctx));
        report_success(rc, val, is_module);
    }
    JS_FreeValue(ctx, val);
    JS_FreeValue(ctx, err);
    clear_rejections();
    exit_requested = 0;
    fflush(stdout);
    fflush(stderr);
    return rc;
}

SK_EXPORT("sk_exec") int sk_exec(const char *code, int code_len, const char *input, int input_len, int flags)
{
    if (!ctx && sk_init(0)) {
        fputs("skwasm: the JavaScript runtime could not start\n", stderr);
        fflush(stderr);
        report_simple(1);
        return 1;
    }
    in_buf = (const unsigned char *)input;
    in_len = input && input_len > 0 ? (size_t)input_len : 0;
    in_pos = 0;
    in_from_stdin = 0;
    stop_requested = 0;
    /* first call of this instance (the start-up snapshot has it 0): own Math.random sequence */
    static int reseeded;
    if (!reseeded) {
        sk_js_reseed(ctx);
        reseeded = 1;
    }
    int rc = exec_code(code ? code : "", code && code_len > 0 ? (size_t)code_len : 0, flags);
    stop_requested = 0;
    in_buf = NULL;
    in_len = in_pos = 0;
    return rc;
}

#ifdef SK_CLI
/* Command build: qjs-cli.wasm [--module] [--report] [FILE | -]
 * Without FILE (or with -) the program is read from stdin and the program's input is empty;
 * with FILE, stdin is the program's input. --report prints the JSON report to stderr. */
int main(int argc, char **argv)
{
    int flags = 0, want_report = 0;
    const char *file = NULL;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--module") || !strcmp(argv[i], "-m")) flags |= 1;
        else if (!strcmp(argv[i], "--report")) want_report = 1;
        else if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) {
            puts("usage: qjs-cli [--module] [--report] [FILE | -]");
            return 0;
        } else if (!file) file = argv[i];
        else { fprintf(stderr, "qjs-cli: unexpected argument '%s'\n", argv[i]); return 2; }
    }
    Buf code = { 0 };
    FILE *f = stdin;
    if (file && strcmp(file, "-")) {
        f = fopen(file, "rb");
        if (!f) { fprintf(stderr, "qjs-cli: cannot open '%s': %s\n", file, strerror(errno)); return 2; }
        size_t fl = strlen(file);
        if (fl > 4 && !strcmp(file + fl - 4, ".mjs")) flags |= 1;
        g_file = file;
    }
    char tmp[16384];
    size_t n;
    while ((n = fread(tmp, 1, sizeof tmp, f)) > 0)
        buf_put(&code, tmp, n);
    if (f != stdin) {
        fclose(f);
        in_from_stdin = 1;
    }
    if (sk_init(0)) { fputs("qjs-cli: the JavaScript runtime could not start\n", stderr); return 2; }
    int rc = exec_code(code.p ? code.p : "", code.len, flags);
    if (want_report) {
        fprintf(stderr, "%s\n", sk_report());
        fflush(stderr);
    }
    free(code.p);
    return rc;
}
#endif
