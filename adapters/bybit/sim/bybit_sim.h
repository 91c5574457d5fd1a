/*
 * bybit_sim.h - shared between the files of xgsim's Bybit v5 dialect.
 *
 * dialect.c holds the dialect table, settings, the per-IP layer and
 * routing; public.c the market-data endpoints; auth.c authenticates
 * signed requests; orders.c holds the order endpoints (create, cancel,
 * amend, cancel-all, realtime), batch.c the batch ones, history.c order
 * and fill history, account.c the wallet and the account and key
 * information; stream.c the private WebSocket stream (/v5/private);
 * common.c the answer envelope, parameters, cursors, rolling windows and
 * the per-UID endpoint gate all of them use. Calls run one way: dialect.c
 * calls the endpoint files, batch.c and history.c call orders.c's order
 * shapes, stream.c calls orders.c's order shape and auth.c's signature
 * check, and every file calls common.c, which calls none of them.
 * Compiled into xgsim only, never into the plug-in.
 */
#ifndef XGATE_BYBIT_SIM_H
#define XGATE_BYBIT_SIM_H

#include <stdint.h>

#include "dialect.h"

/* --set bybit.<key>=<value>; every value an integer (simulator-bybit.md). */
typedef struct bybit_settings {
    int64_t create_per_s;
    int64_t cancel_per_s;
    int64_t amend_per_s;
    int64_t query_per_s;
    int64_t history_per_s;
    int64_t executions_per_s;
    int64_t wallet_per_s;
    int64_t account_info_per_s;
    int64_t api_info_per_s;
    int64_t coin_info_per_s;
    int64_t batch_create_per_s;
    int64_t batch_cancel_per_s;
    int64_t cancel_all_per_s;
    int64_t endpoint_window_ms;
    int64_t ip_limit;
    int64_t ip_window_ms;
    int64_t ban_ms;
    int64_t limits;
    int64_t stream_idle_ms; /* private stream: cut after this much silence */
} bybit_settings;

/* A rolling window: the times of the requests it admitted, oldest first,
 * at most cap of them. */
typedef struct bybit_roll {
    int64_t *t_ms;
    size_t cap, head, n;
} bybit_roll;

/* The per-UID endpoint windows, one per rate-limited path. */
enum {
    BYBIT_EP_CREATE = 0,
    BYBIT_EP_CANCEL,
    BYBIT_EP_AMEND,
    BYBIT_EP_REALTIME,
    BYBIT_EP_HISTORY,
    BYBIT_EP_EXECUTIONS,
    BYBIT_EP_WALLET,
    BYBIT_EP_ACCOUNT_INFO,
    BYBIT_EP_API_INFO,
    BYBIT_EP_COIN_INFO,
    BYBIT_EP_BATCH_CREATE,
    BYBIT_EP_BATCH_CANCEL,
    BYBIT_EP_CANCEL_ALL,
    BYBIT_EP_COUNT
};

/* Where a batch item's error goes instead of the answer (batch.c). */
typedef struct bybit_item_error {
    int code;
    char msg[160];
} bybit_item_error;

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
    /* Non-NULL while one item of a batch runs: bybit_sim_error records
     * the item's code and message here and leaves resp alone. */
    bybit_item_error *item;
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

/* The endpoint's name in /_sim/state ("create" for create_used). */
const char *bybit_sim_endpoint_name(int endpoint);

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

/* The gate for a batch of n requests (lock NOT held; takes it): admits as
 * many as the window has room for, up to n, into *admitted, and sets the
 * headers. Returns false (resp holds the 10006) when it admitted none. */
bool bybit_sim_endpoint_take(const bybit_call *c, int endpoint, int64_t n,
                             int64_t *admitted);

/* A string parameter: from the JSON body for POST, the query for GET;
 * NULL if absent (or not a string in a body). */
const char *bybit_sim_param(const bybit_call *c, const char *key);

/* 10001 "params error: <what>" (to the batch item when one runs). */
void bybit_sim_params_error(const bybit_call *c, const char *what);

/* An integer parameter in [lo, hi]: def when absent or empty; false with
 * the 10001 answered when it is not plain digits or out of range. */
bool bybit_sim_int_param(const bybit_call *c, const char *key, int64_t lo,
                         int64_t hi, int64_t def, int64_t *out);

/* category=spot and, if present (or required), a known symbol; false with
 * resp set otherwise (10001, or 170121 for an unknown symbol). */
bool bybit_sim_spot_symbol(const bybit_call *c, bool required,
                           size_t *instrument, bool *has_symbol);

/* A decimal string of v (scale 8) without trailing zeros, into a buffer
 * of XG_SIM_FIXED_BUFSZ. */
void bybit_sim_fmt(int64_t v, char buf[XG_SIM_FIXED_BUFSZ]);

/*
 * Cursors. A list that does not fit a page hands out nextPageCursor
 *
 *     page_args%3D<id>%26symbol%3D<SYMBOL or nothing>
 *
 * naming the last item listed (an order id or a fill seq) and the symbol
 * filter, percent-encoded as Bybit hands its cursors out. The next page
 * lists the items older than that one. Clients send it back verbatim
 * (ccxt, pybit, xgate: the parameter decodes to "page_args=<id>&...") or
 * encoded once more (bybit-api: it decodes to the text handed out); both
 * are read.
 */
#define BYBIT_CURSOR_LEN 96

/* The cursor naming id under the symbol filter ("" for none). */
void bybit_sim_cursor_make(int64_t id, const char *symbol,
                           char out[BYBIT_CURSOR_LEN]);

/* The id of a cursor made for the symbol filter want ("" for none);
 * false if it is not one this venue could have handed out. */
bool bybit_sim_cursor_parse(const char *cursor, const char *want, int64_t *id);

/* ---- auth.c ------------------------------------------------------------ */

/* Key, signature, timestamp of c's request. True if authenticated
 * (c->account set); otherwise c->resp holds the error. Takes no lock:
 * accounts are fixed once the server runs. */
bool bybit_sim_authenticate(bybit_call *c);

/* Whether given is the lower- or upper-case hex of HMAC-SHA256(secret,
 * prehash[0..len)), compared over every byte so the time does not say
 * where the first difference is. REST and the stream sign alike. */
bool bybit_sim_signature_ok(const char *secret, const char *prehash, size_t len,
                            const char *given);

/* ---- orders.c: the endpoints and the order shapes others use ---------- */
void bybit_sim_order_create(const bybit_call *c);
void bybit_sim_cancel(const bybit_call *c);
void bybit_sim_amend(const bybit_call *c);
void bybit_sim_cancel_all(const bybit_call *c);
void bybit_sim_realtime(const bybit_call *c);

/* One order as realtime and history list it (lock held). Given. */
json_t *bybit_sim_order_json(const xg_sim_venue *v, const xg_sim_order *o);

/* Bybit's orderStatus of o (static string). */
const char *bybit_sim_status_name(const xg_sim_order *o);

/* Whether a list keeps order o (lock held); ctx is the list's. */
typedef bool (*bybit_order_keep)(const xg_sim_order *o, const void *ctx);

/* One page of c's account's orders that keep accepts, newest first from
 * just below order id anchor (INT64_MAX: the newest), at most limit, onto
 * list; next receives the cursor of the page after (want: the symbol
 * filter) or stays "" after the last. Lock held. */
void bybit_sim_orders_page(const bybit_call *c, int64_t anchor, int64_t limit,
                           bybit_order_keep keep, const void *ctx,
                           const char *want, json_t *list,
                           char next[BYBIT_CURSOR_LEN]);

/* What a create placed: the ack's fields, copied out under the lock. */
typedef struct bybit_placed {
    char order_id[24];
    char link_id[XG_SIM_CLIENT_ID_LEN];
    char symbol[XG_SIM_SYMBOL_LEN];
    int64_t time_ms;
    bool is_expired;
} bybit_placed;

/* Read one order's fields from c's parameters and place it (lock NOT
 * held; takes it). True with *out filled if placed; otherwise the error
 * went through bybit_sim_error (to the batch item when one runs). The
 * endpoint gate is the caller's. */
bool bybit_sim_place(const bybit_call *c, bybit_placed *out);

/* Cancel the order c's parameters name (orderId, else orderLinkId) in
 * instrument (lock NOT held; takes it). True with *out filled if
 * canceled; otherwise the error went through bybit_sim_error. */
bool bybit_sim_cancel_named(const bybit_call *c, size_t instrument,
                            bybit_placed *out);

/* ---- batch.c ------------------------------------------------------------ */
void bybit_sim_create_batch(const bybit_call *c);
void bybit_sim_cancel_batch(const bybit_call *c);

/* ---- history.c ---------------------------------------------------------- */
void bybit_sim_history(const bybit_call *c);
void bybit_sim_executions(const bybit_call *c);

/* ---- public.c ----------------------------------------------------------- */
void bybit_sim_time(const bybit_call *c);
void bybit_sim_instruments(const bybit_call *c);
void bybit_sim_tickers(const bybit_call *c);
void bybit_sim_orderbook(const bybit_call *c);
void bybit_sim_recent_trade(const bybit_call *c);

/* ---- account.c ---------------------------------------------------------- */
void bybit_sim_wallet_balance(const bybit_call *c);
void bybit_sim_account_info(const bybit_call *c);
void bybit_sim_query_api(const bybit_call *c);
void bybit_sim_coin_info(const bybit_call *c);

/* ---- stream.c: the private stream the dialect table names -------------- */
extern const xg_sim_stream_dialect bybit_sim_stream;

#endif
