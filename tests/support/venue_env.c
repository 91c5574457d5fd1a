/*
 * venue_env.c - the shared harness of the gateway integration tests.
 *
 * It owns the one simulator + gateway + client environment of the running
 * test and the helpers every per-venue test needs: placing orders as a
 * strategy does, reading the simulator's request log back as JSON and
 * counting what reached the "exchange". What differs between venues (the
 * venue's name, its request paths, its limits) stays in the tests and is
 * passed in; starting processes is left to gw_launch and sim_launch.
 */
#include "venue_env.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#define VENUE_ENV_MAX_VENUES 4

/* Static because cmocka teardowns receive no pointer we could hand the
 * environment through without every test passing it along. */
static xg_venue_env the_env;

xg_venue_env *
xg_venue_env_start_many(const char *const *venues, size_t n,
                        const char *const *sim_args, const char *venue_extra)
{
    const char *extras[VENUE_ENV_MAX_VENUES];
    assert_true(n > 0 && n <= VENUE_ENV_MAX_VENUES);
    for (size_t i = 0; i < n; i++) {
        extras[i] = venue_extra;
    }
    return xg_venue_env_start_each(venues, n, sim_args, extras);
}

/* Top-level config members of the next start (xg_venue_env_set_root). */
static char root_extra[256];

void
xg_venue_env_set_root(const char *json)
{
    snprintf(root_extra, sizeof root_extra, "%s", json);
}

xg_venue_env *
xg_venue_env_start_each(const char *const *venues, size_t n,
                        const char *const *sim_args, const char *const *extras)
{
    xg_venue_env *e = &the_env;
    static char listen[VENUE_ENV_MAX_VENUES][48];
    const char *args[32];
    size_t nargs = 0;
    int ports[VENUE_ENV_MAX_VENUES];

    assert_true(n > 0 && n <= VENUE_ENV_MAX_VENUES);
    for (size_t i = 0; i < n; i++) {
        if (strcmp(venues[i], "binance") != 0) {
            snprintf(listen[i], sizeof listen[i], "%s=127.0.0.1:0", venues[i]);
            args[nargs++] = "--venue";
            args[nargs++] = listen[i];
        }
    }
    for (size_t i = 0; sim_args != NULL && sim_args[i] != NULL; i++) {
        assert_true(nargs < sizeof args / sizeof args[0] - 1);
        args[nargs++] = sim_args[i];
    }
    args[nargs] = NULL;

    memset(e, 0, sizeof *e);
    assert_int_equal(xg_sim_start(&e->sim, args), XG_OK);
    for (size_t i = 0; i < n; i++) {
        ports[i] = xg_sim_port(&e->sim, venues[i]);
        assert_true(ports[i] > 0);
    }
    assert_int_equal(
        xg_gw_start_sim_each(&e->gw, venues, ports, n, extras, root_extra),
        XG_OK);
    assert_int_equal(xg_client_open(&e->client, &e->gw, ""), XG_OK);
    return e;
}

xg_venue_env *
xg_venue_env_start(const char *venue, const char *const *sim_args,
                   const char *venue_extra)
{
    const char *venues[] = {venue};
    return xg_venue_env_start_many(venues, 1, sim_args, venue_extra);
}

void
xg_venue_env_stop(xg_venue_env *e)
{
    xg_client_close(&e->client);
    assert_int_equal(xg_gw_stop(&e->gw), 0);
    xg_sim_stop(&e->sim);
}

int
xg_venue_env_teardown(void **state)
{
    (void)state;
    xg_client_close(&the_env.client);
    xg_gw_stop(&the_env.gw);
    xg_sim_stop(&the_env.sim);
    return 0;
}

json_t *
xg_venue_env_place_order(xg_venue_env *e, const xg_test_order *o)
{
    char price[96] = "";
    char venues[64] = "";
    char msg[768];

    if (o->price != NULL) {
        snprintf(price, sizeof price, ",\"price\":\"%s\"", o->price);
    }
    if (o->venue != NULL) {
        snprintf(venues, sizeof venues, ",\"venues\":[\"%s\"]", o->venue);
    }
    int n = snprintf(
        msg, sizeof msg,
        "{\"type\":\"new_order\",\"req_id\":\"r-%s\",\"strategy\":\"%s\","
        "\"client_order_id\":\"%s\",\"symbol\":\"%s\",\"side\":\"%s\","
        "\"order_type\":\"%s\",\"qty\":\"%s\"%s%s}",
        o->id, o->strategy != NULL ? o->strategy : "t1", o->id,
        o->symbol != NULL ? o->symbol : "BTC/USDT", o->side,
        o->type != NULL ? o->type : "LIMIT", o->qty, price, venues);
    assert_true(n > 0 && (size_t)n < sizeof msg);
    json_t *r = xg_client_call(&e->client, msg, 5000);
    assert_non_null(r);
    return r;
}

json_t *
xg_venue_env_place(xg_venue_env *e, const char *venue, const char *id,
                   const char *side, const char *qty, const char *price)
{
    const xg_test_order o = {
        .id = id, .side = side, .qty = qty, .price = price, .venue = venue};
    return xg_venue_env_place_order(e, &o);
}

json_t *
xg_venue_env_call_about(xg_venue_env *e, const char *type, const char *strategy,
                        const char *id)
{
    char msg[256];
    int n = snprintf(msg, sizeof msg,
                     "{\"type\":\"%s\",\"strategy\":\"%s\","
                     "\"client_order_id\":\"%s\"}",
                     type, strategy, id);
    assert_true(n > 0 && (size_t)n < sizeof msg);
    json_t *r = xg_client_call(&e->client, msg, 5000);
    assert_non_null(r);
    return r;
}

void
xg_venue_env_expect_reject(xg_venue_env *e, const void *msg, size_t len,
                           int code)
{
    json_t *r = xg_client_call_raw(&e->client, msg, len, 5000);
    assert_non_null(r);
    assert_false(xg_reply_is_ok(r));
    json_t *err = json_object_get(r, "error");
    if (code != 0 && json_integer_value(json_object_get(err, "code")) != code) {
        char *dump = json_dumps(r, 0);
        fprintf(stderr, "request %.80s -> %s\n", (const char *)msg, dump);
        free(dump);
    }
    if (code != 0) {
        assert_int_equal(json_integer_value(json_object_get(err, "code")),
                         code);
    }
    assert_non_null(json_string_value(json_object_get(err, "message")));
    json_decref(r);
}

#define NEW_ORDER_WITH(fields)                                                 \
    "{\"type\":\"new_order\",\"strategy\":\"t1\",\"symbol\":\"BTC/USDT\","     \
    "\"side\":\"BUY\",\"order_type\":\"LIMIT\"," fields "}"

static void
expect_reject_text(xg_venue_env *e, const char *s, int code)
{
    xg_venue_env_expect_reject(e, s, strlen(s), code);
}

void
xg_venue_env_send_bad_input(xg_venue_env *e)
{
    expect_reject_text(e, "{\"type\":\"new_order\",", XG_ERR_BAD_JSON);
    expect_reject_text(e, "{\"type\":\"new_order\",\"strategy\":\"t1\"}",
                       XG_ERR_BAD_FIELD);
    /* A number where a decimal string belongs, and a negative quantity,
     * only have to be refused; which code names them is not the point. */
    expect_reject_text(e, NEW_ORDER_WITH("\"qty\":0.001,\"price\":\"30000\""),
                       0);
    expect_reject_text(e, NEW_ORDER_WITH("\"qty\":\"0\",\"price\":\"30000\""),
                       XG_ERR_BAD_QTY);
    expect_reject_text(e, NEW_ORDER_WITH("\"qty\":\"-1\",\"price\":\"30000\""),
                       0);
    expect_reject_text(
        e, NEW_ORDER_WITH("\"qty\":\"0.0000000001\",\"price\":\"30000\""),
        XG_ERR_PRECISION);
    expect_reject_text(
        e,
        "{\"type\":\"new_order\",\"strategy\":\"t1\",\"symbol\":\"NOPE/USDT\","
        "\"side\":\"BUY\",\"order_type\":\"LIMIT\",\"qty\":\"1\","
        "\"price\":\"1\"}",
        XG_ERR_UNKNOWN_SYMBOL);
    expect_reject_text(
        e,
        NEW_ORDER_WITH("\"qty\":\"1\",\"price\":\"1\",\"venues\":[\"mars\"]"),
        XG_ERR_UNKNOWN_VENUE);
    expect_reject_text(e, "{\"type\":\"launch_rockets\"}", XG_ERR_BAD_REQUEST);

    static char big[1024 * 1024];
    memset(big, 'x', sizeof big);
    xg_venue_env_expect_reject(e, big, sizeof big, XG_ERR_TOO_LARGE);
    unsigned char garbage[256];
    for (size_t i = 0; i < sizeof garbage; i++) {
        garbage[i] = (unsigned char)(i * 37 + 11);
    }
    xg_venue_env_expect_reject(e, garbage, sizeof garbage, XG_ERR_BAD_JSON);

    assert_true(xg_gw_alive(&e->gw));
}

void
xg_venue_env_place_through_5xx(xg_venue_env *e, const char *venue,
                               const char *pin_venue, const char *id,
                               int status, int is_executed, char *vid,
                               size_t cap)
{
    char fault[128];
    snprintf(fault, sizeof fault,
             "{\"status_5xx\":{\"count\":1,\"status\":%d,\"execute\":%s}}",
             status, is_executed ? "true" : "false");
    xg_venue_env_place_through_fault(e, venue, pin_venue, id, fault, vid, cap);
}

void
xg_venue_env_place_through_fault(xg_venue_env *e, const char *venue,
                                 const char *pin_venue, const char *id,
                                 const char *fault, char *vid, size_t cap)
{
    char out[512];
    assert_int_equal(xg_sim_admin(&e->sim, venue, "POST", "/_sim/fault", fault,
                                  out, sizeof out),
                     XG_OK);
    json_t *r = xg_venue_env_place(e, pin_venue, id, "BUY", "0.001", "30000");
    assert_true(xg_reply_is_ok(r));
    json_decref(r);
    json_t *ev = xg_client_wait_order_event(&e->client, id, "unknown", 5000);
    assert_non_null(ev);
    const char *venue_id = xg_reply_order_field(ev, "venue_client_order_id");
    assert_non_null(venue_id);
    snprintf(vid, cap, "%s", venue_id);
    json_decref(ev);
    ev = xg_client_wait_order_event(&e->client, id, "acked", 5000);
    assert_non_null(ev);
    json_decref(ev);
}

void
xg_venue_env_await_acks(xg_venue_env *e, int acked, int is_unknown_refused,
                        int *waits)
{
    int seen = 0;
    *waits = 0;
    while (seen < acked) {
        json_t *ev = xg_client_event(&e->client, 15000, NULL, 0);
        assert_non_null(ev);
        const char *type = json_string_value(json_object_get(ev, "type"));
        const char *name = json_string_value(json_object_get(ev, "event"));
        if (strcmp(type, "order") == 0 && strcmp(name, "acked") == 0) {
            seen++;
        } else if (strcmp(type, "rate_limit_wait") == 0) {
            (*waits)++;
        } else if (strcmp(type, "order") == 0) {
            assert_true(strcmp(name, "rejected") != 0);
            assert_true(!is_unknown_refused || strcmp(name, "unknown") != 0);
        }
        json_decref(ev);
    }
}

json_t *
xg_sim_log_json(const xg_sim_proc *sim, const char *venue)
{
    /* Static: a burst's log runs to megabytes, too much for the stack. */
    static char buf[4 * 1024 * 1024];
    assert_int_equal(xg_sim_log_fetch(sim, venue, 0, buf, sizeof buf), XG_OK);
    json_t *arr = json_array();
    char *line = buf;
    while (*line != '\0') {
        char *nl = strchr(line, '\n');
        size_t n = nl != NULL ? (size_t)(nl - line) : strlen(line);
        if (n > 0) {
            json_t *o = json_loadb(line, n, 0, NULL);
            assert_non_null(o);
            json_array_append_new(arr, o);
        }
        line += n + (nl != NULL);
    }
    return arr;
}

json_t *
xg_venue_env_log(xg_venue_env *e, const char *venue)
{
    return xg_sim_log_json(&e->sim, venue);
}

/* Whether the entry's string field is present and matches want (n: 0
 * for the whole string, else its first n characters; is_prefix: want
 * only has to start it). A NULL want matches anything. */
static int
log_string_matches(const json_t *entry, const char *field, const char *want,
                   size_t n, int is_prefix)
{
    if (want == NULL) {
        return 1;
    }
    const char *got = json_string_value(json_object_get(entry, field));
    if (got == NULL) {
        return 0;
    }
    if (is_prefix) {
        n = strlen(want);
    }
    return n > 0 ? strncmp(got, want, n) == 0 : strcmp(got, want) == 0;
}

size_t
xg_log_count(const json_t *log, const xg_log_filter *f)
{
    size_t i, n = 0;
    const json_t *o;
    json_array_foreach(log, i, o)
    {
        int64_t st = json_integer_value(json_object_get(o, "status"));
        n += log_string_matches(o, "method", f->method, 0, 0) &&
             log_string_matches(o, "path", f->path, 0, f->is_path_prefix) &&
             log_string_matches(o, "client_order_id", f->client_id,
                                f->client_id_len, 0) &&
             (f->status == 0 || st == f->status);
    }
    return n;
}

size_t
xg_log_count_field(const json_t *log, const char *field, int64_t value)
{
    size_t i, n = 0;
    const json_t *o;
    json_array_foreach(log, i, o)
    {
        n += json_integer_value(json_object_get(o, field)) == value;
    }
    return n;
}

xg_log_ban
xg_log_ban_scan(const json_t *log, int64_t status, int64_t code,
                int64_t until_ms, int64_t hold_ms)
{
    xg_log_ban b = {0, -1, 0, -1};
    size_t i;
    const json_t *o;
    json_array_foreach(log, i, o)
    {
        int64_t t = json_integer_value(json_object_get(o, "t_ms"));
        if (json_integer_value(json_object_get(o, "status")) == status &&
            (code == 0 ||
             json_integer_value(json_object_get(o, "code")) == code)) {
            b.answers++;
            if (b.first_ms < 0) {
                b.first_ms = t;
                continue;
            }
        }
        if (b.first_ms >= 0 && b.next_ms < 0) {
            b.next_ms = t;
        }
        int64_t end = until_ms > 0 ? until_ms : b.first_ms + hold_ms;
        if (b.first_ms >= 0 && t > b.first_ms && t < end) {
            b.during++;
        }
    }
    return b;
}

size_t
xg_log_count_requests(const json_t *log, const char *method, const char *path,
                      const char *client_id)
{
    const xg_log_filter f = {
        .method = method, .path = path, .client_id = client_id};
    return xg_log_count(log, &f);
}

int
xg_reply_is_ok(const json_t *r)
{
    return json_is_true(json_object_get(r, "ok"));
}

int64_t
xg_reply_error_code(const json_t *r)
{
    return json_integer_value(
        json_object_get(json_object_get(r, "error"), "code"));
}

const char *
xg_reply_order_field(const json_t *msg, const char *field)
{
    return json_string_value(
        json_object_get(json_object_get(msg, "order"), field));
}
