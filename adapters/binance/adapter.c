/*
 * adapter.c - the Binance spot plug-in's entry table, create and destroy.
 *
 * This file is what the core's loader sees: the one exported symbol,
 * xg_adapter_entry, returns a const table pointing at the functions of the
 * other files (requests.c builds, sign.c signs, parse.c reads answers,
 * limits.c describes the buckets). It also owns the instance's lifetime:
 * create checks the credentials and venue options from the config file and
 * keys the HMAC once; destroy wipes the key material. The instance holds
 * all state of the adapter; the plug-in has no mutable global.
 */
#include "binance.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xgate/adapter_util.h"

static xg_err
binance_apply_options(binance *b, const xg_adapter_config *cfg, char *err,
                      size_t err_len)
{
    if (cfg->n_options > 0 && cfg->options == NULL) {
        xg_adapter_err(err, err_len, "binance", "options missing", NULL, NULL);
        return XG_ERR_CONFIG;
    }
    for (size_t i = 0; i < cfg->n_options; i++) {
        const xg_kv *kv = &cfg->options[i];
        int64_t *dst = NULL;
        int64_t min = 0;
        int64_t max = 0;
        const char *what = NULL;

        if (kv->key == NULL) {
            xg_adapter_err(err, err_len, "binance", "option without a name",
                           NULL, NULL);
            return XG_ERR_CONFIG;
        }
        if (strcmp(kv->key, "recv_window_ms") == 0) {
            dst = &b->recv_window_ms;
            min = 1;
            max = BINANCE_RECV_WINDOW_MAX;
            what = " must be an integer 1..60000";
        } else if (strcmp(kv->key, "cancel_reserve_pct") == 0) {
            dst = &b->cancel_reserve_pct;
            max = BINANCE_RESERVE_PCT_MAX;
            what = " must be an integer 0..50";
        } else if (strcmp(kv->key, "query_reserve_pct") == 0) {
            dst = &b->query_reserve_pct;
            max = BINANCE_RESERVE_PCT_MAX;
            what = " must be an integer 0..50";
        } else {
            xg_adapter_err(err, err_len, "binance", "unknown option ", kv->key,
                           "");
            return XG_ERR_CONFIG;
        }
        if (xg_option_i64(kv->value, min, max, dst) != XG_OK) {
            xg_adapter_err(err, err_len, "binance", "option ", kv->key, what);
            return XG_ERR_CONFIG;
        }
    }
    return XG_OK;
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
    if (cfg->api_key == NULL || cfg->api_key[0] == '\0') {
        xg_adapter_err(err, err_len, "binance", "api_key missing", NULL, NULL);
        return XG_ERR_SECRET;
    }
    if (!xg_is_header_safe(cfg->api_key, BINANCE_API_KEY_MAX, 0)) {
        xg_adapter_err(err, err_len, "binance",
                       "api_key must be 1-128 printable characters", NULL,
                       NULL);
        return XG_ERR_SECRET;
    }
    if (cfg->secret == NULL || cfg->secret[0] == '\0') {
        xg_adapter_err(err, err_len, "binance", "secret missing", NULL, NULL);
        return XG_ERR_SECRET;
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

    rc = binance_apply_options(b, cfg, err, err_len);
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
    free(b->toks);
    xg_wipe(b, sizeof(*b));
    free(b);
}

static const xg_adapter binance_adapter = {
    .abi_version = XG_ADAPTER_ABI_VERSION,
    .struct_size = (uint32_t)sizeof(xg_adapter),
    .venue = "binance",
    .default_base_url = "https://api.binance.com",
    .create = binance_create,
    .destroy = binance_destroy,
    .build = binance_build,
    .parse = binance_parse,
    .limits = binance_limits,
    .sign = binance_sign,
};

XG_ADAPTER_EXPORT const xg_adapter *
xg_adapter_entry(void)
{
    return &binance_adapter;
}
