/*
 * test_adapter_order_fills.c - XG_OP_ORDER_FILLS of each in-tree adapter
 * against xgsim: the plug-in loaded as the gateway loads it
 * (core/loader.c), its requests built, sent to the simulator as they are
 * and its answers parsed, with no gateway in between.
 *
 * For each venue, on a paused walk: the adapter's private stream goes
 * live (its own login and subscription, KuCoin's token first); a resting
 * buy placed through the adapter is filled in parts through the admin
 * API; the stream's fills are read through the adapter's stream parser;
 * then ORDER_FILLS through the adapter must list exactly the fills the
 * simulator made of that order (GET /_sim/fills: trade id, quantity,
 * price, fee and its asset, maker, time), with the trade ids the stream
 * gave, since the core counts a fill once by its trade id whichever way
 * it came. A second case fills an order one more time than a page holds
 * and follows the adapter's cursor to the end: every fill once, none
 * missing.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <jansson.h>

#include "gw_launch.h"
#include "loader.h"
#include "sim_launch.h"
#include "ws_client.h"
#include "xgate/adapter.h"
#include "xgate/adapter_util.h"

#define KEY    "xgsim-test-key"
#define SECRET "xgsim-test-secret"
#define PASS   "xgsim-test-pass"

/* Answers as large as a full page of Binance's 1000 trades. */
#define ANSWER_MAX (4 * 1024 * 1024)
/* Most fills one test makes: Binance's page and one more. */
#define FILLS_MAX 1100

/* A venue as this test drives it. */
typedef struct venue_case {
    const char *venue;
    const char
        *venue_symbol; /* BTC/USDT as the venue and the admin API name it */
    int needs_passphrase;
    size_t page; /* the adapter's ORDER_FILLS page */
} venue_case;

static const venue_case binance = {"binance", "BTCUSDT", 0, 1000};
static const venue_case bybit = {"bybit", "BTCUSDT", 0, 100};
static const venue_case okx = {"okx", "BTC-USDT", 1, 100};
static const venue_case kucoin = {"kucoin", "BTC-USDT", 1, 100};

/* What one test holds: the simulator, the plug-in and its instance, the
 * instrument as its INSTRUMENTS answer gave it, the stream. */
typedef struct rig {
    const venue_case *c;
    xg_sim_proc sim;
    xg__plugins plugins;
    const xg_adapter *a;
    void *inst;
    xg_instrument ins;
    int has_ins;
    xg_ws_client *ws;
    char *answer; /* ANSWER_MAX bytes */
} rig;

/* The fills a sink was handed, in order. */
typedef struct fills {
    xg_fill f[FILLS_MAX];
    size_t n;
} fills;

static void
rig_start(rig *r, const venue_case *c)
{
    char err[512];
    const xg__plugin *p = NULL;
    xg_adapter_config cfg = {KEY, SECRET, c->needs_passphrase ? PASS : NULL,
                             NULL, 0};

    memset(r, 0, sizeof(*r));
    r->c = c;
    r->answer = malloc(ANSWER_MAX);
    assert_non_null(r->answer);
    assert_int_equal(xg_sim_start_paused(&r->sim, c->venue, NULL), XG_OK);
    xg__plugins_init(&r->plugins);
    if (xg__plugins_load_venue(&r->plugins, XG_ADAPTER_DIR, c->venue, &p, err,
                               sizeof(err)) != XG_OK) {
        fail_msg("%s", err);
    }
    r->a = p->api;
    if (r->a->create(&cfg, &r->inst, err, sizeof(err)) != XG_OK) {
        fail_msg("%s", err);
    }
}

static void
rig_stop(rig *r)
{
    xg_ws_client_destroy(&r->ws);
    if (r->inst != NULL) {
        r->a->destroy(r->inst);
    }
    xg__plugins_fini(&r->plugins);
    xg_sim_stop(&r->sim);
    free(r->answer);
}

/* Build op through the adapter, send it to the simulator as built, and
 * parse the answer into res with sink. */
static void
rig_send(rig *r, const xg_op *op, const xg_sink *sink, xg_result *res)
{
    xg_http_request req;
    char lines[XG_HTTP_MAX_HEADERS][XG_HTTP_HNAME_MAX + XG_HTTP_HVALUE_MAX + 4];
    const char *hdrs[XG_HTTP_MAX_HEADERS + 1];
    long status = 0;

    memset(&req, 0, sizeof(req));
    assert_int_equal(r->a->build(r->inst, op, xg_test_wall_ms(), &req), XG_OK);
    for (size_t i = 0; i < req.n_headers; i++) {
        snprintf(lines[i], sizeof(lines[i]), "%s: %s", req.headers[i].name,
                 req.headers[i].value);
        hdrs[i] = lines[i];
    }
    hdrs[req.n_headers] = NULL;
    assert_int_equal(xg_sim_http(&r->sim, r->c->venue, req.method, req.target,
                                 hdrs, req.body_len > 0 ? req.body : NULL,
                                 req.body_len, &status, r->answer, ANSWER_MAX,
                                 NULL, 0),
                     XG_OK);
    size_t len = strlen(r->answer);
    assert_true(len < ANSWER_MAX - 1); /* not cut by the buffer */
    xg_http_response resp = {(int)status, NULL, 0, r->answer, len};
    memset(res, 0, sizeof(*res));
    assert_int_equal(r->a->parse(r->inst, op, &resp, sink, res), XG_OK);
    if (res->outcome != XG_OUTCOME_OK) {
        fail_msg("%s %s: HTTP %ld, outcome %d %s %s: %.300s", req.method,
                 req.target, status, (int)res->outcome, res->venue_code,
                 res->venue_msg, r->answer);
    }
}

static xg_err
keep_btc(void *ctx, const xg_instrument *ins)
{
    rig *r = ctx;
    if (strcmp(ins->symbol, "BTC/USDT") == 0) {
        r->ins = *ins;
        r->has_ins = 1;
    }
    return XG_OK;
}

static void
rig_instruments(rig *r)
{
    xg_op op = {.kind = XG_OP_INSTRUMENTS};
    xg_sink sink = {.ctx = r, .instrument = keep_btc};
    xg_result res;

    rig_send(r, &op, &sink, &res);
    assert_true(r->has_ins);
    assert_string_equal(r->ins.venue_symbol, r->c->venue_symbol);
}

/* A resting limit buy of qty (units at scale) at 30000, well under the
 * paused market's 35000; its venue order id into venue_order_id. */
static void
rig_place(rig *r, const char *client_id, xg_decimal qty,
          char venue_order_id[XG_VENUE_ORDER_ID_MAX])
{
    xg_order o;
    xg_result res;

    memset(&o, 0, sizeof(o));
    xg_strlcpy(o.client_id, client_id, sizeof(o.client_id));
    xg_strlcpy(o.symbol, "BTC/USDT", sizeof(o.symbol));
    o.side = XG_SIDE_BUY;
    o.type = XG_TYPE_LIMIT;
    o.tif = XG_TIF_GTC;
    o.qty = qty;
    o.price = (xg_decimal){30000, 0};
    xg_op op = {.kind = XG_OP_NEW_ORDER,
                .instrument = &r->ins,
                .order = &o,
                .client_id = client_id};
    rig_send(r, &op, NULL, &res);
    assert_string_equal(res.order.client_id, client_id);
    assert_true(res.order.venue_order_id[0] != '\0');
    xg_strlcpy(venue_order_id, res.order.venue_order_id, XG_VENUE_ORDER_ID_MAX);
}

/* A maker fill of the order by the admin API. */
static void
admin_fill(rig *r, const char *client_id, const char *qty, const char *px)
{
    char body[256];
    char out[8192];
    snprintf(body, sizeof(body),
             "{\"client_order_id\":\"%s\",\"api_key\":\"%s\",\"qty\":\"%s\","
             "\"price\":\"%s\"}",
             client_id, KEY, qty, px);
    assert_int_equal(xg_sim_admin(&r->sim, r->c->venue, "POST", "/_sim/fill",
                                  body, out, sizeof(out)),
                     XG_OK);
}

static xg_err
collect_fill(void *ctx, const xg_fill *f)
{
    fills *fs = ctx;
    assert_true(fs->n < FILLS_MAX);
    fs->f[fs->n++] = *f;
    return XG_OK;
}

/* ORDER_FILLS of the order, every page: the adapter's cursor followed
 * until the list is no longer cut. *pages counts the requests. */
static void
rig_order_fills(rig *r, const char *client_id, const char *venue_order_id,
                fills *out, size_t *pages)
{
    char cursor[XG_CURSOR_MAX] = "";
    xg_sink sink = {.ctx = out, .fill = collect_fill};
    xg_result res;

    out->n = 0;
    *pages = 0;
    do {
        xg_op op = {.kind = XG_OP_ORDER_FILLS,
                    .instrument = &r->ins,
                    .client_id = client_id,
                    .venue_order_id = venue_order_id,
                    .cursor = cursor[0] != '\0' ? cursor : NULL};
        size_t before = out->n;
        rig_send(r, &op, &sink, &res);
        (*pages)++;
        assert_true(*pages < 20);
        if (res.is_list_cut) {
            /* A cut list says how to go on, and held a full page. */
            assert_true(res.next_cursor[0] != '\0');
            assert_int_equal(out->n - before, r->c->page);
        }
        xg_strlcpy(cursor, res.next_cursor, sizeof(cursor));
    } while (res.is_list_cut);
}

/* The simulator's fills of the order client_id placed: its order id from
 * GET /_sim/orders, its fills from GET /_sim/fills (given). */
static json_t *
sim_fills_of(rig *r, const char *client_id)
{
    char *out = malloc(ANSWER_MAX);
    json_int_t order_id = 0;
    size_t i = 0;
    json_t *o = NULL;

    assert_non_null(out);
    assert_int_equal(xg_sim_admin(&r->sim, r->c->venue, "GET", "/_sim/orders",
                                  NULL, out, ANSWER_MAX),
                     XG_OK);
    json_t *orders = json_loads(out, 0, NULL);
    assert_non_null(orders);
    json_array_foreach(orders, i, o)
    {
        const char *cid =
            json_string_value(json_object_get(o, "client_order_id"));
        if (cid != NULL && strcmp(cid, client_id) == 0) {
            order_id = json_integer_value(json_object_get(o, "order_id"));
        }
    }
    json_decref(orders);
    assert_true(order_id > 0);

    assert_int_equal(xg_sim_admin(&r->sim, r->c->venue, "GET", "/_sim/fills",
                                  NULL, out, ANSWER_MAX),
                     XG_OK);
    json_t *all = json_loads(out, 0, NULL);
    assert_non_null(all);
    json_t *mine = json_array();
    json_array_foreach(all, i, o)
    {
        if (json_integer_value(json_object_get(o, "order_id")) == order_id) {
            json_array_append(mine, o);
        }
    }
    json_decref(all);
    free(out);
    return mine;
}

static xg_decimal
decimal_of(const json_t *o, const char *key)
{
    const char *s = json_string_value(json_object_get(o, key));
    xg_decimal d;
    assert_non_null(s);
    assert_int_equal(xg_decimal_parse_padded(s, strlen(s), &d), XG_OK);
    return d;
}

/* The adapter's fills are the simulator's: the same trades, each once,
 * with the same quantity, price, fee (paid, positive), fee asset, side
 * of the book and time. */
static void
assert_fills_are_the_simulators(const fills *got, const json_t *sim)
{
    size_t i = 0;
    json_t *o = NULL;

    assert_int_equal(got->n, json_array_size(sim));
    json_array_foreach(sim, i, o)
    {
        char id[XG_TRADE_ID_MAX];
        snprintf(id, sizeof(id), "%lld",
                 (long long)json_integer_value(json_object_get(o, "trade_id")));
        const xg_fill *f = NULL;
        for (size_t k = 0; k < got->n; k++) {
            if (strcmp(got->f[k].trade_id, id) == 0) {
                assert_null(f); /* each trade once */
                f = &got->f[k];
            }
        }
        if (f == NULL) {
            fail_msg("trade %s of the simulator not listed", id);
        }
        assert_int_equal(xg_decimal_cmp(f->qty, decimal_of(o, "qty")), 0);
        assert_int_equal(xg_decimal_cmp(f->price, decimal_of(o, "price")), 0);
        assert_int_equal(xg_decimal_cmp(f->fee, decimal_of(o, "fee")), 0);
        assert_string_equal(f->fee_currency,
                            json_string_value(json_object_get(o, "fee_asset")));
        assert_string_equal(json_string_value(json_object_get(o, "liquidity")),
                            "maker");
        assert_int_equal(f->liquidity, XG_LIQUIDITY_MAKER);
        assert_int_equal(f->time_ms,
                         json_integer_value(json_object_get(o, "time_ms")));
    }
}

/* The stream's fills are the simulator's trades, each once, with their
 * quantity and price (what else a push says, and in what form, is the
 * venue's: KuCoin's has no fee). */
static void
assert_same_trades(const fills *pushed, const json_t *sim)
{
    size_t i = 0;
    json_t *o = NULL;

    assert_int_equal(pushed->n, json_array_size(sim));
    json_array_foreach(sim, i, o)
    {
        char id[XG_TRADE_ID_MAX];
        size_t seen = 0;
        snprintf(id, sizeof(id), "%lld",
                 (long long)json_integer_value(json_object_get(o, "trade_id")));
        for (size_t k = 0; k < pushed->n; k++) {
            if (strcmp(pushed->f[k].trade_id, id) == 0) {
                seen++;
                assert_int_equal(
                    xg_decimal_cmp(pushed->f[k].qty, decimal_of(o, "qty")), 0);
                assert_int_equal(
                    xg_decimal_cmp(pushed->f[k].price, decimal_of(o, "price")),
                    0);
            }
        }
        assert_int_equal(seen, 1);
    }
}

/* --- the private stream, through the adapter ------------------------------ */

/* The stream's fills, and whether the last message made it live. */
typedef struct stream_seen {
    fills fills;
    const char *client_id;
} stream_seen;

static xg_err
collect_update(void *ctx, const xg_stream_update *u)
{
    stream_seen *s = ctx;
    if (u->has_fill && strcmp(u->order.client_id, s->client_id) == 0) {
        assert_true(s->fills.n < FILLS_MAX);
        s->fills.f[s->fills.n++] = u->fill;
    }
    return XG_OK;
}

/* Send a message the adapter wrote with builder, if it wrote one. */
static void
stream_send(rig *r,
            xg_err (*builder)(void *, int64_t, char *, size_t, size_t *))
{
    char text[XG_STREAM_TEXT_MAX];
    size_t len = 0;
    assert_int_equal(
        builder(r->inst, xg_test_wall_ms(), text, sizeof(text), &len), XG_OK);
    if (len > 0) {
        text[len] = '\0';
        assert_int_equal(xg_ws_client_send(r->ws, text), XG_OK);
    }
}

/* The next message through the adapter's stream parser; its kind. */
static xg_stream_kind
stream_next(rig *r, stream_seen *seen)
{
    char *text = malloc(65536);
    xg_stream_sink sink = {seen, collect_update};
    xg_stream_result res;
    assert_non_null(text);
    assert_int_equal(xg_ws_client_recv(r->ws, 5000, text, 65536), XG_OK);
    assert_int_equal(
        r->a->stream_parse(r->inst, text, strlen(text), &sink, &res), XG_OK);
    if (res.kind == XG_STREAM_MALFORMED || res.kind == XG_STREAM_REFUSED) {
        fail_msg("%s stream: %s: %.300s", r->c->venue,
                 res.kind == XG_STREAM_REFUSED ? res.venue_msg : "malformed",
                 text);
    }
    free(text);
    return res.kind;
}

/* The conversation xgate/stream.h describes, as the core would hold it:
 * the token where the plan needs one, connect where the plan says (the
 * simulator serves it on the venue's port: the plan's path and query),
 * log in, subscribe once welcome or logged in, until subscribed. */
static void
stream_open(rig *r, stream_seen *seen)
{
    xg_stream_plan plan;

    assert_int_equal(r->a->stream_plan(r->inst, &plan), XG_OK);
    if (plan.needs_token) {
        xg_op op = {.kind = XG_OP_STREAM_TOKEN};
        xg_result res;
        rig_send(r, &op, NULL, &res);
        assert_int_equal(r->a->stream_plan(r->inst, &plan), XG_OK);
        assert_false(plan.needs_token);
    }
    const char *host = strstr(plan.url, "://");
    assert_non_null(host);
    const char *target = strchr(host + 3, '/');
    assert_non_null(target);
    assert_int_equal(
        xg_ws_client_connect(xg_sim_port(&r->sim, r->c->venue), target, &r->ws),
        XG_OK);
    stream_send(r, r->a->stream_login);
    for (int i = 0; i < 10; i++) {
        xg_stream_kind k = stream_next(r, seen);
        if (k == XG_STREAM_SUBSCRIBED) {
            return;
        }
        if (k == XG_STREAM_WELCOME || k == XG_STREAM_AUTHED) {
            stream_send(r, r->a->stream_subscribe);
        }
    }
    fail_msg("%s stream never subscribed", r->c->venue);
}

/* Read the stream until it has told n fills of the order. */
static void
stream_wait_fills(rig *r, stream_seen *seen, size_t n)
{
    for (int i = 0; i < 50 && seen->fills.n < n; i++) {
        (void)stream_next(r, seen);
    }
    assert_int_equal(seen->fills.n, n);
}

/* --- the cases ------------------------------------------------------------ */

/* Three maker fills of one order: the stream tells them, ORDER_FILLS lists
 * them as the simulator made them, with the stream's trade ids. */
static void
fills_in_parts(const venue_case *c)
{
    static const char *const qty[] = {"0.003", "0.002", "0.004"};
    static const char *const px[] = {"30000", "29990.5", "29990.5"};
    const char *cid = "xgfills0000000001";
    char venue_order_id[XG_VENUE_ORDER_ID_MAX];
    stream_seen *seen = calloc(1, sizeof(*seen));
    fills *listed = calloc(1, sizeof(*listed));
    size_t pages = 0;
    rig r;

    assert_non_null(seen);
    assert_non_null(listed);
    seen->client_id = cid;
    rig_start(&r, c);
    rig_instruments(&r);
    stream_open(&r, seen);
    rig_place(&r, cid, (xg_decimal){1, 2}, venue_order_id);
    for (size_t i = 0; i < 3; i++) {
        admin_fill(&r, cid, qty[i], px[i]);
    }
    stream_wait_fills(&r, seen, 3);

    rig_order_fills(&r, cid, venue_order_id, listed, &pages);
    assert_int_equal(pages, 1);
    json_t *sim = sim_fills_of(&r, cid);
    assert_int_equal(json_array_size(sim), 3);
    assert_fills_are_the_simulators(listed, sim);
    /* The stream told the same trades: the core counts each once. */
    assert_same_trades(&seen->fills, sim);
    json_decref(sim);
    rig_stop(&r);
    free(listed);
    free(seen);
}

/* One fill more than a page: the adapter's cursor leads to the last one,
 * and every fill is listed once. */
static void
fills_over_a_page(const venue_case *c)
{
    const char *cid = "xgfills0000000002";
    char venue_order_id[XG_VENUE_ORDER_ID_MAX];
    fills *listed = calloc(1, sizeof(*listed));
    size_t n = c->page + 1;
    size_t pages = 0;
    rig r;

    assert_non_null(listed);
    rig_start(&r, c);
    rig_instruments(&r);
    /* n lots of 0.00001 (every simulated venue's BTC lot or finer). */
    rig_place(&r, cid, (xg_decimal){(int64_t)n, 5}, venue_order_id);
    for (size_t i = 0; i < n; i++) {
        admin_fill(&r, cid, "0.00001", "30000");
    }
    rig_order_fills(&r, cid, venue_order_id, listed, &pages);
    assert_int_equal(pages, 2);
    json_t *sim = sim_fills_of(&r, cid);
    assert_int_equal(json_array_size(sim), n);
    assert_fills_are_the_simulators(listed, sim);
    json_decref(sim);
    rig_stop(&r);
    free(listed);
}

static void
test_binance_fills_in_parts(void **state)
{
    (void)state;
    fills_in_parts(&binance);
}

static void
test_bybit_fills_in_parts(void **state)
{
    (void)state;
    fills_in_parts(&bybit);
}

static void
test_okx_fills_in_parts(void **state)
{
    (void)state;
    fills_in_parts(&okx);
}

static void
test_kucoin_fills_in_parts(void **state)
{
    (void)state;
    fills_in_parts(&kucoin);
}

static void
test_binance_fills_over_a_page(void **state)
{
    (void)state;
    fills_over_a_page(&binance);
}

static void
test_bybit_fills_over_a_page(void **state)
{
    (void)state;
    fills_over_a_page(&bybit);
}

static void
test_okx_fills_over_a_page(void **state)
{
    (void)state;
    fills_over_a_page(&okx);
}

static void
test_kucoin_fills_over_a_page(void **state)
{
    (void)state;
    fills_over_a_page(&kucoin);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_binance_fills_in_parts),
        cmocka_unit_test(test_bybit_fills_in_parts),
        cmocka_unit_test(test_okx_fills_in_parts),
        cmocka_unit_test(test_kucoin_fills_in_parts),
        cmocka_unit_test(test_binance_fills_over_a_page),
        cmocka_unit_test(test_bybit_fills_over_a_page),
        cmocka_unit_test(test_okx_fills_over_a_page),
        cmocka_unit_test(test_kucoin_fills_over_a_page),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
