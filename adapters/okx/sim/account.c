/*
 * account.c - the account paths of xgsim's OKX dialect: balances (GET
 * /account/balance), the account's configuration (GET /account/config),
 * currencies (GET /asset/currencies, private on OKX) and fee rates (GET
 * /account/trade-fee).
 *
 * A balance row is availBal (free), frozenBal (locked by open orders),
 * cashBal and eq (both their sum: a spot cash account has no borrowing);
 * an asset at zero has no row, as on OKX.
 * The account is a spot-mode (acctLv 1) account at fee level Lv1; the
 * currencies are the assets of the simulator's instruments, one chain
 * each, with deposits and withdrawals off because the simulator has none.
 * dialect.c routes authenticated requests here, their limits already
 * charged; this file calls only common.c and the simulator.
 */
#include "okx_sim.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>

/* Whether asset is one of list's comma-separated names ("BTC,USDT");
 * NULL or "" lists every asset. */
static bool
okx_sim_ccy_listed(const char *list, const char *asset)
{
    size_t n = strlen(asset);

    if (list == NULL || list[0] == '\0') {
        return true;
    }
    for (const char *p = list; *p != '\0';) {
        const char *comma = strchr(p, ',');
        size_t len = comma != NULL ? (size_t)(comma - p) : strlen(p);
        if (len == n && strncmp(p, asset, n) == 0) {
            return true;
        }
        p += len;
        if (*p == ',') {
            p++;
        }
    }
    return false;
}

void
okx_sim_balance(const okx_call *c)
{
    const char *ccy = okx_sim_param(c, "ccy");
    json_t *details = json_array();
    const xg_sim_account *a = &c->v->book.accounts[c->account];
    char ts[24];

    okx_sim_ms_text(c->now_ms, ts);
    xg_sim_venue_lock(c->v);
    xg_sim_book_advance(&c->v->book, c->now_ms);
    for (size_t i = 0; i < a->nbalances; i++) {
        const xg_sim_balance *bal = &a->balances[i];
        /* "The currency details will not be returned when cashBal and eq
         * is both 0" (Trading account > Get balance). */
        if (!okx_sim_ccy_listed(ccy, bal->asset) ||
            bal->free + bal->locked == 0) {
            continue;
        }
        json_array_append_new(
            details,
            json_pack("{ss so so so so so ss}", "ccy", bal->asset, "availBal",
                      okx_sim_amount(bal->free), "frozenBal",
                      okx_sim_amount(bal->locked), "ordFrozen",
                      okx_sim_amount(bal->locked), "cashBal",
                      okx_sim_amount(bal->free + bal->locked), "eq",
                      okx_sim_amount(bal->free + bal->locked), "uTime", ts));
    }
    xg_sim_venue_unlock(c->v);
    okx_sim_ok(c->resp,
               json_pack("[{so ss}]", "details", details, "uTime", ts));
}

void
okx_sim_config(const okx_call *c)
{
    char uid[24];

    /* A stable made-up user id per account. */
    okx_sim_uid_text(c->account, uid);
    okx_sim_ok(
        c->resp,
        json_pack("[{ss ss ss ss ss sb ss ss ss ss sb ss ss ss ss s[] ss}]",
                  "uid", uid, "mainUid", uid, "acctLv", "1", "posMode",
                  "net_mode", "level", "Lv1", "autoLoan", 0, "greeksType", "PA",
                  "ctIsoMode", "automatic", "mgnIsoMode", "automatic",
                  "roleType", "0", "enableSpotBorrow", 0, "label", "xgsim",
                  "perm", "read_only,trade", "ip", "", "kycLv", "0",
                  "traderInsts", "type", "0"));
}

/* The chain name OKX gives an asset's main network. */
static const char *
okx_sim_chain(const char *asset)
{
    static const char *const chains[][2] = {
        {"BTC", "Bitcoin"}, {"ETH", "ERC20"},  {"SOL", "Solana"},
        {"USDT", "ERC20"},  {"USDC", "ERC20"},
    };
    for (size_t i = 0; i < sizeof(chains) / sizeof(chains[0]); i++) {
        if (strcmp(chains[i][0], asset) == 0) {
            return chains[i][1];
        }
    }
    return asset;
}

static void
okx_sim_add_currency(json_t *data, const char *asset)
{
    char chain[2 * XG_SIM_ASSET_LEN + 2];
    size_t i = 0;
    json_t *item = NULL;

    json_array_foreach(data, i, item)
    {
        if (strcmp(json_string_value(json_object_get(item, "ccy")), asset) ==
            0) {
            return;
        }
    }
    snprintf(chain, sizeof(chain), "%s-%s", asset, okx_sim_chain(asset));
    json_array_append_new(
        data, json_pack("{ss ss ss sb sb sb sb ss ss ss ss ss ss}", "ccy",
                        asset, "name", asset, "chain", chain, "canDep", 0,
                        "canWd", 0, "canInternal", 0, "mainNet", 1, "minWd",
                        "0", "maxWd", "0", "wdTickSz", "8", "minFee", "0",
                        "maxFee", "0", "logoLink", ""));
}

void
okx_sim_currencies(const okx_call *c)
{
    const char *ccy = okx_sim_param(c, "ccy");
    json_t *data = json_array();

    /* Instruments are fixed after setup: no lock needed. */
    for (size_t i = 0; i < c->v->book.ninstruments; i++) {
        const xg_sim_instrument *in = &c->v->book.instruments[i];
        if (okx_sim_ccy_listed(ccy, in->base)) {
            okx_sim_add_currency(data, in->base);
        }
        if (okx_sim_ccy_listed(ccy, in->quote)) {
            okx_sim_add_currency(data, in->quote);
        }
    }
    okx_sim_ok(c->resp, data);
}

/* A fee rate in millionths as OKX signs it: "-0.0008" for a charge. */
static void
okx_sim_rate_text(int64_t ppm, char out[XG_SIM_FIXED_BUFSZ + 1])
{
    okx_sim_fee_text(ppm * 100, out); /* ppm -> scale 8 */
}

void
okx_sim_trade_fee(const okx_call *c)
{
    okx_inst_type t = OKX_TYPE_NONE;
    char maker[XG_SIM_FIXED_BUFSZ + 1], taker[XG_SIM_FIXED_BUFSZ + 1];
    char ts[24];

    if (!okx_sim_inst_type_param(c, true, &t)) {
        return;
    }
    if (t != OKX_TYPE_SPOT) {
        okx_sim_ok(c->resp, json_array());
        return;
    }
    /* The config is fixed once the server runs: no lock needed. */
    okx_sim_rate_text(c->v->book.config.maker_fee_ppm, maker);
    okx_sim_rate_text(c->v->book.config.taker_fee_ppm, taker);
    okx_sim_ms_text(c->now_ms, ts);
    okx_sim_ok(c->resp,
               json_pack("[{ss ss ss ss ss ss ss ss ss ss}]", "category", "1",
                         "instType", "SPOT", "level", "Lv1", "maker", maker,
                         "taker", taker, "makerU", "", "takerU", "", "delivery",
                         "", "exercise", "", "ts", ts));
}
