/*
 * promise_env.h - what the tests of the gateway's promises share beyond
 * venue_env: a record of every event a client received (so a test can
 * wait for one event without losing the others, and judge an order's
 * whole sequence afterwards), checks that report every broken promise of
 * a scenario before failing it, and small request helpers.
 *
 * A check (XG_EXPECT) does not stop the test: a scenario usually breaks
 * several promises at once, and the report should name them all.
 * xg_expect_end fails the test if any check failed. Preconditions of a
 * scenario (a process that must start, a fault that must be armed) stay
 * cmocka asserts.
 */
#ifndef XGATE_TEST_PROMISE_ENV_H
#define XGATE_TEST_PROMISE_ENV_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "gw_launch.h"
#include "venue_env.h"

/* --- checks ------------------------------------------------------------ */

/* Start counting failed checks for a new test. */
void xg_expect_begin(void);

/* Record a check: when ok is 0, print "BROKEN at file:line: <message>"
 * and count it. Returns ok, so a test can skip what depends on it. */
int xg_expect_at(int ok, const char *file, int line, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

#define XG_EXPECT(cond, ...)                                                   \
    xg_expect_at((cond) != 0, __FILE__, __LINE__, __VA_ARGS__)

/* Fail the running test (cmocka) if any check failed since
 * xg_expect_begin, naming how many. */
void xg_expect_end(void);

/* --- events ------------------------------------------------------------ */

/* Every event a client received, in arrival order. Each is the event's
 * JSON object with two fields added by the recorder: "_topic" (the topic
 * frame) and "_at_ms" (wall-clock ms at arrival). */
typedef struct xg_event_log {
    json_t *events; /* array, owned */
} xg_event_log;

void xg_event_log_init(xg_event_log *l);
void xg_event_log_fini(xg_event_log *l);

/* Wait up to wait_ms for an event from c, then record it and every event
 * already waiting. Returns how many were recorded. */
size_t xg_event_log_read(xg_event_log *l, xg_client *c, int wait_ms);

/* Read until no event came for quiet_ms (at most max_ms in all): what a
 * test does before judging a sequence, so that a late event is seen. */
void xg_event_log_settle(xg_event_log *l, xg_client *c, int quiet_ms,
                         int max_ms);

/* What an event is about: the order's client order id (order, rerouted and
 * rate_limit_wait events), the venue's name (venue events), or "" . */
const char *xg_event_subject(const json_t *ev);

/* Its name: the "event" field of an order event ("acked"), the state of
 * a venue event ("BANNED"), else its type ("rerouted", "hello"). */
const char *xg_event_name(const json_t *ev);

/* The first recorded event about subject named name (either may be NULL:
 * any), reading more from c until one arrives or timeout_ms passed.
 * Borrowed from l, or NULL. */
const json_t *xg_event_log_wait(xg_event_log *l, xg_client *c,
                                const char *subject, const char *name,
                                int timeout_ms);

/* The same for the first event about subject whose name is any of names
 * (NULL-terminated). */
const json_t *xg_event_log_wait_any(xg_event_log *l, xg_client *c,
                                    const char *subject,
                                    const char *const *names, int timeout_ms);

/* The names of the recorded events about subject, comma-separated, into
 * out (cap bytes): "acked,cancel_waiting,canceled". */
void xg_event_log_names(const xg_event_log *l, const char *subject, char *out,
                        size_t cap);

/* names (from xg_event_log_names) past its leading "rate_limit_wait"
 * entries, whose number goes to *waits: a wait may be told more than
 * once, so sequences are compared without them. Borrowed from names. */
const char *xg_names_past_waits(const char *names, int *waits);

/* Arrival time of a recorded event (wall ms). */
int64_t xg_event_at_ms(const json_t *ev);

/* --- requests ---------------------------------------------------------- */

/* Format a request (printf-style), send it and return the reply (given);
 * asserts one came within 5 s. */
json_t *xg_callf(xg_client *c, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* A LIMIT order of 0.001 BTC/USDT from strategy, with req_id "r-<id>";
 * more is inserted before the closing brace (e.g.
 * ",\"max_wait_ms\":500,\"venues\":[\"okx\"]", or ""). The reply (given),
 * within 5 s. */
json_t *xg_send_limit(xg_client *c, const char *strategy, const char *id,
                      const char *side, const char *price, const char *more);

/* The reply's error message, "" if none (borrowed from r). */
const char *xg_reply_error_message(const json_t *r);

/* The "error.code" of the order inside an event or reply, 0 if none. */
int64_t xg_order_error_code(const json_t *msg);

/* Whether s is a start_id: 16 lowercase hexadecimal characters. */
int xg_is_start_id(const char *s);

/* Whether two decimal strings have the same value ("0.001" and
 * "0.00100000"). */
int xg_decimal_text_eq(const char *a, const char *b);

/* The "open_orders" venue_status reports for venue, -1 if absent. */
int64_t xg_venue_open_orders(xg_client *c, const char *venue);

#endif
