/*
 * fuzz_stream.c - libFuzzer target for one venue adapter's private-stream
 * reader (xg_adapter.stream_parse).
 *
 * Every text frame the venue's stream server, or whatever answers in its
 * place, sends reaches stream_parse, so it must never crash, read past
 * the message or leak, and what it hands the core must be usable as it
 * is: a kind the core knows, terminated printable venue text, updates
 * only in an UPDATES message, and each update naming its order (client
 * id, venue order id and symbol set, terminated), with a valid status
 * and no negative amount in a report, and a fill with a trade id and a
 * quantity above zero. A sink error must come back from the parse, and
 * only a sink error. Any violation aborts, which libFuzzer reports as a
 * crash.
 *
 * The same source is built once per venue with that venue's adapter
 * compiled in, as fuzz_adapter.c is; a venue without a stream
 * (caps.streams 0) returns at once. The whole input is one received
 * message, given in a buffer of exactly its size so that ASan sees any
 * read past it. Whether the sink refuses its first update comes from a
 * hash of the input (a quarter of inputs), not from a byte of it, so the
 * seeds stay the venue's raw messages. Built with libFuzzer when XG_FUZZ
 * is ON; otherwise fuzz_replay.c drives it over the corpus in every
 * build.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_check.h"
#include "xgate/adapter.h"
#include "xgate/stream.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Exported by the one adapter compiled into this binary. */
const xg_adapter *xg_adapter_entry(void);

/* What the sink returns when told to fail: no adapter returns it on its
 * own, so a parse returning it must have passed the sink's on. */
#define FUZZ_SINK_ERR XG_ERR_BUSY

/* 2026-01-01T00:00:00Z, the venue time the messages are built at. */
#define FUZZ_NOW_MS 1767225600000LL

typedef struct fuzz_stream_ctx {
    int fail; /* refuse the first update */
    size_t calls;
} fuzz_stream_ctx;

/* Terminated within cap and printable ASCII up to the NUL. */
static void
check_text(const char *s, size_t cap)
{
    check_terminated(s, cap);
    for (const char *p = s; *p != '\0'; p++) {
        check(*p >= 0x20 && *p < 0x7f);
    }
}

static void
check_amount(xg_decimal d)
{
    check(d.units >= 0);
    check(d.scale <= XG_DECIMAL_MAX_SCALE);
}

/* A fee may be a rebate (negative); its currency names it, and a fee
 * without one is not said: zero. */
static void
check_fee(xg_decimal fee, const char *currency, size_t cap)
{
    check(fee.scale <= XG_DECIMAL_MAX_SCALE);
    check_terminated(currency, cap);
    check(currency[0] != '\0' || (fee.units == 0 && fee.scale == 0));
}

static void
check_update(const xg_stream_update *u)
{
    const xg_order_report *rep = &u->order;

    /* The order is always named (xgate/stream.h). */
    check_terminated(rep->client_id, sizeof(rep->client_id));
    check_terminated(rep->venue_order_id, sizeof(rep->venue_order_id));
    check_terminated(rep->venue_symbol, sizeof(rep->venue_symbol));
    check(rep->client_id[0] != '\0');
    check(rep->venue_order_id[0] != '\0');
    check(rep->venue_symbol[0] != '\0');
    check(u->has_report == 0 || u->has_report == 1);
    check(u->has_fill == 0 || u->has_fill == 1);
    check(u->has_report || u->has_fill);
    if (u->has_report) {
        check(rep->status >= XG_STATUS_PENDING &&
              rep->status <= XG_STATUS_UNKNOWN);
        check_amount(rep->exec.filled_qty);
        check_amount(rep->exec.filled_quote);
        check_amount(rep->price);
        check_amount(rep->qty);
        check_fee(rep->exec.fee, rep->exec.fee_currency,
                  sizeof(rep->exec.fee_currency));
    } else {
        /* Only the fill was said: no status to be mistaken for one. */
        check(rep->status == 0);
    }
    if (u->has_fill) {
        const xg_fill *f = &u->fill;
        check_text(f->trade_id, sizeof(f->trade_id));
        check(f->trade_id[0] != '\0');
        check_amount(f->qty);
        check(f->qty.units > 0);
        check_amount(f->price);
        check_fee(f->fee, f->fee_currency, sizeof(f->fee_currency));
        check(f->liquidity >= XG_LIQUIDITY_UNKNOWN &&
              f->liquidity <= XG_LIQUIDITY_TAKER);
        check(f->time_ms >= 0);
    }
}

static xg_err
fuzz_on_update(void *ctx, const xg_stream_update *u)
{
    fuzz_stream_ctx *c = ctx;

    check(u != NULL);
    check_update(u);
    c->calls++;
    return c->fail ? FUZZ_SINK_ERR : XG_OK;
}

/* One message builder: XG_OK with text that fits, or nothing to send. */
static void
check_builder(xg_err (*fn)(void *, int64_t, char *, size_t, size_t *),
              void *inst)
{
    char out[XG_STREAM_TEXT_MAX];
    size_t len = 0;

    check(fn(inst, FUZZ_NOW_MS, out, sizeof(out), &len) == XG_OK);
    check(len < sizeof(out));
}

/* The instance, created once as the core would, with credentials like
 * fuzz_adapter.c's; NULL for a venue without a stream. */
static void *
fuzz_stream_init(const xg_adapter *a)
{
    xg_adapter_config cfg = {"fuzzapikey0123", "fuzzsecret0123",
                             "fuzzpassphrase", NULL, 0};
    xg_stream_plan plan;
    char err[160];
    void *inst = NULL;

    if (a->caps.streams == XG_STREAM_NONE) {
        return NULL;
    }
    check(a->stream_plan != NULL && a->stream_login != NULL &&
          a->stream_subscribe != NULL && a->stream_ping != NULL &&
          a->stream_parse != NULL);
    check(a->create(&cfg, &inst, err, sizeof(err)) == XG_OK);
    /* The plan of a venue without a token, and the messages sent, under
     * the sanitizers once. */
    check(a->stream_plan(inst, &plan) == XG_OK);
    if (!plan.needs_token) {
        check_terminated(plan.url, sizeof(plan.url));
        check(plan.url[0] != '\0');
        check(plan.ping_every_ms >= 0 && plan.silence_max_ms > 0 &&
              plan.lifetime_ms >= 0 && plan.connect_gap_ms >= 0);
        check_builder(a->stream_login, inst);
    }
    check_builder(a->stream_subscribe, inst);
    check_builder(a->stream_ping, inst);
    return inst;
}

/* FNV-1a over the input: which inputs the sink refuses. */
static uint32_t
fuzz_hash(const uint8_t *data, size_t size)
{
    uint32_t h = 2166136261u;

    for (size_t i = 0; i < size; i++) {
        h = (h ^ data[i]) * 16777619u;
    }
    return h;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const xg_adapter *a;
    static void *inst;
    static int ready;

    if (!ready) {
        a = xg_adapter_entry();
        check(a != NULL);
        inst = fuzz_stream_init(a);
        ready = 1;
    }
    if (inst == NULL) {
        return 0;
    }
    /* Exactly size bytes (one for an empty message, never read). */
    char *text = malloc(size > 0 ? size : 1);
    check(text != NULL);
    if (size > 0) {
        memcpy(text, data, size);
    }

    fuzz_stream_ctx ctx = {(fuzz_hash(data, size) & 3u) == 0, 0};
    xg_stream_sink sink = {&ctx, fuzz_on_update};
    xg_stream_result res;
    /* Zeroed, as the core hands it over. */
    memset(&res, 0, sizeof(res));
    xg_err rc = a->stream_parse(inst, text, size, &sink, &res);

    check(res.kind >= XG_STREAM_IGNORED && res.kind <= XG_STREAM_MALFORMED);
    check_text(res.venue_code, sizeof(res.venue_code));
    check_text(res.venue_msg, sizeof(res.venue_msg));
    /* Updates come only in a message that says it carried them. */
    check(ctx.calls == 0 || res.kind == XG_STREAM_UPDATES);
    if (rc != XG_OK) {
        /* Only the sink's refusal may come back, and only from it. */
        check(rc == FUZZ_SINK_ERR && ctx.fail && ctx.calls == 1);
    } else {
        check(!ctx.fail || ctx.calls == 0);
    }
    free(text);
    return 0;
}
