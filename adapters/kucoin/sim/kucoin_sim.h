/*
 * kucoin_sim.h - shared between the files of xgsim's KuCoin dialect.
 *
 * dialect.c holds the dialect table, settings, the pool model (fixed 30 s
 * windows anchored at the first request) and routing; auth.c
 * authenticates private requests; market.c answers the public market data
 * (symbols, currencies, tickers, books, trades); account.c the account
 * paths (balances, account mode, API key); orders.c the HF order
 * endpoints; history.c order and fill history; stream.c the private
 * stream and the token that opens it; common.c the answer
 * envelopes, amount format and query parsing all of them use. Calls run
 * one way: dialect.c calls the endpoint files, orders.c and history.c
 * share the order object through orders.c, and every file calls common.c,
 * which calls none of them. Compiled into xgsim only, never into the
 * plug-in.
 */
#ifndef XGATE_KUCOIN_SIM_H
#define XGATE_KUCOIN_SIM_H

#include <stdbool.h>
#include <stdint.h>

#include "dialect.h"

/* Which xg_sim_client / xg_sim_account window holds which pool. The
 * window's `index` is the pool window's start (epoch ms) and `count` its
 * usage: KuCoin's windows start at the first request, not on the clock,
 * so the clock-aligned helpers of sim/window.h are not used on them. */
enum { KUCOIN_CW_PUBLIC = 0, KUCOIN_AW_SPOT = 0, KUCOIN_AW_MANAGEMENT = 1 };

/* --set kucoin.<key>=<value>; every value an integer
 * (docs/simulator-kucoin.md). */
typedef struct kucoin_settings {
    int64_t spot_limit;
    int64_t management_limit;
    int64_t public_limit;
    int64_t window_ms;
    int64_t timestamp_window_ms;
    int64_t limits;
    /* The private stream (stream.c): the bullet's pingInterval, the
     * idle cut, how long a token opens connections, a connection's
     * life. */
    int64_t stream_ping_ms;
    int64_t stream_idle_ms;
    int64_t stream_token_ms;
    int64_t stream_life_ms;
} kucoin_settings;

/* A request that passed the IP gate and, for private endpoints,
 * authentication and the Spot pool. */
typedef struct kucoin_call {
    xg_sim_venue *v;
    const kucoin_settings *set;
    const xg_sim_request *req;
    xg_sim_response *resp;
    const xg_sim_params *params; /* the decoded query */
    const char *symbol;          /* ?symbol=..., decoded, or NULL */
    /* The path's last segment for the {orderId} and {clientOid} paths,
     * or NULL; by_client tells which. */
    const char *path_id;
    bool by_client;
    size_t account;
    int64_t now_ms;
} kucoin_call;

/* ---- common.c ---------------------------------------------------------- */

/* {"code":"<code>","msg":msg} with HTTP status; outcome for the log. */
void kucoin_sim_error(xg_sim_response *resp, int status, int code,
                      const char *msg, const char *outcome);

/* {"code":"200000","data":data} (data stolen). */
void kucoin_sim_ok(xg_sim_response *resp, json_t *data, const char *outcome);

/* An amount as KuCoin prints it: 8 decimals at most, no trailing zeros
 * ("35000.1", "0.00001", "-0.5"). Given. */
json_t *kucoin_sim_num(int64_t v);

/* A fee rate in millionths as KuCoin prints rates ("0.001"). Given. */
json_t *kucoin_sim_rate(int64_t ppm);

/* Optional integer query parameter `name` into *out: absent or empty
 * gives def; otherwise 1..18 plain digits within [lo, hi]. On anything
 * else answers 400100 naming the parameter and returns false. */
bool kucoin_sim_query_int(const kucoin_call *c, const char *name, int64_t lo,
                          int64_t hi, int64_t def, int64_t *out);

/* The instrument named by ?symbol=, answering 400100 when it is missing
 * and 400600 when it is unknown (returns false then). */
bool kucoin_sim_query_symbol(const kucoin_call *c, size_t *inst);

/* A 24-hex-digit order id (the form orders.c prints) into *id > 0;
 * false for anything else. */
bool kucoin_sim_parse_order_id(const char *text, int64_t *id);

/* The order id as KuCoin prints it: 24 hex digits. */
void kucoin_sim_format_order_id(int64_t id, char out[32]);

/* ---- auth.c ------------------------------------------------------------ */

/* Key, passphrase, timestamp, signature of req at the server's now_ms.
 * Returns true if authenticated (*account set); otherwise resp holds the
 * error. Takes no lock: accounts are fixed once the server runs. */
bool kucoin_sim_authenticate(xg_sim_venue *v, const kucoin_settings *s,
                             const xg_sim_request *req, int64_t now_ms,
                             xg_sim_response *resp, size_t *account);

/* ---- market.c: public endpoints ----------------------------------------- */

void kucoin_sim_symbols(const kucoin_call *c);
void kucoin_sim_currencies(const kucoin_call *c);
void kucoin_sim_status(const kucoin_call *c);
void kucoin_sim_level1(const kucoin_call *c);
void kucoin_sim_stats(const kucoin_call *c);
void kucoin_sim_all_tickers(const kucoin_call *c);
/* max_levels per side: 20, 100, or 0 for the whole book (v3 level2). */
void kucoin_sim_level2(const kucoin_call *c, size_t max_levels);
void kucoin_sim_histories(const kucoin_call *c);
/* What is not modelled answers empty: cross and isolated margin symbols,
 * futures contracts. */
void kucoin_sim_margin_symbols(const kucoin_call *c);
void kucoin_sim_empty_list(const kucoin_call *c);

/* ---- account.c ------------------------------------------------------------
 */

void kucoin_sim_accounts(const kucoin_call *c);
void kucoin_sim_account_mode(const kucoin_call *c);
void kucoin_sim_hf_opened(const kucoin_call *c);
void kucoin_sim_api_key(const kucoin_call *c);
void kucoin_sim_user_info(const kucoin_call *c);

/* ---- orders.c: the endpoints ------------------------------------------- */

void kucoin_sim_new_order(const kucoin_call *c);
void kucoin_sim_new_orders(const kucoin_call *c);
void kucoin_sim_alter(const kucoin_call *c);
void kucoin_sim_cancel(const kucoin_call *c);
void kucoin_sim_cancel_symbol(const kucoin_call *c);
void kucoin_sim_query(const kucoin_call *c);
void kucoin_sim_active(const kucoin_call *c);
void kucoin_sim_active_symbols(const kucoin_call *c);

/* The HF order object (lock held). Given. */
json_t *kucoin_sim_order_json(const xg_sim_book *b, const xg_sim_order *o);

/* ---- history.c ------------------------------------------------------------
 */

void kucoin_sim_done(const kucoin_call *c);
void kucoin_sim_fills(const kucoin_call *c);

/* ---- stream.c ---------------------------------------------------------- */

/* POST /api/v1/bullet-private: a token and the instance server. */
void kucoin_sim_bullet(const kucoin_call *c);

/* The private stream the dialect table names. */
extern const xg_sim_stream_dialect kucoin_sim_stream;

#endif
