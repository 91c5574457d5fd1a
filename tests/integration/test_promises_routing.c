/*
 * test_promises_routing.c - with two venues in the route (Binance first,
 * Bybit second), an order the first cannot send in time goes to the
 * second, and the strategy is told why.
 *
 * - Binance throttled (its own 429, "retry in 3 s"): orders with
 *   max_wait_ms 500 are not kept for Binance until the throttle ends;
 *   each is rerouted to Bybit within about its deadline, and Binance
 *   never sees them.
 * - Binance banned, and the gateway knows it: a new order lands on Bybit
 *   with a "rerouted" event saying so (reason "banned", the ban's end, and
 *   the venues skipped with their reasons).
 *
 * On one venue the same situations end in DEADLINE or NO_VENUE: that is
 * the per-venue promise_scenarios.c.
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

#include "promise_env.h"
#include "venue_env.h"

/* How long after its deadline an order's move may be seen on a loaded
 * machine, and how late a request sent at its deadline may reach the
 * simulator. */
#define LATE_EVENT_MS   1000
#define LATE_REQUEST_MS 250

static xg_event_log the_log;

static int
teardown(void **state)
{
    if (the_log.events != NULL) {
        xg_event_log_fini(&the_log);
    }
    return xg_venue_env_teardown(state);
}

static xg_venue_env *
start(const char *venue_extra)
{
    static const char *const venues[] = {"binance", "bybit"};
    xg_expect_begin();
    xg_event_log_init(&the_log);
    return xg_venue_env_start_many(venues, 2, NULL, venue_extra);
}

static void
stop(xg_venue_env *e)
{
    xg_event_log_fini(&the_log);
    xg_venue_env_stop(e);
    xg_expect_end();
}

static void
admin(xg_venue_env *e, const char *venue, const char *path, const char *body)
{
    char out[256];
    assert_int_equal(
        xg_sim_admin(&e->sim, venue, "POST", path, body, out, sizeof out),
        XG_OK);
}

static const char *
str_of(const json_t *o, const char *field)
{
    const char *s = json_string_value(json_object_get(o, field));
    return s != NULL ? s : "(absent)";
}

/* Requests in Binance's log placing an order other than the one under
 * venue client order id except_vid, at or after t_ms; only those the
 * venue executed when is_placed_only. */
static size_t
binance_places_after(xg_venue_env *e, const char *except_vid, int64_t t_ms,
                     int is_placed_only)
{
    json_t *log = xg_venue_env_log(e, "binance");
    size_t i, n = 0;
    const json_t *entry;
    json_array_foreach(log, i, entry)
    {
        if (strcmp(str_of(entry, "method"), "POST") == 0 &&
            strcmp(str_of(entry, "path"), "/api/v3/order") == 0 &&
            strcmp(str_of(entry, "client_order_id"), except_vid) != 0 &&
            json_integer_value(json_object_get(entry, "t_ms")) >= t_ms &&
            (!is_placed_only ||
             strcmp(str_of(entry, "outcome"), "placed") == 0)) {
            char *d = json_dumps(entry, JSON_COMPACT);
            printf("  on binance: %s\n", d);
            free(d);
            n++;
        }
    }
    json_decref(log);
    return n;
}

#define DEADLINE_ORDERS 3

static void
test_deadline_moves_orders_off_a_throttled_venue(void **state)
{
    (void)state;
    xg_venue_env *e = start("");
    admin(e, "binance", "/_sim/fault",
          "{\"limited\":{\"count\":1,\"retry_after_ms\":3000}}");
    /* An order only Binance may take meets the 429 and waits there. */
    json_t *r = xg_send_limit(&e->client, "t1", "thr0", "BUY", "30000",
                              ",\"venues\":[\"binance\"]");
    assert_true(xg_reply_is_ok(r));
    json_decref(r);
    assert_non_null(
        xg_event_log_wait(&the_log, &e->client, "binance", "THROTTLED", 5000));

    char ids[DEADLINE_ORDERS][16];
    int64_t replied_ms[DEADLINE_ORDERS];
    for (int k = 0; k < DEADLINE_ORDERS; k++) {
        snprintf(ids[k], sizeof ids[k], "mv%d", k);
        r = xg_send_limit(&e->client, "t1", ids[k], "BUY", "30000",
                          ",\"max_wait_ms\":500");
        replied_ms[k] = xg_test_wall_ms();
        XG_EXPECT(xg_reply_is_ok(r), "%s refused (code %lld)", ids[k],
                  (long long)xg_reply_error_code(r));
        json_decref(r);
    }
    for (int k = 0; k < DEADLINE_ORDERS; k++) {
        const json_t *ev =
            xg_event_log_wait(&the_log, &e->client, ids[k], "acked", 6000);
        char names[256];
        xg_event_log_names(&the_log, ids[k], names, sizeof names);
        if (!XG_EXPECT(ev != NULL, "%s never acked (events %s)", ids[k],
                       names)) {
            continue;
        }
        int waits;
        XG_EXPECT(
            strcmp(xg_names_past_waits(names, &waits), "rerouted,acked") == 0,
            "%s's events: want rerouted,acked, got %s", ids[k], names);
        const char *venue = xg_reply_order_field(ev, "venue");
        int64_t after = xg_event_at_ms(ev) - replied_ms[k];
        XG_EXPECT(venue != NULL && strcmp(venue, "bybit") == 0 &&
                      after <= 500 + LATE_EVENT_MS,
                  "%s acked on %s %lld ms after acceptance, want bybit "
                  "within its 500 ms deadline",
                  ids[k], venue != NULL ? venue : "-", (long long)after);
        const json_t *mv =
            xg_event_log_wait(&the_log, &e->client, ids[k], "rerouted", 0);
        if (mv != NULL) {
            const char *reason = str_of(mv, "reason");
            XG_EXPECT(strcmp(str_of(mv, "from"), "binance") == 0 &&
                          strcmp(str_of(mv, "to"), "bybit") == 0 &&
                          (strcmp(reason, "throttled") == 0 ||
                           strcmp(reason, "deadline") == 0),
                      "%s rerouted from %s to %s for \"%s\", want binance "
                      "to bybit for throttled or deadline",
                      ids[k], str_of(mv, "from"), str_of(mv, "to"), reason);
        }
    }
    /* thr0 waits out the throttle on Binance and is placed there. */
    const json_t *acked =
        xg_event_log_wait(&the_log, &e->client, "thr0", "acked", 8000);
    XG_EXPECT(acked != NULL, "thr0 never acked");
    const char *thr_vid =
        acked != NULL ? xg_reply_order_field(acked, "venue_client_order_id")
                      : "";
    size_t late = binance_places_after(
        e, thr_vid != NULL ? thr_vid : "",
        replied_ms[DEADLINE_ORDERS - 1] + 500 + LATE_REQUEST_MS, 0);
    XG_EXPECT(late == 0,
              "%zu max_wait_ms 500 order(s) sent to Binance after their "
              "deadline",
              late);
    stop(e);
}

static void
test_order_skipping_a_banned_venue_is_told_why(void **state)
{
    (void)state;
    xg_venue_env *e = start("");
    admin(e, "binance", "/_sim/ban", "{\"duration_ms\":3000}");
    /* The first order meets the ban and moves: now the gateway knows. */
    json_t *r = xg_send_limit(&e->client, "t1", "probe", "BUY", "30000", "");
    assert_true(xg_reply_is_ok(r));
    json_decref(r);
    assert_non_null(
        xg_event_log_wait(&the_log, &e->client, "binance", "BANNED", 5000));
    assert_non_null(
        xg_event_log_wait(&the_log, &e->client, "probe", "acked", 5000));

    r = xg_send_limit(&e->client, "t1", "after1", "BUY", "30000", "");
    XG_EXPECT(xg_reply_is_ok(r), "after1 refused (code %lld)",
              (long long)xg_reply_error_code(r));
    json_decref(r);
    const json_t *acked =
        xg_event_log_wait(&the_log, &e->client, "after1", "acked", 5000);
    const char *venue =
        acked != NULL ? xg_reply_order_field(acked, "venue") : NULL;
    XG_EXPECT(venue != NULL && strcmp(venue, "bybit") == 0,
              "after1 acked on %s, want bybit", venue != NULL ? venue : "-");
    const json_t *mv =
        xg_event_log_wait(&the_log, &e->client, "after1", "rerouted", 0);
    char names[256];
    xg_event_log_names(&the_log, "after1", names, sizeof names);
    if (XG_EXPECT(mv != NULL, "after1: no rerouted event (events %s)", names)) {
        XG_EXPECT(strcmp(str_of(mv, "from"), "binance") == 0 &&
                      strcmp(str_of(mv, "to"), "bybit") == 0 &&
                      strcmp(str_of(mv, "reason"), "banned") == 0,
                  "rerouted from %s to %s for \"%s\", want binance to bybit "
                  "for banned",
                  str_of(mv, "from"), str_of(mv, "to"), str_of(mv, "reason"));
        XG_EXPECT(json_integer_value(json_object_get(mv, "ban_until_ms")) > 0,
                  "rerouted without ban_until_ms");
        json_t *skipped = json_object_get(mv, "skipped");
        json_t *first = json_array_get(skipped, 0);
        XG_EXPECT(json_array_size(skipped) == 1 &&
                      strcmp(str_of(first, "venue"), "binance") == 0 &&
                      strcmp(str_of(first, "reason"), "banned") == 0 &&
                      json_integer_value(json_object_get(first, "until_ms")) >
                          0,
                  "skipped: want [{venue binance, reason banned, until_ms}], "
                  "got %zu entries, first %s %s",
                  json_array_size(skipped), str_of(first, "venue"),
                  str_of(first, "reason"));
    }
    XG_EXPECT(binance_places_after(e, "", 0, 1) == 0,
              "an order was placed on the banned Binance");
    stop(e);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_teardown(
            test_deadline_moves_orders_off_a_throttled_venue, teardown),
        cmocka_unit_test_teardown(
            test_order_skipping_a_banned_venue_is_told_why, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
