/*
 * promise_scenarios.c - the per-venue scenarios of the gateway's promises
 * (promise_scenarios.h says which).
 *
 * Each scenario drives one gateway with one venue through the simulator's
 * admin API (bans, injected "too many requests" answers, price moves) and
 * judges two records: the events the strategy received, kept whole by
 * promise_env's event log, and the requests the venue received, from the
 * simulator's own request log. Checks are XG_EXPECT, so a scenario names
 * every promise it saw broken; setting a scenario up uses cmocka asserts.
 */
#include "promise_scenarios.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "promise_env.h"
#include "venue_env.h"
#include "xgate/adapter_util.h"

/* Slack for a loaded machine: how much later than its deadline an
 * outcome may be seen, and how late a request stamped at its deadline
 * may reach the simulator. */
#define LATE_EVENT_MS   1000
#define LATE_REQUEST_MS 250

static const xg_promise_venue *
desc_of(void **state)
{
    return *state;
}

/* The running scenario's events; static so that the teardown can free
 * them after a failed assertion. */
static xg_event_log the_log;

/* Start the scenario's environment: v's venue alone, with venue_extra.
 * Returns it and its event log (borrowed until stop). */
static xg_venue_env *
start(const xg_promise_venue *v, const char *venue_extra, xg_event_log **log)
{
    xg_expect_begin();
    xg_event_log_init(&the_log);
    *log = &the_log;
    return xg_venue_env_start(v->venue, NULL, venue_extra);
}

static void
stop(xg_venue_env *e)
{
    xg_event_log_fini(&the_log);
    xg_venue_env_stop(e);
    xg_expect_end();
}

static int
teardown(void **state)
{
    if (the_log.events != NULL) {
        xg_event_log_fini(&the_log);
    }
    return xg_venue_env_teardown(state);
}

/* A BUY LIMIT of 0.001 BTC/USDT at price from strategy "t1", routed to v
 * (more: further fields, see xg_send_limit). The reply, given. */
static json_t *
place(xg_venue_env *e, const xg_promise_venue *v, const char *id,
      const char *price, const char *more)
{
    char fields[256];
    snprintf(fields, sizeof fields, ",\"venues\":[\"%s\"]%s", v->venue, more);
    return xg_send_limit(&e->client, "t1", id, "BUY", price, fields);
}

/* place(), asserting it was accepted and acked; the venue client order id
 * into vid. */
static void
place_acked(xg_venue_env *e, xg_event_log *log, const xg_promise_venue *v,
            const char *id, const char *price, char *vid, size_t cap)
{
    json_t *r = place(e, v, id, price, "");
    assert_true(xg_reply_is_ok(r));
    json_decref(r);
    const json_t *ev = xg_event_log_wait(log, &e->client, id, "acked", 5000);
    assert_non_null(ev);
    const char *s = xg_reply_order_field(ev, "venue_client_order_id");
    assert_non_null(s);
    snprintf(vid, cap, "%s", s);
}

static void
admin(xg_venue_env *e, const xg_promise_venue *v, const char *path,
      const char *body, char *out, size_t cap)
{
    assert_int_equal(
        xg_sim_admin(&e->sim, v->venue, "POST", path, body, out, cap), XG_OK);
}

/* Ban the gateway on v for ms; returns the simulator's end of it. */
static int64_t
ban(xg_venue_env *e, const xg_promise_venue *v, int ms)
{
    char body[64], out[256];
    snprintf(body, sizeof body, "{\"duration_ms\":%d}", ms);
    admin(e, v, "/_sim/ban", body, out, sizeof out);
    json_t *a = json_loads(out, 0, NULL);
    int64_t until = json_integer_value(json_object_get(a, "banned_until_ms"));
    json_decref(a);
    assert_true(until > 0);
    return until;
}

static const char *
entry_str(const json_t *entry, const char *field)
{
    const char *s = json_string_value(json_object_get(entry, field));
    return s != NULL ? s : "";
}

static int64_t
entry_int(const json_t *entry, const char *field)
{
    return json_integer_value(json_object_get(entry, field));
}

/* Whether a log entry is request rq (any order when vid is NULL, else
 * the one whose venue client order id is vid). */
static int
entry_is(const json_t *entry, const xg_logged_request *rq, const char *vid)
{
    const char *path = entry_str(entry, "path");
    int path_ok = rq->is_path_prefix
                      ? strncmp(path, rq->path, strlen(rq->path)) == 0
                      : strcmp(path, rq->path) == 0;
    return path_ok && strcmp(entry_str(entry, "method"), rq->method) == 0 &&
           (vid == NULL ||
            strcmp(entry_str(entry, "client_order_id"), vid) == 0);
}

/* Whether entry places vid (any order when NULL) on v, alone or in a
 * batch (each order of a batch has its own entry). */
static int
is_place(const json_t *entry, const xg_promise_venue *v, const char *vid)
{
    return entry_is(entry, &v->place, vid) ||
           (v->place_batch.path != NULL &&
            entry_is(entry, &v->place_batch, vid));
}

/* How many of v's log entries are request rq about vid, with outcome
 * (NULL: any; a leading '!' inverts it: any other outcome). */
static size_t
count_requests(const json_t *log, const xg_logged_request *rq, const char *vid,
               const char *outcome)
{
    size_t i, n = 0;
    const json_t *entry;
    json_array_foreach(log, i, entry)
    {
        if (!entry_is(entry, rq, vid)) {
            continue;
        }
        const char *got = entry_str(entry, "outcome");
        if (outcome == NULL ||
            (outcome[0] == '!' ? strcmp(got, outcome + 1) != 0
                               : strcmp(got, outcome) == 0)) {
            n++;
        }
    }
    return n;
}

static void
print_entry(const char *what, const json_t *entry)
{
    char *d = json_dumps(entry, JSON_COMPACT);
    printf("  %s: %s\n", what, d != NULL ? d : "(none)");
    fflush(stdout);
    free(d);
}

static int
has_name(const char *names, const char *name)
{
    size_t n = strlen(name);
    for (const char *p = names; (p = strstr(p, name)) != NULL; p += n) {
        if ((p == names || p[-1] == ',') && (p[n] == ',' || p[n] == '\0')) {
            return 1;
        }
    }
    return 0;
}

/* --- ownership --------------------------------------------------------- */

static void
test_cancel_and_query_need_the_owner_strategy(void **state)
{
    const xg_promise_venue *v = desc_of(state);
    xg_event_log *log;
    xg_venue_env *e = start(v, "", &log);
    char vid[64];
    place_acked(e, log, v, "own1", "30000", vid, sizeof vid);

    static const char *const types[] = {"query_order", "cancel_order"};
    for (size_t k = 0; k < 2; k++) {
        json_t *r = xg_callf(&e->client,
                             "{\"type\":\"%s\",\"req_id\":\"nos%zu\","
                             "\"client_order_id\":\"own1\"}",
                             types[k], k);
        XG_EXPECT(
            !xg_reply_is_ok(r) && xg_reply_error_code(r) == XG_ERR_BAD_FIELD,
            "%s without strategy: want BAD_FIELD (81), got ok=%d "
            "code %lld status %s",
            types[k], xg_reply_is_ok(r), (long long)xg_reply_error_code(r),
            xg_reply_order_field(r, "status") != NULL
                ? xg_reply_order_field(r, "status")
                : "-");
        json_decref(r);
        r = xg_callf(&e->client,
                     "{\"type\":\"%s\",\"req_id\":\"oth%zu\","
                     "\"strategy\":\"other\",\"client_order_id\":\"own1\"}",
                     types[k], k);
        XG_EXPECT(!xg_reply_is_ok(r) &&
                      xg_reply_error_code(r) == XG_ERR_UNKNOWN_ORDER,
                  "%s by another strategy: want UNKNOWN_ORDER (32), got "
                  "ok=%d code %lld",
                  types[k], xg_reply_is_ok(r),
                  (long long)xg_reply_error_code(r));
        json_decref(r);
    }

    /* Nothing of the above touched the order. */
    json_t *r = xg_venue_env_call_about(e, "query_order", "t1", "own1");
    const char *st = xg_reply_order_field(r, "status");
    XG_EXPECT(st != NULL && strcmp(st, "NEW") == 0,
              "own1 after the refused requests: want NEW, got %s",
              st != NULL ? st : "(no order)");
    json_decref(r);
    json_t *vlog = xg_venue_env_log(e, v->venue);
    size_t cancels = count_requests(vlog, &v->cancel, vid, NULL);
    XG_EXPECT(cancels == 0,
              "a cancel without the owner reached the venue (%zu cancel "
              "request(s) for %s)",
              cancels, vid);
    json_decref(vlog);

    /* The owner can. */
    r = xg_venue_env_call_about(e, "cancel_order", "t1", "own1");
    if (XG_EXPECT(xg_reply_is_ok(r), "the owner's cancel was refused")) {
        XG_EXPECT(xg_event_log_wait(log, &e->client, "own1", "canceled",
                                    5000) != NULL,
                  "own1 not canceled for its owner");
    }
    json_decref(r);
    stop(e);
}

/* --- cancels ----------------------------------------------------------- */

static void
test_second_cancel_during_a_ban_is_answered_not_sent(void **state)
{
    const xg_promise_venue *v = desc_of(state);
    xg_event_log *log;
    /* Venues whose ban answer gives no end wait ban_default_ms: a little
     * longer than the simulator's ban, so one answer is all they meet. */
    xg_venue_env *e = start(v, "\"ban_default_ms\": 1600", &log);
    char vid[64];
    place_acked(e, log, v, "dup1", "30000", vid, sizeof vid);

    (void)ban(e, v, 1500);
    json_t *r = xg_venue_env_call_about(e, "cancel_order", "t1", "dup1");
    XG_EXPECT(xg_reply_is_ok(r), "first cancel refused (code %lld)",
              (long long)xg_reply_error_code(r));
    json_decref(r);
    /* The cancel meets the ban and is held. */
    assert_non_null(
        xg_event_log_wait(log, &e->client, "dup1", "cancel_waiting", 5000));

    r = xg_venue_env_call_about(e, "cancel_order", "t1", "dup1");
    const char *st = xg_reply_order_field(r, "status");
    XG_EXPECT(xg_reply_is_ok(r) && st != NULL && strcmp(st, "NEW") == 0,
              "second cancel: want an ok reply with the order's state NEW, "
              "got ok=%d code %lld status %s",
              xg_reply_is_ok(r), (long long)xg_reply_error_code(r),
              st != NULL ? st : "-");
    json_decref(r);

    XG_EXPECT(xg_event_log_wait(log, &e->client, "dup1", "canceled", 8000) !=
                  NULL,
              "dup1 was not canceled after the ban");
    /* Whatever the gateway still has to say about the order arrives now,
     * and every event after "canceled" is a broken promise. */
    xg_event_log_settle(log, &e->client, 700, 3000);
    char names[512];
    xg_event_log_names(log, "dup1", names, sizeof names);
    XG_EXPECT(strcmp(names, "acked,cancel_waiting,canceled") == 0,
              "dup1's events: want acked,cancel_waiting,canceled, got %s",
              names);

    /* One cancel met the ban; exactly one other reached the venue. */
    json_t *vlog = xg_venue_env_log(e, v->venue);
    size_t refused = count_requests(vlog, &v->cancel, vid, "banned");
    size_t sent = count_requests(vlog, &v->cancel, vid, "!banned");
    XG_EXPECT(refused <= 1, "%zu cancels of %s sent during the ban", refused,
              vid);
    XG_EXPECT(sent == 1,
              "cancels of %s after the ban: want 1, got %zu (outcomes "
              "canceled %zu, others %zu)",
              vid, sent, count_requests(vlog, &v->cancel, vid, "canceled"),
              sent - count_requests(vlog, &v->cancel, vid, "canceled"));
    json_decref(vlog);
    stop(e);
}

/* Wait (1 s at most) until the simulator answered the first open-orders
 * request: today's gateway sweeps as soon as an order is open, then every
 * order_sweep_ms. A sweep that read the book after the fill would settle
 * the order before the cancel meets it. A gateway whose first sweep
 * comes later sweeps no sooner than the cancel. */
static void
await_first_sweep(xg_venue_env *e, const xg_promise_venue *v)
{
    int64_t deadline = xg_test_now_ms() + 1000;
    while (xg_test_now_ms() < deadline) {
        json_t *vlog = xg_venue_env_log(e, v->venue);
        size_t n = count_requests(vlog, &v->open_list, NULL, NULL);
        json_decref(vlog);
        if (n > 0) {
            return;
        }
        xg_test_sleep_ms(20);
    }
}

static void
test_cancel_of_a_filled_order_ends_filled_without_unknown(void **state)
{
    const xg_promise_venue *v = desc_of(state);
    xg_event_log *log;
    /* The sweep runs once when the order opens, then not for a minute:
     * only the cancel can meet the fill. */
    xg_venue_env *e = start(v, "\"order_sweep_ms\": 60000", &log);
    char vid[64];
    place_acked(e, log, v, "fil1", "30000", vid, sizeof vid);
    await_first_sweep(e, v);

    char body[128], out[256];
    snprintf(body, sizeof body, "{\"symbol\":\"%s\",\"price\":\"29000\"}",
             v->sim_symbol);
    admin(e, v, "/_sim/price", body, out, sizeof out);
    json_t *moved = json_loads(out, 0, NULL);
    assert_int_equal(json_integer_value(json_object_get(moved, "filled")), 1);
    json_decref(moved);
    int64_t cancel_ms = xg_test_wall_ms();

    json_t *r = xg_venue_env_call_about(e, "cancel_order", "t1", "fil1");
    XG_EXPECT(xg_reply_is_ok(r), "cancel refused (code %lld)",
              (long long)xg_reply_error_code(r));
    json_decref(r);
    const json_t *ev =
        xg_event_log_wait(log, &e->client, "fil1", "filled", 5000);
    if (XG_EXPECT(ev != NULL, "fil1: no filled event")) {
        const char *q = xg_reply_order_field(ev, "filled_qty");
        XG_EXPECT(xg_decimal_text_eq(q, "0.001"), "filled_qty %s, want 0.001",
                  q != NULL ? q : "-");
    }
    xg_event_log_settle(log, &e->client, 700, 3000);
    char names[512];
    xg_event_log_names(log, "fil1", names, sizeof names);
    XG_EXPECT(!has_name(names, "unknown"),
              "fil1 went \"unknown\" after its cancel was refused: %s", names);
    XG_EXPECT(strcmp(names, "acked,cancel_rejected,filled") == 0,
              "fil1's events: want acked,cancel_rejected,filled, got %s",
              names);

    /* The fill was learned by asking about the order. */
    json_t *vlog = xg_venue_env_log(e, v->venue);
    size_t i, queries = 0;
    const json_t *entry;
    json_array_foreach(vlog, i, entry)
    {
        queries += entry_is(entry, &v->query, vid) &&
                   entry_int(entry, "t_ms") >= cancel_ms;
    }
    XG_EXPECT(queries >= 1, "no query of %s after the refused cancel", vid);
    json_decref(vlog);

    /* Nothing is open on the venue any more, and the gateway knows it. */
    int64_t open = -1;
    int64_t deadline = xg_test_now_ms() + 2000;
    while ((open = xg_venue_open_orders(&e->client, v->venue)) != 0 &&
           xg_test_now_ms() < deadline) {
        xg_test_sleep_ms(50);
    }
    XG_EXPECT(open == 0, "venue_status: %s open_orders %lld, want 0", v->venue,
              (long long)open);
    stop(e);
}

/* --- deadlines and waits ------------------------------------------------ */

#define DEADLINE_ORDERS 3

static void
test_deadline_holds_while_the_venue_is_throttled(void **state)
{
    const xg_promise_venue *v = desc_of(state);
    xg_event_log *log;
    xg_venue_env *e = start(v, "", &log);
    char out[256];
    /* The next request gets the venue's own "too many requests, retry in
     * 3 s", and the venue is THROTTLED for as long as its answer says
     * (OKX's says nothing: the adapter waits out OKX's 2 s window). */
    admin(e, v, "/_sim/fault",
          "{\"limited\":{\"count\":1,\"retry_after_ms\":3000}}", out,
          sizeof out);
    json_t *r = place(e, v, "thr0", "30000", "");
    assert_true(xg_reply_is_ok(r));
    json_decref(r);
    const json_t *throttled =
        xg_event_log_wait(log, &e->client, v->venue, "THROTTLED", 5000);
    assert_non_null(throttled);
    int64_t throttle_end = json_integer_value(
        json_object_get(json_object_get(throttled, "venue"), "until_ms"));
    assert_true(throttle_end > xg_test_wall_ms() + 500);

    int64_t replied_ms[DEADLINE_ORDERS];
    char ids[DEADLINE_ORDERS][16];
    int is_accepted[DEADLINE_ORDERS];
    for (int k = 0; k < DEADLINE_ORDERS; k++) {
        snprintf(ids[k], sizeof ids[k], "dl%d", k);
        r = place(e, v, ids[k], "30000", ",\"max_wait_ms\":500");
        replied_ms[k] = xg_test_wall_ms();
        /* The throttle is known and ends after the deadline: refused at
         * once with DEADLINE, naming it (nothing recorded, nothing
         * sent); accepted only if the 429 was not yet read. */
        is_accepted[k] = xg_reply_is_ok(r);
        const char *msg = json_string_value(
            json_object_get(json_object_get(r, "error"), "message"));
        XG_EXPECT(is_accepted[k] ||
                      (xg_reply_error_code(r) == XG_ERR_DEADLINE &&
                       msg != NULL && strstr(msg, "throttled") != NULL),
                  "%s refused with code %lld (%s), want DEADLINE naming the "
                  "throttle",
                  ids[k], (long long)xg_reply_error_code(r),
                  msg != NULL ? msg : "");
        json_decref(r);
    }
    /* One venue: each accepted one is rejected with DEADLINE about 500 ms
     * after it was accepted, never sent once the throttle is over. */
    static const char *const outcomes[] = {"rejected", "rerouted", "acked",
                                           "canceled", "unknown",  NULL};
    for (int k = 0; k < DEADLINE_ORDERS; k++) {
        if (!is_accepted[k]) {
            continue;
        }
        const json_t *ev =
            xg_event_log_wait_any(log, &e->client, ids[k], outcomes, 6000);
        const char *name = ev != NULL ? xg_event_name(ev) : "(nothing)";
        int64_t after = ev != NULL ? xg_event_at_ms(ev) - replied_ms[k] : -1;
        XG_EXPECT(ev != NULL && strcmp(name, "rejected") == 0 &&
                      xg_order_error_code(ev) == XG_ERR_DEADLINE,
                  "%s (max_wait_ms 500): want rejected DEADLINE (51), got "
                  "%s (code %lld) %lld ms after acceptance",
                  ids[k], name,
                  ev != NULL ? (long long)xg_order_error_code(ev) : 0LL,
                  (long long)after);
        XG_EXPECT(ev == NULL || after <= 500 + LATE_EVENT_MS,
                  "%s: outcome %s only %lld ms after acceptance", ids[k], name,
                  (long long)after);
    }

    /* The order without a deadline is told it waits, then sent when the
     * throttle ends. */
    const json_t *acked =
        xg_event_log_wait(log, &e->client, "thr0", "acked", 8000);
    XG_EXPECT(acked != NULL, "thr0 (no deadline) never acked");
    char names[512];
    xg_event_log_names(log, "thr0", names, sizeof names);
    const json_t *wait =
        xg_event_log_wait(log, &e->client, "thr0", "rate_limit_wait", 0);
    XG_EXPECT(wait != NULL && acked != NULL &&
                  strstr(names, "rate_limit_wait") < strstr(names, "acked"),
              "thr0: want rate_limit_wait before acked, got %s", names);
    XG_EXPECT(wait == NULL ||
                  json_integer_value(json_object_get(wait, "wait_ms")) > 0,
              "thr0: rate_limit_wait without a positive wait_ms");

    json_t *vlog = xg_venue_env_log(e, v->venue);
    char thr_vid[64] = "";
    if (acked != NULL) {
        snprintf(thr_vid, sizeof thr_vid, "%s",
                 xg_reply_order_field(acked, "venue_client_order_id"));
    }
    int64_t limited_ms = -1;
    size_t i;
    const json_t *entry;
    json_array_foreach(vlog, i, entry)
    {
        if (!is_place(entry, v, NULL)) {
            continue;
        }
        const char *id = entry_str(entry, "client_order_id");
        const char *outcome = entry_str(entry, "outcome");
        int64_t t = entry_int(entry, "t_ms");
        if (strcmp(outcome, "limited") == 0 && limited_ms < 0) {
            limited_ms = t;
        } else if (strcmp(id, thr_vid) == 0) {
            XG_EXPECT(t >= throttle_end - LATE_REQUEST_MS,
                      "thr0 placed %lld ms before the throttle's end",
                      (long long)(throttle_end - t));
        } else if (strcmp(outcome, "limited") != 0) {
            /* A deadline order: it may only leave before its deadline. */
            int64_t latest = replied_ms[DEADLINE_ORDERS - 1] + 500;
            if (!XG_EXPECT(t <= latest + LATE_REQUEST_MS,
                           "a max_wait_ms 500 order reached the venue %lld "
                           "ms after its deadline",
                           (long long)(t - latest))) {
                print_entry("late", entry);
            }
        }
    }
    assert_true(limited_ms > 0); /* the fault did meet the first order */
    json_decref(vlog);
    stop(e);
}

/* --- bans --------------------------------------------------------------- */

#define BAN_MS 3000

static void
test_ban_refuses_short_deadlines_and_holds_the_rest(void **state)
{
    const xg_promise_venue *v = desc_of(state);
    xg_event_log *log;
    xg_venue_env *e = start(v, "\"ban_default_ms\": 3100", &log);
    int64_t ban_until = ban(e, v, BAN_MS);

    /* The first order meets the ban: the gateway learns of it. */
    const char *held[] = {"bn1", "bn2"};
    int accepted[2] = {0, 0};
    json_t *r = place(e, v, held[0], "30000", "");
    accepted[0] =
        XG_EXPECT(xg_reply_is_ok(r), "bn1 (no deadline) refused (code %lld)",
                  (long long)xg_reply_error_code(r));
    json_decref(r);
    assert_non_null(
        xg_event_log_wait(log, &e->client, v->venue, "BANNED", 5000));

    r = place(e, v, "bd1", "30000", ",\"max_wait_ms\":500");
    XG_EXPECT(!xg_reply_is_ok(r) && xg_reply_error_code(r) == XG_ERR_NO_VENUE,
              "bd1 (max_wait_ms 500 < the ban): want NO_VENUE (50), got "
              "ok=%d code %lld",
              xg_reply_is_ok(r), (long long)xg_reply_error_code(r));
    XG_EXPECT(xg_contains_nocase(xg_reply_error_message(r), "banned"),
              "bd1's refusal does not name the ban: \"%s\"",
              xg_reply_error_message(r));
    json_decref(r);

    r = place(e, v, held[1], "29999", "");
    accepted[1] =
        XG_EXPECT(xg_reply_is_ok(r),
                  "bn2 (no deadline) during the ban: want accepted, "
                  "got code %lld \"%s\"",
                  (long long)xg_reply_error_code(r), xg_reply_error_message(r));
    json_decref(r);

    json_t *vlog = NULL;
    for (int k = 0; k < 2; k++) {
        if (!accepted[k]) {
            continue;
        }
        int64_t left = ban_until - xg_test_wall_ms();
        const json_t *ev = xg_event_log_wait(log, &e->client, held[k], "acked",
                                             (int)left + 5000);
        char names[512];
        xg_event_log_names(log, held[k], names, sizeof names);
        if (!XG_EXPECT(ev != NULL,
                       "%s: want acked after the ban, got events %s", held[k],
                       names)) {
            continue;
        }
        int waits;
        const char *rest = xg_names_past_waits(names, &waits);
        XG_EXPECT(waits > 0 && strcmp(rest, "acked") == 0,
                  "%s's events: want rate_limit_wait, then acked, got %s",
                  held[k], names);
        const json_t *w =
            xg_event_log_wait(log, &e->client, held[k], "rate_limit_wait", 0);
        XG_EXPECT(w == NULL ||
                      json_integer_value(json_object_get(w, "wait_ms")) > 0,
                  "%s: rate_limit_wait without a positive wait_ms", held[k]);
        /* Placed once, after the ban: the log read after this order's
         * ack (the orders may go one at a time). */
        const char *vid = xg_reply_order_field(ev, "venue_client_order_id");
        json_decref(vlog);
        vlog = xg_venue_env_log(e, v->venue);
        size_t i, placed = 0;
        const json_t *entry;
        json_array_foreach(vlog, i, entry)
        {
            if (!is_place(entry, v, vid) ||
                strcmp(entry_str(entry, "outcome"), "placed") != 0) {
                continue;
            }
            placed++;
            XG_EXPECT(entry_int(entry, "t_ms") >= ban_until,
                      "%s placed %lld ms before the ban's end", held[k],
                      (long long)(ban_until - entry_int(entry, "t_ms")));
        }
        XG_EXPECT(placed == 1, "%s placed %zu times", held[k], placed);
    }
    json_decref(vlog);
    stop(e);
}

static void
test_held_cancel_goes_first_when_the_ban_ends(void **state)
{
    const xg_promise_venue *v = desc_of(state);
    xg_event_log *log;
    /* A sweep every 200 ms and a clock resync every second (the least
     * config.c allows): both fall due during the 1.5 s ban. One request
     * at a time, so "first" is the gateway's choice, not the order in
     * which the simulator's threads happened to stamp requests sent
     * together. */
    xg_venue_env *e = start(v,
                            "\"max_connections\": 1, "
                            "\"order_sweep_ms\": 200, "
                            "\"resync_interval_ms\": 1000, "
                            "\"ban_default_ms\": 1600",
                            &log);
    char vid[64];
    place_acked(e, log, v, "hc1", "30000", vid, sizeof vid);
    (void)ban(e, v, 1500);
    json_t *r = xg_venue_env_call_about(e, "cancel_order", "t1", "hc1");
    XG_EXPECT(xg_reply_is_ok(r), "cancel refused (code %lld)",
              (long long)xg_reply_error_code(r));
    json_decref(r);
    XG_EXPECT(xg_event_log_wait(log, &e->client, "hc1", "cancel_waiting",
                                5000) != NULL,
              "no cancel_waiting for the cancel held by the ban");
    XG_EXPECT(xg_event_log_wait(log, &e->client, "hc1", "canceled", 6000) !=
                  NULL,
              "hc1 not canceled after the ban");

    json_t *vlog = xg_venue_env_log(e, v->venue);
    size_t i, last_ban = SIZE_MAX;
    const json_t *entry;
    json_array_foreach(vlog, i, entry)
    {
        if (strcmp(entry_str(entry, "outcome"), "banned") == 0) {
            last_ban = i;
        }
    }
    assert_true(last_ban != SIZE_MAX);
    const json_t *first = json_array_get(vlog, last_ban + 1);
    if (!XG_EXPECT(first != NULL && entry_is(first, &v->cancel, vid),
                   "the first request after the ban is not hc1's cancel")) {
        print_entry("last ban answer", json_array_get(vlog, last_ban));
        print_entry("first after it", first);
        print_entry("then", json_array_get(vlog, last_ban + 2));
    }
    json_decref(vlog);
    stop(e);
}

#define SCENARIO(f)                                                            \
    cmocka_unit_test_prestate_setup_teardown(f, NULL, teardown, st)

int
xg_promise_scenarios_run(const xg_promise_venue *v)
{
    /* cmocka hands a test its state as void *; the scenarios only read
     * the description. */
    void *st = (void *)v;
    const struct CMUnitTest tests[] = {
        SCENARIO(test_cancel_and_query_need_the_owner_strategy),
        SCENARIO(test_second_cancel_during_a_ban_is_answered_not_sent),
        SCENARIO(test_cancel_of_a_filled_order_ends_filled_without_unknown),
        SCENARIO(test_deadline_holds_while_the_venue_is_throttled),
        SCENARIO(test_ban_refuses_short_deadlines_and_holds_the_rest),
        SCENARIO(test_held_cancel_goes_first_when_the_ban_ends),
    };
    static char group[64];
    snprintf(group, sizeof group, "test_promises_%s", v->venue);
    return _cmocka_run_group_tests(group, tests, sizeof tests / sizeof tests[0],
                                   NULL, NULL);
}

#undef SCENARIO
