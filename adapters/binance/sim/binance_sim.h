/*
 * binance_sim.h - shared between the files of xgsim's Binance dialect.
 *
 * dialect.c holds the dialect table, settings, the IP limits (the /api,
 * /sapi and futures weight windows), routing with each path's weight and
 * ping/time/exchangeInfo; auth.c authenticates keyed and signed requests;
 * orders.c holds the endpoints of one order (new, cancel, query, amend,
 * cancel-replace), account.c those of the account (open orders, cancel
 * all, balances), history.c allOrders, myTrades and the order count,
 * market_data.c depth, trades and the tickers, wallet.c the /sapi and
 * futures paths ccxt reads; stream.c the WebSocket API's user data
 * stream (the dialect's stream table); common.c the error answers,
 * parameter parsers and limit bookkeeping all of them use.
 * Calls run one way: dialect.c calls the endpoint files and auth.c,
 * history.c uses orders.c's order shape, stream.c orders.c's names and
 * auth.c's checks, and every file calls common.c,
 * which calls none of them. Compiled into xgsim only, never into the
 * plug-in.
 */
#ifndef XGATE_BINANCE_SIM_H
#define XGATE_BINANCE_SIM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dialect.h"

/* Which xg_sim_client window / xg_sim_account window holds what. The
 * SAPI and futures weights are separate limits on the venue (their own
 * hosts and headers), so they get windows of their own. */
enum {
    BINANCE_CW_WEIGHT = 0,
    BINANCE_CW_RAW = 1,
    BINANCE_CW_SAPI = 2,
    BINANCE_CW_FUTURES = 3,
    BINANCE_AW_ORDERS = 0,
    BINANCE_AW_ORDERS_DAY = 1
};

#define BINANCE_DAY_S 86400

/* --set binance.<key>=<value>; every value an integer (docs/simulator.md). */
typedef struct binance_settings {
    int64_t weight_limit;
    int64_t weight_window_s;
    int64_t sapi_weight_limit;
    int64_t futures_weight_limit;
    int64_t raw_limit;
    int64_t raw_window_s;
    int64_t orders_limit;
    int64_t orders_window_s;
    int64_t orders_day_limit;
    int64_t ban_base_ms;
    int64_t ban_max_ms;
    int64_t ban_after_violations;
    int64_t ban_extend_ms;
    int64_t recv_window_max_ms;
    int64_t limits;
    int64_t stream_ping_ms; /* private stream: a ping frame this often */
    int64_t stream_pong_ms; /* ...closed when its pong is this late */
    int64_t stream_life_ms; /* ...closed this long after the upgrade */
} binance_settings;

/* A request that passed the IP gate and, for signed endpoints, the
 * key/signature/timestamp checks. */
typedef struct binance_call {
    xg_sim_venue *v;
    const binance_settings *set;
    const xg_sim_request *req;
    xg_sim_response *resp;
    const xg_sim_params *params;
    size_t account; /* valid for signed endpoints */
    int64_t now_ms;
} binance_call;

/* ---- common.c ---------------------------------------------------------- */

/* Fill resp with {"code":code,"msg":msg} and HTTP status; outcome for the
 * log. */
void binance_sim_error(xg_sim_response *resp, int status, int code,
                       const char *msg, const char *outcome);

/* The same with a "data" member after msg (taken: its reference is
 * stolen; NULL: none), as a cancel-replace's -2021/-2022 carry. */
void binance_sim_error_data(xg_sim_response *resp, int status, int code,
                            const char *msg, json_t *data, const char *outcome);

/* -1102 for a missing mandatory parameter. */
void binance_sim_missing(xg_sim_response *resp, const char *param);

/* "1M", "10S", "1D": the header suffix of a window of window_s seconds;
 * the interval name and count go to *unit / *num when not NULL. */
void binance_sim_interval(int64_t window_s, char suffix[24], const char **unit,
                          int64_t *num);

/* Whole seconds until left_ms has passed, at least 1: a Retry-After. */
int64_t binance_sim_retry_s(int64_t left_ms);

/* The ban answer: 418, or the HTTP status an admin ban named (429; the
 * body is the same -1003 "IP banned until", which is what says "ban"
 * whatever the status). Lock held for the ban fields. */
void binance_sim_banned(xg_sim_response *resp, int status, int64_t until_ms,
                        int64_t now_ms);

/* A request refused with 429 for a window that resets in left_ms: counts
 * a violation if the client was already refused in this limit period,
 * and bans it after ban_after_violations of them. Returns true if the
 * answer is the ban (418 already in resp), false for a plain 429. Lock
 * held. */
bool binance_sim_violation(const binance_settings *s, xg_sim_client *cl,
                           int64_t now_ms, int64_t left_ms,
                           xg_sim_response *resp);

/* The ORDERS limit gate for a new order, with the venue lock held.
 * Returns true if the order may proceed; otherwise resp holds the 429
 * (-1015) or, for a repeat offender, the 418. */
bool binance_sim_orders_gate(const binance_call *c);

/* Add X-MBX-ORDER-COUNT-* headers for the account (lock held). */
void binance_sim_order_count_headers(const binance_call *c);

/* An optional integer parameter (LONG / INT in the venue's docs): false
 * with resp set when it is empty (-1105), not plain digits (-1100) or
 * longer than 18 digits (-1108, overflow); *present false when absent.
 * Bounded: never reads more than the value's own NUL-terminated bytes. */
bool binance_sim_param_int(xg_sim_response *resp, const xg_sim_params *params,
                           const char *name, int64_t *out, bool *present);

/* The limit parameter: def when absent, at least 1 (0 is -1100), values
 * above max answered as max (the venue returns at most max). False with
 * resp set for a bad value. */
bool binance_sim_param_limit(xg_sim_response *resp, const xg_sim_params *params,
                             int64_t def, int64_t max, int64_t *out);

/* The instrument named by the mandatory symbol parameter; false with resp
 * set (-1102 missing, -1121 unknown). Instruments are fixed once the
 * server runs, so no lock is needed. */
bool binance_sim_symbol(const binance_call *c, size_t *inst);

/* The instruments a market-data call names: symbol=X (*one true), or
 * symbols=["A","B"] (JSON array of strings), or neither (every symbol).
 * selected has room for every instrument. False with resp set: both sent
 * (-1128), symbols malformed (-1100), an unknown symbol (-1121), one
 * named twice (-1151). */
bool binance_sim_symbol_selection(const binance_call *c, bool *selected,
                                  bool *one);

/* How many entries a symbols=[...] parameter names, 0 when absent or
 * malformed (the weight tier of the ticker endpoints). */
size_t binance_sim_count_symbols(const char *symbols);

/* ---- auth.c ------------------------------------------------------------ */

/* Why a request is refused: the HTTP status, the venue's code and
 * message (REST answers them as an error body, the WebSocket API as an
 * error object). */
typedef struct binance_refusal {
    int status;
    int code;
    char msg[160];
} binance_refusal;

/* Whether given is the hex HMAC-SHA256 (either case) of payload[0..len)
 * with secret, compared in constant time. */
bool binance_sim_hex_hmac_ok(const char *secret, const char *payload,
                             size_t len, const char *given);

/* The credentials of API key key (NULL: none sent) and its account in
 * *account. NULL with why set: -2014 (format), -2015 (unknown). No lock
 * needed. */
const xg_sim_secret *binance_sim_find_key(xg_sim_venue *v, const char *key,
                                          size_t *account,
                                          binance_refusal *why);

/* Whether a signed request's timestamp (ms, or µs when 16 digits) and
 * recvWindow (NULL: 5000; three decimals allowed) pass at the server's
 * now_ms: not 1000 ms or more ahead, not older than the window. False
 * with why set: -1100 (malformed), -1131 (window too large), -1021. */
bool binance_sim_time_ok(const binance_settings *s, const char *ts_text,
                         const char *rw_text, int64_t now_ms,
                         binance_refusal *why);

/* The X-MBX-APIKEY of a known account, for the endpoints that need a key
 * but no signature (MARKET_DATA with a key). False with resp set
 * (-2014 / -2015). */
bool binance_sim_api_key(xg_sim_venue *v, const xg_sim_request *req,
                         xg_sim_response *resp, size_t *account);

/* Key, signature, timestamp of a signed request whose parameters (query
 * and body) are params, at the server's now_ms. Returns true if the
 * request is authenticated (*account set); otherwise resp holds the
 * error. Takes no lock: accounts are fixed once the server runs. */
bool binance_sim_authenticate(xg_sim_venue *v, const binance_settings *s,
                              const xg_sim_request *req,
                              const xg_sim_params *params, int64_t now_ms,
                              xg_sim_response *resp, size_t *account);

/* ---- orders.c: the endpoints of one order ------------------------------ */

void binance_sim_new_order(const binance_call *c);
void binance_sim_cancel_order(const binance_call *c);
void binance_sim_amend_order(const binance_call *c);
void binance_sim_cancel_replace(const binance_call *c);
void binance_sim_query_order(const binance_call *c);

/* The names Binance gives an order's status, type and timeInForce
 * (static strings). */
const char *binance_sim_status_name(xg_sim_status s);
const char *binance_sim_type_name(xg_sim_type t);
const char *binance_sim_tif_name(xg_sim_tif t);

/* The order as GET /api/v3/order shows it (also openOrders, allOrders),
 * lock held. Given: the new reference, NULL on OOM. */
json_t *binance_sim_query_json(const xg_sim_book *b, const xg_sim_order *o);

/* The client id given to a cancel of o that names none of its own
 * (Binance: a random one), the same in the cancel's answer and in its
 * stream event. */
void binance_sim_cancel_id(const xg_sim_order *o, char out[32]);

/* The order o as a cancel answers it (also cancel all, cancel-replace's
 * cancelResponse), the cancel named cancel_id (NULL or "": generated),
 * lock held. Given: the new reference, NULL on OOM. */
json_t *binance_sim_cancel_json(const binance_call *c, const xg_sim_order *o,
                                const char *cancel_id);

/* ---- account.c: the endpoints of the account ---------------------------- */

void binance_sim_open_orders(const binance_call *c);
void binance_sim_cancel_all(const binance_call *c);
void binance_sim_account(const binance_call *c);

/* ---- market.c: public market data -------------------------------------- */

void binance_sim_depth(const binance_call *c);
void binance_sim_recent_trades(const binance_call *c);
void binance_sim_ticker_24hr(const binance_call *c);
void binance_sim_ticker_price(const binance_call *c);
void binance_sim_book_ticker(const binance_call *c);
void binance_sim_avg_price(const binance_call *c);

/* ---- history.c: order and fill history, order count --------------------- */

void binance_sim_all_orders(const binance_call *c);
void binance_sim_my_trades(const binance_call *c);
void binance_sim_order_count(const binance_call *c);

/* ---- wallet.c: what ccxt reads beyond /api/v3 --------------------------- */

void binance_sim_coins(const binance_call *c);
void binance_sim_margin_pairs(const binance_call *c);
void binance_sim_futures_info(const binance_call *c);

/* The decimal text of a scale-8 amount as the venue prints it. */
json_t *binance_sim_amount(int64_t v);

/* ---- stream.c: the WebSocket API's user data stream -----------------------
 */

extern const xg_sim_stream_dialect binance_sim_stream;

#endif
