/*
 * venue_scenarios.h - the end-to-end scenarios every venue's gateway test
 * runs, written once and told by a small description what differs
 * between venues.
 *
 * Each test_gateway_<venue>.c fills one xg_venue_desc (its request paths,
 * the answers that mean "rate limited" or "banned", the simulator and
 * adapter settings that scale its limits down, how it reports a fill) and
 * hands it to xg_venue_scenarios_run with its own extra tests. The
 * scenarios run on the xg_venue_env harness, one environment per test.
 */
#ifndef XGATE_TEST_VENUE_SCENARIOS_H
#define XGATE_TEST_VENUE_SCENARIOS_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <jansson.h>

#include "venue_env.h"

/* Room in the fixed lists of a description; unused slots stay zero, so
 * a list ends at its first NULL. */
#define XG_SCENARIO_MAX_VALUES   4
#define XG_SCENARIO_MAX_SIM_ARGS 8
#define XG_SCENARIO_MAX_SYMBOLS  2

/* An integer a simulator log entry must never show in field: ("status",
 * 429), ("code", 10006). */
typedef struct xg_log_value {
    const char *field; /* NULL ends a list */
    int64_t value;
} xg_log_value;

/* How the gateway learns that an order crossing the book filled at once:
 * venues differ in what their place answer says. */
typedef enum xg_fill_report {
    /* The place answer (or what the adapter asks next) reports the fill,
     * so a "filled" event follows by itself. */
    XG_FILL_REPORT_AT_ONCE,
    /* The place answer only acknowledges; canceling the order meets
     * "already completed", and the query that follows reports the
     * fill. */
    XG_FILL_REPORT_ON_CANCEL,
    /* The place answer only acknowledges, and the open-orders sweep is
     * off in these tests; the fill is checked in the simulator's book. */
    XG_FILL_REPORT_ON_VENUE
} xg_fill_report;

/* The order of the lifecycle scenario that crosses the book. */
typedef struct xg_scenario_take {
    const char *type;  /* NULL: "LIMIT" */
    const char *qty;   /* also the filled_qty expected */
    const char *price; /* NULL for a market order */
    xg_fill_report report;
} xg_scenario_take;

/* One instrument of the burst: order i is id_prefix<i>, a BUY of qty at
 * top_price - i, so no two orders cross and none fills. */
typedef struct xg_burst_symbol {
    const char *symbol; /* NULL ends the list */
    const char *id_prefix;
    const char *qty;
    int top_price;
} xg_burst_symbol;

/* Orders above the venue's scaled-down limits, all of which must be acked
 * with no rate-limit answer from the simulator. */
typedef struct xg_scenario_burst {
    /* The same limits told to the simulator (--set pairs) and to the
     * adapter (venue options inside venue_extra). */
    const char *sim_args[XG_SCENARIO_MAX_SIM_ARGS];
    const char *venue_extra;
    xg_burst_symbol symbols[XG_SCENARIO_MAX_SYMBOLS];
    int per_symbol;
    /* Also fail if an order went "unknown", for venues whose rate-limit
     * answer makes an order's fate unknown rather than rejected. */
    int is_unknown_refused;
    int64_t min_ms; /* the limits make a faster burst impossible */
    int64_t max_ms; /* 0: no upper bound */
} xg_scenario_burst;

/* A ban the simulator imposes; the gateway must stop all traffic until
 * it ends. */
typedef struct xg_scenario_ban {
    const char *venue_extra; /* e.g. the ban_default_ms of venues whose
                                ban answer gives no end */
    int sim_ms;              /* the simulator's ban length */
    int64_t status;          /* the venue's ban answer in the log */
    int64_t code;            /* and its code, 0: any */
    /* 0: the venue says when the ban ends, and the BANNED event's until_ms
     * is the end checked; else the silence required after the answer. */
    int64_t hold_ms;
} xg_scenario_ban;

/* What the shared scenarios need to know of one venue. */
typedef struct xg_venue_desc {
    const char *venue;
    /* Orders name the venue in their route; else the gateway routes them
     * (the venue is its only one either way). */
    int is_pinned;
    /* The paths the simulator logs for a place and for a query by client
     * order id; the query path only starts the logged one when the log
     * cuts it. */
    const char *place_path;
    const char *query_path;
    int is_query_path_prefix;
    /* Answers that mean the gateway exceeded a limit; none may appear in
     * the lifecycle or the burst. */
    xg_log_value rate_limit_errors[XG_SCENARIO_MAX_VALUES];
    /* Other answers that must not appear in the lifecycle (a refused
     * signature or timestamp). */
    xg_log_value refusals[XG_SCENARIO_MAX_VALUES];
    xg_scenario_take take;
    xg_scenario_burst burst;
    xg_scenario_ban ban;
} xg_venue_desc;

/*
 * Run the shared scenarios for v, then the extra tests (n_extra entries,
 * borrowed; NULL when n_extra is 0), as one cmocka group named
 * "test_gateway_<venue>". Every shared scenario gets v as its state and
 * xg_venue_env_teardown as its teardown. v is borrowed for the run.
 * Returns cmocka's result: the number of failed tests.
 */
int xg_venue_scenarios_run(const xg_venue_desc *v,
                           const struct CMUnitTest *extra, size_t n_extra);

#endif
