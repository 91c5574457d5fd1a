/*
 * adapter.c - the KuCoin spot plug-in's entry table, create and destroy.
 *
 * This file is what the core's loader sees: the one exported symbol,
 * xg_adapter_entry, returns a const table pointing at the functions of the
 * other files (requests.c builds, sign.c signs, parse.c reads answers,
 * limits.c describes the resource pools, stream.c speaks the private
 * stream). It also owns the instance's
 * lifetime: create checks the credentials and venue options, keys the
 * HMAC once and signs the passphrase once (key version 2 sends
 * base64(HMAC-SHA256(secret, passphrase)) on every request, so there is no
 * reason to recompute it); destroy wipes the key material and frees the
 * token array parse.c keeps. The plug-in has no mutable global.
 */
#include "kucoin.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xgate/adapter_util.h"

/* The venue options (and, through kucoin_option, stream_url): reserves,
 * and overrides of the pools for accounts
 * above VIP0 (fact sheet: Spot 16000 at VIP5, 40000 at VIP12) or for a
 * simulator configured with short windows. */
static const xg_option_spec kucoin_options[] = {
    {"cancel_reserve_pct", offsetof(kucoin, cancel_reserve_pct), 0,
     KUCOIN_RESERVE_PCT_MAX},
    {"query_reserve_pct", offsetof(kucoin, query_reserve_pct), 0,
     KUCOIN_RESERVE_PCT_MAX},
    {"spot_pool_limit", offsetof(kucoin, spot_limit), 1, KUCOIN_LIMIT_MAX},
    {"management_pool_limit", offsetof(kucoin, management_limit), 1,
     KUCOIN_LIMIT_MAX},
    {"public_pool_limit", offsetof(kucoin, public_limit), 1, KUCOIN_LIMIT_MAX},
    {"pool_window_ms", offsetof(kucoin, window_ms), 1, KUCOIN_WINDOW_MS_MAX},
};

/* The options the table does not hold: where the private stream
 * connects. */
static xg_err
kucoin_option(void *inst, const xg_kv *kv, char *err, size_t err_len)
{
    kucoin *k = inst;

    return xg_stream_url_option(kv, "kucoin", k->stream_url,
                                sizeof(k->stream_url), err, err_len);
}

xg_err
kucoin_create(const xg_adapter_config *cfg, void **inst, char *err,
              size_t err_len)
{
    kucoin *k = NULL;
    xg_err rc = XG_OK;

    if (err != NULL && err_len > 0) {
        err[0] = '\0';
    }
    if (cfg == NULL || inst == NULL) {
        xg_adapter_err(err, err_len, "kucoin", "no configuration", NULL, NULL);
        return XG_ERR_INVALID;
    }
    *inst = NULL;
    /* Every private KuCoin request carries the (signed) passphrase. */
    rc = xg_adapter_check_credentials(cfg, "kucoin", KUCOIN_API_KEY_MAX, 1, err,
                                      err_len);
    if (rc != XG_OK) {
        return rc;
    }

    k = calloc(1, sizeof(*k));
    if (k == NULL) {
        xg_adapter_err(err, err_len, "kucoin", "out of memory", NULL, NULL);
        return XG_ERR_NOMEM;
    }
    k->cancel_reserve_pct = KUCOIN_CANCEL_RESERVE_DEFAULT;
    k->query_reserve_pct = KUCOIN_QUERY_RESERVE_DEFAULT;
    k->spot_limit = KUCOIN_SPOT_LIMIT_DEFAULT;
    k->management_limit = KUCOIN_MANAGEMENT_LIMIT_DEFAULT;
    k->public_limit = KUCOIN_PUBLIC_LIMIT_DEFAULT;
    k->window_ms = KUCOIN_WINDOW_MS_DEFAULT;

    rc = xg_adapter_options(cfg, "kucoin", kucoin_options,
                            sizeof(kucoin_options) / sizeof(kucoin_options[0]),
                            k, kucoin_option, err, err_len);
    if (rc != XG_OK) {
        goto fail;
    }
    rc = xg_adapter_keys(cfg, "kucoin", k->api_key, sizeof(k->api_key),
                         &k->hmac, err, err_len);
    if (rc != XG_OK) {
        goto fail;
    }
    rc = kucoin_sign_passphrase(k, cfg->passphrase);
    if (rc != XG_OK) {
        xg_adapter_err(err, err_len, "kucoin", "cannot sign the passphrase",
                       NULL, NULL);
        goto fail;
    }
    *inst = k;
    return XG_OK;

fail:
    kucoin_destroy(k);
    return rc;
}

void
kucoin_destroy(void *inst)
{
    kucoin *k = inst;

    if (k == NULL) {
        return;
    }
    xg_hmac_destroy(&k->hmac);
    xg_json_store_free(&k->json);
    xg_wipe(k, sizeof(*k));
    free(k);
}

static const xg_adapter kucoin_adapter = {
    .abi_version = XG_ADAPTER_ABI_VERSION,
    .struct_size = (uint32_t)sizeof(xg_adapter),
    .venue = "kucoin",
    .default_base_url = "https://api.kucoin.com",
    .caps =
        {
            /* kucoin.md, Client order id: clientOid max 40; digits,
             * letters, '_' and '-'. */
            .client_id_max = 40,
            .client_id_chars = XG_ID_CHARS_DIGIT | XG_ID_CHARS_LOWER |
                               XG_ID_CHARS_UPPER | XG_ID_CHARS_DASH |
                               XG_ID_CHARS_UNDERSCORE,
            /* kucoin.md, Rate-limit model: "No ban escalation documented
             * for 2.0", so nothing says how long a ban lasts: 10 minutes,
             * the gateway's default before ABI 4 (Bybit's "wait >= 10
             * min"). The legacy Cloudflare 1015 block carries its own 30 s
             * (parse.c). */
            .default_ban_ms = 600000,
            /* kucoin.md, Endpoints an execution gateway needs: the HF
             * GET /api/v1/hf/orders/active answers a symbol's whole list. */
            .open_orders_page_max = 0,
            /* streams.md 4.3: the orderChange push carries the order's
             * state and cumulative fill, and with type=match the fill's
             * trade id, size and price; "no fee amount is pushed". */
            .streams = XG_STREAM_ORDERS | XG_STREAM_FILLS,
            /* KuCoin docs-new "Modify Order" (api-3470171), POST
             * /api/v1/hf/orders/alter: "cancel the order and place a new
             * order on the same trading pair"; the answer names the new
             * order and "the original client order ID", which it keeps.
             * There is no amend in place on the HF API. */
            .amend = XG_AMEND_REPLACE,
            /* KuCoin docs-new "Batch Add Orders" (api-3470168): at most
             * 5 limit orders of one symbol (kucoin.h). */
            .batch_new_max = KUCOIN_BATCH_NEW_MAX,
            /* The HF spot API cancels one order per request; its only
             * batch cancel by ids, DELETE /api/v1/orders ("Batch Cancel
             * Order - Old"), is a classic-account path docs-new marks
             * abandoned, and it cancels by symbol, not by ids. */
            .batch_cancel_max = 0,
            /* docs-new "Cancel All Orders By Symbol" (api-3470175):
             * DELETE /api/v1/hf/orders?symbol=. */
            .cancel_symbol = 1,
            /* Account Info > Get Apikey Info: uid. */
            .account_id = 1,
        },
    .create = kucoin_create,
    .destroy = kucoin_destroy,
    .build = kucoin_build,
    .parse = kucoin_parse,
    .limits = kucoin_limits,
    .sign = kucoin_sign,
    .stream_plan = kucoin_stream_plan,
    .stream_login = kucoin_stream_login,
    .stream_subscribe = kucoin_stream_subscribe,
    .stream_ping = kucoin_stream_ping,
    .stream_parse = kucoin_stream_parse,
};

XG_ADAPTER_EXPORT const xg_adapter *
xg_adapter_entry(void)
{
    return &kucoin_adapter;
}
