/*
 * test_open_orders.c - open_orders through the gateway (two venues): a
 * strategy sees its own orders that are not final, by symbol and venue,
 * page by page, and never another strategy's or a finished one.
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

static void
place_ok(xg_venue_env *e, const char *strategy, const char *id,
         const char *symbol, const char *venue)
{
    const xg_test_order o = {.strategy = strategy,
                             .id = id,
                             .symbol = symbol,
                             .side = "BUY",
                             .qty = symbol[0] == 'E' ? "0.01" : "0.001",
                             .price = symbol[0] == 'E' ? "1000" : "30000",
                             .venue = venue};
    json_t *r = xg_venue_env_place_order(e, &o);
    assert_true(xg_reply_is_ok(r));
    json_decref(r);
    json_t *ev = xg_client_wait_order_event(&e->client, id, "acked", 5000);
    assert_non_null(ev);
    json_decref(ev);
}

/* Ask for one page; returns the reply (given). */
static json_t *
open_orders(xg_venue_env *e, const char *filters)
{
    char msg[256];
    snprintf(msg, sizeof msg, "{\"type\":\"open_orders\",\"req_id\":\"oo\",%s}",
             filters);
    json_t *r = xg_client_call(&e->client, msg, 5000);
    assert_non_null(r);
    return r;
}

/* The client order ids of a page, sorted, joined by spaces, into out;
 * next_cursor into next. */
static void
page_ids(const json_t *r, char *out, size_t cap, char *next, size_t next_cap)
{
    assert_true(xg_reply_is_ok(r));
    json_t *orders = json_object_get(r, "orders");
    assert_true(json_is_array(orders));
    const char *ids[16];
    size_t n = json_array_size(orders);
    assert_true(n <= 16);
    for (size_t i = 0; i < n; i++) {
        json_t *o = json_array_get(orders, i);
        ids[i] = json_string_value(json_object_get(o, "client_order_id"));
        const char *status = json_string_value(json_object_get(o, "status"));
        assert_string_equal(status, "NEW");
    }
    for (size_t i = 1; i < n; i++) {
        for (size_t k = i; k > 0 && strcmp(ids[k - 1], ids[k]) > 0; k--) {
            const char *t = ids[k];
            ids[k] = ids[k - 1];
            ids[k - 1] = t;
        }
    }
    out[0] = '\0';
    for (size_t i = 0; i < n; i++) {
        if (i > 0) {
            strncat(out, " ", cap - strlen(out) - 1);
        }
        strncat(out, ids[i], cap - strlen(out) - 1);
    }
    snprintf(next, next_cap, "%s",
             json_string_value(json_object_get(r, "next_cursor")));
}

static void
expect_page(xg_venue_env *e, const char *filters, const char *want_ids,
            const char *want_next)
{
    char ids[256], next[32];
    json_t *r = open_orders(e, filters);
    page_ids(r, ids, sizeof ids, next, sizeof next);
    if (strcmp(ids, want_ids) != 0 ||
        (want_next != NULL && strcmp(next, want_next) != 0)) {
        fail_msg("open_orders %s: got [%s] next \"%s\", want [%s]", filters,
                 ids, next, want_ids);
    }
    json_decref(r);
}

static void
test_open_orders_by_strategy_symbol_venue_and_page(void **state)
{
    (void)state;
    const char *venues[] = {"binance", "okx"};
    xg_venue_env *e = xg_venue_env_start_many(venues, 2, NULL, "");
    place_ok(e, "s1", "a1", "BTC/USDT", "binance");
    place_ok(e, "s1", "a2", "BTC/USDT", "okx");
    place_ok(e, "s1", "a3", "ETH/USDT", "binance");
    place_ok(e, "s1", "a4", "BTC/USDT", "binance");
    place_ok(e, "s2", "b1", "BTC/USDT", "binance");
    /* A finished order is not open. */
    json_t *r = xg_venue_env_call_about(e, "cancel_order", "s1", "a4");
    assert_true(xg_reply_is_ok(r));
    json_decref(r);
    json_t *ev = xg_client_wait_order_event(&e->client, "a4", "canceled", 5000);
    assert_non_null(ev);
    json_decref(ev);

    expect_page(e, "\"strategy\":\"s1\"", "a1 a2 a3", "");
    expect_page(e, "\"strategy\":\"s2\"", "b1", "");
    expect_page(e, "\"strategy\":\"nobody\"", "", "");
    expect_page(e, "\"strategy\":\"s1\",\"symbol\":\"BTC/USDT\"", "a1 a2", "");
    expect_page(e, "\"strategy\":\"s1\",\"venue\":\"binance\"", "a1 a3", "");
    expect_page(e,
                "\"strategy\":\"s1\",\"symbol\":\"BTC/USDT\","
                "\"venue\":\"okx\"",
                "a2", "");

    /* Pages of two: the cursor goes on where the last page stopped, and
     * every order shows once. */
    char ids[256], next[32], filters[128], all[256] = "";
    r = open_orders(e, "\"strategy\":\"s1\",\"limit\":2");
    page_ids(r, ids, sizeof ids, next, sizeof next);
    json_decref(r);
    assert_int_equal(strlen(ids), strlen("a1 a2"));
    assert_true(next[0] != '\0');
    snprintf(all, sizeof all, "%s", ids);
    snprintf(filters, sizeof filters,
             "\"strategy\":\"s1\",\"limit\":2,\"cursor\":\"%s\"", next);
    r = open_orders(e, filters);
    page_ids(r, ids, sizeof ids, next, sizeof next);
    json_decref(r);
    assert_string_equal(next, "");
    strncat(all, " ", sizeof all - strlen(all) - 1);
    strncat(all, ids, sizeof all - strlen(all) - 1);
    assert_int_equal(strlen(all), strlen("a1 a2 a3"));
    assert_non_null(strstr(all, "a1"));
    assert_non_null(strstr(all, "a2"));
    assert_non_null(strstr(all, "a3"));

    /* xgctl open walks the pages and prints one row per order. */
    char cmd[512];
    snprintf(cmd, sizeof cmd,
             XG_BIN_DIR "/xgctl --req %s open --strategy s1 --venue binance",
             e->gw.req_ep);
    FILE *out = popen(cmd, "r");
    assert_non_null(out);
    char line[512];
    int rows = 0, header = 0;
    while (fgets(line, sizeof line, out) != NULL) {
        header += strncmp(line, "CLIENT_ORDER_ID", 15) == 0;
        rows += strncmp(line, "a1 ", 3) == 0 || strncmp(line, "a3 ", 3) == 0;
    }
    assert_int_equal(pclose(out), 0);
    assert_int_equal(header, 1);
    assert_int_equal(rows, 2);

    /* xgctl cancel-all pulls s1's binance orders and prints the reply. */
    snprintf(cmd, sizeof cmd,
             XG_BIN_DIR "/xgctl --req %s cancel-all --strategy s1 "
                        "--venue binance",
             e->gw.req_ep);
    out = popen(cmd, "r");
    assert_non_null(out);
    rows = 0;
    while (fgets(line, sizeof line, out) != NULL) {
        rows +=
            strstr(line, "\"a1\"") != NULL || strstr(line, "\"a3\"") != NULL;
    }
    assert_int_equal(pclose(out), 0);
    assert_int_equal(rows, 2);
    /* Both end canceled, in whatever order the venue answers. */
    for (int canceled = 0; canceled < 2;) {
        char topic[64];
        ev = xg_client_event(&e->client, 5000, topic, sizeof topic);
        assert_non_null(ev);
        const char *kind = json_string_value(json_object_get(ev, "event"));
        const char *id = xg_reply_order_field(ev, "client_order_id");
        canceled += kind != NULL && strcmp(kind, "canceled") == 0 &&
                    id != NULL &&
                    (strcmp(id, "a1") == 0 || strcmp(id, "a3") == 0);
        json_decref(ev);
    }
    expect_page(e, "\"strategy\":\"s1\",\"venue\":\"binance\"", "", "");
    expect_page(e, "\"strategy\":\"s1\"", "a2", "");

    /* An unknown venue and a bad page are refused with a reason. */
    r = open_orders(e, "\"strategy\":\"s1\",\"venue\":\"kraken\"");
    assert_false(xg_reply_is_ok(r));
    assert_int_equal(xg_reply_error_code(r), XG_ERR_UNKNOWN_VENUE);
    json_decref(r);
    r = open_orders(e, "\"strategy\":\"s1\",\"limit\":1000");
    assert_false(xg_reply_is_ok(r));
    assert_int_equal(xg_reply_error_code(r), XG_ERR_BAD_FIELD);
    json_decref(r);
    xg_venue_env_stop(e);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_teardown(
            test_open_orders_by_strategy_symbol_venue_and_page,
            xg_venue_env_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
