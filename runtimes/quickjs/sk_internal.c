/* SkWasmPlugin: QuickJS compiled together with three small accessors the driver needs and the
 * public API lacks. Built instead of quickjs.c (which it includes unchanged), so the upstream
 * sources stay unpatched. */
#include "quickjs.c"

/* Drop every pending job (promise reactions) without running it: used after process.exit()
 * and after an uncaught error, as Node stops there too. */
void sk_js_drop_jobs(JSRuntime *rt)
{
    struct list_head *el, *el1;
    int i;
    list_for_each_safe(el, el1, &rt->job_list) {
        JSJobEntry *e = list_entry(el, JSJobEntry, link);
        list_del(&e->link);
        for (i = 0; i < e->argc; i++)
            JS_FreeValueRT(rt, e->argv[i]);
        js_free_rt(rt, e);
    }
}

/* The object holding the global let/const/class declarations (their names feed the
 * "candidates" of a ReferenceError report). */
JSValue sk_js_global_lexicals(JSContext *ctx)
{
    return JS_DupValue(ctx, ctx->global_var_obj);
}

/* Make the next interrupt poll (a call or a loop back-edge) call the interrupt handler. */
void sk_js_request_interrupt(JSContext *ctx)
{
    ctx->interrupt_counter = 0;
}

/* Reseed Math.random from WASI's random_get. The context is created before the host takes its
 * start-up snapshot, so without this every fresh interpreter would draw the same sequence. */
#include <sys/random.h>
void sk_js_reseed(JSContext *ctx)
{
    uint64_t seed = 0;
    if (getentropy(&seed, sizeof seed) != 0 || seed == 0)
        seed = 0x9E3779B97F4A7C15ull;
    ctx->random_state = seed;
}
