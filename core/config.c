/*
 * config.c - loading and checking the JSON configuration.
 *
 * Every field is checked here, so the rest of the daemon can trust the
 * struct: a bad file stops start-up with one line "<file>: <field>:
 * <reason>". Unknown keys are errors too, because a misspelt limit
 * silently left at its default is worse than a refusal. Credentials are
 * resolved here from the environment or a private file and go straight
 * into xg__secret storage.
 */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "xgate/adapter.h"
#include "xgate/buf.h"
#include "xgate/sign.h"

/* Limits on what a config may ask for; generous but finite. */
#define MAX_ORDERS_LIMIT     10000000
#define UNREAD_REPLIES_LIMIT 10000000
#define TIMEOUT_MS_LIMIT     600000
#define BAN_MS_LIMIT         (7LL * 24 * 3600 * 1000)
#define RETENTION_S_LIMIT    (10LL * 366 * 24 * 3600)
#define BUSY_POLL_US_LIMIT   100000 /* 0.1 s: beyond it, sleeping is cheaper */

typedef struct cfg_ctx {
    const char *name;
    char *err;
    size_t err_len;
} cfg_ctx;

__attribute__((format(printf, 3, 4))) static xg_err
fail(cfg_ctx *c, const char *field, const char *fmt, ...)
{
    char reason[256];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(reason, sizeof reason, fmt, ap);
    va_end(ap);
    snprintf(c->err, c->err_len, "%s: %s: %s", c->name, field, reason);
    return XG_ERR_CONFIG;
}

static int
key_allowed(const char *key, const char *const *allowed)
{
    for (size_t i = 0; allowed[i] != NULL; i++) {
        if (strcmp(key, allowed[i]) == 0) {
            return 1;
        }
    }
    return 0;
}

static xg_err
check_keys(cfg_ctx *c, const char *where, json_t *obj,
           const char *const *allowed)
{
    const char *key;
    json_t *v;
    json_object_foreach(obj, key, v)
    {
        if (!key_allowed(key, allowed)) {
            char field[160];
            snprintf(field, sizeof field, "%s%s%.60s", where,
                     where[0] ? "." : "", key);
            return fail(c, field, "unknown key");
        }
    }
    return XG_OK;
}

static xg_err
get_string(cfg_ctx *c, const char *field, json_t *obj, const char *key,
           char *out, size_t cap, int required)
{
    json_t *v = json_object_get(obj, key);
    if (v == NULL) {
        return required ? fail(c, field, "missing") : XG_OK;
    }
    if (!json_is_string(v)) {
        return fail(c, field, "must be a string");
    }
    if (xg_strlcpy(out, json_string_value(v), cap) != XG_OK) {
        return fail(c, field, "longer than %zu characters", cap - 1);
    }
    return XG_OK;
}

static xg_err
get_int(cfg_ctx *c, const char *field, json_t *obj, const char *key,
        int64_t min, int64_t max, int64_t *out)
{
    json_t *v = json_object_get(obj, key);
    if (v == NULL) {
        return XG_OK; /* keep the default */
    }
    if (!json_is_integer(v)) {
        return fail(c, field, "must be an integer");
    }
    json_int_t n = json_integer_value(v);
    if (n < min || n > max) {
        return fail(c, field, "must be between %lld and %lld", (long long)min,
                    (long long)max);
    }
    *out = (int64_t)n;
    return XG_OK;
}

/* An optional boolean key of obj into *out (left as it is, the default,
 * when absent). */
static xg_err
get_bool(cfg_ctx *c, const char *field, json_t *obj, const char *key, int *out)
{
    json_t *v = json_object_get(obj, key);
    if (v != NULL && !json_is_boolean(v)) {
        return fail(c, field, "must be true or false");
    }
    if (v != NULL) {
        *out = json_is_true(v);
    }
    return XG_OK;
}

/* A label goes into Redis keys and ban messages: 1-63 of [A-Za-z0-9._-]. */
static xg_err
get_label(cfg_ctx *c, const char *field, json_t *obj, const char *key,
          char out[XG_LABEL_MAX], int required)
{
    xg_err e = get_string(c, field, obj, key, out, XG_LABEL_MAX, required);
    if (e != XG_OK || json_object_get(obj, key) == NULL) {
        return e;
    }
    size_t n =
        strspn(out, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
                    "0123456789._-");
    if (n == 0 || out[n] != '\0') {
        return fail(c, field, "must be 1-%d of A-Z a-z 0-9 . _ -",
                    XG_LABEL_MAX - 1);
    }
    return XG_OK;
}

static int
is_venue_name(const char *s)
{
    size_t n = strlen(s);
    if (n == 0 || n >= XG_VENUE_NAME_MAX) {
        return 0;
    }
    for (size_t i = 0; i < n; i++) {
        if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= '0' && s[i] <= '9'))) {
            return 0;
        }
    }
    return 1;
}

/* A simulator must be on loopback: "simulator": true turns TLS off. */
static int
is_loopback_http(const char *url)
{
    static const char *const prefixes[] = {
        "http://127.0.0.1:", "http://localhost:", NULL};
    for (size_t i = 0; prefixes[i] != NULL; i++) {
        if (strncmp(url, prefixes[i], strlen(prefixes[i])) == 0) {
            return 1;
        }
    }
    return 0;
}

static xg_err
load_secret_env(cfg_ctx *c, const char *field, json_t *cred, const char *key,
                xg__secret *out, int required)
{
    json_t *v = json_object_get(cred, key);
    if (v == NULL) {
        return required ? fail(c, field, "missing") : XG_OK;
    }
    if (!json_is_string(v)) {
        return fail(c, field, "must name an environment variable");
    }
    const char *var = json_string_value(v);
    xg_err e = xg__secret_from_env(out, var);
    if (e == XG_ERR_NOT_FOUND) {
        return fail(c, field, "environment variable %.64s is not set", var);
    }
    if (e != XG_OK) {
        return fail(c, field,
                    "environment variable %.64s is empty, too long "
                    "or has control characters",
                    var);
    }
    return XG_OK;
}

static xg_err
load_secret_file(cfg_ctx *c, const char *field, const char *path,
                 xg__venue_config *v)
{
    char detail[160];
    if (xg__secret_file_check(path, detail, sizeof detail) != XG_OK) {
        return fail(c, field, "%.200s: %s", path, detail);
    }
    json_error_t jerr;
    json_t *root = json_load_file(path, JSON_REJECT_DUPLICATES, &jerr);
    if (root == NULL || !json_is_object(root)) {
        json_decref(root);
        /* jerr.text may quote the file's content: keep it out. */
        return fail(c, field, "%.200s: not a JSON object (line %d)", path,
                    jerr.line);
    }
    static const char *const keys[] = {"api_key", "secret", "passphrase", NULL};
    xg__secret *dst[] = {&v->api_key, &v->secret, &v->passphrase};
    xg_err e = XG_OK;
    for (size_t i = 0; keys[i] != NULL && e == XG_OK; i++) {
        json_t *s = json_object_get(root, keys[i]);
        if (s == NULL) {
            if (i < 2) {
                e = fail(c, field, "%.200s: %s missing", path, keys[i]);
            }
            continue;
        }
        if (!json_is_string(s) ||
            xg__secret_set(dst[i], json_string_value(s),
                           json_string_length(s)) != XG_OK) {
            e = fail(c, field, "%.200s: %s must be a non-empty string", path,
                     keys[i]);
        }
    }
    /* Jansson keeps its own copy of the strings: wipe it before freeing. */
    const char *key;
    json_t *s;
    json_object_foreach(root, key, s)
    {
        if (json_is_string(s)) {
            xg_wipe((char *)json_string_value(s), json_string_length(s));
        }
    }
    json_decref(root);
    return e;
}

static xg_err
parse_credentials(cfg_ctx *c, const char *vname, json_t *cred,
                  xg__venue_config *v)
{
    char field[96];
    snprintf(field, sizeof field, "venues.%s.credentials", vname);
    if (!json_is_object(cred)) {
        return fail(c, field, "must be an object");
    }
    static const char *const allowed[] = {"api_key_env", "secret_env",
                                          "passphrase_env", "file", NULL};
    xg_err e = check_keys(c, field, cred, allowed);
    if (e != XG_OK) {
        return e;
    }
    json_t *file = json_object_get(cred, "file");
    if (file != NULL) {
        if (!json_is_string(file)) {
            return fail(c, field, "file must be a path");
        }
        return load_secret_file(c, field, json_string_value(file), v);
    }
    char f[128];
    snprintf(f, sizeof f, "%s.api_key_env", field);
    if ((e = load_secret_env(c, f, cred, "api_key_env", &v->api_key, 1))) {
        return e;
    }
    snprintf(f, sizeof f, "%s.secret_env", field);
    if ((e = load_secret_env(c, f, cred, "secret_env", &v->secret, 1))) {
        return e;
    }
    snprintf(f, sizeof f, "%s.passphrase_env", field);
    return load_secret_env(c, f, cred, "passphrase_env", &v->passphrase, 0);
}

static xg_err
parse_options(cfg_ctx *c, const char *vname, json_t *opts, xg__venue_config *v)
{
    char field[160];
    snprintf(field, sizeof field, "venues.%s.options", vname);
    if (!json_is_object(opts)) {
        return fail(c, field, "must be an object");
    }
    const char *key;
    json_t *val;
    json_object_foreach(opts, key, val)
    {
        snprintf(field, sizeof field, "venues.%s.options.%.60s", vname, key);
        if (v->n_options == XG_MAX_OPTIONS) {
            return fail(c, field, "more than %d options", XG_MAX_OPTIONS);
        }
        size_t i = v->n_options;
        char num[32];
        const char *text;
        if (json_is_string(val)) {
            text = json_string_value(val);
        } else if (json_is_integer(val)) {
            snprintf(num, sizeof num, "%lld",
                     (long long)json_integer_value(val));
            text = num;
        } else if (json_is_boolean(val)) {
            text = json_is_true(val) ? "true" : "false";
        } else {
            return fail(c, field, "must be a string, integer or boolean");
        }
        if (xg_strlcpy(v->option_keys[i], key, XG_OPTION_MAX) != XG_OK ||
            xg_strlcpy(v->option_values[i], text, XG_OPTION_MAX) != XG_OK) {
            return fail(c, field, "too long");
        }
        v->n_options++;
    }
    return XG_OK;
}

static xg_err
parse_venue(cfg_ctx *c, const char *vname, json_t *obj, xg__venue_config *v)
{
    char field[128];
    snprintf(field, sizeof field, "venues.%.40s", vname);
    if (!is_venue_name(vname)) {
        return fail(c, field, "venue names are 1-15 of [a-z0-9]");
    }
    if (!json_is_object(obj)) {
        return fail(c, field, "must be an object");
    }
    static const char *const allowed[] = {"base_url",
                                          "simulator",
                                          "credentials",
                                          "options",
                                          "max_connections",
                                          "connect_timeout_ms",
                                          "timeout_ms",
                                          "ban_default_ms",
                                          "throttle_default_ms",
                                          "clock_guard_ms",
                                          "resync_interval_ms",
                                          "reconcile_share_pct",
                                          "order_sweep_ms",
                                          "batch_max",
                                          "exclusive_account",
                                          "stream",
                                          "account",
                                          NULL};
    xg_err e = check_keys(c, field, obj, allowed);
    if (e != XG_OK) {
        return e;
    }
    xg_strlcpy(v->name, vname, sizeof v->name);
    v->max_connections = 4;
    v->connect_timeout_ms = 3000;
    v->timeout_ms = 10000;
    /* 0: the adapter's caps.default_ban_ms (what its venue documents). */
    v->ban_default_ms = 0;
    v->throttle_default_ms = 1000;
    /* Margin for our clock and the network's jitter against the venue's
     * windows. Each window effectively lasts this much longer, so it costs
     * guard / window of the allowance (2 % of a 1 s window). */
    v->clock_guard_ms = 20;
    v->resync_interval_ms = 60000;
    /* Resting orders' fills are learned by asking; every 2 s costs one
     * open-orders request per symbol (Binance: 6 of 6,000 weight a
     * minute, 3 %). */
    v->order_sweep_ms = 2000;
    /* Reconciling recovered or unknown orders may use half of each rate
     * limit bucket; new orders and cancels keep the other half. */
    v->reconcile_share_pct = 50;
    /* As many as the venue takes in one request (its caps). */
    v->batch_max = XG_BATCH_MAX;
    v->is_simulator = 0;
    v->is_exclusive_account = 0;
    /* The private stream wherever the adapter speaks one. */
    v->is_stream_on = 1;

    char f[160];
    snprintf(f, sizeof f, "%s.base_url", field);
    if ((e = get_string(c, f, obj, "base_url", v->base_url, sizeof v->base_url,
                        0))) {
        return e;
    }
    snprintf(f, sizeof f, "%s.simulator", field);
    if ((e = get_bool(c, f, obj, "simulator", &v->is_simulator))) {
        return e;
    }
    snprintf(f, sizeof f, "%s.exclusive_account", field);
    if ((e = get_bool(c, f, obj, "exclusive_account",
                      &v->is_exclusive_account))) {
        return e;
    }
    snprintf(f, sizeof f, "%s.account", field);
    if ((e = get_label(c, f, obj, "account", v->account, 0))) {
        return e;
    }
    snprintf(f, sizeof f, "%s.stream", field);
    if ((e = get_bool(c, f, obj, "stream", &v->is_stream_on))) {
        return e;
    }
    if (v->base_url[0] != '\0') {
        snprintf(f, sizeof f, "%s.base_url", field);
        if (v->is_simulator && !is_loopback_http(v->base_url)) {
            return fail(c, f,
                        "a simulator must be http://127.0.0.1:PORT or "
                        "http://localhost:PORT");
        }
        if (!v->is_simulator && strncmp(v->base_url, "https://", 8) != 0) {
            return fail(c, f,
                        "must be https:// (TLS is off only for "
                        "\"simulator\": true)");
        }
    }
    struct {
        const char *key;
        int64_t min, max;
        int64_t *dst;
    } ints[] = {
        {"ban_default_ms", 1, BAN_MS_LIMIT, &v->ban_default_ms},
        {"throttle_default_ms", 1, TIMEOUT_MS_LIMIT, &v->throttle_default_ms},
        {"clock_guard_ms", 0, 5000, &v->clock_guard_ms},
        {"resync_interval_ms", 1000, 86400000, &v->resync_interval_ms},
        {"order_sweep_ms", 0, 3600000, &v->order_sweep_ms},
        {"reconcile_share_pct", 1, 100, &v->reconcile_share_pct},
        {"batch_max", 0, XG_BATCH_MAX, &v->batch_max},
    };
    for (size_t i = 0; i < sizeof ints / sizeof ints[0]; i++) {
        snprintf(f, sizeof f, "%s.%s", field, ints[i].key);
        if ((e = get_int(c, f, obj, ints[i].key, ints[i].min, ints[i].max,
                         ints[i].dst))) {
            return e;
        }
    }
    struct {
        const char *key;
        int64_t min, max;
        long *dst;
    } longs[] = {
        {"max_connections", 1, 64, &v->max_connections},
        {"connect_timeout_ms", 1, TIMEOUT_MS_LIMIT, &v->connect_timeout_ms},
        {"timeout_ms", 1, TIMEOUT_MS_LIMIT, &v->timeout_ms},
    };
    for (size_t i = 0; i < sizeof longs / sizeof longs[0]; i++) {
        int64_t n = *longs[i].dst;
        snprintf(f, sizeof f, "%s.%s", field, longs[i].key);
        if ((e = get_int(c, f, obj, longs[i].key, longs[i].min, longs[i].max,
                         &n))) {
            return e;
        }
        *longs[i].dst = (long)n;
    }
    json_t *opts = json_object_get(obj, "options");
    if (opts != NULL && (e = parse_options(c, vname, opts, v))) {
        return e;
    }
    json_t *cred = json_object_get(obj, "credentials");
    if (cred == NULL) {
        snprintf(f, sizeof f, "%s.credentials", field);
        return fail(c, f, "missing (api_key_env and secret_env, or file)");
    }
    return parse_credentials(c, vname, cred, v);
}

static xg_err
parse_routes(cfg_ctx *c, json_t *routes, xg__config *cfg)
{
    if (!json_is_object(routes)) {
        return fail(c, "routes", "must be an object of symbol: [venues]");
    }
    const char *sym;
    json_t *list;
    json_object_foreach(routes, sym, list)
    {
        char field[96];
        snprintf(field, sizeof field, "routes.%.40s", sym);
        if (cfg->n_routes == XG_MAX_ROUTES) {
            return fail(c, field, "more than %d routes", XG_MAX_ROUTES);
        }
        if (strcmp(sym, "*") != 0 && xg_symbol_validate(sym) != XG_OK) {
            return fail(c, field, "not a BASE/QUOTE symbol or \"*\"");
        }
        if (!json_is_array(list) || json_array_size(list) == 0 ||
            json_array_size(list) > XG_MAX_ROUTE) {
            return fail(c, field, "must list 1 to %d venues", XG_MAX_ROUTE);
        }
        xg__route *r = &cfg->routes[cfg->n_routes++];
        xg_strlcpy(r->symbol, sym, sizeof r->symbol);
        size_t i;
        json_t *name;
        json_array_foreach(list, i, name)
        {
            int known = 0;
            for (size_t k = 0; json_is_string(name) && k < cfg->n_venues; k++) {
                known |=
                    strcmp(cfg->venues[k].name, json_string_value(name)) == 0;
            }
            if (!known) {
                return fail(c, field, "entry %zu is not a configured venue", i);
            }
            xg_strlcpy(r->venues[i], json_string_value(name),
                       sizeof r->venues[i]);
            r->n_venues++;
        }
    }
    return XG_OK;
}

/* "redis://HOST:PORT[/DB]" (or rediss:// for TLS) into sh. */
static xg_err
parse_redis_url(cfg_ctx *c, const char *url, xg__share_config *sh)
{
    const char *field = "shared_limits.redis";
    sh->is_tls = strncmp(url, "rediss://", 9) == 0;
    if (!sh->is_tls && strncmp(url, "redis://", 8) != 0) {
        return fail(c, field,
                    "must be redis://HOST:PORT[/DB], or rediss:// "
                    "for TLS");
    }
    const char *host = url + (sh->is_tls ? 9 : 8);
    const char *colon = strrchr(host, ':');
    if (colon == NULL || colon == host ||
        (size_t)(colon - host) >= sizeof sh->host || strchr(host, '@')) {
        return fail(c, field,
                    "must be redis://HOST:PORT[/DB] (the password goes in "
                    "password_env or password_file)");
    }
    memcpy(sh->host, host, (size_t)(colon - host));
    sh->host[colon - host] = '\0';
    char *end = NULL;
    long port = strtol(colon + 1, &end, 10);
    if (end == colon + 1 || port < 1 || port > 65535 ||
        (*end != '\0' && *end != '/')) {
        return fail(c, field, "port must be 1-65535");
    }
    sh->port = port;
    if (*end == '/') {
        const char *db = end + 1;
        long n = strtol(db, &end, 10);
        if (end == db || *end != '\0' || n < 0 || n > 15) {
            return fail(c, field, "database must be 0-15");
        }
        sh->db = n;
    }
    return XG_OK;
}

static xg_err
parse_share(cfg_ctx *c, json_t *obj, xg__share_config *sh)
{
    static const char *const allowed[] = {
        "redis",      "password_env", "password_file",     "egress",
        "gateway",    "key_prefix",   "expected_gateways", "fallback_share_pct",
        "timeout_ms", "lease_max",    "tls_ca_file",       NULL};
    if (!json_is_object(obj)) {
        return fail(c, "shared_limits", "must be an object");
    }
    xg_err e = check_keys(c, "shared_limits", obj, allowed);
    if (e != XG_OK) {
        return e;
    }
    char url[XG_URL_MAX];
    if ((e = get_string(c, "shared_limits.redis", obj, "redis", url, sizeof url,
                        1)) ||
        (e = parse_redis_url(c, url, sh)) ||
        (e = get_label(c, "shared_limits.egress", obj, "egress", sh->egress,
                       1)) ||
        (e = get_label(c, "shared_limits.gateway", obj, "gateway", sh->gateway,
                       1))) {
        return e;
    }
    xg_strlcpy(sh->key_prefix, "xg", sizeof sh->key_prefix);
    sh->expected_gateways = 2;
    sh->timeout_ms = 250;
    sh->lease_max = 16;
    if ((e = get_label(c, "shared_limits.key_prefix", obj, "key_prefix",
                       sh->key_prefix, 0)) ||
        (e = get_int(c, "shared_limits.expected_gateways", obj,
                     "expected_gateways", 1, 1000, &sh->expected_gateways)) ||
        (e = get_int(c, "shared_limits.timeout_ms", obj, "timeout_ms", 10,
                     TIMEOUT_MS_LIMIT, &sh->timeout_ms)) ||
        (e = get_int(c, "shared_limits.lease_max", obj, "lease_max", 0, 1000,
                     &sh->lease_max)) ||
        (e = get_string(c, "shared_limits.tls_ca_file", obj, "tls_ca_file",
                        sh->tls_ca_file, sizeof sh->tls_ca_file, 0))) {
        return e;
    }
    if (sh->tls_ca_file[0] != '\0' && !sh->is_tls) {
        return fail(c, "shared_limits.tls_ca_file",
                    "only with a rediss:// address");
    }
    /* Never more than an even split: with Redis gone, every gateway on
     * the egress falls back at once. */
    int64_t even = 100 / sh->expected_gateways;
    sh->fallback_share_pct = even > 0 ? even : 1;
    if ((e = get_int(c, "shared_limits.fallback_share_pct", obj,
                     "fallback_share_pct", 1, 100, &sh->fallback_share_pct))) {
        return e;
    }
    if (sh->fallback_share_pct > (even > 0 ? even : 1)) {
        return fail(c, "shared_limits.fallback_share_pct",
                    "must be at most 100 / expected_gateways (%lld)",
                    (long long)(even > 0 ? even : 1));
    }
    json_t *env = json_object_get(obj, "password_env");
    json_t *file = json_object_get(obj, "password_file");
    if (env != NULL && file != NULL) {
        return fail(c, "shared_limits.password_file",
                    "give password_env or password_file, not both");
    }
    if (env != NULL) {
        e = load_secret_env(c, "shared_limits.password_env", obj,
                            "password_env", &sh->password, 1);
    } else if (file != NULL) {
        char detail[160];
        if (!json_is_string(file)) {
            return fail(c, "shared_limits.password_file", "must be a path");
        }
        const char *path = json_string_value(file);
        if (xg__secret_from_file(&sh->password, path, detail, sizeof detail) !=
            XG_OK) {
            return fail(c, "shared_limits.password_file", "%.200s: %s", path,
                        detail);
        }
    }
    sh->is_on = e == XG_OK;
    return e;
}

static xg_err
parse_root(cfg_ctx *c, json_t *root, xg__config *cfg)
{
    static const char *const allowed[] = {
        "api",          "adapters_dir",  "data_dir",
        "log_level",    "max_orders",    "venues",
        "routes",       "journal",       "journal_retention_s",
        "busy_poll_us", "shared_limits", NULL};
    xg_err e = check_keys(c, "", root, allowed);
    if (e != XG_OK) {
        return e;
    }
    xg_strlcpy(cfg->request_endpoint, "tcp://127.0.0.1:5555",
               sizeof cfg->request_endpoint);
    xg_strlcpy(cfg->event_endpoint, "tcp://127.0.0.1:5556",
               sizeof cfg->event_endpoint);
    xg_strlcpy(cfg->data_dir, "xgate-data", sizeof cfg->data_dir);
    xg_strlcpy(cfg->log_level, "info", sizeof cfg->log_level);
    xg_strlcpy(cfg->journal, "normal", sizeof cfg->journal);
    cfg->max_orders = 100000;
    cfg->journal_retention_s = 7 * 24 * 3600;
    cfg->busy_poll_us = 200;
    cfg->max_unread_replies = 100000;

    json_t *api = json_object_get(root, "api");
    if (api != NULL) {
        static const char *const api_keys[] = {"requests", "events",
                                               "max_unread_replies", NULL};
        if (!json_is_object(api)) {
            return fail(c, "api", "must be an object");
        }
        if ((e = check_keys(c, "api", api, api_keys)) ||
            (e = get_string(c, "api.requests", api, "requests",
                            cfg->request_endpoint, sizeof cfg->request_endpoint,
                            0)) ||
            (e = get_string(c, "api.events", api, "events", cfg->event_endpoint,
                            sizeof cfg->event_endpoint, 0)) ||
            (e = get_int(c, "api.max_unread_replies", api, "max_unread_replies",
                         16, UNREAD_REPLIES_LIMIT, &cfg->max_unread_replies))) {
            return e;
        }
    }
    if ((e = get_string(c, "adapters_dir", root, "adapters_dir",
                        cfg->adapters_dir, sizeof cfg->adapters_dir, 0)) ||
        (e = get_string(c, "data_dir", root, "data_dir", cfg->data_dir,
                        sizeof cfg->data_dir, 0)) ||
        (e = get_string(c, "log_level", root, "log_level", cfg->log_level,
                        sizeof cfg->log_level, 0))) {
        return e;
    }
    if ((e = get_string(c, "journal", root, "journal", cfg->journal,
                        sizeof cfg->journal, 0))) {
        return e;
    }
    if (strcmp(cfg->journal, "normal") != 0 &&
        strcmp(cfg->journal, "full") != 0 && strcmp(cfg->journal, "off") != 0) {
        return fail(c, "journal", "must be normal, full or off");
    }
    if (strcmp(cfg->log_level, "debug") != 0 &&
        strcmp(cfg->log_level, "info") != 0 &&
        strcmp(cfg->log_level, "warn") != 0 &&
        strcmp(cfg->log_level, "error") != 0) {
        return fail(c, "log_level", "must be debug, info, warn or error");
    }
    int64_t max_orders = (int64_t)cfg->max_orders;
    if ((e = get_int(c, "max_orders", root, "max_orders", 16, MAX_ORDERS_LIMIT,
                     &max_orders))) {
        return e;
    }
    cfg->max_orders = (size_t)max_orders;
    if ((e = get_int(c, "journal_retention_s", root, "journal_retention_s", 0,
                     RETENTION_S_LIMIT, &cfg->journal_retention_s))) {
        return e;
    }
    if ((e = get_int(c, "busy_poll_us", root, "busy_poll_us", 0,
                     BUSY_POLL_US_LIMIT, &cfg->busy_poll_us))) {
        return e;
    }

    json_t *venues = json_object_get(root, "venues");
    if (!json_is_object(venues) || json_object_size(venues) == 0) {
        return fail(c, "venues", "must be an object with at least one venue");
    }
    const char *vname;
    json_t *vobj;
    json_object_foreach(venues, vname, vobj)
    {
        if (cfg->n_venues == XG_MAX_VENUES) {
            return fail(c, "venues", "more than %d venues", XG_MAX_VENUES);
        }
        if ((e = parse_venue(c, vname, vobj, &cfg->venues[cfg->n_venues]))) {
            cfg->n_venues++; /* so fini wipes what was read */
            return e;
        }
        cfg->n_venues++;
    }
    json_t *routes = json_object_get(root, "routes");
    if (routes != NULL && (e = parse_routes(c, routes, cfg))) {
        return e;
    }
    json_t *share = json_object_get(root, "shared_limits");
    return share != NULL ? parse_share(c, share, &cfg->share) : XG_OK;
}

xg_err
xg__config_parse(xg__config *cfg, const char *json, size_t len,
                 const char *name, char *err, size_t err_len)
{
    memset(cfg, 0, sizeof *cfg);
    cfg_ctx c = {name, err, err_len};
    xg_strlcpy(cfg->path, name, sizeof cfg->path);
    json_error_t jerr;
    json_t *root = json_loadb(json, len, JSON_REJECT_DUPLICATES, &jerr);
    if (root == NULL) {
        char field[32];
        snprintf(field, sizeof field, "line %d", jerr.line);
        return fail(&c, field, "%s", jerr.text);
    }
    xg_err e = json_is_object(root) ? parse_root(&c, root, cfg)
                                    : fail(&c, "(top)", "must be an object");
    json_decref(root);
    if (e != XG_OK) {
        xg__config_fini(cfg);
    }
    return e;
}

xg_err
xg__config_load(xg__config *cfg, const char *path, char *err, size_t err_len)
{
    FILE *f = fopen(path, "rb");
    if (f == NULL) {
        memset(cfg, 0, sizeof *cfg);
        snprintf(err, err_len, "%s: cannot open", path);
        return XG_ERR_CONFIG;
    }
    /* A config is small; refuse anything that is not, rather than read a
     * device or a huge file into memory. */
    static char buf[1 << 20];
    size_t n = fread(buf, 1, sizeof buf, f);
    int too_big = n == sizeof buf;
    fclose(f);
    if (too_big) {
        memset(cfg, 0, sizeof *cfg);
        snprintf(err, err_len, "%s: larger than 1 MiB", path);
        return XG_ERR_CONFIG;
    }
    return xg__config_parse(cfg, buf, n, path, err, err_len);
}

void
xg__config_fini(xg__config *cfg)
{
    for (size_t i = 0; i < cfg->n_venues; i++) {
        xg__secret_wipe(&cfg->venues[i].api_key);
        xg__secret_wipe(&cfg->venues[i].secret);
        xg__secret_wipe(&cfg->venues[i].passphrase);
    }
    cfg->n_venues = 0;
    xg__secret_wipe(&cfg->share.password);
}

const xg__route *
xg__config_route(const xg__config *cfg, const char *symbol)
{
    const xg__route *any = NULL;
    for (size_t i = 0; i < cfg->n_routes; i++) {
        if (strcmp(cfg->routes[i].symbol, symbol) == 0) {
            return &cfg->routes[i];
        }
        if (strcmp(cfg->routes[i].symbol, "*") == 0) {
            any = &cfg->routes[i];
        }
    }
    return any;
}
