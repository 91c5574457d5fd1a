/*
 * promise_env.c - the event record, soft checks and request helpers of
 * the promise tests (promise_env.h).
 *
 * The record keeps every event a client received, annotated with its
 * topic and arrival time, so a scenario can wait for one event and still
 * judge every other one later: an order's whole sequence, or what came
 * after its final status. Processes and simulator logs stay venue_env's.
 */
#include "promise_env.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "xgate/decimal.h"

/* Checks failed in the running test; one test runs at a time. */
static int expect_failures;

void
xg_expect_begin(void)
{
    expect_failures = 0;
}

int
xg_expect_at(int ok, const char *file, int line, const char *fmt, ...)
{
    if (ok) {
        return 1;
    }
    const char *base = strrchr(file, '/');
    char msg[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    printf("BROKEN at %s:%d: %s\n", base != NULL ? base + 1 : file, line, msg);
    fflush(stdout);
    expect_failures++;
    return 0;
}

void
xg_expect_end(void)
{
    if (expect_failures > 0) {
        fail_msg("%d promise check(s) failed (BROKEN lines above)",
                 expect_failures);
    }
}

void
xg_event_log_init(xg_event_log *l)
{
    l->events = json_array();
    assert_non_null(l->events);
}

void
xg_event_log_fini(xg_event_log *l)
{
    json_decref(l->events);
    l->events = NULL;
}

/* Record one event now waiting on c's SUB socket, if any. */
static int
record_one(xg_event_log *l, xg_client *c, int wait_ms)
{
    char topic[128] = "";
    json_t *ev = xg_client_event(c, wait_ms, topic, sizeof topic);
    if (ev == NULL) {
        return 0;
    }
    if (!json_is_object(ev)) {
        /* Not an event at all: recorded as such, for a check to see. */
        json_decref(ev);
        ev = json_pack("{ss}", "type", "(not an object)");
    }
    json_object_set_new(ev, "_topic", json_string(topic));
    json_object_set_new(ev, "_at_ms", json_integer(xg_test_wall_ms()));
    json_array_append_new(l->events, ev);
    return 1;
}

size_t
xg_event_log_read(xg_event_log *l, xg_client *c, int wait_ms)
{
    size_t n = 0;
    if (!record_one(l, c, wait_ms)) {
        return 0;
    }
    n++;
    while (record_one(l, c, 0)) {
        n++;
    }
    return n;
}

void
xg_event_log_settle(xg_event_log *l, xg_client *c, int quiet_ms, int max_ms)
{
    int64_t deadline = xg_test_now_ms() + max_ms;
    while (xg_test_now_ms() < deadline &&
           xg_event_log_read(l, c, quiet_ms) > 0) {
    }
}

const char *
xg_event_subject(const json_t *ev)
{
    const char *type = json_string_value(json_object_get(ev, "type"));
    const char *s = NULL;
    if (type == NULL) {
        return "";
    }
    if (strcmp(type, "order") == 0) {
        s = json_string_value(
            json_object_get(json_object_get(ev, "order"), "client_order_id"));
    } else if (strcmp(type, "venue") == 0) {
        s = json_string_value(
            json_object_get(json_object_get(ev, "venue"), "name"));
    } else {
        s = json_string_value(json_object_get(ev, "client_order_id"));
    }
    return s != NULL ? s : "";
}

const char *
xg_event_name(const json_t *ev)
{
    const char *type = json_string_value(json_object_get(ev, "type"));
    const char *s = NULL;
    if (type == NULL) {
        return "";
    }
    if (strcmp(type, "order") == 0) {
        s = json_string_value(json_object_get(ev, "event"));
    } else if (strcmp(type, "venue") == 0) {
        s = json_string_value(
            json_object_get(json_object_get(ev, "venue"), "state"));
    } else {
        s = type;
    }
    return s != NULL ? s : "";
}

static int
event_is(const json_t *ev, const char *subject, const char *const *names)
{
    if (subject != NULL && strcmp(xg_event_subject(ev), subject) != 0) {
        return 0;
    }
    if (names == NULL) {
        return 1;
    }
    for (size_t i = 0; names[i] != NULL; i++) {
        if (strcmp(xg_event_name(ev), names[i]) == 0) {
            return 1;
        }
    }
    return 0;
}

const json_t *
xg_event_log_wait_any(xg_event_log *l, xg_client *c, const char *subject,
                      const char *const *names, int timeout_ms)
{
    int64_t deadline = xg_test_now_ms() + timeout_ms;
    size_t seen = 0;
    for (;;) {
        for (; seen < json_array_size(l->events); seen++) {
            const json_t *ev = json_array_get(l->events, seen);
            if (event_is(ev, subject, names)) {
                return ev;
            }
        }
        int64_t left = deadline - xg_test_now_ms();
        if (left <= 0) {
            return NULL;
        }
        (void)xg_event_log_read(l, c, (int)left);
    }
}

const json_t *
xg_event_log_wait(xg_event_log *l, xg_client *c, const char *subject,
                  const char *name, int timeout_ms)
{
    const char *const names[] = {name, NULL};
    return xg_event_log_wait_any(l, c, subject, name != NULL ? names : NULL,
                                 timeout_ms);
}

void
xg_event_log_names(const xg_event_log *l, const char *subject, char *out,
                   size_t cap)
{
    size_t i, n = 0;
    const json_t *ev;
    out[0] = '\0';
    json_array_foreach(l->events, i, ev)
    {
        if (strcmp(xg_event_subject(ev), subject) != 0) {
            continue;
        }
        int k = snprintf(out + n, cap - n, "%s%s", n > 0 ? "," : "",
                         xg_event_name(ev));
        if (k < 0 || (size_t)k >= cap - n) {
            return; /* cut: the start is what a report needs */
        }
        n += (size_t)k;
    }
}

const char *
xg_names_past_waits(const char *names, int *waits)
{
    static const char wait[] = "rate_limit_wait";
    const size_t n = sizeof wait - 1;
    *waits = 0;
    while (strncmp(names, wait, n) == 0 &&
           (names[n] == ',' || names[n] == '\0')) {
        (*waits)++;
        names += n + (names[n] == ',');
    }
    return names;
}

int64_t
xg_event_at_ms(const json_t *ev)
{
    return json_integer_value(json_object_get(ev, "_at_ms"));
}

json_t *
xg_callf(xg_client *c, const char *fmt, ...)
{
    char msg[2048];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    assert_true(n > 0 && (size_t)n < sizeof msg);
    json_t *r = xg_client_call(c, msg, 5000);
    if (r == NULL) {
        fail_msg("no reply within 5 s to %s", msg);
    }
    return r;
}

json_t *
xg_send_limit(xg_client *c, const char *strategy, const char *id,
              const char *side, const char *price, const char *more)
{
    return xg_callf(c,
                    "{\"type\":\"new_order\",\"req_id\":\"r-%s\","
                    "\"strategy\":\"%s\",\"client_order_id\":\"%s\","
                    "\"symbol\":\"BTC/USDT\",\"side\":\"%s\","
                    "\"order_type\":\"LIMIT\",\"qty\":\"0.001\","
                    "\"price\":\"%s\"%s}",
                    id, strategy, id, side, price, more);
}

const char *
xg_reply_error_message(const json_t *r)
{
    const char *s = json_string_value(
        json_object_get(json_object_get(r, "error"), "message"));
    return s != NULL ? s : "";
}

int64_t
xg_order_error_code(const json_t *msg)
{
    return json_integer_value(json_object_get(
        json_object_get(json_object_get(msg, "order"), "error"), "code"));
}

int
xg_is_start_id(const char *s)
{
    if (s == NULL || strlen(s) != 16) {
        return 0;
    }
    for (size_t i = 0; i < 16; i++) {
        if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f'))) {
            return 0;
        }
    }
    return 1;
}

int
xg_decimal_text_eq(const char *a, const char *b)
{
    xg_decimal da, db;
    if (a == NULL || b == NULL ||
        xg_decimal_parse(a, strlen(a), &da) != XG_OK ||
        xg_decimal_parse(b, strlen(b), &db) != XG_OK) {
        return 0;
    }
    return xg_decimal_cmp(da, db) == 0;
}

int64_t
xg_venue_open_orders(xg_client *c, const char *venue)
{
    json_t *r = xg_callf(c, "{\"type\":\"venue_status\",\"req_id\":\"vs\"}");
    int64_t n = -1;
    size_t i;
    json_t *v;
    json_array_foreach(json_object_get(r, "venues"), i, v)
    {
        const char *name = json_string_value(json_object_get(v, "name"));
        json_t *open = json_object_get(v, "open_orders");
        if (name != NULL && strcmp(name, venue) == 0 && json_is_integer(open)) {
            n = json_integer_value(open);
        }
    }
    json_decref(r);
    return n;
}
