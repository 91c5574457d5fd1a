/*
 * bybit_sim.h - shared between the files of xgsim's Bybit v5 dialect.
 *
 * dialect.c holds the dialect table, settings, the per-IP layer, routing
 * and the public endpoints; auth.c authenticates signed requests; orders.c
 * holds the order endpoints; common.c the answer envelope, parameters,
 * rolling windows and the per-UID endpoint gate all of them use. Calls run
 * one way: dialect.c calls auth.c and orders.c, and every file calls
 * common.c, which calls none of them. Compiled into xgsim only, never into
 * the plug-in.
 */
#ifndef XGATE_BYBIT_SIM_H
#define XGATE_BYBIT_SIM_H

#include <stdint.h>

#include "dialect.h"

/* --set bybit.<key>=<value>; every value an integer (simulator-bybit.md). */
typedef struct bybit_settings {
    int64_t create_per_s;
    int64_t cancel_per_s;
    int64_t query_per_s;
    int64_t endpoint_window_ms;
    int64_t ip_limit;
    int64_t ip_window_ms;
    int64_t ban_ms;
    int64_t limits;
} bybit_settings;

/* A rolling window: the times of the requests it admitted, oldest first,
 * at most cap of them. */
typedef struct bybit_roll {
    int64_t *t_ms;
    size_t cap, head, n;
} bybit_roll;

/* The per-UID endpoint windows. */
enum {
    BYBIT_EP_CREATE = 0,
    BYBIT_EP_CANCEL = 1,
    BYBIT_EP_REALTIME = 2,
    BYBIT_EP_COUNT = 3
};

typedef struct bybit_ip {
    char ip[XG_SIM_IP_LEN];
    bybit_roll roll;
} bybit_ip;

/*
 * What create() returns as the venue's settings: the values set with
 * --set, immutable once the server runs, and the dialect's own limit
 * state, which sim/ has no slot for (its windows are clock-aligned and
 * Bybit's are rolling). The state part is guarded by the venue's mutex
 * like everything else in xg_sim_venue.
 */
typedef struct bybit_sim {
    bybit_settings set;
    bybit_roll *endpoints; /* naccounts * BYBIT_EP_COUNT, made by setup */
    size_t naccounts;
    bybit_ip *ips;
    size_t nips, ips_cap;
} bybit_sim;

/* A request that passed the IP gate and, for signed endpoints,
 * authentication. */
typedef struct bybit_call {
    xg_sim_venue *v;
    bybit_sim *sim;
    const xg_sim_request *req;
    xg_sim_response *resp;
    const xg_sim_params *query; /* decoded query string */
    json_t *body;               /* POST body object, or NULL */
    size_t account;             /* valid for signed endpoints */
    int64_t now_ms;
} bybit_call;

/* ---- common.c ---------------------------------------------------------- */

/* An empty window for at most cap requests. XG_ERR_NOMEM. */
xg_err bybit_sim_roll_init(bybit_roll *r, int64_t cap);

/* Free a window's storage; init or a zeroed struct before. */
void bybit_sim_roll_fini(bybit_roll *r);

/* Forget requests that left the window ending at now. */
void bybit_sim_roll_expire(bybit_roll *r, int64_t window_ms, int64_t now_ms);

/* Admit one request at now if fewer than cap are in the window. */
bool bybit_sim_roll_admit(bybit_roll *r, int64_t window_ms, int64_t now_ms);

/* The per-UID limit of endpoint (BYBIT_EP_*) in s. */
int64_t bybit_sim_endpoint_limit(const bybit_settings *s, int endpoint);

/* {"retCode":code,"retMsg":msg,"result":result,"retExtInfo":{},
 * "time":now_ms}; result is stolen (NULL: {}). Given: the caller owns the
 * returned reference. */
json_t *bybit_sim_envelope(int code, const char *msg, json_t *result,
                           int64_t now_ms);

/* {"retCode":code,"retMsg":msg,"result":{},...} with HTTP 200 (Bybit
 * answers business errors with 200); outcome for the log. */
void bybit_sim_error(const bybit_call *c, int code, const char *msg,
                     const char *outcome);

/* Success envelope around result (stolen). */
void bybit_sim_ok(const bybit_call *c, json_t *result, const char *outcome);

/* The per-UID endpoint layer's headers and, when refused, its answer:
 * HTTP 200, retCode 10006, Reset-Timestamp when a slot frees. The gate
 * sends it, and so does an injected limited fault. */
void bybit_sim_limit_answer(const bybit_call *c, int64_t limit,
                            int64_t remaining, int64_t reset_ms,
                            bool is_refused);

/* The per-UID endpoint gate (lock NOT held; takes it). Returns true if
 * the request may proceed; otherwise resp holds the 10006. Adds the
 * X-Bapi-Limit* headers either way. */
bool bybit_sim_endpoint_gate(const bybit_call *c, int endpoint);

/* A string parameter: from the JSON body for POST, the query for GET;
 * NULL if absent (or not a string in a body). */
const char *bybit_sim_param(const bybit_call *c, const char *key);

/* ---- auth.c ------------------------------------------------------------ */

/* Key, signature, timestamp of c's request. True if authenticated
 * (c->account set); otherwise c->resp holds the error. Takes no lock:
 * accounts are fixed once the server runs. */
bool bybit_sim_authenticate(bybit_call *c);

/* ---- orders.c: the endpoints ------------------------------------------- */
void bybit_sim_order_create(const bybit_call *c);
void bybit_sim_cancel(const bybit_call *c);
void bybit_sim_realtime(const bybit_call *c);

#endif
