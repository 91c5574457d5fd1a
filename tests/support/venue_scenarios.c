/*
 * venue_scenarios.c - the gateway integration scenarios that are the same
 * for every venue: an order's lifecycle, a burst above the limits, a ban,
 * a 5xx after and before execution, a connection lost after execution,
 * and hostile input.
 *
 * The scenarios are about the core's promises (never place twice, never
 * exceed a limit, go silent while banned, reconcile an unknown outcome by
 * a query), which do not depend on the venue; only the venue's dialect
 * does, and it arrives as an xg_venue_desc from the venue's test file.
 * Processes and log reading are venue_env's; each test's assertions stay
 * here, so one reading of this file says what every venue is held to.
 */
#include "venue_scenarios.h"

#include <stdio.h>
#include <string.h>

/* The shared scenarios plus room for a venue's own tests. */
#define SCENARIOS_MAX_TESTS 16

static const xg_venue_desc *
desc_of(void **state)
{
    return *state;
}

/* The venue an order names in its route: v's when v pins its orders, else
 * none, and the gateway routes it. */
static const char *
pin_of(const xg_venue_desc *v)
{
    return v->is_pinned ? v->venue : NULL;
}

/* A LIMIT order on BTC/USDT, routed as v routes its orders. Given. */
static json_t *
place(xg_venue_env *e, const xg_venue_desc *v, const char *id, const char *side,
      const char *qty, const char *price)
{
    return xg_venue_env_place(e, pin_of(v), id, side, qty, price);
}

/* Place and assert the gateway accepted the request (not yet the venue). */
static void
place_accepted(xg_venue_env *e, const xg_test_order *o)
{
    json_t *r = xg_venue_env_place_order(e, o);
    assert_true(xg_reply_is_ok(r));
    json_decref(r);
}

static void
expect_order_event(xg_venue_env *e, const char *id, const char *event)
{
    json_t *ev = xg_client_wait_order_event(&e->client, id, event, 5000);
    assert_non_null(ev);
    json_decref(ev);
}

/* A LIMIT BUY of 0.001 on BTC/USDT at price, accepted and then acked. */
static void
place_acked(xg_venue_env *e, const xg_venue_desc *v, const char *id,
            const char *price)
{
    json_t *r = place(e, v, id, "BUY", "0.001", price);
    assert_true(xg_reply_is_ok(r));
    json_decref(r);
    expect_order_event(e, id, "acked");
}

static void
assert_log_free_of(const json_t *log, const xg_log_value *list)
{
    for (size_t i = 0; i < XG_SCENARIO_MAX_VALUES && list[i].field != NULL;
         i++) {
        size_t n = xg_log_count_field(log, list[i].field, list[i].value);
        if (n != 0) {
            fprintf(stderr, "log shows %s %lld %zu times\n", list[i].field,
                    (long long)list[i].value, n);
        }
        assert_int_equal(n, 0);
    }
}

/* The simulator's log shows exactly `places` place requests under venue
 * client order id vid, and at least one query for it: the order's fate
 * was learned by asking, never by guessing. */
static void
assert_sends(const json_t *log, const xg_venue_desc *v, const char *vid,
             size_t places)
{
    assert_int_equal(xg_log_count_requests(log, "POST", v->place_path, vid),
                     places);
    const xg_log_filter query = {.method = "GET",
                                 .path = v->query_path,
                                 .is_path_prefix = v->is_query_path_prefix,
                                 .client_id = vid};
    assert_true(xg_log_count(log, &query) >= 1);
}

/* The order under venue client order id vid, as the simulator's book
 * holds it, is FILLED. */
static void
assert_filled_on_venue(xg_venue_env *e, const char *venue, const char *vid)
{
    static char orders[65536];
    assert_int_equal(xg_sim_admin(&e->sim, venue, "GET", "/_sim/orders", NULL,
                                  orders, sizeof orders),
                     XG_OK);
    json_t *all = json_loads(orders, 0, NULL);
    size_t k;
    json_t *o;
    int found = 0;
    json_array_foreach(
        json_is_array(all) ? all : json_object_get(all, "orders"), k, o)
    {
        const char *cid =
            json_string_value(json_object_get(o, "client_order_id"));
        if (cid != NULL && strcmp(cid, vid) == 0) {
            found = 1;
            assert_string_equal(json_string_value(json_object_get(o, "status")),
                                "FILLED");
        }
    }
    assert_true(found);
    json_decref(all);
}

/* The lifecycle's crossing order "take1", and the proof it filled, in
 * whichever way the venue reports it. */
static void
take_and_learn_fill(xg_venue_env *e, const xg_venue_desc *v)
{
    const xg_scenario_take *t = &v->take;
    const xg_test_order take = {.id = "take1",
                                .side = "BUY",
                                .type = t->type,
                                .qty = t->qty,
                                .price = t->price,
                                .venue = pin_of(v)};
    place_accepted(e, &take);
    if (t->report == XG_FILL_REPORT_AT_ONCE) {
        json_t *ev =
            xg_client_wait_order_event(&e->client, "take1", "filled", 5000);
        assert_non_null(ev);
        assert_string_equal(xg_reply_order_field(ev, "filled_qty"), t->qty);
        json_decref(ev);
        return;
    }
    json_t *ev = xg_client_wait_order_event(&e->client, "take1", "acked", 5000);
    assert_non_null(ev);
    char vid[64];
    const char *venue_id = xg_reply_order_field(ev, "venue_client_order_id");
    assert_non_null(venue_id);
    snprintf(vid, sizeof vid, "%s", venue_id);
    json_decref(ev);
    if (t->report == XG_FILL_REPORT_ON_VENUE) {
        assert_filled_on_venue(e, v->venue, vid);
        return;
    }
    json_t *r = xg_venue_env_call_about(e, "cancel_order", "t1", "take1");
    assert_true(xg_reply_is_ok(r));
    json_decref(r);
    ev = xg_client_wait_order_event(&e->client, "take1", "filled", 5000);
    assert_non_null(ev);
    assert_string_equal(xg_reply_order_field(ev, "filled_qty"), t->qty);
    json_decref(ev);
}

static void
test_orders_are_acked_queried_canceled_and_fills_learned(void **state)
{
    const xg_venue_desc *v = desc_of(state);
    xg_venue_env *e = xg_venue_env_start(v->venue, NULL, "");

    place_acked(e, v, "rest1", "30000");
    take_and_learn_fill(e, v);

    json_t *r = xg_venue_env_call_about(e, "query_order", "t1", "rest1");
    assert_true(xg_reply_is_ok(r));
    assert_string_equal(xg_reply_order_field(r, "status"), "NEW");
    json_decref(r);

    r = xg_venue_env_call_about(e, "cancel_order", "t1", "rest1");
    assert_true(xg_reply_is_ok(r));
    json_decref(r);
    expect_order_event(e, "rest1", "canceled");

    /* The same client order id again is refused, never placed twice. */
    r = place(e, v, "rest1", "BUY", "0.001", "30000");
    assert_false(xg_reply_is_ok(r));
    assert_int_equal(xg_reply_error_code(r), XG_ERR_DUPLICATE_ID);
    json_decref(r);

    /* Every request was within the limits and, signed, accepted. */
    json_t *log = xg_venue_env_log(e, v->venue);
    assert_log_free_of(log, v->rate_limit_errors);
    assert_log_free_of(log, v->refusals);
    json_decref(log);
    xg_venue_env_stop(e);
}

static void
test_burst_above_limits_completes_without_rate_limit_errors(void **state)
{
    const xg_venue_desc *v = desc_of(state);
    const xg_scenario_burst *b = &v->burst;
    xg_venue_env *e = xg_venue_env_start(v->venue, b->sim_args, b->venue_extra);
    int nsym = 0;
    while (nsym < XG_SCENARIO_MAX_SYMBOLS && b->symbols[nsym].symbol != NULL) {
        nsym++;
    }
    assert_true(nsym > 0);

    int64_t t0 = xg_test_now_ms();
    /* Instruments alternate, so per-instrument limits run side by side. */
    for (int i = 0; i < b->per_symbol; i++) {
        for (int s = 0; s < nsym; s++) {
            const xg_burst_symbol *sym = &b->symbols[s];
            char id[32], px[16];
            snprintf(id, sizeof id, "%s%d", sym->id_prefix, i);
            snprintf(px, sizeof px, "%d", sym->top_price - i);
            const xg_test_order o = {.id = id,
                                     .symbol = sym->symbol,
                                     .side = "BUY",
                                     .qty = sym->qty,
                                     .price = px,
                                     .venue = pin_of(v)};
            place_accepted(e, &o);
        }
    }
    int waits;
    int n = b->per_symbol * nsym;
    xg_venue_env_await_acks(e, n, b->is_unknown_refused, &waits);
    int64_t elapsed = xg_test_now_ms() - t0;

    json_t *log = xg_venue_env_log(e, v->venue);
    assert_log_free_of(log, v->rate_limit_errors);
    /* The gateway held orders back rather than sending them early. */
    assert_true(waits > 0);
    assert_true(elapsed >= b->min_ms);
    if (b->max_ms > 0) {
        assert_true(elapsed < b->max_ms);
    }
    fprintf(stderr,
            "%s burst: %d orders on %d instrument(s) in %lld ms, %d waits, "
            "0 rate-limit errors\n",
            v->venue, n, nsym, (long long)elapsed, waits);
    json_decref(log);
    xg_venue_env_stop(e);
}

static void
test_ban_stops_all_traffic_until_it_ends(void **state)
{
    const xg_venue_desc *v = desc_of(state);
    const xg_scenario_ban *ban = &v->ban;
    xg_venue_env *e = xg_venue_env_start(v->venue, NULL, ban->venue_extra);
    char body[64], out[512];
    snprintf(body, sizeof body, "{\"duration_ms\":%d}", ban->sim_ms);
    assert_int_equal(xg_sim_admin(&e->sim, v->venue, "POST", "/_sim/ban", body,
                                  out, sizeof out),
                     XG_OK);
    json_t *r = place(e, v, "banned1", "BUY", "0.001", "30000");
    assert_true(xg_reply_is_ok(r));
    json_decref(r);
    json_t *ev =
        xg_client_wait_venue_state(&e->client, v->venue, "BANNED", 5000);
    assert_non_null(ev);
    int64_t until_ms = json_integer_value(
        json_object_get(json_object_get(ev, "venue"), "until_ms"));
    json_decref(ev);
    /* Given by the venue or by the gateway's ban_default_ms, a ban has an
     * end the strategies are told. */
    assert_true(until_ms > 0);

    /* The order that met the ban had no other venue in its route: it was
     * rejected with the reason, not left waiting. */
    ev = xg_client_wait_order_event(&e->client, "banned1", "rejected", 5000);
    assert_non_null(ev);
    assert_int_equal(
        json_integer_value(json_object_get(
            json_object_get(json_object_get(ev, "order"), "error"), "code")),
        XG_ERR_NO_VENUE);
    json_decref(ev);

    /* A new order during the ban finds no venue to take it: refused at
     * once with a reason, not left hanging. */
    r = place(e, v, "banned2", "BUY", "0.001", "29999");
    assert_false(xg_reply_is_ok(r));
    assert_int_equal(xg_reply_error_code(r), XG_ERR_NO_VENUE);
    json_decref(r);

    /* The venue comes back by itself and new orders flow again. */
    ev = xg_client_wait_venue_state(&e->client, v->venue, "UP", 5000);
    assert_non_null(ev);
    json_decref(ev);
    place_acked(e, v, "afterban", "29990");

    /* One ban answer, then nothing reached the simulator until the ban's
     * end; the order after it did. */
    json_t *log = xg_venue_env_log(e, v->venue);
    int64_t until = ban->hold_ms > 0 ? 0 : until_ms;
    xg_log_ban seen =
        xg_log_ban_scan(log, ban->status, ban->code, until, ban->hold_ms);
    assert_true(seen.first_ms > 0);
    assert_int_equal(seen.answers, 1);
    assert_int_equal(seen.during, 0);
    int64_t end = until > 0 ? until : seen.first_ms + ban->hold_ms;
    assert_true(seen.next_ms >= end);
    json_decref(log);
    xg_venue_env_stop(e);
}

/* Start v's environment, place `id` through a one-shot 5xx (`status`,
 * with the venue acting on the request first when is_executed), and
 * assert the simulator saw `places` sends of it and a query. Returns the
 * running environment, for the caller to check more and stop. */
static xg_venue_env *
start_and_place_through_5xx(const xg_venue_desc *v, const char *id, int status,
                            int is_executed, size_t places)
{
    xg_venue_env *e = xg_venue_env_start(v->venue, NULL, "");
    char vid[64];
    xg_venue_env_place_through_5xx(e, v->venue, pin_of(v), id, status,
                                   is_executed, vid, sizeof vid);
    json_t *log = xg_venue_env_log(e, v->venue);
    assert_sends(log, v, vid, places);
    json_decref(log);
    return e;
}

static void
test_5xx_after_execution_is_reconciled_by_query(void **state)
{
    /* Placed once, found by a query, never sent again. */
    xg_venue_env *e =
        start_and_place_through_5xx(desc_of(state), "unk1", 503, 1, 1);
    xg_venue_env_stop(e);
}

static void
test_5xx_before_execution_is_resent_under_the_same_id(void **state)
{
    /* The query proved absence before the second send, same id, and the
     * order now rests on the venue. */
    xg_venue_env *e =
        start_and_place_through_5xx(desc_of(state), "unk2", 502, 0, 2);
    json_t *r = xg_venue_env_call_about(e, "query_order", "t1", "unk2");
    assert_true(xg_reply_is_ok(r));
    assert_string_equal(xg_reply_order_field(r, "status"), "NEW");
    json_decref(r);
    xg_venue_env_stop(e);
}

static void
test_connection_lost_after_execution_is_not_resent(void **state)
{
    const xg_venue_desc *v = desc_of(state);
    /* One connection, warmed by a first order, so the next order goes on
     * a reused connection: the case where libcurl would silently re-send
     * a request whose connection died before the answer. */
    xg_venue_env *e =
        xg_venue_env_start(v->venue, NULL, "\"max_connections\": 1");
    place_acked(e, v, "warm", "30000");

    char vid[64];
    xg_venue_env_place_through_fault(e, v->venue, pin_of(v), "lost1",
                                     "{\"drop\":{\"count\":1,"
                                     "\"execute\":true}}",
                                     vid, sizeof vid);
    json_t *log = xg_venue_env_log(e, v->venue);
    /* Written once; its fate learned by a query, not by sending again. */
    assert_sends(log, v, vid, 1);
    json_decref(log);
    xg_venue_env_stop(e);
}

static void
test_bad_input_is_rejected_and_gateway_stays_up(void **state)
{
    const xg_venue_desc *v = desc_of(state);
    xg_venue_env *e = xg_venue_env_start(v->venue, NULL, "");
    xg_venue_env_send_bad_input(e);
    place_acked(e, v, "after1", "30000");
    xg_venue_env_stop(e);
}

/* Every shared scenario reads the description from its state (st) and
 * stops its environment in the teardown, even after a failed assertion. */
#define SCENARIO(f)                                                            \
    cmocka_unit_test_prestate_setup_teardown(f, NULL, xg_venue_env_teardown, st)

int
xg_venue_scenarios_run(const xg_venue_desc *v, const struct CMUnitTest *extra,
                       size_t n_extra)
{
    /* cmocka hands a test its state as void *; the scenarios only read
     * the description, so dropping const here is safe. */
    void *st = (void *)v;
    const struct CMUnitTest shared[] = {
        SCENARIO(test_orders_are_acked_queried_canceled_and_fills_learned),
        SCENARIO(test_burst_above_limits_completes_without_rate_limit_errors),
        SCENARIO(test_ban_stops_all_traffic_until_it_ends),
        SCENARIO(test_5xx_after_execution_is_reconciled_by_query),
        SCENARIO(test_5xx_before_execution_is_resent_under_the_same_id),
        SCENARIO(test_connection_lost_after_execution_is_not_resent),
        SCENARIO(test_bad_input_is_rejected_and_gateway_stays_up),
    };
    const size_t n_shared = sizeof shared / sizeof shared[0];
    struct CMUnitTest tests[SCENARIOS_MAX_TESTS];
    static char group[64];

    if (n_shared + n_extra > SCENARIOS_MAX_TESTS) {
        /* Outside a test, so a cmocka assert would have no test to fail. */
        fprintf(stderr, "%s: %zu tests, room for %d\n", v->venue,
                n_shared + n_extra, SCENARIOS_MAX_TESTS);
        return 1;
    }
    memcpy(tests, shared, sizeof shared);
    for (size_t i = 0; i < n_extra; i++) {
        tests[n_shared + i] = extra[i];
    }
    snprintf(group, sizeof group, "test_gateway_%s", v->venue);
    return _cmocka_run_group_tests(group, tests, n_shared + n_extra, NULL,
                                   NULL);
}

#undef SCENARIO
