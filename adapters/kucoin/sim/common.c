/*
 * common.c - what the KuCoin dialect's files share: the answer envelopes
 * and the way amounts are printed.
 *
 * Success is {"code":"200000","data":...} with HTTP 200, an error
 * {"code":"<code>","msg":...} with the HTTP status of its class (fact
 * sheet, "Response shapes"), and amounts are strings of at most 8
 * decimals without trailing zeros. The query helpers here are the only
 * readers of query-string numbers and order ids, so every bound on that
 * outside input is checked in one place. Every other file of the dialect
 * calls into this one; it calls none of them, so calls run one way.
 * Compiled into xgsim only.
 */
#include "kucoin_sim.h"

#include <stdio.h>
#include <string.h>

void
kucoin_sim_error(xg_sim_response *resp, int status, int code, const char *msg,
                 const char *outcome)
{
    char text[16];

    snprintf(text, sizeof(text), "%d", code);
    xg_sim_response_json(resp, status,
                         json_pack("{ss ss}", "code", text, "msg", msg));
    resp->code = code;
    resp->outcome = outcome;
}

void
kucoin_sim_ok(xg_sim_response *resp, json_t *data, const char *outcome)
{
    xg_sim_response_json(resp, 200,
                         json_pack("{ss so}", "code", "200000", "data",
                                   data != NULL ? data : json_null()));
    resp->code = 0;
    resp->outcome = outcome;
}

json_t *
kucoin_sim_num(int64_t v)
{
    char buf[XG_SIM_FIXED_BUFSZ + 1];

    if (v < 0 && v != INT64_MIN) {
        buf[0] = '-';
        xg_sim_fixed_format_short(-v, buf + 1);
    } else {
        xg_sim_fixed_format_short(v < 0 ? 0 : v, buf);
    }
    return json_string(buf);
}

json_t *
kucoin_sim_rate(int64_t ppm)
{
    /* ppm / 1e6 at scale 8 is ppm * 100; settings keep ppm far below
     * INT64_MAX / 100. */
    return kucoin_sim_num(ppm * 100);
}

bool
kucoin_sim_query_int(const kucoin_call *c, const char *name, int64_t lo,
                     int64_t hi, int64_t def, int64_t *out)
{
    const char *text = xg_sim_params_get(c->params, name);
    size_t n = text != NULL ? strlen(text) : 0;
    int64_t v = 0;
    char msg[80];

    if (n == 0) {
        *out = def;
        return true;
    }
    for (size_t i = 0; i < n && n <= 18; i++) {
        if (text[i] < '0' || text[i] > '9') {
            n = 19; /* not a number: refused below */
            break;
        }
        v = v * 10 + (text[i] - '0');
    }
    if (n > 18 || v < lo || v > hi) {
        snprintf(msg, sizeof(msg), "%.40s is invalid", name);
        kucoin_sim_error(c->resp, 400, 400100, msg, "rejected");
        return false;
    }
    *out = v;
    return true;
}

bool
kucoin_sim_query_symbol(const kucoin_call *c, size_t *inst)
{
    if (c->symbol == NULL || c->symbol[0] == '\0') {
        kucoin_sim_error(c->resp, 400, 400100, "symbol is required",
                         "rejected");
        return false;
    }
    if (xg_sim_book_find_instrument(&c->v->book, c->symbol, inst) != XG_OK) {
        kucoin_sim_error(c->resp, 400, 400600, "symbolNotAvailable",
                         "rejected");
        return false;
    }
    return true;
}

bool
kucoin_sim_parse_order_id(const char *text, int64_t *id)
{
    uint64_t v = 0;

    if (strlen(text) != 24) {
        return false;
    }
    for (size_t i = 0; i < 24; i++) {
        char ch = text[i];
        unsigned d = 0;
        if (ch >= '0' && ch <= '9') {
            d = (unsigned)(ch - '0');
        } else if (ch >= 'a' && ch <= 'f') {
            d = (unsigned)(ch - 'a' + 10);
        } else {
            return false;
        }
        /* The first 9 digits of an id this simulator made are zeros. */
        if (v > (uint64_t)INT64_MAX >> 4) {
            return false;
        }
        v = v << 4 | d;
    }
    if (v == 0) {
        return false;
    }
    *id = (int64_t)v;
    return true;
}

void
kucoin_sim_format_order_id(int64_t id, char out[32])
{
    snprintf(out, 32, "%024llx", (unsigned long long)id);
}
