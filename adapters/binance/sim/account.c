/*
 * account.c - xgsim's Binance dialect: the endpoints about an account
 * rather than one order - its open orders, cancel all on a symbol, and
 * its balances (GET /api/v3/account) - per the Binance fact sheet
 * (binance.md). Orders are shown and canceled in orders.c's shapes; like
 * orders.c, this file calls only common.c and the simulator's book.
 */
#include "binance_sim.h"

#include <stdlib.h>
#include <string.h>

static int
binance_sim_cmp_index(const void *a, const void *b)
{
    size_t x = *(const size_t *)a;
    size_t y = *(const size_t *)b;

    return x < y ? -1 : x > y;
}

/* Sorted indices of the account's open orders (on inst, or all when
 * all_symbols), lock held. Given: *out, free with free(). */
static xg_err
binance_sim_collect_open(const binance_call *c, size_t inst, bool all_symbols,
                         size_t **out, size_t *n)
{
    const xg_sim_book *b = &c->v->book;
    size_t *idx = malloc((b->nopen + 1) * sizeof(*idx));
    size_t k = 0;

    if (idx == NULL) {
        return XG_ERR_NOMEM;
    }
    for (size_t i = 0; i < b->nopen; i++) {
        const xg_sim_order *o = &b->orders[b->open[i]];
        if (o->account == c->account &&
            (all_symbols || o->instrument == inst)) {
            idx[k++] = b->open[i];
        }
    }
    qsort(idx, k, sizeof(*idx), binance_sim_cmp_index);
    *out = idx;
    *n = k;
    return XG_OK;
}

void
binance_sim_open_orders(const binance_call *c)
{
    const char *symbol = xg_sim_params_get(c->params, "symbol");
    size_t inst = 0;
    size_t *idx = NULL;
    size_t n = 0;
    json_t *arr = NULL;

    if (symbol != NULL && !binance_sim_symbol(c, &inst)) {
        return;
    }
    xg_sim_venue_lock(c->v);
    xg_sim_book_advance(&c->v->book, c->now_ms);
    if (binance_sim_collect_open(c, inst, symbol == NULL, &idx, &n) != XG_OK) {
        xg_sim_venue_unlock(c->v);
        binance_sim_error(c->resp, 500, -1001, "Internal error.", "rejected");
        return;
    }
    arr = json_array();
    for (size_t i = 0; arr != NULL && i < n; i++) {
        json_array_append_new(
            arr,
            binance_sim_query_json(&c->v->book, &c->v->book.orders[idx[i]]));
    }
    xg_sim_venue_unlock(c->v);
    free(idx);
    xg_sim_response_json(c->resp, 200, arr);
    c->resp->outcome = "queried";
}

/*
 * DELETE /api/v3/openOrders: cancel every open order of the account on
 * the symbol, oldest first, each through the book's cancel as
 * DELETE /api/v3/order does, and answer them in that endpoint's shape.
 * Weight 1 (the route table), nothing on the unfilled-order count. With
 * nothing open: 400 -2011 "Unknown order sent.", which Binance answers
 * though rest-api.md does not say so (binance/binance-connector-python
 * issue 185; docs/simulator.md marks it assumed).
 */
void
binance_sim_cancel_all(const binance_call *c)
{
    size_t inst = 0;
    size_t *idx = NULL;
    size_t n = 0;
    json_t *arr = NULL;

    if (!binance_sim_symbol(c, &inst)) {
        return;
    }
    xg_sim_venue_lock(c->v);
    xg_sim_book_advance(&c->v->book, c->now_ms);
    if (binance_sim_collect_open(c, inst, false, &idx, &n) != XG_OK) {
        xg_sim_venue_unlock(c->v);
        binance_sim_error(c->resp, 500, -1001, "Internal error.", "rejected");
        return;
    }
    if (n == 0) {
        xg_sim_venue_unlock(c->v);
        free(idx);
        binance_sim_error(c->resp, 400, -2011, "Unknown order sent.",
                          "rejected");
        return;
    }
    /* The log names the request by its first (oldest) order, as a
     * request names one order (docs/simulator.md, Request log). */
    xg_sim_response_client_id(c->resp, c->v->book.orders[idx[0]].client_id);
    arr = json_array();
    for (size_t i = 0; i < n; i++) {
        xg_sim_order *o = &c->v->book.orders[idx[i]];
        if (xg_sim_book_cancel(&c->v->book, o, c->now_ms) == XG_OK &&
            arr != NULL) {
            json_array_append_new(arr, binance_sim_cancel_json(c, o, NULL));
        }
    }
    xg_sim_venue_unlock(c->v);
    free(idx);
    xg_sim_response_json(c->resp, 200, arr);
    c->resp->outcome = "canceled";
}

/* GET /api/v3/account: the fee rates and the shared book's balances of
 * the account (free, and locked by its open orders), the ones with
 * neither left out with omitZeroBalances=true. Weight 20 (the route
 * table). */
void
binance_sim_account(const binance_call *c)
{
    const char *omit = xg_sim_params_get(c->params, "omitZeroBalances");
    bool omit_zero = omit != NULL && strcmp(omit, "true") == 0;
    json_t *bals = json_array();
    char free_s[XG_SIM_FIXED_BUFSZ];
    char locked_s[XG_SIM_FIXED_BUFSZ];
    char maker_s[XG_SIM_FIXED_BUFSZ];
    char taker_s[XG_SIM_FIXED_BUFSZ];

    xg_sim_venue_lock(c->v);
    xg_sim_book_advance(&c->v->book, c->now_ms);
    const xg_sim_book_config *cfg = &c->v->book.config;
    /* Rates: millionths -> a decimal fraction (scale 8), and the
     * integer basis points of the older fields. */
    xg_sim_fixed_format(cfg->maker_fee_ppm * 100, maker_s);
    xg_sim_fixed_format(cfg->taker_fee_ppm * 100, taker_s);
    int maker_bp = (int)(cfg->maker_fee_ppm / 100);
    int taker_bp = (int)(cfg->taker_fee_ppm / 100);
    const xg_sim_account *a = &c->v->book.accounts[c->account];
    for (size_t i = 0; bals != NULL && i < a->nbalances; i++) {
        const xg_sim_balance *bal = &a->balances[i];
        if (omit_zero && bal->free == 0 && bal->locked == 0) {
            continue;
        }
        xg_sim_fixed_format(bal->free, free_s);
        xg_sim_fixed_format(bal->locked, locked_s);
        json_array_append_new(bals,
                              json_pack("{ss ss ss}", "asset", bal->asset,
                                        "free", free_s, "locked", locked_s));
    }
    xg_sim_venue_unlock(c->v);
    xg_sim_response_json(
        c->resp, 200,
        json_pack("{si si si si s{ssssssss} sb sb sb sb sb sb sI ss so* "
                  "s[s] si}",
                  "makerCommission", maker_bp, "takerCommission", taker_bp,
                  "buyerCommission", 0, "sellerCommission", 0,
                  "commissionRates", "maker", maker_s, "taker", taker_s,
                  "buyer", "0.00000000", "seller", "0.00000000", "canTrade", 1,
                  "canWithdraw", 0, "canDeposit", 0, "brokered", 0,
                  "requireSelfTradePrevention", 0, "preventSor", 0,
                  "updateTime", (json_int_t)c->now_ms, "accountType", "SPOT",
                  "balances", bals, "permissions", "SPOT", "uid",
                  (int)(c->account + 1)));
    c->resp->outcome = "queried";
}
