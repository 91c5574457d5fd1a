/*
 * common.c - what the Binance dialect's files share: the error answers
 * and the limit bookkeeping behind them.
 *
 * The error body ({"code","msg"}, with "data" for a cancel-replace's
 * halves), the -1102 of a missing parameter, the interval names the venue
 * puts in headers and limit messages, and the 429/418 escalation: a
 * client refused again within a limit period counts a violation and is
 * banned after ban_after_violations of them (fact sheet, "Rate-limit
 * model"). The ORDERS gate and the order-count headers of the trading
 * endpoints live here too. dialect.c (the IP gate, the public endpoints),
 * auth.c, orders.c and account.c call into this file; it calls none of
 * them, so calls run one way. Compiled into xgsim only.
 */
#include "binance_sim.h"

#include <stdio.h>

void
binance_sim_error(xg_sim_response *resp, int status, int code, const char *msg,
                  const char *outcome)
{
    binance_sim_error_data(resp, status, code, msg, NULL, outcome);
}

void
binance_sim_error_data(xg_sim_response *resp, int status, int code,
                       const char *msg, json_t *data, const char *outcome)
{
    xg_sim_response_json(
        resp, status,
        json_pack("{si ss so*}", "code", code, "msg", msg, "data", data));
    resp->code = code;
    resp->outcome = outcome;
}

void
binance_sim_missing(xg_sim_response *resp, const char *param)
{
    char msg[160];

    snprintf(msg, sizeof(msg),
             "Mandatory parameter '%s' was not sent, was empty/null, or "
             "malformed.",
             param);
    binance_sim_error(resp, 400, -1102, msg, "rejected");
}

void
binance_sim_interval(int64_t window_s, char suffix[24], const char **unit,
                     int64_t *num)
{
    const char *name = "SECOND";
    char letter = 'S';
    int64_t n = window_s;

    if (window_s % BINANCE_DAY_S == 0) {
        name = "DAY";
        letter = 'D';
        n = window_s / BINANCE_DAY_S;
    } else if (window_s % 60 == 0) {
        name = "MINUTE";
        letter = 'M';
        n = window_s / 60;
    }
    snprintf(suffix, 24, "%lld%c", (long long)n, letter);
    if (unit != NULL) {
        *unit = name;
    }
    if (num != NULL) {
        *num = n;
    }
}

int64_t
binance_sim_retry_s(int64_t left_ms)
{
    int64_t s = (left_ms + 999) / 1000;

    return s >= 1 ? s : 1;
}

void
binance_sim_banned(xg_sim_response *resp, int status, int64_t until_ms,
                   int64_t now_ms)
{
    char msg[200];

    snprintf(msg, sizeof(msg),
             "Way too much request weight used; IP banned until %lld. "
             "Please use WebSocket Streams for live updates to avoid bans.",
             (long long)until_ms);
    binance_sim_error(resp, status == 429 ? 429 : 418, -1003, msg, "banned");
    xg_sim_response_header_int(resp, "Retry-After",
                               binance_sim_retry_s(until_ms - now_ms));
}

bool
binance_sim_violation(const binance_settings *s, xg_sim_client *cl,
                      int64_t now_ms, int64_t left_ms, xg_sim_response *resp)
{
    if (now_ms < cl->limited_until_ms) {
        cl->violations++;
        if (cl->violations >= s->ban_after_violations) {
            xg_sim_client_ban(
                cl, now_ms,
                xg_sim_client_next_ban_ms(cl, s->ban_base_ms, s->ban_max_ms));
            binance_sim_banned(resp, cl->ban_status, cl->ban_until_ms, now_ms);
            return true;
        }
    } else {
        cl->violations = 0;
    }
    if (now_ms + left_ms > cl->limited_until_ms) {
        cl->limited_until_ms = now_ms + left_ms;
    }
    return false;
}

bool
binance_sim_orders_gate(const binance_call *c)
{
    const binance_settings *s = c->set;
    xg_sim_account *a = &c->v->book.accounts[c->account];
    xg_sim_window *w = &a->windows[BINANCE_AW_ORDERS];
    xg_sim_window *day = &a->windows[BINANCE_AW_ORDERS_DAY];
    xg_sim_client *cl = NULL;
    int64_t limit = s->orders_limit;
    int64_t window_s = s->orders_window_s;
    int64_t left = 0;
    char msg[160];
    char suffix[24];
    const char *unit = NULL;
    int64_t num = 0;

    if (s->limits == 0) {
        return true;
    }
    if (xg_sim_window_used(day, c->now_ms) >= s->orders_day_limit) {
        limit = s->orders_day_limit;
        window_s = BINANCE_DAY_S;
        left = xg_sim_window_left_ms(day, c->now_ms);
    } else if (xg_sim_window_used(w, c->now_ms) >= s->orders_limit) {
        left = xg_sim_window_left_ms(w, c->now_ms);
    } else {
        return true;
    }
    if (xg_sim_clients_get(&c->v->clients, c->req->client_ip,
                           c->v->client_proto, &cl) == XG_OK &&
        binance_sim_violation(s, cl, c->now_ms, left, c->resp)) {
        return false;
    }
    binance_sim_interval(window_s, suffix, &unit, &num);
    snprintf(msg, sizeof(msg),
             "Too many new orders; current limit is %lld orders per %lld %s.",
             (long long)limit, (long long)num, unit);
    binance_sim_error(c->resp, 429, -1015, msg, "limited");
    xg_sim_response_header_int(c->resp, "Retry-After",
                               binance_sim_retry_s(left));
    return false;
}

void
binance_sim_order_count_headers(const binance_call *c)
{
    const xg_sim_account *a = &c->v->book.accounts[c->account];
    char suffix[24];
    char name[48];

    binance_sim_interval(c->set->orders_window_s, suffix, NULL, NULL);
    snprintf(name, sizeof(name), "X-MBX-ORDER-COUNT-%s", suffix);
    xg_sim_response_header_int(
        c->resp, name,
        xg_sim_window_used(&a->windows[BINANCE_AW_ORDERS], c->now_ms));
    xg_sim_response_header_int(
        c->resp, "X-MBX-ORDER-COUNT-1D",
        xg_sim_window_used(&a->windows[BINANCE_AW_ORDERS_DAY], c->now_ms));
}

json_t *
binance_sim_amount(int64_t v)
{
    char buf[XG_SIM_FIXED_BUFSZ];

    xg_sim_fixed_format(v, buf);
    return json_string(buf);
}

bool
binance_sim_param_int(xg_sim_response *resp, const xg_sim_params *params,
                      const char *name, int64_t *out, bool *present)
{
    const char *text = xg_sim_params_get(params, name);
    char msg[160];
    int64_t n = 0;
    size_t len = 0;

    *present = false;
    if (text == NULL) {
        return true;
    }
    if (text[0] == '\0') {
        snprintf(msg, sizeof(msg), "Parameter '%s' was empty.", name);
        binance_sim_error(resp, 400, -1105, msg, "rejected");
        return false;
    }
    for (const char *p = text; *p != '\0'; p++, len++) {
        if (*p < '0' || *p > '9') {
            snprintf(msg, sizeof(msg),
                     "Illegal characters found in parameter '%s'; legal "
                     "range is '^[0-9]{1,20}$'.",
                     name);
            binance_sim_error(resp, 400, -1100, msg, "rejected");
            return false;
        }
        /* 18 digits always fit an int64_t; the 19th may not. */
        if (len >= 18) {
            snprintf(msg, sizeof(msg), "Parameter '%s' overflowed.", name);
            binance_sim_error(resp, 400, -1108, msg, "rejected");
            return false;
        }
        n = n * 10 + (*p - '0');
    }
    *out = n;
    *present = true;
    return true;
}

bool
binance_sim_param_limit(xg_sim_response *resp, const xg_sim_params *params,
                        int64_t def, int64_t max, int64_t *out)
{
    bool present = false;
    int64_t n = def;

    if (!binance_sim_param_int(resp, params, "limit", &n, &present)) {
        return false;
    }
    if (present && n < 1) {
        binance_sim_error(resp, 400, -1100,
                          "Illegal characters found in parameter 'limit'; "
                          "legal range is '^[1-9][0-9]{0,17}$'.",
                          "rejected");
        return false;
    }
    *out = n > max ? max : n;
    return true;
}

bool
binance_sim_symbol(const binance_call *c, size_t *inst)
{
    const char *symbol = xg_sim_params_get(c->params, "symbol");

    if (symbol == NULL || symbol[0] == '\0') {
        binance_sim_missing(c->resp, "symbol");
        return false;
    }
    if (xg_sim_book_find_instrument(&c->v->book, symbol, inst) != XG_OK) {
        binance_sim_error(c->resp, 400, -1121, "Invalid symbol.", "rejected");
        return false;
    }
    return true;
}

/* The venue's own description of a well-formed symbols list. */
#define BINANCE_SYMBOLS_RANGE                                                  \
    "^\\[(\"[A-Z0-9-_.]{1,20}\"(,\"[A-Z0-9-_.]{1,20}\"){0,}){0,1}\\]$"

bool
binance_sim_symbol_selection(const binance_call *c, bool *selected, bool *one)
{
    const char *sym = xg_sim_params_get(c->params, "symbol");
    const char *many = xg_sim_params_get(c->params, "symbols");
    const xg_sim_book *b = &c->v->book;
    size_t idx = 0;
    size_t i = 0;
    json_t *item = NULL;
    int code = 0;

    *one = false;
    if (sym != NULL && many != NULL) {
        binance_sim_error(c->resp, 400, -1128,
                          "Combination of optional parameters invalid.",
                          "rejected");
        return false;
    }
    if (sym != NULL) {
        if (!binance_sim_symbol(c, &idx)) {
            return false;
        }
        selected[idx] = true;
        *one = true;
        return true;
    }
    if (many == NULL) {
        for (i = 0; i < b->ninstruments; i++) {
            selected[i] = true;
        }
        return true;
    }
    json_t *arr = json_loads(many, JSON_REJECT_DUPLICATES, NULL);
    if (!json_is_array(arr)) {
        code = -1100;
    }
    json_array_foreach(arr, i, item)
    {
        if (code != 0) {
            break;
        }
        if (!json_is_string(item) || json_string_length(item) == 0 ||
            json_string_length(item) > 20) {
            code = -1100;
        } else if (xg_sim_book_find_instrument(b, json_string_value(item),
                                               &idx) != XG_OK) {
            code = -1121;
        } else if (selected[idx]) {
            code = -1151;
        } else {
            selected[idx] = true;
        }
    }
    json_decref(arr);
    if (code == -1100) {
        binance_sim_error(c->resp, 400, -1100,
                          "Illegal characters found in parameter 'symbols'; "
                          "legal range is '" BINANCE_SYMBOLS_RANGE "'.",
                          "rejected");
    } else if (code == -1121) {
        binance_sim_error(c->resp, 400, -1121, "Invalid symbol.", "rejected");
    } else if (code == -1151) {
        binance_sim_error(c->resp, 400, -1151,
                          "Symbol is present multiple times in the list.",
                          "rejected");
    }
    return code == 0;
}

size_t
binance_sim_count_symbols(const char *symbols)
{
    json_t *arr = NULL;
    size_t n = 0;

    if (symbols == NULL) {
        return 0;
    }
    arr = json_loads(symbols, 0, NULL);
    n = json_is_array(arr) ? json_array_size(arr) : 0;
    json_decref(arr);
    return n;
}
