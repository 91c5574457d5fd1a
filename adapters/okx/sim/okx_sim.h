/*
 * okx_sim.h - shared between the files of xgsim's OKX dialect.
 *
 * dialect.c holds the dialect table, settings, the limit model (sliding
 * 2 s windows per user + instrument + endpoint), routing and the public
 * endpoints; auth.c authenticates private requests; orders.c holds the
 * trading and account endpoints; common.c the error envelope and the
 * parameter reader all of them use. Calls run one way: dialect.c calls
 * auth.c and orders.c, and every file calls common.c, which calls none of
 * them. Compiled into xgsim only, never into the plug-in; written from the
 * OKX fact sheet (okx.md), never calling the adapter or xgate_prim.
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
    int64_t skew_ms; /* largest |server time - OK-ACCESS-TIMESTAMP| */
    int64_t limits;  /* 1 enforce, 0 never refuse */
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
    const json_t *body;         /* POST: the JSON object; else NULL */
    size_t account;
    int64_t now_ms;
} okx_call;

/* ---- common.c ---------------------------------------------------------- */

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

/* ---- orders.c: the endpoints (lock not held on entry) ------------------ */

void okx_sim_place(const okx_call *c);
void okx_sim_cancel(const okx_call *c);
void okx_sim_query(const okx_call *c);
void okx_sim_pending(const okx_call *c);
void okx_sim_balance(const okx_call *c);

#endif
