/*
 * adapter.c - the OKX v5 spot plug-in's entry table, create and destroy.
 *
 * This file is what the core's loader sees: the one exported symbol,
 * xg_adapter_entry, returns a const table pointing at the functions of the
 * other files (requests.c builds, sign.c signs, parse.c reads answers and
 * gives instruments their limiter scopes, limits.c describes the buckets).
 * It also owns the instance's lifetime: create checks the credentials
 * (OKX needs a passphrase besides key and secret) and the venue options
 * from the config file and keys the HMAC once; destroy wipes the key
 * material and frees the scope table and parse.c's token array. The
 * plug-in has no mutable global.
 */
#include "okx.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xgate/adapter_util.h"

/* The venue options: integer limits and reserves in this table, and
 * by okx_other_option simulated_trading (OKX's demo trading header and
 * stream host) and stream_url. */
static const xg_option_spec okx_options[] = {
    {"window_ms", offsetof(okx, window_ms), 1, OKX_WINDOW_MS_MAX},
    {"time_limit", offsetof(okx, limit) + OKX_B_TIME * sizeof(int64_t), 1,
     OKX_LIMIT_MAX},
    {"instruments_limit",
     offsetof(okx, limit) + OKX_B_INSTRUMENTS * sizeof(int64_t), 1,
     OKX_LIMIT_MAX},
    {"place_limit", offsetof(okx, limit) + OKX_B_PLACE * sizeof(int64_t), 1,
     OKX_LIMIT_MAX},
    {"cancel_limit", offsetof(okx, limit) + OKX_B_CANCEL * sizeof(int64_t), 1,
     OKX_LIMIT_MAX},
    {"query_limit", offsetof(okx, limit) + OKX_B_QUERY * sizeof(int64_t), 1,
     OKX_LIMIT_MAX},
    {"pending_limit", offsetof(okx, limit) + OKX_B_PENDING * sizeof(int64_t), 1,
     OKX_LIMIT_MAX},
    {"amend_limit", offsetof(okx, limit) + OKX_B_AMEND * sizeof(int64_t), 1,
     OKX_LIMIT_MAX},
    {"batch_place_limit",
     offsetof(okx, limit) + OKX_B_BATCH_PLACE * sizeof(int64_t), 1,
     OKX_LIMIT_MAX},
    {"batch_cancel_limit",
     offsetof(okx, limit) + OKX_B_BATCH_CANCEL * sizeof(int64_t), 1,
     OKX_LIMIT_MAX},
    {"balance_limit", offsetof(okx, limit) + OKX_B_BALANCE * sizeof(int64_t), 1,
     OKX_LIMIT_MAX},
    {"batch_amend_limit",
     offsetof(okx, limit) + OKX_B_BATCH_AMEND * sizeof(int64_t), 1,
     OKX_LIMIT_MAX},
    {"fills_limit", offsetof(okx, limit) + OKX_B_FILLS * sizeof(int64_t), 1,
     OKX_LIMIT_MAX},
    {"config_limit", offsetof(okx, limit) + OKX_B_CONFIG * sizeof(int64_t), 1,
     OKX_LIMIT_MAX},
    {"cancel_reserve_pct", offsetof(okx, cancel_reserve_pct), 0,
     OKX_RESERVE_PCT_MAX},
    {"query_reserve_pct", offsetof(okx, query_reserve_pct), 0,
     OKX_RESERVE_PCT_MAX},
    {"recv_window_ms", offsetof(okx, exp_time_ms), 0, OKX_EXP_TIME_MS_MAX},
};

static xg_err
okx_other_option(void *inst, const xg_kv *kv, char *err, size_t err_len)
{
    okx *o = inst;
    xg_err rc = xg_stream_url_option(kv, "okx", o->stream_url,
                                     sizeof(o->stream_url), err, err_len);

    if (rc != XG_ERR_NOT_FOUND) {
        return rc;
    }
    if (strcmp(kv->key, "simulated_trading") != 0) {
        return XG_ERR_NOT_FOUND;
    }
    if (kv->value != NULL &&
        (strcmp(kv->value, "1") == 0 || strcmp(kv->value, "true") == 0)) {
        o->simulated_trading = 1;
    } else if (kv->value != NULL && (strcmp(kv->value, "0") == 0 ||
                                     strcmp(kv->value, "false") == 0)) {
        o->simulated_trading = 0;
    } else {
        xg_adapter_err(err, err_len, "okx", "option ", kv->key,
                       " must be true/false or 1/0");
        return XG_ERR_CONFIG;
    }
    return XG_OK;
}

static xg_err
okx_check_credentials(const xg_adapter_config *cfg, char *err, size_t err_len)
{
    xg_err rc = xg_adapter_check_credentials(cfg, "okx", OKX_API_KEY_MAX, 1,
                                             err, err_len);
    if (rc != XG_OK) {
        return rc;
    }
    /* Sent as it is in OK-ACCESS-PASSPHRASE. */
    if (!xg_is_header_safe(cfg->passphrase, OKX_PASSPHRASE_MAX, 1)) {
        xg_adapter_err(err, err_len, "okx",
                       "passphrase must be 1-128 printable characters", NULL,
                       NULL);
        return XG_ERR_SECRET;
    }
    return XG_OK;
}

xg_err
okx_create(const xg_adapter_config *cfg, void **inst, char *err, size_t err_len)
{
    okx *o = NULL;
    xg_err rc = XG_OK;

    if (err != NULL && err_len > 0) {
        err[0] = '\0';
    }
    if (cfg == NULL || inst == NULL) {
        xg_adapter_err(err, err_len, "okx", "no configuration", NULL, NULL);
        return XG_ERR_INVALID;
    }
    *inst = NULL;
    rc = okx_check_credentials(cfg, err, err_len);
    if (rc != XG_OK) {
        return rc;
    }

    o = calloc(1, sizeof(*o));
    if (o == NULL) {
        xg_adapter_err(err, err_len, "okx", "out of memory", NULL, NULL);
        return XG_ERR_NOMEM;
    }
    okx_default_limits(o);
    rc = xg_adapter_options(cfg, "okx", okx_options,
                            sizeof(okx_options) / sizeof(okx_options[0]), o,
                            okx_other_option, err, err_len);
    if (rc != XG_OK) {
        goto fail;
    }
    if (xg_strlcpy(o->passphrase, cfg->passphrase, sizeof(o->passphrase)) !=
        XG_OK) {
        xg_adapter_err(err, err_len, "okx", "passphrase too long", NULL, NULL);
        rc = XG_ERR_SECRET;
        goto fail;
    }
    rc = xg_adapter_keys(cfg, "okx", o->api_key, sizeof(o->api_key), &o->hmac,
                         err, err_len);
    if (rc != XG_OK) {
        goto fail;
    }
    *inst = o;
    return XG_OK;

fail:
    okx_destroy(o);
    return rc;
}

void
okx_destroy(void *inst)
{
    okx *o = inst;

    if (o == NULL) {
        return;
    }
    xg_hmac_destroy(&o->hmac);
    free(o->scopes);
    xg_json_store_free(&o->json);
    xg_wipe(o, sizeof(*o));
    free(o);
}

static const xg_adapter okx_adapter = {
    .abi_version = XG_ADAPTER_ABI_VERSION,
    .struct_size = (uint32_t)sizeof(xg_adapter),
    .venue = "okx",
    .default_base_url = "https://www.okx.com",
    .caps =
        {
            /* okx.md, Client order id: clOrdId 1-32, case-sensitive
             * letters and digits only (no '-' or '_'). */
            .client_id_max = 32,
            .client_id_chars =
                XG_ID_CHARS_DIGIT | XG_ID_CHARS_LOWER | XG_ID_CHARS_UPPER,
            /* okx.md, Rate-limit model, documents no ban ("no ban
             * escalation documented"), so nothing says how long one
             * lasts: 10 minutes, the gateway's default before ABI 4
             * (Bybit's "wait >= 10 min"). */
            .default_ban_ms = 600000,
            /* GET /api/v5/trade/orders-pending answers at most 100 a page
             * (okx.md does not give the page size; see OKX_PENDING_PAGE). */
            .open_orders_page_max = OKX_PENDING_PAGE,
            /* streams.md, 3.4: the orders channel pushes each order's
             * state and, with a non-empty tradeId, the fill it made and
             * that fill's fee (fillFee, fillFeeCcy). */
            .streams = XG_STREAM_ORDERS | XG_STREAM_FILLS | XG_STREAM_FEES,
            /* POST /api/v5/trade/amend-order changes newPx and newSz of
             * a live order in place, under the same ordId and clOrdId
             * (OKX v5 reference, Trade > Amend order). */
            .amend = XG_AMEND_NATIVE,
            /* POST /api/v5/trade/batch-orders and cancel-batch-orders:
             * "Maximum 20 orders ... per request" (OKX v5 reference,
             * Trade > Place multiple orders, Cancel multiple orders). */
            .batch_new_max = OKX_BATCH_MAX,
            .batch_cancel_max = OKX_BATCH_MAX,
            /* POST /api/v5/trade/amend-batch-orders: "Maximum 20 orders
             * can be amended per request" (OKX v5 reference, Trade >
             * Amend multiple orders). */
            .batch_amend_max = OKX_BATCH_MAX,
            /* OKX's only mass cancel, POST /api/v5/trade/mass-cancel,
             * takes instType OPTION and an instFamily (the MMP orders of
             * options; OKX v5 reference, Trade > Mass cancel order):
             * spot has none, and the core cancels a symbol's orders in
             * batches instead. */
            .cancel_symbol = 0,
            /* Trading account > Get account configuration: uid. */
            .account_id = 1,
        },
    .create = okx_create,
    .destroy = okx_destroy,
    .build = okx_build,
    .parse = okx_parse,
    .limits = okx_limits,
    .sign = okx_sign,
    .stream_plan = okx_stream_plan,
    .stream_login = okx_stream_login,
    .stream_subscribe = okx_stream_subscribe,
    .stream_ping = okx_stream_ping,
    .stream_parse = okx_stream_parse,
};

XG_ADAPTER_EXPORT const xg_adapter *
xg_adapter_entry(void)
{
    return &okx_adapter;
}
