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

/* One integer option: which field it sets and its range. */
typedef struct okx_int_option {
    const char *name;
    size_t offset; /* of the int64_t field in okx */
    int64_t min;
    int64_t max;
    const char *range; /* for the error line */
} okx_int_option;

static const okx_int_option okx_int_options[] = {
    {"window_ms", offsetof(okx, window_ms), 1, OKX_WINDOW_MS_MAX,
     " must be an integer 1..60000"},
    {"time_limit", offsetof(okx, limit) + OKX_B_TIME * sizeof(int64_t), 1,
     OKX_LIMIT_MAX, " must be an integer 1..100000"},
    {"instruments_limit",
     offsetof(okx, limit) + OKX_B_INSTRUMENTS * sizeof(int64_t), 1,
     OKX_LIMIT_MAX, " must be an integer 1..100000"},
    {"place_limit", offsetof(okx, limit) + OKX_B_PLACE * sizeof(int64_t), 1,
     OKX_LIMIT_MAX, " must be an integer 1..100000"},
    {"cancel_limit", offsetof(okx, limit) + OKX_B_CANCEL * sizeof(int64_t), 1,
     OKX_LIMIT_MAX, " must be an integer 1..100000"},
    {"query_limit", offsetof(okx, limit) + OKX_B_QUERY * sizeof(int64_t), 1,
     OKX_LIMIT_MAX, " must be an integer 1..100000"},
    {"pending_limit", offsetof(okx, limit) + OKX_B_PENDING * sizeof(int64_t), 1,
     OKX_LIMIT_MAX, " must be an integer 1..100000"},
    {"cancel_reserve_pct", offsetof(okx, cancel_reserve_pct), 0,
     OKX_RESERVE_PCT_MAX, " must be an integer 0..50"},
    {"query_reserve_pct", offsetof(okx, query_reserve_pct), 0,
     OKX_RESERVE_PCT_MAX, " must be an integer 0..50"},
    {"recv_window_ms", offsetof(okx, exp_time_ms), 0, OKX_EXP_TIME_MS_MAX,
     " must be an integer 0..60000"},
};

static xg_err
okx_apply_option(okx *o, const xg_kv *kv, char *err, size_t err_len)
{
    if (strcmp(kv->key, "simulated_trading") == 0) {
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
    for (size_t i = 0; i < sizeof(okx_int_options) / sizeof(okx_int_options[0]);
         i++) {
        const okx_int_option *opt = &okx_int_options[i];
        if (strcmp(kv->key, opt->name) != 0) {
            continue;
        }
        int64_t *dst = (int64_t *)(void *)((char *)o + opt->offset);
        if (xg_option_i64(kv->value, opt->min, opt->max, dst) != XG_OK) {
            xg_adapter_err(err, err_len, "okx", "option ", kv->key, opt->range);
            return XG_ERR_CONFIG;
        }
        return XG_OK;
    }
    xg_adapter_err(err, err_len, "okx", "unknown option ", kv->key, "");
    return XG_ERR_CONFIG;
}

static xg_err
okx_apply_options(okx *o, const xg_adapter_config *cfg, char *err,
                  size_t err_len)
{
    if (cfg->n_options > 0 && cfg->options == NULL) {
        xg_adapter_err(err, err_len, "okx", "options missing", NULL, NULL);
        return XG_ERR_CONFIG;
    }
    for (size_t i = 0; i < cfg->n_options; i++) {
        if (cfg->options[i].key == NULL) {
            xg_adapter_err(err, err_len, "okx", "option without a name", NULL,
                           NULL);
            return XG_ERR_CONFIG;
        }
        xg_err rc = okx_apply_option(o, &cfg->options[i], err, err_len);
        if (rc != XG_OK) {
            return rc;
        }
    }
    return XG_OK;
}

static xg_err
okx_check_credentials(const xg_adapter_config *cfg, char *err, size_t err_len)
{
    if (cfg->api_key == NULL || cfg->api_key[0] == '\0') {
        xg_adapter_err(err, err_len, "okx", "api_key missing", NULL, NULL);
        return XG_ERR_SECRET;
    }
    if (!xg_is_header_safe(cfg->api_key, OKX_API_KEY_MAX, 0)) {
        xg_adapter_err(err, err_len, "okx",
                       "api_key must be 1-128 printable characters", NULL,
                       NULL);
        return XG_ERR_SECRET;
    }
    if (cfg->secret == NULL || cfg->secret[0] == '\0') {
        xg_adapter_err(err, err_len, "okx", "secret missing", NULL, NULL);
        return XG_ERR_SECRET;
    }
    if (cfg->passphrase == NULL || cfg->passphrase[0] == '\0') {
        xg_adapter_err(err, err_len, "okx",
                       "passphrase missing (OKX requires one)", NULL, NULL);
        return XG_ERR_SECRET;
    }
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
    rc = okx_apply_options(o, cfg, err, err_len);
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
    free(o->toks);
    xg_wipe(o, sizeof(*o));
    free(o);
}

static const xg_adapter okx_adapter = {
    .abi_version = XG_ADAPTER_ABI_VERSION,
    .struct_size = (uint32_t)sizeof(xg_adapter),
    .venue = "okx",
    .default_base_url = "https://www.okx.com",
    .create = okx_create,
    .destroy = okx_destroy,
    .build = okx_build,
    .parse = okx_parse,
    .limits = okx_limits,
    .sign = okx_sign,
};

XG_ADAPTER_EXPORT const xg_adapter *
xg_adapter_entry(void)
{
    return &okx_adapter;
}
