/*
 * test_amend.c - amend_order on every venue, through the whole chain:
 * the strategy's request, the core's choice (amend in place or
 * cancel-replace, from the adapter's caps), the venue's amend path in
 * xgsim, the adapter's answer and the order's events.
 *
 * 1. A new price: amended in place with the same venue order id on Bybit
 *    and OKX; replaced by a new venue order on Binance (cancelReplace,
 *    new client id too) and KuCoin (alter, same client id). The order
 *    then rests at the new price: the market moving to it fills it.
 * 2. A partial fill before the amend is kept: filled_qty stays, and the
 *    rest filling after the amend ends the order FILLED with the whole
 *    quantity (on Binance the replacement's own count starts from zero:
 *    the gateway adds what the replaced order filled).
 * 3. A smaller quantity at the same price on Binance goes as an amend in
 *    place (keepPriority): same venue order id.
 * 4. An amend of an order that has filled at the venue, before the
 *    gateway has heard of it, is refused by the venue (amend_rejected with
 *    the venue's code), and the order then reads FILLED.
 *
 * The simulator's walk is paused; the open-orders sweep is slow (60 s)
 * unless a case needs it, so what the gateway learns comes from the
 * answers to its own requests.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>
#include <jansson.h>

#include "venue_env.h"

typedef struct amend_case {
    const char *venue;
    const char *venue_symbol; /* as the admin API names it */
    const char *price_event;  /* event a price change ends with */
    int is_new_client_id;     /* the replacement has its own client id */
    const char *price_how;    /* the reply's "amend" for a price change */
} amend_case;

static const amend_case binance = {"binance", "BTCUSDT", "replaced", 1,
                                   "cancel_replace"};
static const amend_case bybit = {"bybit", "BTCUSDT", "amended", 0, "amend"};
static const amend_case okx = {"okx", "BTC-USDT", "amended", 0, "amend"};
static const amend_case kucoin = {"kucoin", "BTC-USDT", "replaced", 0,
                                  "cancel_replace"};

static xg_venue_env *
start(const amend_case *c, int sweep_ms)
{
    char walk[32];
    char extra[64];
    snprintf(walk, sizeof walk, "%s.walk=0", c->venue);
    snprintf(extra, sizeof extra, "\"order_sweep_ms\": %d", sweep_ms);
    const char *args[] = {"--set", walk, NULL};
    return xg_venue_env_start(c->venue, args, extra);
}

static void
sim_admin_ok(xg_venue_env *e, const amend_case *c, const char *path,
             const char *body)
{
    char out[4096];
    if (xg_sim_admin(&e->sim, c->venue, "POST", path, body, out, sizeof out) !=
        XG_OK) {
        fail_msg("%s %s %s: %s", c->venue, path, body, out);
    }
}

/* One level of 0.001 a side, one tick from the reference, not refilled:
 * moving the price rebuilds it. */
static void
thin_book(xg_venue_env *e, const amend_case *c)
{
    char body[256];
    snprintf(body, sizeof body,
             "{\"symbol\":\"%s\",\"levels\":1,\"level_qty\":\"0.003\","
             "\"spread_ticks\":1,\"level_ticks\":1,\"refill_ms\":3600000}",
             c->venue_symbol);
    sim_admin_ok(e, c, "/_sim/market", body);
}

static void
move_price(xg_venue_env *e, const amend_case *c, const char *price)
{
    char body[128];
    snprintf(body, sizeof body, "{\"symbol\":\"%s\",\"price\":\"%s\"}",
             c->venue_symbol, price);
    sim_admin_ok(e, c, "/_sim/price", body);
}

/* Fill qty of the venue's order carrying venue_client_id at price. */
static void
sim_fill(xg_venue_env *e, const amend_case *c, const char *venue_client_id,
         const char *qty, const char *price)
{
    char body[256];
    snprintf(body, sizeof body,
             "{\"client_order_id\":\"%s\",\"qty\":\"%s\",\"price\":\"%s\"}",
             venue_client_id, qty, price);
    sim_admin_ok(e, c, "/_sim/fill", body);
}

static const char *
field(const json_t *msg, const char *name)
{
    const char *v = xg_reply_order_field(msg, name);
    return v != NULL ? v : "";
}

static void
expect_field(const amend_case *c, const json_t *msg, const char *name,
             const char *want)
{
    const char *got = field(msg, name);
    if (strcmp(got, want) != 0) {
        char *text = json_dumps(msg, JSON_COMPACT);
        fail_msg("%s: %s is \"%s\", want \"%s\": %s", c->venue, name, got,
                 want, text);
    }
}

static json_t *
wait_event(xg_venue_env *e, const amend_case *c, const char *id,
           const char *event)
{
    json_t *ev = xg_client_wait_order_event(&e->client, id, event, 5000);
    if (ev == NULL) {
        fail_msg("%s: no %s event for %s", c->venue, event, id);
    }
    return ev;
}

/* Place a resting buy of 0.003 at 34000 and wait for its ack, which is
 * returned (given). */
static json_t *
place_resting(xg_venue_env *e, const amend_case *c, const char *id)
{
    json_t *r = xg_venue_env_place(e, NULL, id, "BUY", "0.003", "34000");
    if (!xg_reply_is_ok(r)) {
        char *text = json_dumps(r, JSON_COMPACT);
        fail_msg("%s: place %s: %s", c->venue, id, text);
    }
    json_decref(r);
    return wait_event(e, c, id, "acked");
}

/* The reply r to the amend of order id is ok, the amend going as how. */
static void
expect_amend_how(const amend_case *c, json_t *r, const char *id,
                 const char *how)
{
    if (!xg_reply_is_ok(r)) {
        char *text = json_dumps(r, JSON_COMPACT);
        fail_msg("%s: amend %s: %s", c->venue, id, text);
    }
    const char *got = json_string_value(json_object_get(r, "amend"));
    if (got == NULL || strcmp(got, how) != 0) {
        fail_msg("%s: amend %s went as %s, want %s", c->venue, id,
                 got != NULL ? got : "(none)", how);
    }
}

/* Send amend_order and return its reply (given). */
static json_t *
amend_call(xg_venue_env *e, const char *id, const char *price, const char *qty)
{
    char req[512];
    snprintf(req, sizeof req,
             "{\"type\":\"amend_order\",\"req_id\":\"a-%s\",\"strategy\":"
             "\"t1\",\"client_order_id\":\"%s\"%s%s%s%s%s%s}",
             id, id, price != NULL ? ",\"price\":\"" : "",
             price != NULL ? price : "", price != NULL ? "\"" : "",
             qty != NULL ? ",\"qty\":\"" : "", qty != NULL ? qty : "",
             qty != NULL ? "\"" : "");
    return xg_client_call(&e->client, req, 5000);
}

/* Send amend_order; the reply must be ok, with how. */
static void
amend(xg_venue_env *e, const amend_case *c, const char *id, const char *price,
      const char *qty, const char *how)
{
    json_t *r = amend_call(e, id, price, qty);
    expect_amend_how(c, r, id, how);
    json_decref(r);
}

static void
new_price_then_fill(const amend_case *c)
{
    xg_venue_env *e = start(c, 100);
    thin_book(e, c);
    json_t *acked = place_resting(e, c, "am1");
    char vid[64], vcid[64];
    snprintf(vid, sizeof vid, "%s", field(acked, "venue_order_id"));
    snprintf(vcid, sizeof vcid, "%s", field(acked, "venue_client_order_id"));
    json_decref(acked);

    amend(e, c, "am1", "34010", NULL, c->price_how);
    json_t *ev = wait_event(e, c, "am1", c->price_event);
    expect_field(c, ev, "price", "34010");
    expect_field(c, ev, "qty", "0.003");
    expect_field(c, ev, "status", "NEW");
    int is_same_id = strcmp(field(ev, "venue_order_id"), vid) == 0;
    if (is_same_id != (strcmp(c->price_event, "amended") == 0)) {
        fail_msg("%s: venue order id %s after %s (was %s)", c->venue,
                 field(ev, "venue_order_id"), c->price_event, vid);
    }
    int is_same_cid = strcmp(field(ev, "venue_client_order_id"), vcid) == 0;
    assert_int_equal(is_same_cid, !c->is_new_client_id);
    json_decref(ev);

    /* At the new price: the ask level moved under 34010 fills it whole,
     * which the sweep reports. */
    move_price(e, c, "34000");
    ev = wait_event(e, c, "am1", "filled");
    expect_field(c, ev, "filled_qty", "0.003");
    expect_field(c, ev, "avg_price", "34010");
    json_decref(ev);
    xg_venue_env_stop(e);
}

static void
partial_fill_is_kept(const amend_case *c)
{
    xg_venue_env *e = start(c, 100);
    thin_book(e, c);
    json_t *acked = place_resting(e, c, "am2");
    char vcid[64];
    snprintf(vcid, sizeof vcid, "%s", field(acked, "venue_client_order_id"));
    json_decref(acked);
    sim_fill(e, c, vcid, "0.001", "34000");
    json_t *ev = wait_event(e, c, "am2", "partially_filled");
    json_decref(ev);

    amend(e, c, "am2", "33985", NULL, c->price_how);
    ev = wait_event(e, c, "am2", c->price_event);
    expect_field(c, ev, "price", "33985");
    expect_field(c, ev, "filled_qty", "0.001");
    expect_field(c, ev, "status", "PARTIALLY_FILLED");
    snprintf(vcid, sizeof vcid, "%s", field(ev, "venue_client_order_id"));
    json_decref(ev);

    /* The rest fills on the venue's order as it is now. */
    /* OKX tells the quote amount only as avgPx x accFillSz: prices whose
     * average is exact keep the figure exact on every venue. */
    sim_fill(e, c, vcid, "0.002", "33985");
    ev = wait_event(e, c, "am2", "filled");
    expect_field(c, ev, "filled_qty", "0.003");
    expect_field(c, ev, "filled_quote", "101.97");
    expect_field(c, ev, "avg_price", "33990");
    json_decref(ev);
    xg_venue_env_stop(e);
}

static void
amend_of_filled_order_is_refused(const amend_case *c)
{
    xg_venue_env *e = start(c, 60000);
    thin_book(e, c);
    json_t *acked = place_resting(e, c, "am3");
    char vcid[64];
    snprintf(vcid, sizeof vcid, "%s", field(acked, "venue_client_order_id"));
    json_decref(acked);
    sim_fill(e, c, vcid, "0.003", "34000");

    /* The gateway has not heard of the fill: it sends the amend, and the
     * venue refuses it with its code. Should the gateway hear of the fill
     * first (its query of the ack crossing the fill), the amend is refused
     * as "the order ended first", or at once when the order is known
     * FILLED before the amend arrives: the order's end wins either way. */
    json_t *r = amend_call(e, "am3", "34010", NULL);
    const char *refusal = json_string_value(
        json_object_get(json_object_get(r, "error"), "message"));
    if (!xg_reply_is_ok(r) && refusal != NULL &&
        strcmp(refusal, "order is already FILLED") == 0) {
        json_decref(r);
        json_decref(wait_event(e, c, "am3", "filled"));
        xg_venue_env_stop(e);
        return;
    }
    expect_amend_how(c, r, "am3", c->price_how);
    json_decref(r);
    json_t *ev = wait_event(e, c, "am3", "amend_rejected");
    json_t *err = json_object_get(json_object_get(ev, "order"), "error");
    const char *code =
        json_string_value(json_object_get(err, "venue_code"));
    const char *why = json_string_value(json_object_get(err, "message"));
    int is_venue_refusal = code != NULL && code[0] != '\0';
    int is_ended_first =
        why != NULL && strcmp(why, "the order ended first") == 0;
    if (!is_venue_refusal && !is_ended_first) {
        char *text = json_dumps(ev, JSON_COMPACT);
        fail_msg("%s: amend_rejected without the venue's code: %s", c->venue,
                 text);
    }
    expect_field(c, ev, "price", "34000");
    json_decref(ev);
    ev = wait_event(e, c, "am3", "filled");
    expect_field(c, ev, "filled_qty", "0.003");
    expect_field(c, ev, "price", "34000");
    json_decref(ev);
    xg_venue_env_stop(e);
}

/* Binance amends a smaller quantity at the same price in place. */
static void
test_binance_smaller_qty_keeps_order(void **state)
{
    (void)state;
    const amend_case *c = &binance;
    xg_venue_env *e = start(c, 100);
    thin_book(e, c);
    json_t *acked = place_resting(e, c, "am4");
    char vid[64];
    snprintf(vid, sizeof vid, "%s", field(acked, "venue_order_id"));
    json_decref(acked);
    amend(e, c, "am4", NULL, "0.002", "amend");
    json_t *ev = wait_event(e, c, "am4", "amended");
    expect_field(c, ev, "qty", "0.002");
    expect_field(c, ev, "venue_order_id", vid);
    json_decref(ev);
    xg_venue_env_stop(e);
}

#define VENUE_TESTS(v)                                                         \
    static void test_##v##_new_price(void **state)                             \
    {                                                                          \
        (void)state;                                                           \
        new_price_then_fill(&v);                                               \
    }                                                                          \
    static void test_##v##_partial_fill_kept(void **state)                     \
    {                                                                          \
        (void)state;                                                           \
        partial_fill_is_kept(&v);                                              \
    }                                                                          \
    static void test_##v##_filled_refused(void **state)                        \
    {                                                                          \
        (void)state;                                                           \
        amend_of_filled_order_is_refused(&v);                                  \
    }

VENUE_TESTS(binance)
VENUE_TESTS(bybit)
VENUE_TESTS(okx)
VENUE_TESTS(kucoin)

/* The teardown stops a failed test's processes: left running they would
 * hold ctest's output pipe open until its timeout. */
#define T(name) cmocka_unit_test_teardown(name, xg_venue_env_teardown)

#define VENUE_ENTRIES(v)                                                       \
    T(test_##v##_new_price), T(test_##v##_partial_fill_kept),                  \
        T(test_##v##_filled_refused)

int
main(void)
{
    const struct CMUnitTest tests[] = {
        VENUE_ENTRIES(binance), VENUE_ENTRIES(bybit), VENUE_ENTRIES(okx),
        VENUE_ENTRIES(kucoin),
        T(test_binance_smaller_qty_keeps_order),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
