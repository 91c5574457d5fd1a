/*
 * okx_sim.h - shared between the files of xgsim's OKX dialect.
 *
 * dialect.c holds the dialect table, settings, the limit model (sliding
 * 2 s windows per user + instrument + endpoint), routing, server time and
 * instruments; auth.c authenticates private requests; orders.c places,
 * amends, cancels and queries orders, one at a time or in batches; lists.c
 * pages the order lists (pending, history) and the fill history; market.c
 * answers the public market data (ticker, books, trades); account.c the
 * account paths (balance, config, currencies, fee rates); stream.c the
 * private WebSocket (login, the orders channel, pushes); common.c holds
 * the envelopes, number formats and parameter readers all of them use.
 * Calls run one way: dialect.c calls every other file, and every file
 * calls common.c, which calls none of them. Compiled into xgsim only,
 * never into the plug-in; written from the OKX fact sheet (okx.md), never
 * calling the adapter or xgate_prim.
 */
#ifndef XGATE_OKX_SIM_H
#define XGATE_OKX_SIM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dialect.h"

/* Which endpoint a request is for; also the limit key's endpoint part. */
typedef enum okx_route {
    OKX_R_TIME = 0,
    OKX_R_INSTRUMENTS,
    OKX_R_PLACE,
    OKX_R_CANCEL,
    OKX_R_QUERY,
    OKX_R_PENDING,
    OKX_R_BALANCE,
    OKX_R_TICKER,
    OKX_R_TICKERS,
    OKX_R_BOOKS,
    OKX_R_TRADES,
    OKX_R_BATCH_PLACE,
    OKX_R_BATCH_CANCEL,
    OKX_R_HISTORY,
    OKX_R_HISTORY_ARCHIVE,
    OKX_R_FILLS,
    OKX_R_FILLS_HISTORY,
    OKX_R_CONFIG,
    OKX_R_CURRENCIES,
    OKX_R_TRADE_FEE,
    OKX_R_AMEND,
    OKX_R_BATCH_AMEND,
    OKX_R_COUNT,
    OKX_R_UNKNOWN = OKX_R_COUNT
} okx_route;

/* One sliding window: the accepted requests' times of one key, in a ring
 * of `limit` entries. */
typedef struct okx_slide {
    okx_route route;
    size_t who;  /* account index (private) or client index (public) */
    size_t inst; /* instrument index, SIZE_MAX when not per instrument */
    int64_t *times;
    size_t cap, head, count;
} okx_slide;

/* --set okx.<key>=<value>; every value an integer (docs/simulator-okx.md).
 * The slides are the dialect's only mutable state: allocated with the
 * settings and guarded by the venue's mutex. */
typedef struct okx_settings {
    int64_t limit[OKX_R_COUNT]; /* requests per window per key */
    int64_t window_ms;
    /* asset/currencies is documented per second, not per 2 s. */
    int64_t currencies_window_ms;
    int64_t skew_ms;        /* largest |server time - OK-ACCESS-TIMESTAMP| */
    int64_t limits;         /* 1 enforce, 0 never refuse */
    int64_t stream_idle_ms; /* private stream: cut after this much silence */
    int64_t stream_life_ms; /* private stream: cut after this long, 0 never */
    okx_slide *slides;
    size_t nslides, slides_cap;
} okx_settings;

/* A request that passed the ban gate and, for private endpoints,
 * authentication and its limit. */
typedef struct okx_call {
    xg_sim_venue *v;
    const okx_settings *set;
    const xg_sim_request *req;
    xg_sim_response *resp;
    const xg_sim_params *query; /* decoded query string */
    const json_t *body; /* POST: the JSON object (batch: array); else NULL */
    size_t account;
    int64_t now_ms;
} okx_call;

/* Most orders a batch may carry (Place / Amend / Cancel multiple
 * orders). */
#define OKX_SIM_BATCH_MAX 20
/* OKX's largest and default page of the order and fill lists. */
#define OKX_SIM_PAGE 100

/* ---- common.c ---------------------------------------------------------- */

/* {"code":"0","msg":"","data":data} with HTTP 200, outcome "queried";
 * data is stolen. */
void okx_sim_ok(xg_sim_response *resp, json_t *data);

/* The numeric value of an OKX code string, for the request log. */
int okx_sim_code_number(const char *code);

/* A scale-8 amount as OKX writes it, a plain decimal without padding
 * ("0.1", "35000"). Given: a new JSON string. */
json_t *okx_sim_amount(int64_t v);

/* A fee as OKX signs it: "-0.0001" for a charge, "0" for none. */
void okx_sim_fee_text(int64_t fee, char out[XG_SIM_FIXED_BUFSZ + 1]);

/* Epoch milliseconds as a decimal string; out holds 24 bytes. */
void okx_sim_ms_text(int64_t ms, char out[24]);

/* An unsigned integer parameter: absent or "" leaves *out as it is and
 * returns true; otherwise it must be 1..19 digits that fit in int64_t,
 * with a value in [min, max], which goes to *out. false for anything else: the
 * caller answers OKX's parameter error. */
bool okx_sim_uint_param(const okx_call *c, const char *key, int64_t min,
                        int64_t max, int64_t *out);

/* 400, 51000 "Parameter <key> error" (the key is bounded before it is
 * printed). */
void okx_sim_param_error(const okx_call *c, const char *key);

/* Order details as GET /trade/order, /orders-pending and
 * /orders-history give them (lock held). Given: a new object. */
json_t *okx_sim_order_json(const xg_sim_book *b, const xg_sim_order *o);

/* An account's uid as OKX shows it (account config, stream pushes). */
void okx_sim_uid_text(size_t account, char out[24]);

/* OKX's ordType of an order: limit, market, post_only, ioc, fok. */
const char *okx_sim_ord_type_name(const xg_sim_order *o);

/* What instType names: OKX_TYPE_SPOT, OKX_TYPE_OTHER (a real OKX type the
 * simulator does not trade: MARGIN, SWAP, FUTURES, OPTION), OKX_TYPE_NONE
 * (absent or empty) or OKX_TYPE_BAD. */
typedef enum okx_inst_type {
    OKX_TYPE_NONE,
    OKX_TYPE_SPOT,
    OKX_TYPE_OTHER,
    OKX_TYPE_BAD
} okx_inst_type;

okx_inst_type okx_sim_inst_type(const char *text);

/* Reads instType: false (resp set: 50014 if required and absent, 51000
 * if not an OKX type) or true with *t set. */
bool okx_sim_inst_type_param(const okx_call *c, bool required,
                             okx_inst_type *t);

/* {"code":code,"msg":msg,"data":[]} with HTTP status; outcome for the
 * log. */
void okx_sim_error(xg_sim_response *resp, int status, const char *code,
                   const char *msg, const char *outcome);

/* A string parameter: from the JSON body for POST, else the query.
 * NULL if absent or (in a body) not a string. */
const char *okx_sim_param(const okx_call *c, const char *key);

/* ---- auth.c ------------------------------------------------------------ */

/* Headers, key, passphrase, signature and timestamp of req at the
 * server's now_ms (fact sheet, "Signing"; codes from "Error codes", all
 * HTTP 401). Returns true if authenticated (*account set); otherwise resp
 * holds the error. Takes no lock: accounts are fixed once the server
 * runs. */
bool okx_sim_authenticate(xg_sim_venue *v, const okx_settings *s,
                          const xg_sim_request *req, int64_t now_ms,
                          xg_sim_response *resp, size_t *account);

/* ---- the endpoints (lock not held on entry) ---------------------------- */

/* orders.c */
void okx_sim_place(const okx_call *c);
void okx_sim_amend(const okx_call *c);
void okx_sim_cancel(const okx_call *c);
void okx_sim_query(const okx_call *c);
/* c->body is the batch: a JSON array of 1..OKX_SIM_BATCH_MAX objects
 * (dialect.c checked it before charging the limit). */
void okx_sim_batch_place(const okx_call *c);
void okx_sim_batch_amend(const okx_call *c);
void okx_sim_batch_cancel(const okx_call *c);

/* lists.c; is_archive: the 3-month variant of the path. */
void okx_sim_pending(const okx_call *c);
void okx_sim_history(const okx_call *c, bool is_archive);
void okx_sim_fills(const okx_call *c, bool is_archive);

/* market.c */
void okx_sim_ticker(const okx_call *c);
void okx_sim_tickers(const okx_call *c);
void okx_sim_books(const okx_call *c);
void okx_sim_trades(const okx_call *c);

/* stream.c: the private stream the dialect table names. */
extern const xg_sim_stream_dialect okx_sim_stream;

/* account.c */
void okx_sim_balance(const okx_call *c);
void okx_sim_config(const okx_call *c);
void okx_sim_currencies(const okx_call *c);
void okx_sim_trade_fee(const okx_call *c);

#endif
