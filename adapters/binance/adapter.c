/*
 * adapter.c - the Binance spot plug-in's entry table, create and destroy.
 *
 * This file is what the core's loader sees: the one exported symbol,
 * xg_adapter_entry, returns a const table pointing at the functions of the
 * other files (requests.c builds, sign.c signs, parse.c reads answers,
 * limits.c describes the buckets, stream.c speaks the private stream). It
 * also owns the instance's lifetime: create checks the credentials and
 * venue options from the config file and keys the HMAC once; destroy wipes
 * the key material. The instance holds all state of the adapter; the
 * plug-in has no mutable global.
 */
#include "binance.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xgate/adapter_util.h"

/* The venue options: the request window and the reserves (and, through
 * binance_option, stream_url). */
static const xg_option_spec binance_options[] = {
    {"recv_window_ms", offsetof(binance, recv_window_ms), 1,
     BINANCE_RECV_WINDOW_MAX},
    {"cancel_reserve_pct", offsetof(binance, cancel_reserve_pct), 0,
     BINANCE_RESERVE_PCT_MAX},
    {"query_reserve_pct", offsetof(binance, query_reserve_pct), 0,
     BINANCE_RESERVE_PCT_MAX},
};

/* The options the table does not hold: where the private stream
 * connects. */
static xg_err
binance_option(void *inst, const xg_kv *kv, char *err, size_t err_len)
{
    binance *b = inst;

    return xg_stream_url_option(kv, "binance", b->stream_url,
                                sizeof(b->stream_url), err, err_len);
}

xg_err
binance_create(const xg_adapter_config *cfg, void **inst, char *err,
               size_t err_len)
{
    binance *b = NULL;
    xg_err rc = XG_OK;

    if (err != NULL && err_len > 0) {
        err[0] = '\0';
    }
    if (cfg == NULL || inst == NULL) {
        xg_adapter_err(err, err_len, "binance", "no configuration", NULL, NULL);
        return XG_ERR_INVALID;
    }
    *inst = NULL;
    rc = xg_adapter_check_credentials(cfg, "binance", BINANCE_API_KEY_MAX, 0,
                                      err, err_len);
    if (rc != XG_OK) {
        return rc;
    }

    b = calloc(1, sizeof(*b));
    if (b == NULL) {
        xg_adapter_err(err, err_len, "binance", "out of memory", NULL, NULL);
        return XG_ERR_NOMEM;
    }
    b->recv_window_ms = BINANCE_RECV_WINDOW_DEFAULT;
    b->cancel_reserve_pct = BINANCE_CANCEL_RESERVE_DEFAULT;
    b->query_reserve_pct = BINANCE_QUERY_RESERVE_DEFAULT;
    binance_default_limits(b);
    (void)xg_strlcpy(b->stream_url, BINANCE_STREAM_URL, sizeof(b->stream_url));

    rc =
        xg_adapter_options(cfg, "binance", binance_options,
                           sizeof(binance_options) / sizeof(binance_options[0]),
                           b, binance_option, err, err_len);
    if (rc != XG_OK) {
        goto fail;
    }
    rc = xg_adapter_keys(cfg, "binance", b->api_key, sizeof(b->api_key),
                         &b->hmac, err, err_len);
    if (rc != XG_OK) {
        goto fail;
    }
    *inst = b;
    return XG_OK;

fail:
    binance_destroy(b);
    return rc;
}

void
binance_destroy(void *inst)
{
    binance *b = inst;

    if (b == NULL) {
        return;
    }
    xg_hmac_destroy(&b->hmac);
    xg_json_store_free(&b->json);
    xg_wipe(b, sizeof(*b));
    free(b);
}

static const xg_adapter binance_adapter = {
    .abi_version = XG_ADAPTER_ABI_VERSION,
    .struct_size = (uint32_t)sizeof(xg_adapter),
    .venue = "binance",
    .default_base_url = "https://api.binance.com",
    .caps =
        {
            /* binance.md, Client order id: length 1-36, and
             * [A-Za-z0-9_-] is the charset to use. */
            .client_id_max = 36,
            .client_id_chars = XG_ID_CHARS_DIGIT | XG_ID_CHARS_LOWER |
                               XG_ID_CHARS_UPPER | XG_ID_CHARS_DASH |
                               XG_ID_CHARS_UNDERSCORE,
            /* binance.md, Rate-limit model: bans escalate from 2 minutes
             * to 3 days, so a first ban lasts 2 minutes. A 418 normally
             * says until when ("IP banned until", Retry-After); this is
             * for one that does not. */
            .default_ban_ms = 120000,
            /* binance.md, Endpoints an execution gateway needs:
             * GET /api/v3/openOrders has no paging parameter and answers
             * the whole list. */
            .open_orders_page_max = 0,
            /* streams.md 1.5: executionReport carries the order's
             * status and cumulative fill, and with x=TRADE the fill's
             * trade id, price and fee (n, N). */
            .streams = XG_STREAM_ORDERS | XG_STREAM_FILLS | XG_STREAM_FEES,
            /* rest-api.md: "Order Amend Keep Priority" only reduces the
             * quantity, keeping the order id and its place in the queue;
             * any other change is "Cancel an Existing Order and Send a
             * New Order", a new order with its own newClientOrderId. */
            .amend = XG_AMEND_NATIVE_REDUCE | XG_AMEND_REPLACE |
                     XG_AMEND_REPLACE_NEW_ID,
            /* rest-api.md has no batch of orders or cancels on spot
             * (batchOrders is a futures endpoint); binance.md, Endpoints:
             * DELETE /api/v3/openOrders cancels every open order of a
             * symbol. */
            .batch_new_max = 0,
            .batch_cancel_max = 0,
            .cancel_symbol = 1,
            /* rest-api.md, "Account information": the answer's uid. */
            .account_id = 1,
        },
    .create = binance_create,
    .destroy = binance_destroy,
    .build = binance_build,
    .parse = binance_parse,
    .limits = binance_limits,
    .sign = binance_sign,
    .stream_plan = binance_stream_plan,
    .stream_login = binance_stream_login,
    .stream_subscribe = binance_stream_subscribe,
    .stream_ping = binance_stream_ping,
    .stream_parse = binance_stream_parse,
};

XG_ADAPTER_EXPORT const xg_adapter *
xg_adapter_entry(void)
{
    return &binance_adapter;
}
