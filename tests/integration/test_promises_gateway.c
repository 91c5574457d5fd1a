/*
 * test_promises_gateway.c - the gateway's promises to a strategy that do
 * not depend on any venue: who it is talking to, whether its subscription
 * is live, and one reply to every request.
 *
 * - Every reply and every event carries "start_id" (16 lowercase hex
 *   characters, one per gateway process), and a ready gateway says so on
 *   topic "gateway" with a gateway_started event. To see that event the
 *   test subscribes before the gateway is ready: the simulator delays its
 *   answers by a second, so the venue's start-up outlasts the
 *   subscription's hand-shake by far.
 * - A "hello" request is answered and echoed as an event on
 *   order.<strategy>: a client that subscribed without any pause repeats
 *   it until the echo arrives, and its subscription is then live.
 * - A request too large to read (65537 bytes, 5 MiB) still gets its one
 *   reply, TOO_LARGE, and the gateway goes on answering.
 * - After a crash and a restart the start_id is another.
 */
#include <setjmp.h>
#include <signal.h>
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

/* The first test's own processes (it starts the gateway in two steps);
 * the others use venue_env's environment. */
static xg_sim_proc sim;
static xg_gw_proc gw;
static xg_client client;
static xg_event_log the_log;

static int
teardown(void **state)
{
    xg_client_close(&client);
    xg_gw_stop(&gw);
    xg_sim_stop(&sim);
    if (the_log.events != NULL) {
        xg_event_log_fini(&the_log);
    }
    return xg_venue_env_teardown(state);
}

static const char *
start_id_of(const json_t *msg)
{
    return json_string_value(json_object_get(msg, "start_id"));
}

/* The start_id a reply or event carries is want (when want is NULL: a
 * well-formed one). what names the message in a report. */
static void
expect_start_id(const json_t *msg, const char *want, const char *what)
{
    const char *got = start_id_of(msg);
    if (want == NULL) {
        XG_EXPECT(xg_is_start_id(got), "%s: start_id %s, want 16 hex digits",
                  what, got != NULL ? got : "(absent)");
        return;
    }
    XG_EXPECT(got != NULL && strcmp(got, want) == 0,
              "%s: start_id %s, want the gateway's %s", what,
              got != NULL ? got : "(absent)", want);
}

static void
test_every_reply_and_event_carries_the_start_id(void **state)
{
    (void)state;
    xg_expect_begin();
    xg_event_log_init(&the_log);
    assert_int_equal(xg_sim_start(&sim, NULL), XG_OK);
    char out[256];
    assert_int_equal(xg_sim_admin(&sim, "binance", "POST", "/_sim/fault",
                                  "{\"latency_ms\":1000}", out, sizeof out),
                     XG_OK);
    const char *venues[] = {"binance"};
    int ports[] = {xg_sim_port(&sim, "binance")};
    assert_int_equal(xg_gw_start_sim_begin(&gw, venues, ports, 1, "", ""),
                     XG_OK);
    assert_int_equal(xg_client_connect(&client, &gw, ""), XG_OK);
    assert_int_equal(xg_gw_wait_ready(&gw, 20000), XG_OK);
    assert_int_equal(xg_sim_admin(&sim, "binance", "POST", "/_sim/fault",
                                  "{\"clear\":true}", out, sizeof out),
                     XG_OK);

    const json_t *started =
        xg_event_log_wait(&the_log, &client, NULL, "gateway_started", 5000);
    char sid[32] = "";
    if (XG_EXPECT(started != NULL, "no gateway_started event")) {
        const char *topic =
            json_string_value(json_object_get(started, "_topic"));
        XG_EXPECT(topic != NULL && strcmp(topic, "gateway") == 0,
                  "gateway_started on topic %s, want \"gateway\"",
                  topic != NULL ? topic : "-");
        expect_start_id(started, NULL, "gateway_started");
        XG_EXPECT(json_integer_value(json_object_get(started, "ts_ms")) > 0,
                  "gateway_started without ts_ms");
        if (xg_is_start_id(start_id_of(started))) {
            snprintf(sid, sizeof sid, "%s", start_id_of(started));
        }
    }

    /* One of every kind of reply: ok and refused, order and venues. */
    static const char *const requests[] = {
        "{\"type\":\"venue_status\",\"req_id\":\"s1\"}",
        "{\"type\":\"new_order\",\"req_id\":\"s2\",\"strategy\":\"t1\","
        "\"client_order_id\":\"sid1\",\"symbol\":\"BTC/USDT\","
        "\"side\":\"BUY\",\"order_type\":\"LIMIT\",\"qty\":\"0.001\","
        "\"price\":\"30000\"}",
        "{\"type\":\"new_order\",\"req_id\":\"s3\",\"strategy\":\"t1\","
        "\"symbol\":\"BTC/USDT\",\"side\":\"BUY\",\"order_type\":\"LIMIT\","
        "\"qty\":\"0\",\"price\":\"30000\"}",
        "{\"type\":\"query_order\",\"req_id\":\"s4\",\"strategy\":\"t1\","
        "\"client_order_id\":\"sid1\"}",
        "{\"type\":\"hello\",\"req_id\":\"s5\",\"strategy\":\"t1\"}",
        "{\"type\":\"launch_rockets\",\"req_id\":\"s6\"}",
        "{\"type\":",
        "{\"type\":\"cancel_order\",\"req_id\":\"s8\",\"strategy\":\"t1\","
        "\"client_order_id\":\"sid1\"}",
    };
    for (size_t i = 0; i < sizeof requests / sizeof requests[0]; i++) {
        if (i == 7) {
            /* Cancel the order once the venue has it. */
            XG_EXPECT(xg_event_log_wait(&the_log, &client, "sid1", "acked",
                                        5000) != NULL,
                      "sid1 not acked");
        }
        json_t *r = xg_client_call(&client, requests[i], 5000);
        assert_non_null(r);
        if (sid[0] == '\0' && xg_is_start_id(start_id_of(r))) {
            snprintf(sid, sizeof sid, "%s", start_id_of(r));
        }
        char what[96];
        snprintf(what, sizeof what, "reply to %.60s", requests[i]);
        expect_start_id(r, sid[0] != '\0' ? sid : NULL, what);
        json_decref(r);
    }

    XG_EXPECT(xg_event_log_wait(&the_log, &client, "sid1", "canceled", 5000) !=
                  NULL,
              "sid1 not canceled");
    xg_event_log_settle(&the_log, &client, 300, 2000);
    size_t i;
    const json_t *ev;
    json_array_foreach(the_log.events, i, ev)
    {
        char what[96];
        snprintf(what, sizeof what, "event %s %s",
                 json_string_value(json_object_get(ev, "type")),
                 xg_event_name(ev));
        expect_start_id(ev, sid[0] != '\0' ? sid : NULL, what);
    }
    XG_EXPECT(json_array_size(the_log.events) >= 4, "only %zu events seen",
              json_array_size(the_log.events));
    xg_event_log_fini(&the_log);
    xg_client_close(&client);
    assert_int_equal(xg_gw_stop(&gw), 0);
    xg_sim_stop(&sim);
    xg_expect_end();
}

static void
test_hello_proves_the_subscription_is_live(void **state)
{
    (void)state;
    xg_expect_begin();
    xg_venue_env *e = xg_venue_env_start("binance", NULL, "");
    /* A new client, subscribed to its own topic, that does not wait for
     * anything before its first request. */
    assert_int_equal(xg_client_connect(&client, &e->gw, "order.s1"), XG_OK);

    json_t *echo = NULL;
    char reply_sid[32] = "";
    char sent[64][16];
    int n_sent = 0;
    int64_t deadline = xg_test_now_ms() + 5000;
    while (echo == NULL && n_sent < 64 && xg_test_now_ms() < deadline) {
        snprintf(sent[n_sent], sizeof sent[n_sent], "h%d", n_sent);
        json_t *r = xg_callf(&client,
                             "{\"type\":\"hello\",\"req_id\":\"%s\","
                             "\"strategy\":\"s1\"}",
                             sent[n_sent]);
        const char *req_id = json_string_value(json_object_get(r, "req_id"));
        int ok = XG_EXPECT(xg_reply_is_ok(r) && req_id != NULL &&
                               strcmp(req_id, sent[n_sent]) == 0 &&
                               xg_is_start_id(start_id_of(r)),
                           "hello %s: want an ok reply with its req_id and a "
                           "start_id, got ok=%d code %lld req_id %s",
                           sent[n_sent], xg_reply_is_ok(r),
                           (long long)xg_reply_error_code(r),
                           req_id != NULL ? req_id : "-");
        if (ok) {
            snprintf(reply_sid, sizeof reply_sid, "%s", start_id_of(r));
        }
        json_decref(r);
        n_sent++;
        if (!ok) {
            break;
        }
        char topic[64] = "";
        json_t *ev = xg_client_event(&client, 100, topic, sizeof topic);
        const char *type = json_string_value(json_object_get(ev, "type"));
        if (ev != NULL && type != NULL && strcmp(type, "hello") == 0) {
            XG_EXPECT(strcmp(topic, "order.s1") == 0,
                      "hello echoed on topic %s, want order.s1", topic);
            echo = ev;
        } else {
            json_decref(ev);
        }
    }
    if (XG_EXPECT(echo != NULL, "no hello event after %d hello requests",
                  n_sent)) {
        const char *req_id = json_string_value(json_object_get(echo, "req_id"));
        int known = 0;
        for (int k = 0; k < n_sent && req_id != NULL; k++) {
            known |= strcmp(req_id, sent[k]) == 0;
        }
        XG_EXPECT(known, "hello event's req_id %s was never sent",
                  req_id != NULL ? req_id : "(absent)");
        expect_start_id(echo, reply_sid, "hello event");
        XG_EXPECT(json_integer_value(json_object_get(echo, "ts_ms")) > 0,
                  "hello event without ts_ms");
    }
    json_decref(echo);

    json_t *r = xg_callf(&client, "{\"type\":\"hello\",\"req_id\":\"h-\"}");
    XG_EXPECT(!xg_reply_is_ok(r) && xg_reply_error_code(r) == XG_ERR_BAD_FIELD,
              "hello without strategy: want BAD_FIELD (81), got ok=%d code "
              "%lld",
              xg_reply_is_ok(r), (long long)xg_reply_error_code(r));
    json_decref(r);

    /* Live: the client's first order is heard of at once. */
    r = xg_send_limit(&client, "s1", "ho1", "BUY", "30000", "");
    assert_true(xg_reply_is_ok(r));
    json_decref(r);
    json_t *ev = xg_client_wait_order_event(&client, "ho1", "acked", 5000);
    XG_EXPECT(ev != NULL, "ho1's acked event missed by the new client");
    json_decref(ev);
    xg_client_close(&client);
    xg_venue_env_stop(e);
    xg_expect_end();
}

/* A request frame of n bytes: a JSON object padded with a string, so its
 * size alone is what is wrong with it. Given (free). */
static char *
padded_request(size_t n)
{
    static const char head[] = "{\"type\":\"venue_status\",\"req_id\":\"big\","
                               "\"pad\":\"";
    char *m = malloc(n);
    assert_non_null(m);
    assert_true(n > sizeof head + 2);
    memcpy(m, head, sizeof head - 1);
    memset(m + sizeof head - 1, 'x', n - (sizeof head - 1) - 2);
    memcpy(m + n - 2, "\"}", 2);
    return m;
}

static void
expect_too_large(xg_client *c, size_t n)
{
    char *m = padded_request(n);
    json_t *r = xg_client_call_raw(c, m, n, 5000);
    free(m);
    XG_EXPECT(r != NULL, "no reply within 5 s to a request of %zu bytes", n);
    XG_EXPECT(r == NULL || (!xg_reply_is_ok(r) &&
                            xg_reply_error_code(r) == XG_ERR_TOO_LARGE),
              "request of %zu bytes: want TOO_LARGE (82), got code %lld", n,
              (long long)xg_reply_error_code(r));
    json_decref(r);
}

static void
test_oversized_requests_get_one_too_large_reply(void **state)
{
    (void)state;
    xg_expect_begin();
    xg_venue_env *e = xg_venue_env_start("binance", NULL, "");
    expect_too_large(&e->client, 65537);
    expect_too_large(&e->client, 5 * 1024 * 1024);
    /* Still answering, this client and a new one, and nothing more came
     * for the refused requests. */
    json_t *r = xg_client_call(
        &e->client, "{\"type\":\"venue_status\",\"req_id\":\"a1\"}", 5000);
    const char *req_id = json_string_value(json_object_get(r, "req_id"));
    XG_EXPECT(r != NULL && req_id != NULL && strcmp(req_id, "a1") == 0,
              "after the large requests: want the reply to a1, got %s",
              r == NULL        ? "nothing"
              : req_id != NULL ? req_id
                               : "(no req_id)");
    json_decref(r);
    assert_int_equal(xg_client_connect(&client, &e->gw, ""), XG_OK);
    r = xg_client_call(&client, "{\"type\":\"venue_status\",\"req_id\":\"a2\"}",
                       5000);
    XG_EXPECT(r != NULL && xg_reply_is_ok(r),
              "a new client gets no answer after the large requests");
    json_decref(r);
    xg_client_close(&client);
    XG_EXPECT(xg_gw_alive(&e->gw), "xgated died");
    xg_venue_env_stop(e);
    xg_expect_end();
}

static void
test_restart_changes_the_start_id(void **state)
{
    (void)state;
    xg_expect_begin();
    xg_venue_env *e = xg_venue_env_start("binance", NULL, "");
    char before[32] = "";
    json_t *r = xg_callf(&e->client, "{\"type\":\"venue_status\"}");
    if (XG_EXPECT(xg_is_start_id(start_id_of(r)),
                  "reply without a start_id before the crash")) {
        snprintf(before, sizeof before, "%s", start_id_of(r));
    }
    json_decref(r);

    xg_client_close(&e->client);
    xg_gw_halt(&e->gw, SIGKILL);
    assert_int_equal(xg_gw_restart(&e->gw), XG_OK);
    assert_int_equal(xg_client_open(&e->client, &e->gw, ""), XG_OK);
    r = xg_callf(&e->client, "{\"type\":\"venue_status\"}");
    const char *after = start_id_of(r);
    if (XG_EXPECT(xg_is_start_id(after),
                  "reply without a start_id after the restart") &&
        before[0] != '\0') {
        XG_EXPECT(strcmp(after, before) != 0,
                  "start_id %s unchanged by the restart", after);
    }
    json_decref(r);
    xg_venue_env_stop(e);
    xg_expect_end();
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_teardown(
            test_every_reply_and_event_carries_the_start_id, teardown),
        cmocka_unit_test_teardown(test_hello_proves_the_subscription_is_live,
                                  teardown),
        cmocka_unit_test_teardown(
            test_oversized_requests_get_one_too_large_reply, teardown),
        cmocka_unit_test_teardown(test_restart_changes_the_start_id, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
