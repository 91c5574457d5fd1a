/*
 * account.c - the account endpoints of xgsim's Bybit v5 dialect: the
 * unified wallet's balances, the account's margin mode, the API key's
 * information and the coins the venue knows. All are signed and charged
 * to their own per-UID window (Bybit's rate-limit table: wallet-balance
 * 50/s, account/info 50/s, user/query-api 10/s, asset/coin/query-info
 * 5/s).
 *
 * The account is a Unified Trading Account (UTA 2.0 Pro), the only kind
 * Bybit opens today, so a client that asks (ccxt does, before its first
 * balance or order) learns it trades spot through the UNIFIED wallet. In
 * that wallet a coin's walletBalance is free plus locked, locked is what
 * open spot orders hold, and availableToWithdraw is "" (deprecated for
 * UNIFIED since 9 Jan 2025, per the wallet-balance page); the account
 * borrows nothing, so the margin fields are 0. USD values are counted at
 * the market's reference price of <COIN>USDT (USDT at 1; a coin without
 * such a market at 0). Calls only common.c and the simulator.
 */
#include "bybit_sim.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* At most this many coins in a coin=A,B,... filter (the venue's own
 * bound is not documented; the simulator knows only a handful). */
#define BYBIT_MAX_COINS 20

/* The USD value of amount of asset (lock held): the reference price of
 * <asset>USDT, 1 for USDT itself, 0 without a market or on overflow. */
static int64_t
bybit_sim_usd_value(const xg_sim_book *b, const char *asset, int64_t amount)
{
    char symbol[XG_SIM_SYMBOL_LEN];
    size_t i = 0;
    int64_t v = 0;

    if (strcmp(asset, "USDT") == 0) {
        return amount;
    }
    snprintf(symbol, sizeof(symbol), "%sUSDT", asset);
    if (xg_sim_book_find_instrument(b, symbol, &i) != XG_OK ||
        xg_sim_fixed_mul(amount, b->instruments[i].ref_price, &v) != XG_OK) {
        return 0;
    }
    return v;
}

/* Split "A,B,C" into at most BYBIT_MAX_COINS names; false if a name is
 * empty, too long or the list too long. */
static bool
bybit_sim_coin_list(const char *s, char names[][XG_SIM_ASSET_LEN], size_t *n)
{
    size_t len = 0;

    *n = 0;
    for (const char *p = s;; p++) {
        if (*p == ',' || *p == '\0') {
            if (len == 0 || *n == BYBIT_MAX_COINS) {
                return false;
            }
            names[*n][len] = '\0';
            (*n)++;
            len = 0;
            if (*p == '\0') {
                return true;
            }
            continue;
        }
        if (len + 1 >= XG_SIM_ASSET_LEN || *n == BYBIT_MAX_COINS) {
            return false;
        }
        names[*n][len++] = *p;
    }
}

static json_t *
bybit_sim_coin_json(const xg_sim_book *b, const xg_sim_balance *bal,
                    int64_t *usd_total)
{
    char total[XG_SIM_FIXED_BUFSZ], locked[XG_SIM_FIXED_BUFSZ];
    char usd[XG_SIM_FIXED_BUFSZ];
    int64_t sum = bal->free + bal->locked;
    int64_t usd_value = 0;

    if (sum < bal->free) {
        sum = INT64_MAX; /* cannot happen with the book's own amounts */
    }
    usd_value = bybit_sim_usd_value(b, bal->asset, sum);
    if (*usd_total <= INT64_MAX - usd_value) {
        *usd_total += usd_value;
    }
    bybit_sim_fmt(sum, total);
    bybit_sim_fmt(bal->locked, locked);
    bybit_sim_fmt(usd_value, usd);
    return json_pack(
        "{ss ss ss ss ss ss ss ss ss ss ss ss ss ss ss sb sb ss ss ss}", "coin",
        bal->asset, "equity", total, "usdValue", usd, "walletBalance", total,
        "locked", locked, "spotHedgingQty", "0", "borrowAmount", "0",
        "accruedInterest", "0", "totalOrderIM", "0", "totalPositionIM", "0",
        "totalPositionMM", "0", "unrealisedPnl", "0", "cumRealisedPnl", "0",
        "bonus", "0", "spotBorrow", "0", "marginCollateral", 1,
        "collateralSwitch", 1, "availableToWithdraw", "", "availableToBorrow",
        "", "colRes", "0");
}

/* accountType=UNIFIED only (anything else is 10001, as a UTA answers);
 * without coin, the coins with a non-zero balance; with coin=A,B the
 * account's rows of those coins, zero or not. */
void
bybit_sim_wallet_balance(const bybit_call *c)
{
    const char *type = bybit_sim_param(c, "accountType");
    const char *coin = bybit_sim_param(c, "coin");
    char names[BYBIT_MAX_COINS][XG_SIM_ASSET_LEN];
    size_t ncoins = 0;
    int64_t usd = 0;
    char usd_text[XG_SIM_FIXED_BUFSZ];
    json_t *coins = NULL;
    const xg_sim_account *acct = NULL;

    if (!bybit_sim_endpoint_gate(c, BYBIT_EP_WALLET)) {
        return;
    }
    if (type == NULL || strcmp(type, "UNIFIED") != 0) {
        bybit_sim_params_error(c, "accountType only support UNIFIED");
        return;
    }
    if (coin != NULL && coin[0] != '\0' &&
        !bybit_sim_coin_list(coin, names, &ncoins)) {
        bybit_sim_params_error(c, "coin");
        return;
    }
    coins = json_array();
    xg_sim_venue_lock(c->v);
    xg_sim_book_advance(&c->v->book, c->now_ms);
    acct = &c->v->book.accounts[c->account];
    for (size_t i = 0; i < acct->nbalances; i++) {
        const xg_sim_balance *bal = &acct->balances[i];
        bool is_wanted = ncoins == 0 && (bal->free != 0 || bal->locked != 0);
        for (size_t k = 0; k < ncoins && !is_wanted; k++) {
            is_wanted = strcmp(names[k], bal->asset) == 0;
        }
        if (is_wanted) {
            json_array_append_new(coins,
                                  bybit_sim_coin_json(&c->v->book, bal, &usd));
        }
    }
    xg_sim_venue_unlock(c->v);
    bybit_sim_fmt(usd, usd_text);
    bybit_sim_ok(
        c,
        json_pack("{s[{ss ss ss ss ss ss ss ss ss ss ss ss ss ss so}]}", "list",
                  "accountType", "UNIFIED", "accountIMRate", "0",
                  "accountMMRate", "0", "accountIMRateByMp", "0",
                  "accountMMRateByMp", "0", "accountLTV", "0", "totalEquity",
                  usd_text, "totalWalletBalance", usd_text,
                  "totalMarginBalance", usd_text, "totalAvailableBalance",
                  usd_text, "totalPerpUPL", "0", "totalInitialMargin", "0",
                  "totalMaintenanceMargin", "0", "totalInitialMarginByMp", "0",
                  "coin", coins),
        "queried");
}

/* unifiedMarginStatus 6: UTA 2.0 Pro (Bybit's enum), regular margin. */
void
bybit_sim_account_info(const bybit_call *c)
{
    if (!bybit_sim_endpoint_gate(c, BYBIT_EP_ACCOUNT_INFO)) {
        return;
    }
    bybit_sim_ok(c,
                 json_pack("{si ss ss ss si si sb ss}", "unifiedMarginStatus",
                           6, "marginMode", "REGULAR_MARGIN", "dcpStatus",
                           "OFF", "updatedTime", "0", "timeWindow", 10,
                           "smpGroup", 0, "isMasterTrader", 0,
                           "spotHedgingStatus", "OFF"),
                 "queried");
}

/* The calling key: read-write with spot trading and wallet permissions,
 * no IP binding, on a master UTA account (uta 1, unified 0: the old
 * "unified margin" flag is not set on a UTA). The secret is never shown,
 * as on the venue. */
void
bybit_sim_query_api(const bybit_call *c)
{
    char uid[24];

    if (!bybit_sim_endpoint_gate(c, BYBIT_EP_API_INFO)) {
        return;
    }
    snprintf(uid, sizeof(uid), "%lld", (long long)(c->account + 1));
    bybit_sim_ok(
        c,
        json_pack(
            "{ss ss ss si ss s{s[] s[s] s[s] s[] s[] s[] s[] s[] s[] s[]} "
            "s[s] si si ss ss si si sI si ss ss si ss sb ss ss ss}",
            "id", uid, "note", "xgsim", "apiKey",
            xg_sim_request_header(c->req, "X-BAPI-API-KEY"), "readOnly", 0,
            "secret", "", "permissions", "ContractTrade", "Spot", "SpotTrade",
            "Wallet", "AccountTransfer", "Options", "Derivatives",
            "CopyTrading", "BlockTrade", "Exchange", "NFT", "Affiliate", "ips",
            "*", "type", 1, "deadlineDay", -1, "expiredAt", "", "createdAt",
            "2024-01-01T00:00:00Z", "unified", 0, "uta", 1, "userID",
            (json_int_t)(c->account + 1), "inviterID", 0, "vipLevel", "No VIP",
            "mktMakerLevel", "0", "affiliateID", 0, "rsaPublicKey", "",
            "isMaster", 1, "parentUid", "0", "kycLevel", "LEVEL_DEFAULT",
            "kycRegion", ""),
        "queried");
}

/* Every coin of the simulator's instruments, once, with one chain named
 * after the coin (the simulator has no deposits or withdrawals; the
 * chain is there because clients expect the shape). coin=X lists only X
 * (an unknown coin gives an empty list). */
void
bybit_sim_coin_info(const bybit_call *c)
{
    const char *want = bybit_sim_param(c, "coin");
    json_t *rows = NULL;
    const xg_sim_book *b = NULL;

    if (!bybit_sim_endpoint_gate(c, BYBIT_EP_COIN_INFO)) {
        return;
    }
    if (want != NULL && strlen(want) >= XG_SIM_ASSET_LEN) {
        bybit_sim_params_error(c, "coin");
        return;
    }
    rows = json_array();
    xg_sim_venue_lock(c->v);
    b = &c->v->book;
    for (size_t i = 0; i < b->ninstruments * 2; i++) {
        const xg_sim_instrument *in = &b->instruments[i / 2];
        const char *coin = i % 2 == 0 ? in->base : in->quote;
        bool is_seen = false;
        for (size_t k = 0; k < i && !is_seen; k++) {
            const xg_sim_instrument *e = &b->instruments[k / 2];
            is_seen = strcmp(k % 2 == 0 ? e->base : e->quote, coin) == 0;
        }
        if (is_seen ||
            (want != NULL && want[0] != '\0' && strcmp(want, coin) != 0)) {
            continue;
        }
        json_array_append_new(
            rows,
            json_pack("{ss ss ss s[{ss ss ss ss ss ss ss ss ss ss ss ss}]}",
                      "name", coin, "coin", coin, "remainAmount", "0", "chains",
                      "chainType", coin, "confirmation", "1", "withdrawFee",
                      "0", "depositMin", "0", "withdrawMin", "0", "chain", coin,
                      "chainDeposit", "0", "chainWithdraw", "0", "minAccuracy",
                      "8", "withdrawPercentageFee", "0", "contractAddress", "",
                      "safeConfirmNumber", "1"));
    }
    xg_sim_venue_unlock(c->v);
    bybit_sim_ok(c, json_pack("{so}", "rows", rows), "queried");
}
