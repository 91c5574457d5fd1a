/*
 * kucoin_sim.h - shared between the files of xgsim's KuCoin dialect.
 *
 * dialect.c holds the dialect table, settings, the pool model (fixed 30 s
 * windows anchored at the first request), routing and the public
 * endpoints; auth.c authenticates private requests; orders.c holds the HF
 * order endpoints; common.c the answer envelopes and amount format all of
 * them use. Calls run one way: dialect.c calls auth.c and orders.c, and
 * every file calls common.c, which calls none of them. Compiled into xgsim
 * only, never into the plug-in.
 */
#ifndef XGATE_KUCOIN_SIM_H
#define XGATE_KUCOIN_SIM_H

#include <stdint.h>

#include "dialect.h"

/* Which xg_sim_client / xg_sim_account window holds which pool. The
 * window's `index` is the pool window's start (epoch ms) and `count` its
 * usage: KuCoin's windows start at the first request, not on the clock,
 * so the clock-aligned helpers of sim/window.h are not used on them. */
enum { KUCOIN_CW_PUBLIC = 0, KUCOIN_AW_SPOT = 0 };

/* --set kucoin.<key>=<value>; every value an integer
 * (docs/simulator-kucoin.md). */
typedef struct kucoin_settings {
    int64_t spot_limit;
    int64_t public_limit;
    int64_t window_ms;
    int64_t timestamp_window_ms;
    int64_t limits;
} kucoin_settings;

/* A request that passed the IP gate and, for private endpoints,
 * authentication and the Spot pool. */
typedef struct kucoin_call {
    xg_sim_venue *v;
    const kucoin_settings *set;
    const xg_sim_request *req;
    xg_sim_response *resp;
    const char *symbol;  /* ?symbol=..., decoded, or NULL */
    const char *path_id; /* {clientOid} of /client-order/ paths, or NULL */
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
 * ("35000.1", "0.00001"). Given. */
json_t *kucoin_sim_num(int64_t v);

/* ---- auth.c ------------------------------------------------------------ */

/* Key, passphrase, timestamp, signature of req at the server's now_ms.
 * Returns true if authenticated (*account set); otherwise resp holds the
 * error. Takes no lock: accounts are fixed once the server runs. */
bool kucoin_sim_authenticate(xg_sim_venue *v, const kucoin_settings *s,
                             const xg_sim_request *req, int64_t now_ms,
                             xg_sim_response *resp, size_t *account);

/* ---- orders.c: the endpoints ------------------------------------------- */

void kucoin_sim_new_order(const kucoin_call *c);
void kucoin_sim_cancel(const kucoin_call *c);
void kucoin_sim_query(const kucoin_call *c);
void kucoin_sim_active(const kucoin_call *c);

#endif
