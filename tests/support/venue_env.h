/*
 * venue_env.h - the harness the gateway integration tests share: one
 * simulator, one gateway configured for some of its venues, one strategy
 * client; and readers for the simulator's request log and the gateway's
 * replies and events.
 *
 * Every helper that checks something does it with cmocka asserts, so a
 * test reads as its scenario. One environment exists at a time (the
 * running test's); xg_venue_env_teardown stops it even when an assertion
 * failed half-way, so no process outlives its test.
 */
#ifndef XGATE_TEST_VENUE_ENV_H
#define XGATE_TEST_VENUE_ENV_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "gw_launch.h"
#include "sim_launch.h"

typedef struct xg_venue_env {
    xg_sim_proc sim;
    xg_gw_proc gw;
    xg_client client; /* subscribed to every topic */
} xg_venue_env;

/*
 * Start the simulator with a listener for venue (xg_sim_start always has
 * binance; any other venue gets "--venue <venue>=127.0.0.1:0" before
 * sim_args), then the gateway with venue as its only venue, then the
 * client. sim_args: NULL-terminated, borrowed, NULL for none.
 * venue_extra is inserted into the venue's config object ("" for none).
 * Returns the running test's environment (borrowed until teardown).
 */
xg_venue_env *xg_venue_env_start(const char *venue, const char *const *sim_args,
                                 const char *venue_extra);

/* The same for n venues, configured in this order (the route order of
 * every symbol they share). */
xg_venue_env *xg_venue_env_start_many(const char *const *venues, size_t n,
                                      const char *const *sim_args,
                                      const char *venue_extra);

/* The same with its own venue settings for each venue (extras[i],
 * borrowed, "" for none), e.g. adapter options only one venue knows. */
xg_venue_env *xg_venue_env_start_each(const char *const *venues, size_t n,
                                      const char *const *sim_args,
                                      const char *const *extras);

/* Top-level gateway config members for the starts that follow, each
 * followed by a comma, e.g. "\"journal\": \"full\"," ("" for none,
 * the default). Copied. */
void xg_venue_env_set_root(const char *json);

/* Close the client and stop both processes; a clean stop is part of the
 * contract, so it asserts that SIGTERM made xgated exit 0. */
void xg_venue_env_stop(xg_venue_env *e);

/* cmocka teardown: stops whatever of the environment still runs, without
 * asserting, so it is safe after a failed test. Always 0. */
int xg_venue_env_teardown(void **state);

/* An order as a strategy sends it. NULL fields take the defaults noted. */
typedef struct xg_test_order {
    const char *strategy; /* NULL: "t1" */
    const char *id;       /* client order id, also "r-<id>" as req_id */
    const char *symbol;   /* NULL: "BTC/USDT" */
    const char *side;     /* "BUY" or "SELL" */
    const char *type;     /* NULL: "LIMIT" */
    const char *qty;      /* decimal string */
    const char *price;    /* NULL: no price (a market order) */
    const char *venue;    /* NULL: no "venues" field, the gateway routes */
} xg_test_order;

/* Send o as a new_order; asserts a reply came within 5 s and returns it
 * (given: json_decref). Acceptance is the caller's to check. */
json_t *xg_venue_env_place_order(xg_venue_env *e, const xg_test_order *o);

/* A LIMIT order on BTC/USDT from strategy "t1", pinned to venue when it
 * is not NULL. Given, as xg_venue_env_place_order. */
json_t *xg_venue_env_place(xg_venue_env *e, const char *venue, const char *id,
                           const char *side, const char *qty,
                           const char *price);

/* Send one request about client order id (type "query_order" or
 * "cancel_order") as strategy, the order's owner (the protocol requires
 * it: another strategy's order is not found); asserts a reply came within
 * 5 s. Given. */
json_t *xg_venue_env_call_about(xg_venue_env *e, const char *type,
                                const char *strategy, const char *id);

/* Send raw request bytes and assert the gateway refused them with a
 * message and, when code is not 0, with that xg_err code (the reply is
 * printed when the code differs, to show what came instead). */
void xg_venue_env_expect_reject(xg_venue_env *e, const void *msg, size_t len,
                                int code);

/* Send the hostile requests every venue's gateway must refuse (bad JSON,
 * missing or malformed fields, unknown symbol, venue or type, 1 MiB of
 * junk, binary garbage), each with its expected code, then assert the
 * gateway is still alive. Validation is the core's, so the list is the
 * same whatever the venue. */
void xg_venue_env_send_bad_input(xg_venue_env *e);

/* Arm the simulator fault `fault` (a /_sim/fault body) on venue, place a
 * LIMIT BUY of 0.001 at 30000 under id (pinned to pin_venue if not NULL),
 * and assert the order goes "unknown" and then "acked". The venue client
 * id the gateway used is copied into vid (cap bytes), to look the
 * requests up in the simulator's log. */
void xg_venue_env_place_through_fault(xg_venue_env *e, const char *venue,
                                      const char *pin_venue, const char *id,
                                      const char *fault, char *vid, size_t cap);

/* The same through a one-shot 5xx (status 502/503; execute: whether the
 * venue acts on the request before failing). */
void xg_venue_env_place_through_5xx(xg_venue_env *e, const char *venue,
                                    const char *pin_venue, const char *id,
                                    int status, int is_executed, char *vid,
                                    size_t cap);

/* Read events until `acked` order acks arrived (15 s at most between
 * two events), asserting no order was rejected, nor went unknown when
 * is_unknown_refused; *waits receives the number of rate_limit_wait
 * events seen. */
void xg_venue_env_await_acks(xg_venue_env *e, int acked, int is_unknown_refused,
                             int *waits);

/* The request log of sim for venue as a JSON array (given), one object
 * per request; asserts every line is JSON. */
json_t *xg_sim_log_json(const xg_sim_proc *sim, const char *venue);

/* xg_sim_log_json of the environment's simulator. */
json_t *xg_venue_env_log(xg_venue_env *e, const char *venue);

/* Which log entries xg_log_count counts: each non-NULL/non-zero field
 * must be present in the entry and match. */
typedef struct xg_log_filter {
    const char *method;
    const char *path;
    int is_path_prefix; /* path only has to start the logged path (the
                           log cuts long paths) */
    const char *client_id;
    size_t client_id_len; /* 0: the whole id; n: its first n characters */
    int64_t status;       /* 0: any */
} xg_log_filter;

size_t xg_log_count(const json_t *log, const xg_log_filter *f);

/* Entries whose integer field equals value ("status", "code"). */
size_t xg_log_count_field(const json_t *log, const char *field, int64_t value);

/* What a venue's log shows of a ban: its answers (entries with `status`,
 * and `code` unless that is 0), the first one's t_ms, and the requests
 * after it but before the ban's end: until_ms, or when that is 0, the
 * first answer + hold_ms; and when traffic resumed. A gateway that
 * honours the ban shows one answer, nothing during, and its next request
 * at or after the end. */
typedef struct xg_log_ban {
    size_t answers;
    int64_t first_ms; /* -1: none */
    size_t during;
    int64_t next_ms; /* t_ms of the first entry after the first answer,
                        -1: none (traffic never resumed) */
} xg_log_ban;

xg_log_ban xg_log_ban_scan(const json_t *log, int64_t status, int64_t code,
                           int64_t until_ms, int64_t hold_ms);

/* Entries with exactly this method, path and venue client order id. */
size_t xg_log_count_requests(const json_t *log, const char *method,
                             const char *path, const char *client_id);

/* Whether a reply says "ok": true. */
int xg_reply_is_ok(const json_t *r);

/* The xg_err code of a refused reply, 0 if there is none. */
int64_t xg_reply_error_code(const json_t *r);

/* String field of the "order" object of a reply or event (borrowed from
 * msg), NULL if absent. */
const char *xg_reply_order_field(const json_t *msg, const char *field);

#endif
