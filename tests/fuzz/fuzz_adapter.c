/*
 * fuzz_adapter.c - libFuzzer target for one venue adapter's answer parser.
 *
 * Every byte a venue, or a proxy in front of it, sends reaches the
 * adapter's parse entry, so parse must never crash, read out of bounds or
 * leak, and what it hands the core must be usable as it is: an outcome the
 * router knows, terminated printable venue text, a cursor only on a cut
 * list, usage entries for buckets the adapter declared, order reports,
 * instruments and fills with terminated strings and non-negative amounts,
 * and a refused new order or cancel that says why. Any violation aborts, which
 * libFuzzer reports as a crash.
 *
 * The same source is built once per venue with that venue's adapter
 * compiled in (every adapter exports xg_adapter_entry, so one binary per
 * venue); the venue is read from the entry table at start. An input is
 *   byte 0  the operation, an index (modulo) into the venue's list:
 *           XG_OP_SERVER_TIME..XG_OP_OPEN_ORDERS, then those its caps
 *           allow in the order of xg_op_kind (AMEND_ORDER, BATCH_NEW and
 *           BATCH_CANCEL of two orders, CANCEL_SYMBOL), then BALANCES,
 *           then BATCH_AMEND of two orders in place where caps allow it,
 *           then ORDER_FILLS where the venue's stream tells fills (the
 *           order of its tests/data fixture), then ACCOUNT_ID where caps
 *           allow it,
 *   byte 1  the HTTP status, an index into fuzz_statuses (modulo),
 *   byte 2  bits 0-2: the canned header set (modulo FUZZ_HEADER_SETS);
 *           bit 3: OPEN_ORDERS and ORDER_FILLS ask for a later page
 *           (op->cursor set);
 *           bit 4: NEW_ORDER is a market IOC order (else a resting limit);
 *           bit 5: OPEN_ORDERS for all symbols (op->instrument NULL);
 *           bit 6: the sink refuses its second entry (FUZZ_SINK_ERR);
 *           bit 7: AMEND_ORDER is a cancel-replace where the venue has
 *           one (else in place where it can; a venue with only one way
 *           is always asked that way),
 *   the rest the body. Built with libFuzzer when XG_FUZZ is ON; otherwise
 * fuzz_replay.c drives it over the corpus in every build.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_check.h"
#include "xgate/adapter.h"
#include "xgate/adapter_util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Exported by the one adapter compiled into this binary. */
const xg_adapter *xg_adapter_entry(void);

/* What the sink returns when told to fail: no adapter returns it on its
 * own, so a parse returning it must have passed the sink's on. */
#define FUZZ_SINK_ERR XG_ERR_BUSY

#define FUZZ_SEL_CURSOR    0x08u
#define FUZZ_SEL_TAKING    0x10u
#define FUZZ_SEL_ALL_SYMS  0x20u
#define FUZZ_SEL_SINK_FAIL 0x40u
#define FUZZ_SEL_REPLACE   0x80u

#define FUZZ_HEADER_SETS 5
#define FUZZ_MAX_HEADERS 24
#define FUZZ_MAX_SPECS   64

/* Documented answers, the venues' odd ones and statuses no venue sends;
 * new ones go last, so that the seeds keep their status. */
static const int fuzz_statuses[] = {
    200, 400, 401, 403, 404, 418, 429, 500, 502, 503, 504, 302,
    100, 600, 201, 204, 0,   -1,  999, 407, 520, 524, 2147483647,
    409 /* Binance's cancel-replace that half failed */};

typedef struct fuzz_header {
    const char *name;
    const char *value;
    size_t value_len; /* 0: strlen(value) */
} fuzz_header;

typedef struct fuzz_header_set {
    fuzz_header h[FUZZ_MAX_HEADERS];
    size_t n;
} fuzz_header_set;

/* Usage headers with sane values, per venue (OKX sends none). */
static const fuzz_header_set fuzz_sane_binance = {
    {{"X-MBX-USED-WEIGHT-1M", "120", 0},
     {"x-mbx-order-count-10s", "3", 0},
     {"X-MBX-ORDER-COUNT-1D", "50", 0}},
    3};
static const fuzz_header_set fuzz_sane_bybit = {
    {{"X-Bapi-Limit-Status", "9", 0},
     {"X-Bapi-Limit", "10", 0},
     {"X-Bapi-Limit-Reset-Timestamp", "1700000000500", 0}},
    3};
static const fuzz_header_set fuzz_sane_kucoin = {
    {{"gw-ratelimit-limit", "4000", 0},
     {"gw-ratelimit-remaining", "3990", 0},
     {"gw-ratelimit-reset", "29000", 0}},
    3};
static const fuzz_header_set fuzz_sane_okx = {
    {{"Content-Type", "application/json", 0}}, 1};

/* Every venue's usage and wait headers with values no venue should send:
 * huge, negative, padded, garbage, empty, a NUL inside, odd windows. */
static const fuzz_header_set fuzz_hostile = {
    {{"X-MBX-USED-WEIGHT-1M", "99999999999999999999999", 0},
     {"X-MBX-USED-WEIGHT-0M", "5", 0},
     {"X-MBX-USED-WEIGHT-99999999999999999999S", "5", 0},
     {"X-MBX-ORDER-COUNT-", "-5", 0},
     {"X-MBX-ORDER-COUNT-10S", " 12 ", 0},
     {"X-MBX-ORDER-COUNT-1D", "12abc", 0},
     {"X-MBX-USED-WEIGHT-1m", "9223372036854775807", 0},
     {"X-Bapi-Limit-Status", "9223372036854775807", 0},
     {"X-Bapi-Limit", "-1", 0},
     {"X-Bapi-Limit-Reset-Timestamp", "1\0002", 3},
     {"gw-ratelimit-remaining", "", 0},
     {"gw-ratelimit-reset", "-29000", 0},
     {"gw-ratelimit-limit", "0x10", 0},
     {"Retry-After", "9223372036854775807", 0},
     {"Retry-After", "3", 0},
     {"", "", 0},
     {"X-MBX-USED-WEIGHT-1M", "\t7\t", 0}},
    17};

/* The waits: Retry-After and every venue's reset headers, sane. */
static const fuzz_header_set fuzz_waits = {
    {{"Retry-After", "30", 0},
     {"X-Bapi-Limit-Status", "0", 0},
     {"X-Bapi-Limit", "10", 0},
     {"X-Bapi-Limit-Reset-Timestamp", "1700000001000", 0},
     {"gw-ratelimit-remaining", "0", 0},
     {"gw-ratelimit-reset", "1500", 0},
     {"X-MBX-USED-WEIGHT-1M", "6000", 0}},
    7};

/* The waits with values past the edge: an HTTP-date, overflowing
 * seconds, zero and negative resets. */
static const fuzz_header_set fuzz_bad_waits = {
    {{"Retry-After", "Wed, 21 Oct 2015 07:28:00 GMT", 0},
     {"X-Bapi-Limit-Status", "0", 0},
     {"X-Bapi-Limit-Reset-Timestamp", "9223372036854775807", 0},
     {"gw-ratelimit-remaining", "-1", 0},
     {"gw-ratelimit-reset", "9223372036854775807", 0},
     {"Retry-After", "9223372036854", 0}},
    6};

typedef struct fuzz_state {
    const xg_adapter *a;
    void *inst;
    xg_instrument ins;
    const char *client_id;
    /* a replacement's (xg_amend), and a batch's second order */
    const char *new_client_id;
    /* ORDER_FILLS: the order the venue's fills fixture is about */
    const char *venue_order_id;
    xg_op_kind ops[XG_OP_KIND_MAX]; /* operations byte 0 chooses from */
    size_t n_ops;
    const fuzz_header_set *sets[FUZZ_HEADER_SETS];
} fuzz_state;

/* What the sink saw during one parse. */
typedef struct fuzz_sink_ctx {
    xg_op_kind kind;
    int fail;
    size_t calls;
} fuzz_sink_ctx;

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

static void
check_report(const xg_order_report *rep)
{
    check_terminated(rep->client_id, sizeof(rep->client_id));
    check_terminated(rep->venue_order_id, sizeof(rep->venue_order_id));
    check_terminated(rep->venue_symbol, sizeof(rep->venue_symbol));
    check(rep->status >= XG_STATUS_PENDING && rep->status <= XG_STATUS_UNKNOWN);
    check_amount(rep->exec.filled_qty);
    check_amount(rep->exec.filled_quote);
    check_amount(rep->price);
    check_amount(rep->qty);
    /* A fee may be a rebate (negative); its currency names it. */
    check(rep->exec.fee.scale <= XG_DECIMAL_MAX_SCALE);
    check_terminated(rep->exec.fee_currency, sizeof(rep->exec.fee_currency));
    check(xg_execution_has_fee(&rep->exec) ||
          (rep->exec.fee.units == 0 && rep->exec.fee.scale == 0));
}

/* The sink counts each entry, refuses the second one when told to, and
 * checks that entries come only for the operation that lists them. */
static xg_err
fuzz_sink_step(fuzz_sink_ctx *c)
{
    c->calls++;
    if (c->fail && c->calls == 2) {
        return FUZZ_SINK_ERR;
    }
    return XG_OK;
}

static xg_err
fuzz_on_instrument(void *ctx, const xg_instrument *ins)
{
    fuzz_sink_ctx *c = ctx;

    check(c->kind == XG_OP_INSTRUMENTS);
    check_terminated(ins->symbol, sizeof(ins->symbol));
    check_terminated(ins->venue_symbol, sizeof(ins->venue_symbol));
    check(ins->venue_symbol[0] != '\0');
    check(xg_symbol_validate(ins->symbol) == XG_OK);
    check_amount(ins->tick_size);
    check_amount(ins->lot_size);
    check_amount(ins->min_price);
    check_amount(ins->max_price);
    check_amount(ins->min_qty);
    check_amount(ins->max_qty);
    check_amount(ins->min_notional);
    return fuzz_sink_step(c);
}

static xg_err
fuzz_on_order(void *ctx, const xg_order_report *rep)
{
    fuzz_sink_ctx *c = ctx;

    check(c->kind == XG_OP_OPEN_ORDERS || c->kind == XG_OP_CANCEL_SYMBOL);
    check_report(rep);
    return fuzz_sink_step(c);
}

static xg_err
fuzz_on_balance(void *ctx, const xg_balance *bal)
{
    fuzz_sink_ctx *c = ctx;

    check(c->kind == XG_OP_BALANCES);
    check_text(bal->asset, sizeof(bal->asset));
    check(bal->asset[0] != '\0');
    check_amount(bal->free);
    check_amount(bal->locked);
    return fuzz_sink_step(c);
}

static xg_err
fuzz_on_fill(void *ctx, const xg_fill *f)
{
    fuzz_sink_ctx *c = ctx;

    check(c->kind == XG_OP_ORDER_FILLS);
    /* The id the core counts the fill once by: never empty. */
    check_text(f->trade_id, sizeof(f->trade_id));
    check(f->trade_id[0] != '\0');
    check_amount(f->qty);
    check(f->qty.units > 0);
    check_amount(f->price);
    check(f->price.units > 0);
    /* A fee may be a rebate (negative); its currency names it. */
    check(f->fee.scale <= XG_DECIMAL_MAX_SCALE);
    check_terminated(f->fee_currency, sizeof(f->fee_currency));
    check(f->liquidity >= XG_LIQUIDITY_UNKNOWN &&
          f->liquidity <= XG_LIQUIDITY_TAKER);
    check(f->time_ms >= 0);
    return fuzz_sink_step(c);
}

static void
fuzz_init(fuzz_state *st)
{
    xg_adapter_config cfg = {"fuzzapikey0123", "fuzzsecret0123",
                             "fuzzpassphrase", NULL, 0};
    char err[160];
    const char *venue_symbol = "BTCUSDT";

    st->a = xg_adapter_entry();
    check(st->a != NULL);
    check(st->a->create(&cfg, &st->inst, err, sizeof(err)) == XG_OK);
    /* Client ids as the fixtures in tests/data/<venue>/ carry them, so
     * the seeds reach the order paths. */
    st->client_id = "gw0001";
    st->new_client_id = "gw0002";
    for (int k = XG_OP_SERVER_TIME; k <= XG_OP_OPEN_ORDERS; k++) {
        st->ops[st->n_ops++] = (xg_op_kind)k;
    }
    if (st->a->caps.amend != 0) {
        st->ops[st->n_ops++] = XG_OP_AMEND_ORDER;
    }
    if (st->a->caps.batch_new_max >= 2) {
        st->ops[st->n_ops++] = XG_OP_BATCH_NEW;
    }
    if (st->a->caps.batch_cancel_max >= 2) {
        st->ops[st->n_ops++] = XG_OP_BATCH_CANCEL;
    }
    if (st->a->caps.cancel_symbol != 0) {
        st->ops[st->n_ops++] = XG_OP_CANCEL_SYMBOL;
    }
    st->ops[st->n_ops++] = XG_OP_BALANCES;
    if (st->a->caps.batch_amend_max >= 2) {
        st->ops[st->n_ops++] = XG_OP_BATCH_AMEND;
    }
    if ((st->a->caps.streams & XG_STREAM_FILLS) != 0) {
        st->ops[st->n_ops++] = XG_OP_ORDER_FILLS;
    }
    if (st->a->caps.account_id != 0) {
        st->ops[st->n_ops++] = XG_OP_ACCOUNT_ID;
    }
    st->sets[0] = NULL;
    st->sets[2] = &fuzz_hostile;
    st->sets[3] = &fuzz_waits;
    st->sets[4] = &fuzz_bad_waits;
    if (strcmp(st->a->venue, "binance") == 0) {
        st->client_id = "gw-0001";
        st->new_client_id = "gw-0002";
        st->venue_order_id = "28457";
        st->sets[1] = &fuzz_sane_binance;
    } else if (strcmp(st->a->venue, "bybit") == 0) {
        st->venue_order_id = "2031000000000000001";
        st->sets[1] = &fuzz_sane_bybit;
    } else if (strcmp(st->a->venue, "okx") == 0) {
        venue_symbol = "BTC-USDT";
        st->venue_order_id = "452197707845865472";
        st->sets[1] = &fuzz_sane_okx;
    } else {
        check(strcmp(st->a->venue, "kucoin") == 0);
        venue_symbol = "BTC-USDT";
        st->venue_order_id = "6720ecd9ec71f4000747731a";
        st->sets[1] = &fuzz_sane_kucoin;
    }
    memset(&st->ins, 0, sizeof(st->ins));
    memcpy(st->ins.symbol, "BTC/USDT", sizeof("BTC/USDT"));
    memcpy(st->ins.venue_symbol, venue_symbol, strlen(venue_symbol) + 1);
    st->ins.tick_size = (xg_decimal){1, 2};
    st->ins.lot_size = (xg_decimal){1, 5};
    st->ins.is_trading = 1;
}

/* set as header views; n is 0 for the empty set. */
static size_t
fuzz_headers(const fuzz_header_set *set, xg_http_header_view *out)
{
    if (set == NULL) {
        return 0;
    }
    for (size_t i = 0; i < set->n; i++) {
        const fuzz_header *h = &set->h[i];
        out[i].name = h->name;
        out[i].name_len = strlen(h->name);
        out[i].value = h->value;
        out[i].value_len = h->value_len != 0 ? h->value_len : strlen(h->value);
    }
    return set->n;
}

/* res as parse left it for op, whose order (if any) carries client_id. */
static void
check_result(const xg_op *op, const char *client_id, const xg_result *res,
             size_t n_specs)
{
    check(res->outcome >= XG_OUTCOME_OK && res->outcome <= XG_OUTCOME_RESYNC);
    check_text(res->venue_code, sizeof(res->venue_code));
    check_text(res->venue_msg, sizeof(res->venue_msg));
    check_text(res->next_cursor, sizeof(res->next_cursor));
    check(res->next_cursor[0] == '\0' || res->is_list_cut);
    check_text(res->account, sizeof(res->account));
    /* An account only from its own answer, and every OK one names one. */
    check(op->kind == XG_OP_ACCOUNT_ID
              ? (res->outcome == XG_OUTCOME_OK) == (res->account[0] != '\0')
              : res->account[0] == '\0');
    check(!res->is_list_cut || op->kind == XG_OP_OPEN_ORDERS ||
          op->kind == XG_OP_ORDER_FILLS);
    check(res->retry_after_ms >= 0);
    check(res->retry_at_ms >= 0);
    check(res->banned_until_ms >= 0);
    check(res->n_usage <= XG_RESULT_MAX_USAGE);
    for (size_t i = 0; i < res->n_usage && i < XG_RESULT_MAX_USAGE; i++) {
        const xg_usage *u = &res->usage[i];
        /* A bucket of the list the request was charged to. */
        check(u->bucket < n_specs);
        check(u->used >= -1 && u->remaining >= -1 && u->reset_ms >= 0);
    }
    /* REJECTED carries the unified reason (adapter.h): a refused new order
     * or cancel without one leaves the router nothing to act on. */
    if (res->outcome == XG_OUTCOME_REJECTED) {
        check(res->err != XG_OK);
    }
    /* Only an amend is replaced, and only a replaced order leaves
     * executions behind. */
    check(!res->is_replaced ||
          (op->kind == XG_OP_AMEND_ORDER && op->amend->is_replace &&
           res->outcome == XG_OUTCOME_OK));
    check_amount(res->replaced_exec.filled_qty);
    check_amount(res->replaced_exec.filled_quote);
    check_terminated(res->replaced_exec.fee_currency,
                     sizeof(res->replaced_exec.fee_currency));
    if (!res->is_replaced) {
        check(res->replaced_exec.filled_qty.units == 0 &&
              res->replaced_exec.filled_quote.units == 0);
    }
    if (res->outcome == XG_OUTCOME_OK) {
        if (op->kind == XG_OP_SERVER_TIME) {
            check(res->server_time_ms > 0);
        }
        if (op->kind == XG_OP_NEW_ORDER || op->kind == XG_OP_CANCEL_ORDER ||
            op->kind == XG_OP_QUERY_ORDER) {
            check_report(&res->order);
            /* An answer about another order says nothing about ours. */
            check(strcmp(res->order.client_id, client_id) == 0);
        }
        if (op->kind == XG_OP_AMEND_ORDER) {
            check_report(&res->order);
            /* The order amended, or the one that replaced it: under the
             * id the core gave it, or the old one where the venue keeps
             * it. */
            const char *id = res->is_replaced && op->amend->new_client_id
                                 ? op->amend->new_client_id
                                 : client_id;
            check(strcmp(res->order.client_id, id) == 0);
        }
    }
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static fuzz_state st;
    static int ready;
    static const xg_order resting = {.client_id = "gw0001",
                                     .symbol = "BTC/USDT",
                                     .side = XG_SIDE_BUY,
                                     .type = XG_TYPE_LIMIT,
                                     .tif = XG_TIF_GTC,
                                     .qty = {1, 3},
                                     .price = {30000, 0}};
    static const xg_order taking = {.client_id = "gw0001",
                                    .symbol = "BTC/USDT",
                                    .side = XG_SIDE_SELL,
                                    .type = XG_TYPE_MARKET,
                                    .tif = XG_TIF_IOC,
                                    .qty = {1, 3},
                                    .price = {0, 0}};
    static const xg_amend in_place = {{30000, 0}, {5, 4}, {0, 0}, 0, NULL};
    xg_amend replace = {{29999, 0}, {1, 3}, {2, 4}, 1, NULL};
    xg_http_header_view hv[FUZZ_MAX_HEADERS];
    xg_bucket_spec specs[FUZZ_MAX_SPECS];
    size_t n_specs = 0;
    xg_result res;

    if (!ready) {
        fuzz_init(&st);
        ready = 1;
    }
    if (size < 3) {
        return 0;
    }
    unsigned sel = data[2];
    xg_op op = {.kind = st.ops[data[0] % st.n_ops],
                .instrument = &st.ins,
                .order = NULL,
                .client_id = NULL,
                .venue_order_id = NULL,
                .cursor = NULL,
                .amend = NULL,
                .batch = NULL};
    /* Two orders, as the core would batch them: the second under the
     * second client id; a batch of amends moves both in place. */
    const xg_amend *item_amend =
        op.kind == XG_OP_BATCH_AMEND ? &in_place : NULL;
    const xg_batch_item items[2] = {{&resting, st.client_id, item_amend},
                                    {&resting, st.new_client_id, item_amend}};
    xg_result item_res[2];
    xg_batch batch = {items, 2, item_res};
    memset(item_res, 0, sizeof(item_res));
    if (op.kind == XG_OP_BATCH_NEW || op.kind == XG_OP_BATCH_CANCEL ||
        op.kind == XG_OP_BATCH_AMEND) {
        op.batch = &batch;
    }
    if (op.kind == XG_OP_NEW_ORDER) {
        op.order = (sel & FUZZ_SEL_TAKING) ? &taking : &resting;
    }
    if (op.kind == XG_OP_AMEND_ORDER) {
        /* What the core would ask of this venue (adapter.h). */
        unsigned caps = st.a->caps.amend;
        int can_replace = (caps & (XG_AMEND_REPLACE | XG_AMEND_REPLACE_NEW_ID)) != 0;
        int replace_only = (caps & (XG_AMEND_NATIVE | XG_AMEND_NATIVE_REDUCE)) == 0;
        op.order = &resting;
        replace.new_client_id =
            (caps & XG_AMEND_REPLACE_NEW_ID) != 0 ? st.new_client_id : NULL;
        op.amend = (can_replace && ((sel & FUZZ_SEL_REPLACE) || replace_only))
                       ? &replace
                       : &in_place;
    }
    if (op.kind == XG_OP_NEW_ORDER || op.kind == XG_OP_CANCEL_ORDER ||
        op.kind == XG_OP_QUERY_ORDER || op.kind == XG_OP_AMEND_ORDER ||
        op.kind == XG_OP_ORDER_FILLS) {
        op.client_id = st.client_id;
    }
    if (op.kind == XG_OP_ORDER_FILLS) {
        op.venue_order_id = st.venue_order_id;
        if (sel & FUZZ_SEL_CURSOR) {
            op.cursor = "1234567890";
        }
    }
    if (op.kind == XG_OP_OPEN_ORDERS) {
        if (sel & FUZZ_SEL_CURSOR) {
            op.cursor = "1234567890";
        }
        if (sel & FUZZ_SEL_ALL_SYMS) {
            op.instrument = NULL;
        }
    }
    if (op.kind == XG_OP_SERVER_TIME || op.kind == XG_OP_INSTRUMENTS ||
        op.kind == XG_OP_BALANCES) {
        op.instrument = NULL;
    }

    /* The core hands parse a body with a NUL after it; a copy of exactly
     * that size lets ASan see any read past body_len + 1. */
    size_t body_len = size - 3;
    char *body = malloc(body_len + 1);
    check(body != NULL);
    memcpy(body, data + 3, body_len);
    body[body_len] = '\0';

    xg_http_response resp = {
        .status = fuzz_statuses[data[1] % (sizeof(fuzz_statuses) /
                                           sizeof(fuzz_statuses[0]))],
        .headers = hv,
        .n_headers =
            fuzz_headers(st.sets[(sel & 0x07u) % FUZZ_HEADER_SETS], hv),
        .body = body,
        .body_len = body_len};
    if (resp.n_headers == 0) {
        resp.headers = NULL;
    }

    check(st.a->limits(st.inst, specs, FUZZ_MAX_SPECS, &n_specs) == XG_OK);
    check(n_specs <= FUZZ_MAX_SPECS);

    fuzz_sink_ctx ctx = {op.kind, (sel & FUZZ_SEL_SINK_FAIL) != 0, 0};
    xg_sink sink = {&ctx, fuzz_on_instrument, fuzz_on_order, fuzz_on_balance,
                    fuzz_on_fill};
    /* Zeroed, as the core hands it over. */
    memset(&res, 0, sizeof(res));
    xg_err rc = st.a->parse(st.inst, &op, &resp, &sink, &res);

    /* Strings are checked whatever the return: the core may log them. */
    check_terminated(res.venue_code, sizeof(res.venue_code));
    check_terminated(res.venue_msg, sizeof(res.venue_msg));
    check_terminated(res.next_cursor, sizeof(res.next_cursor));
    if (rc == XG_OK) {
        check_result(&op, st.client_id, &res, n_specs);
    }
    if (rc == XG_OK && op.batch != NULL && res.outcome == XG_OUTCOME_OK) {
        /* Each order's result as its single operation's would be. */
        for (size_t i = 0; i < batch.n; i++) {
            xg_op one = xg_batch_item_op(&op, i);
            check_result(&one, items[i].client_id, &item_res[i], n_specs);
        }
    } else if (rc != XG_OK) {
        /* Only the sink's refusal may come back, and only from it. */
        check(rc == FUZZ_SINK_ERR && ctx.fail && ctx.calls == 2);
    }
    free(body);
    return 0;
}
