/*
 * wallet.c - xgsim's Binance dialect: the paths beyond /api/v3 a client
 * such as ccxt reads on its own before trading, answered as truthfully as
 * a spot-only simulator can.
 *
 * GET /sapi/v1/capital/config/getall lists every asset the venue trades
 * or the account holds, with the account's free and locked amounts and
 * no networks (xgsim has no deposits or withdrawals). The cross and
 * isolated margin pair lists are empty (no margin), and the USD-M and
 * COIN-M futures exchangeInfo list no symbols (no futures), each in the
 * shape Binance gives it. dialect.c routes these and charges them to the
 * SAPI or futures weight windows; this file only answers.
 */
#include "binance_sim.h"

#include <stdio.h>
#include <string.h>

/* Whether arr already lists asset. */
static bool
binance_sim_has_coin(json_t *arr, const char *asset)
{
    size_t i = 0;
    json_t *item = NULL;

    json_array_foreach(arr, i, item)
    {
        const char *coin = json_string_value(json_object_get(item, "coin"));
        if (coin != NULL && strcmp(coin, asset) == 0) {
            return true;
        }
    }
    return false;
}

static json_t *
binance_sim_coin_json(const xg_sim_book *b, size_t account, const char *asset)
{
    const xg_sim_balance *bal = xg_sim_book_balance(b, account, asset);
    json_t *zero = binance_sim_amount(0);

    /* name: xgsim knows assets by code only. */
    json_t *j = json_pack(
        "{ss sb sb ss so so sO sO sO sO sO sb sb s[]}", "coin", asset,
        "depositAllEnable", 0, "withdrawAllEnable", 0, "name", asset, "free",
        binance_sim_amount(bal != NULL ? bal->free : 0), "locked",
        binance_sim_amount(bal != NULL ? bal->locked : 0), "freeze", zero,
        "withdrawing", zero, "ipoing", zero, "ipoable", zero, "storage", zero,
        "isLegalMoney", 0, "trading", 1, "networkList");
    json_decref(zero);
    return j;
}

void
binance_sim_coins(const binance_call *c)
{
    json_t *arr = json_array();

    xg_sim_venue_lock(c->v);
    xg_sim_book_advance(&c->v->book, c->now_ms);
    const xg_sim_book *b = &c->v->book;
    for (size_t i = 0; arr != NULL && i < b->ninstruments; i++) {
        const char *assets[2] = {b->instruments[i].base,
                                 b->instruments[i].quote};
        for (size_t k = 0; k < 2; k++) {
            if (!binance_sim_has_coin(arr, assets[k])) {
                json_array_append_new(
                    arr, binance_sim_coin_json(b, c->account, assets[k]));
            }
        }
    }
    const xg_sim_account *a = &b->accounts[c->account];
    for (size_t i = 0; arr != NULL && i < a->nbalances; i++) {
        if (!binance_sim_has_coin(arr, a->balances[i].asset)) {
            json_array_append_new(
                arr,
                binance_sim_coin_json(b, c->account, a->balances[i].asset));
        }
    }
    xg_sim_venue_unlock(c->v);
    xg_sim_response_json(c->resp, 200, arr);
    c->resp->outcome = "queried";
}

void
binance_sim_margin_pairs(const binance_call *c)
{
    xg_sim_response_json(c->resp, 200, json_array());
    c->resp->outcome = "queried";
}

/* The futures exchangeInfo shape (fapi / dapi): the futures limits the
 * venue publishes (2400 weight and 1200 orders a minute, 300 orders per
 * 10 s), no assets, no symbols. */
void
binance_sim_futures_info(const binance_call *c)
{
    xg_sim_response_json(
        c->resp, 200,
        json_pack("{ss sI s[{ss ss si sI} {ss ss si si} {ss ss si si}] "
                  "s[] s[] s[]}",
                  "timezone", "UTC", "serverTime", (json_int_t)c->now_ms,
                  "rateLimits", "rateLimitType", "REQUEST_WEIGHT", "interval",
                  "MINUTE", "intervalNum", 1, "limit",
                  (json_int_t)c->set->futures_weight_limit, "rateLimitType",
                  "ORDERS", "interval", "MINUTE", "intervalNum", 1, "limit",
                  1200, "rateLimitType", "ORDERS", "interval", "SECOND",
                  "intervalNum", 10, "limit", 300, "exchangeFilters", "assets",
                  "symbols"));
    c->resp->outcome = "queried";
}
