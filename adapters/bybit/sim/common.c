/*
 * common.c - what the Bybit dialect's files share: the answer envelope,
 * parameters, cursors, and the per-UID endpoint gate with its rolling
 * windows.
 *
 * Every answer is Bybit's {retCode, retMsg, result, retExtInfo, time}
 * with HTTP 200, business errors included (fact sheet, "Response
 * shapes"). A rolling window remembers the times of the requests it
 * admitted; the per-UID endpoint gate (one window per rate-limited path,
 * with the limits of Bybit's rate-limit table) refuses with retCode 10006
 * and sets the X-Bapi-Limit* headers on every answer of those endpoints;
 * a batch takes one slot per order and is admitted in part when the
 * window has room for part of it. Every other file of the dialect calls
 * into this one; it calls none of them, so calls run one way. Compiled
 * into xgsim only.
 */
#include "bybit_sim.h"

#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

xg_err
bybit_sim_roll_init(bybit_roll *r, int64_t cap)
{
    memset(r, 0, sizeof(*r));
    r->t_ms = calloc((size_t)cap, sizeof(*r->t_ms));
    if (r->t_ms == NULL) {
        return XG_ERR_NOMEM;
    }
    r->cap = (size_t)cap;
    return XG_OK;
}

void
bybit_sim_roll_fini(bybit_roll *r)
{
    free(r->t_ms);
    memset(r, 0, sizeof(*r));
}

void
bybit_sim_roll_expire(bybit_roll *r, int64_t window_ms, int64_t now_ms)
{
    while (r->n > 0 && r->t_ms[r->head] <= now_ms - window_ms) {
        r->head = (r->head + 1) % r->cap;
        r->n--;
    }
}

bool
bybit_sim_roll_admit(bybit_roll *r, int64_t window_ms, int64_t now_ms)
{
    bybit_sim_roll_expire(r, window_ms, now_ms);
    if (r->n >= r->cap) {
        return false;
    }
    r->t_ms[(r->head + r->n) % r->cap] = now_ms;
    r->n++;
    return true;
}

/* When the oldest admitted request leaves the window. */
static int64_t
bybit_sim_roll_frees_at(const bybit_roll *r, int64_t window_ms, int64_t now_ms)
{
    return r->n > 0 ? r->t_ms[r->head] + window_ms : now_ms;
}

/* Each endpoint's window: its limit's field in the settings and its name
 * in /_sim/state, in BYBIT_EP_* order. */
static const struct {
    size_t limit_offset;
    const char *name;
} bybit_endpoints[BYBIT_EP_COUNT] = {
    {offsetof(bybit_settings, create_per_s), "create"},
    {offsetof(bybit_settings, cancel_per_s), "cancel"},
    {offsetof(bybit_settings, amend_per_s), "amend"},
    {offsetof(bybit_settings, query_per_s), "realtime"},
    {offsetof(bybit_settings, history_per_s), "history"},
    {offsetof(bybit_settings, executions_per_s), "executions"},
    {offsetof(bybit_settings, wallet_per_s), "wallet"},
    {offsetof(bybit_settings, account_info_per_s), "account_info"},
    {offsetof(bybit_settings, api_info_per_s), "api_info"},
    {offsetof(bybit_settings, coin_info_per_s), "coin_info"},
    {offsetof(bybit_settings, batch_create_per_s), "batch_create"},
    {offsetof(bybit_settings, batch_cancel_per_s), "batch_cancel"},
    {offsetof(bybit_settings, cancel_all_per_s), "cancel_all"},
};

int64_t
bybit_sim_endpoint_limit(const bybit_settings *s, int endpoint)
{
    const char *base = (const char *)s;

    if (endpoint < 0 || endpoint >= BYBIT_EP_COUNT) {
        endpoint = BYBIT_EP_REALTIME;
    }
    return *(
        const int64_t *)(const void *)(base +
                                       bybit_endpoints[endpoint].limit_offset);
}

const char *
bybit_sim_endpoint_name(int endpoint)
{
    if (endpoint < 0 || endpoint >= BYBIT_EP_COUNT) {
        return "unknown";
    }
    return bybit_endpoints[endpoint].name;
}

json_t *
bybit_sim_envelope(int code, const char *msg, json_t *result, int64_t now_ms)
{
    return json_pack("{si ss so s{} sI}", "retCode", code, "retMsg", msg,
                     "result", result != NULL ? result : json_object(),
                     "retExtInfo", "time", (json_int_t)now_ms);
}

void
bybit_sim_error(const bybit_call *c, int code, const char *msg,
                const char *outcome)
{
    if (c->item != NULL) {
        c->item->code = code;
        snprintf(c->item->msg, sizeof(c->item->msg), "%s", msg);
        return;
    }
    xg_sim_response_json(c->resp, 200,
                         bybit_sim_envelope(code, msg, NULL, c->now_ms));
    c->resp->code = code;
    c->resp->outcome = outcome;
}

void
bybit_sim_ok(const bybit_call *c, json_t *result, const char *outcome)
{
    xg_sim_response_json(c->resp, 200,
                         bybit_sim_envelope(0, "OK", result, c->now_ms));
    c->resp->code = 0;
    c->resp->outcome = outcome;
}

void
bybit_sim_limit_answer(const bybit_call *c, int64_t limit, int64_t remaining,
                       int64_t reset_ms, bool is_refused)
{
    xg_sim_response_header_int(c->resp, "X-Bapi-Limit", limit);
    xg_sim_response_header_int(c->resp, "X-Bapi-Limit-Status",
                               remaining > 0 ? remaining : 0);
    xg_sim_response_header_int(c->resp, "X-Bapi-Limit-Reset-Timestamp",
                               reset_ms);
    if (is_refused) {
        bybit_sim_error(c, 10006, "Too many visits!", "limited");
    }
}

bool
bybit_sim_endpoint_take(const bybit_call *c, int endpoint, int64_t n,
                        int64_t *admitted)
{
    bybit_sim *s = c->sim;
    int64_t window = s->set.endpoint_window_ms;
    int64_t limit = bybit_sim_endpoint_limit(&s->set, endpoint);
    int64_t taken = 0;
    int64_t remaining = 0;
    int64_t reset = c->now_ms;
    bool is_short = false;
    bybit_roll *r = NULL;

    xg_sim_venue_lock(c->v);
    r = &s->endpoints[c->account * BYBIT_EP_COUNT + (size_t)endpoint];
    for (; taken < n; taken++) {
        if (!bybit_sim_roll_admit(r, window, c->now_ms)) {
            if (s->set.limits != 0) {
                is_short = true;
                break;
            }
            /* counting only: report, never refuse */
        }
    }
    remaining = limit - (int64_t)r->n;
    if (is_short) {
        reset = bybit_sim_roll_frees_at(r, window, c->now_ms);
    }
    xg_sim_venue_unlock(c->v);

    *admitted = taken;
    bybit_sim_limit_answer(c, limit, remaining, reset, taken == 0 && n > 0);
    return taken > 0 || n == 0;
}

bool
bybit_sim_endpoint_gate(const bybit_call *c, int endpoint)
{
    int64_t admitted = 0;

    return bybit_sim_endpoint_take(c, endpoint, 1, &admitted);
}

const char *
bybit_sim_param(const bybit_call *c, const char *key)
{
    if (c->body != NULL) {
        return json_string_value(json_object_get(c->body, key));
    }
    return xg_sim_params_get(c->query, key);
}

void
bybit_sim_params_error(const bybit_call *c, const char *what)
{
    char msg[160];

    snprintf(msg, sizeof(msg), "params error: %s", what);
    bybit_sim_error(c, 10001, msg, "rejected");
}

bool
bybit_sim_int_param(const bybit_call *c, const char *key, int64_t lo,
                    int64_t hi, int64_t def, int64_t *out)
{
    const char *s = bybit_sim_param(c, key);
    int64_t v = 0;
    char what[96];

    *out = def;
    if (s == NULL || s[0] == '\0') {
        return true;
    }
    for (const char *p = s; *p != '\0'; p++) {
        /* Past hi the value is refused anyway: stop before it can
         * overflow, however many digits follow. */
        if (*p < '0' || *p > '9' || v > hi) {
            v = hi + 1;
            break;
        }
        v = v * 10 + (*p - '0');
    }
    if (v < lo || v > hi) {
        snprintf(what, sizeof(what), "%.32s must be %lld..%lld", key,
                 (long long)lo, (long long)hi);
        bybit_sim_params_error(c, what);
        return false;
    }
    *out = v;
    return true;
}

bool
bybit_sim_spot_symbol(const bybit_call *c, bool required, size_t *instrument,
                      bool *has_symbol)
{
    const char *category = bybit_sim_param(c, "category");
    const char *symbol = bybit_sim_param(c, "symbol");

    *has_symbol = false;
    if (category == NULL || strcmp(category, "spot") != 0) {
        bybit_sim_params_error(c, "category must be spot");
        return false;
    }
    if (symbol == NULL) {
        if (required) {
            bybit_sim_params_error(c, "symbol is required");
            return false;
        }
        return true;
    }
    if (xg_sim_book_find_instrument(&c->v->book, symbol, instrument) != XG_OK) {
        bybit_sim_error(c, 170121, "Invalid symbol.", "rejected");
        return false;
    }
    *has_symbol = true;
    return true;
}

void
bybit_sim_fmt(int64_t v, char buf[XG_SIM_FIXED_BUFSZ])
{
    xg_sim_fixed_format_short(v, buf);
}

static const struct {
    const char *head;
    const char *symbol;
} bybit_cursor_forms[] = {
    {"page_args%3D", "%26symbol%3D"}, /* as handed out */
    {"page_args=", "&symbol="},       /* decoded once more */
};

void
bybit_sim_cursor_make(int64_t id, const char *symbol,
                      char out[BYBIT_CURSOR_LEN])
{
    /* The '%' of the cursor are text, so they go in as arguments. */
    snprintf(out, BYBIT_CURSOR_LEN, "%s%lld%s%s", bybit_cursor_forms[0].head,
             (long long)id, bybit_cursor_forms[0].symbol, symbol);
}

bool
bybit_sim_cursor_parse(const char *cursor, const char *want, int64_t *out)
{
    for (size_t form = 0;
         form < sizeof(bybit_cursor_forms) / sizeof(bybit_cursor_forms[0]);
         form++) {
        const char *head = bybit_cursor_forms[form].head;
        const char *sep = bybit_cursor_forms[form].symbol;
        const char *p = cursor;
        int64_t id = 0;

        if (strncmp(p, head, strlen(head)) != 0) {
            continue;
        }
        p += strlen(head);
        if (*p < '1' || *p > '9') {
            continue;
        }
        for (; *p >= '0' && *p <= '9'; p++) {
            if (id > (INT64_MAX - 9) / 10) {
                return false;
            }
            id = id * 10 + (*p - '0');
        }
        if (strncmp(p, sep, strlen(sep)) != 0 ||
            strcmp(p + strlen(sep), want) != 0) {
            continue;
        }
        *out = id;
        return true;
    }
    return false;
}
