/*
 * account.c - xgsim's KuCoin dialect: the account paths a client reads
 * before and while it trades - balances (GET /api/v1/accounts), the
 * account mode (classic, not unified), whether the HF trading account is
 * open, the API key's description and the user's summary.
 *
 * The book holds one balance per asset and account; KuCoin shows it as
 * that asset's trade (spot) account: balance = available + holds, holds
 * being what open orders lock. The funding ("main") account is not
 * modelled and has no rows. Every answer is read under the venue lock;
 * dialect.c routes here with the request authenticated and its pool
 * charged. Calls only common.c and the simulator.
 */
#include "kucoin_sim.h"

#include <stdio.h>
#include <string.h>

/* A stable 24-hex-digit account id per (account, balance row). */
static void
kucoin_sim_account_id(size_t account, size_t row, char out[32])
{
    snprintf(out, 32, "%012llx%012llx", (unsigned long long)account + 1,
             (unsigned long long)row + 1);
}

/* ?type= main, trade or trade_hf, margin, isolated, option; anything
 * else is refused. Only the trade account has rows. trade_hf is the name
 * the HF trade account had before docs-new folded it into "trade"; ccxt
 * still asks for it and keeps only rows whose type is the one it asked
 * for, so its rows are named trade_hf. */
void
kucoin_sim_accounts(const kucoin_call *c)
{
    static const char *const empty_types[] = {"main", "margin", "isolated",
                                              "option"};
    const char *type = xg_sim_params_get(c->params, "type");
    const char *currency = xg_sim_params_get(c->params, "currency");
    const char *row_type = "trade";
    bool has_rows = true;
    json_t *data = json_array();
    char id[32];

    if (type != NULL && type[0] != '\0' && strcmp(type, "trade") != 0 &&
        strcmp(type, "trade_hf") != 0) {
        has_rows = false;
        bool known = false;
        for (size_t i = 0; i < sizeof(empty_types) / sizeof(empty_types[0]);
             i++) {
            known = known || strcmp(type, empty_types[i]) == 0;
        }
        if (!known) {
            json_decref(data);
            kucoin_sim_error(c->resp, 400, 400100, "type is invalid",
                             "rejected");
            return;
        }
    }
    if (type != NULL && strcmp(type, "trade_hf") == 0) {
        row_type = "trade_hf";
    }
    if (currency != NULL && currency[0] == '\0') {
        currency = NULL;
    }
    xg_sim_venue_lock(c->v);
    xg_sim_book_advance(&c->v->book, c->now_ms);
    const xg_sim_account *a = &c->v->book.accounts[c->account];
    for (size_t i = 0; has_rows && data != NULL && i < a->nbalances; i++) {
        const xg_sim_balance *bal = &a->balances[i];
        if (currency != NULL && strcmp(currency, bal->asset) != 0) {
            continue;
        }
        kucoin_sim_account_id(c->account, i, id);
        json_array_append_new(
            data, json_pack("{ss ss ss so so so}", "id", id, "currency",
                            bal->asset, "type", row_type, "balance",
                            kucoin_sim_num(bal->free + bal->locked),
                            "available", kucoin_sim_num(bal->free), "holds",
                            kucoin_sim_num(bal->locked)));
    }
    xg_sim_venue_unlock(c->v);
    kucoin_sim_ok(c->resp, data, "queried");
}

/* Classic account (not unified): clients then use the HF paths. */
void
kucoin_sim_account_mode(const kucoin_call *c)
{
    kucoin_sim_ok(c->resp,
                  json_pack("{ss s[] s[]}", "selfAccountMode", "CLASSIC",
                            "unifiedSubAccount", "classicSubAccount"),
                  "queried");
}

/* New accounts trade on the HF account (fact sheet). */
void
kucoin_sim_hf_opened(const kucoin_call *c)
{
    kucoin_sim_ok(c->resp, json_true(), "queried");
}

/* The key's own description: a master key of API version 3 with spot
 * trading permission and no IP whitelist. The uid is the account's
 * index. */
void
kucoin_sim_api_key(const kucoin_call *c)
{
    /* The key the request came with, one of the account's. */
    const char *key = xg_sim_request_header(c->req, "KC-API-KEY");

    kucoin_sim_ok(c->resp,
                  json_pack("{ss ss si ss ss sI sI sb}", "remark", "xgsim",
                            "apiKey", key, "apiVersion", 3, "permission",
                            "General,Spot", "ipWhitelist", "", "createdAt",
                            (json_int_t)0, "uid", (json_int_t)c->account + 1,
                            "isMaster", 1),
                  "queried");
}

/* VIP level 0 (the fees and pools the simulator models) and no
 * sub-accounts. */
void
kucoin_sim_user_info(const kucoin_call *c)
{
    kucoin_sim_ok(c->resp,
                  json_pack("{si si si si si si si si si si si si}", "level", 0,
                            "subQuantity", 0, "spotSubQuantity", 0,
                            "marginSubQuantity", 0, "futuresSubQuantity", 0,
                            "optionSubQuantity", 0, "maxSubQuantity", 0,
                            "maxDefaultSubQuantity", 0, "maxSpotSubQuantity", 0,
                            "maxMarginSubQuantity", 0, "maxFuturesSubQuantity",
                            0, "maxOptionSubQuantity", 0),
                  "queried");
}
