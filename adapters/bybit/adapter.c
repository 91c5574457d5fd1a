/*
 * adapter.c - the Bybit v5 spot plug-in's entry table, create and destroy.
 *
 * This file is what the core's loader sees: the one exported symbol,
 * xg_adapter_entry, returns a const table pointing at the functions of the
 * other files (requests.c builds, sign.c signs, parse.c reads answers,
 * limits.c describes the buckets). It also owns the instance's lifetime:
 * create checks the credentials and the venue options from the config
 * file and keys the HMAC once; destroy wipes the key material. The
 * instance holds all state of the adapter; the plug-in has no mutable
 * global.
 */
#include "bybit.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xgate/adapter_util.h"

/* The options a venue section may carry, with their bounds. The limit
 * overrides exist for accounts with a VIP uplift (fact sheet: spot order
 * endpoints 20/25/30/40 per second by tier) and for tests against a
 * simulator configured with other numbers. */
static const xg_option_spec bybit_options[] = {
    {"recv_window_ms", offsetof(bybit, recv_window_ms), 1,
     BYBIT_RECV_WINDOW_MAX},
    {"cancel_reserve_pct", offsetof(bybit, cancel_reserve_pct), 0,
     BYBIT_RESERVE_PCT_MAX},
    {"query_reserve_pct", offsetof(bybit, query_reserve_pct), 0,
     BYBIT_RESERVE_PCT_MAX},
    {"create_per_s", offsetof(bybit, create_per_s), 1, 1000},
    {"cancel_per_s", offsetof(bybit, cancel_per_s), 1, 1000},
    {"query_per_s", offsetof(bybit, query_per_s), 1, 1000},
    {"amend_per_s", offsetof(bybit, amend_per_s), 1, 1000},
    {"batch_create_per_s", offsetof(bybit, batch_create_per_s), 1, 1000},
    {"batch_cancel_per_s", offsetof(bybit, batch_cancel_per_s), 1, 1000},
    {"cancel_all_per_s", offsetof(bybit, cancel_all_per_s), 1, 1000},
    {"wallet_per_s", offsetof(bybit, wallet_per_s), 1, 1000},
    {"executions_per_s", offsetof(bybit, executions_per_s), 1, 1000},
    {"api_info_per_s", offsetof(bybit, api_info_per_s), 1, 1000},
    {"ip_limit", offsetof(bybit, ip_limit), 1, 100000},
    {"ip_window_ms", offsetof(bybit, ip_window_ms), 100, 600000},
};

/* The options the table does not hold: stream_url. */
static xg_err
bybit_other_option(void *inst, const xg_kv *kv, char *err, size_t err_len)
{
    bybit *b = inst;

    return xg_stream_url_option(kv, "bybit", b->stream_url,
                                sizeof(b->stream_url), err, err_len);
}

xg_err
bybit_create(const xg_adapter_config *cfg, void **inst, char *err,
             size_t err_len)
{
    bybit *b = NULL;
    xg_err rc = XG_OK;

    if (err != NULL && err_len > 0) {
        err[0] = '\0';
    }
    if (cfg == NULL || inst == NULL) {
        xg_adapter_err(err, err_len, "bybit", "no configuration", NULL, NULL);
        return XG_ERR_INVALID;
    }
    *inst = NULL;
    rc = xg_adapter_check_credentials(cfg, "bybit", BYBIT_API_KEY_MAX, 0, err,
                                      err_len);
    if (rc != XG_OK) {
        return rc;
    }

    b = calloc(1, sizeof(*b));
    if (b == NULL) {
        xg_adapter_err(err, err_len, "bybit", "out of memory", NULL, NULL);
        return XG_ERR_NOMEM;
    }
    b->recv_window_ms = BYBIT_RECV_WINDOW_DEFAULT;
    b->cancel_reserve_pct = BYBIT_CANCEL_RESERVE_DEFAULT;
    b->query_reserve_pct = BYBIT_QUERY_RESERVE_DEFAULT;
    b->create_per_s = BYBIT_CREATE_PER_S_DEFAULT;
    b->cancel_per_s = BYBIT_CANCEL_PER_S_DEFAULT;
    b->query_per_s = BYBIT_QUERY_PER_S_DEFAULT;
    b->amend_per_s = BYBIT_AMEND_PER_S_DEFAULT;
    b->batch_create_per_s = BYBIT_BATCH_CREATE_PER_S_DEFAULT;
    b->batch_cancel_per_s = BYBIT_BATCH_CANCEL_PER_S_DEFAULT;
    b->cancel_all_per_s = BYBIT_CANCEL_ALL_PER_S_DEFAULT;
    b->wallet_per_s = BYBIT_WALLET_PER_S_DEFAULT;
    b->executions_per_s = BYBIT_EXECUTIONS_PER_S_DEFAULT;
    b->api_info_per_s = BYBIT_API_INFO_PER_S_DEFAULT;
    b->ip_limit = BYBIT_IP_LIMIT_DEFAULT;
    b->ip_window_ms = BYBIT_IP_WINDOW_MS_DEFAULT;

    rc = xg_adapter_options(cfg, "bybit", bybit_options,
                            sizeof(bybit_options) / sizeof(bybit_options[0]), b,
                            bybit_other_option, err, err_len);
    if (rc != XG_OK) {
        goto fail;
    }
    rc = xg_adapter_keys(cfg, "bybit", b->api_key, sizeof(b->api_key), &b->hmac,
                         err, err_len);
    if (rc != XG_OK) {
        goto fail;
    }
    *inst = b;
    return XG_OK;

fail:
    bybit_destroy(b);
    return rc;
}

void
bybit_destroy(void *inst)
{
    bybit *b = inst;

    if (b == NULL) {
        return;
    }
    xg_hmac_destroy(&b->hmac);
    xg_json_store_free(&b->json);
    xg_wipe(b, sizeof(*b));
    free(b);
}

static const xg_adapter bybit_adapter = {
    .abi_version = XG_ADAPTER_ABI_VERSION,
    .struct_size = (uint32_t)sizeof(xg_adapter),
    .venue = "bybit",
    .default_base_url = "https://api.bybit.com",
    .caps =
        {
            /* bybit.md, Client order id: orderLinkId max 36; digits,
             * letters of both cases, '-' and '_'. */
            .client_id_max = 36,
            .client_id_chars = XG_ID_CHARS_DIGIT | XG_ID_CHARS_LOWER |
                               XG_ID_CHARS_UPPER | XG_ID_CHARS_DASH |
                               XG_ID_CHARS_UNDERSCORE,
            /* bybit.md, Rate-limit model: the IP limit's 403 says
             * nothing of the ban's end; "wait >= 10 min". */
            .default_ban_ms = 600000,
            /* Bybit's /v5/order/realtime pages at limit 1..50 (bybit.md
             * does not give the page size); requests.c asks for full
             * pages of BYBIT_OPEN_ORDERS_PAGE. */
            .open_orders_page_max = BYBIT_OPEN_ORDERS_PAGE,
            /* streams.md, 2.4 and 2.5: the order topic says each
             * order's state, the execution topic each fill with its fee
             * (execFee, feeCurrency). */
            .streams = XG_STREAM_ORDERS | XG_STREAM_FILLS | XG_STREAM_FEES,
            /* POST /v5/order/amend changes price and quantity of an open
             * order in place, same orderId and orderLinkId (Bybit v5
             * docs, "Amend Order"); Bybit has no cancel-replace. */
            .amend = XG_AMEND_NATIVE,
            /* POST /v5/order/create-batch and /v5/order/cancel-batch take
             * at most 10 spot orders a request (Bybit v5 docs, "Batch
             * Place Order", "Batch Cancel Order"). */
            .batch_new_max = BYBIT_BATCH_MAX,
            .batch_cancel_max = BYBIT_BATCH_MAX,
            /* POST /v5/order/cancel-all with category=spot and symbol
             * cancels every open order of the symbol, spot without a
             * count limit (Bybit v5 docs, "Cancel All Orders"). */
            .cancel_symbol = 1,
            /* Bybit v5 docs, "Get API Key Information": userID. */
            .account_id = 1,
        },
    .create = bybit_create,
    .destroy = bybit_destroy,
    .build = bybit_build,
    .parse = bybit_parse,
    .limits = bybit_limits,
    .sign = bybit_sign,
    .stream_plan = bybit_stream_plan,
    .stream_login = bybit_stream_login,
    .stream_subscribe = bybit_stream_subscribe,
    .stream_ping = bybit_stream_ping,
    .stream_parse = bybit_stream_parse,
};

XG_ADAPTER_EXPORT const xg_adapter *
xg_adapter_entry(void)
{
    return &bybit_adapter;
}
