/*
 * common.c - what the OKX dialect's files share: the envelopes, OKX's
 * number formats and the parameter readers.
 *
 * An error is {"code":"<code>","msg":...,"data":[]} with the HTTP status
 * the fact sheet gives it ("Response shapes", "Error codes"), an answer
 * {"code":"0","msg":"","data":[...]}; a parameter comes from the JSON
 * body of a POST, from the query string otherwise. Every parameter
 * reader here bounds what it reads: the request is HTTP from outside.
 * dialect.c, auth.c, orders.c, lists.c, market.c and account.c call into
 * this file; it calls none of them, so calls run one way. Compiled into
 * xgsim only.
 */
#include "okx_sim.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>

int
okx_sim_code_number(const char *code)
{
    int n = 0;
    /* OKX codes are short digit strings. */
    for (const char *p = code; *p >= '0' && *p <= '9' && n < 100000000; p++) {
        n = n * 10 + (*p - '0');
    }
    return n;
}

void
okx_sim_error(xg_sim_response *resp, int status, const char *code,
              const char *msg, const char *outcome)
{
    xg_sim_response_json(
        resp, status,
        json_pack("{ss ss s[]}", "code", code, "msg", msg, "data"));
    resp->code = okx_sim_code_number(code);
    resp->outcome = outcome;
}

void
okx_sim_ok(xg_sim_response *resp, json_t *data)
{
    xg_sim_response_json(
        resp, 200,
        json_pack("{ss ss so}", "code", "0", "msg", "", "data", data));
    resp->outcome = "queried";
}

const char *
okx_sim_param(const okx_call *c, const char *key)
{
    if (c->body != NULL) {
        return json_string_value(json_object_get(c->body, key));
    }
    return xg_sim_params_get(c->query, key);
}

json_t *
okx_sim_amount(int64_t v)
{
    char buf[XG_SIM_FIXED_BUFSZ];

    xg_sim_fixed_format_short(v, buf);
    return json_string(buf);
}

void
okx_sim_fee_text(int64_t fee, char out[XG_SIM_FIXED_BUFSZ + 1])
{
    char buf[XG_SIM_FIXED_BUFSZ];

    xg_sim_fixed_format_short(fee, buf);
    snprintf(out, XG_SIM_FIXED_BUFSZ + 1, "%s%s", fee > 0 ? "-" : "", buf);
}

void
okx_sim_ms_text(int64_t ms, char out[24])
{
    snprintf(out, 24, "%lld", (long long)ms);
}

void
okx_sim_uid_text(size_t account, char out[24])
{
    /* Nine digits like a real uid, distinct per account. */
    okx_sim_ms_text(100000000 + (int64_t)account, out);
}

bool
okx_sim_uint_param(const okx_call *c, const char *key, int64_t min, int64_t max,
                   int64_t *out)
{
    const char *text = okx_sim_param(c, key);
    int64_t v = 0;
    size_t n = 0;

    if (text == NULL || text[0] == '\0') {
        return true;
    }
    for (const char *p = text; *p != '\0'; p++, n++) {
        if (*p < '0' || *p > '9' || n >= 19 ||
            v > (INT64_MAX - (*p - '0')) / 10) {
            return false;
        }
        v = v * 10 + (*p - '0');
    }
    if (v < min || v > max) {
        return false;
    }
    *out = v;
    return true;
}

void
okx_sim_param_error(const okx_call *c, const char *key)
{
    char msg[64];

    snprintf(msg, sizeof(msg), "Parameter %.32s error", key);
    okx_sim_error(c->resp, 400, "51000", msg, "rejected");
}

okx_inst_type
okx_sim_inst_type(const char *text)
{
    static const char *const others[] = {"MARGIN", "SWAP", "FUTURES", "OPTION"};

    if (text == NULL || text[0] == '\0') {
        return OKX_TYPE_NONE;
    }
    if (strcmp(text, "SPOT") == 0) {
        return OKX_TYPE_SPOT;
    }
    for (size_t i = 0; i < sizeof(others) / sizeof(others[0]); i++) {
        if (strcmp(text, others[i]) == 0) {
            return OKX_TYPE_OTHER;
        }
    }
    return OKX_TYPE_BAD;
}

bool
okx_sim_inst_type_param(const okx_call *c, bool required, okx_inst_type *t)
{
    *t = okx_sim_inst_type(okx_sim_param(c, "instType"));
    if (*t == OKX_TYPE_NONE && required) {
        okx_sim_error(c->resp, 400, "50014",
                      "Parameter instType can not be empty.", "rejected");
        return false;
    }
    if (*t == OKX_TYPE_BAD) {
        okx_sim_param_error(c, "instType");
        return false;
    }
    return true;
}

static const char *
okx_sim_state_name(const xg_sim_order *o)
{
    switch (o->status) {
    case XG_SIM_NEW:
        return "live";
    case XG_SIM_PARTIALLY_FILLED:
        return "partially_filled";
    case XG_SIM_FILLED:
        return "filled";
    case XG_SIM_CANCELED:
    case XG_SIM_EXPIRED:
        return "canceled";
    }
    return "live";
}

const char *
okx_sim_ord_type_name(const xg_sim_order *o)
{
    if (o->type == XG_SIM_MARKET) {
        return "market";
    }
    if (o->type == XG_SIM_LIMIT_MAKER) {
        return "post_only";
    }
    return o->tif == XG_SIM_IOC   ? "ioc"
           : o->tif == XG_SIM_FOK ? "fok"
                                  : "limit";
}

json_t *
okx_sim_order_json(const xg_sim_book *b, const xg_sim_order *o)
{
    char id[24];
    char c_time[24];
    char u_time[24];
    char fee[XG_SIM_FIXED_BUFSZ + 1];
    char trade[24] = "";
    char fill_time[24] = "";
    const xg_sim_instrument *in = &b->instruments[o->instrument];

    okx_sim_ms_text(o->order_id, id);
    okx_sim_ms_text(o->time_ms, c_time);
    okx_sim_ms_text(o->update_ms, u_time);
    /* OKX gives the fee as a negative number (a charge; a rebate would
     * be positive), in the currency received. */
    okx_sim_fee_text(o->fee, fee);
    if (o->nfills > 0) {
        okx_sim_ms_text(o->last_trade_id, trade);
        okx_sim_ms_text(o->update_ms, fill_time);
    }
    return json_pack(
        "{ss ss ss ss so so ss ss ss ss so so so so ss ss ss ss ss ss ss ss}",
        "instType", "SPOT", "instId", in->symbol, "ordId", id, "clOrdId",
        o->client_id, "px",
        o->type == XG_SIM_MARKET ? json_string("") : okx_sim_amount(o->price),
        "sz", okx_sim_amount(o->qty), "ordType", okx_sim_ord_type_name(o),
        "side", o->side == XG_SIM_BUY ? "buy" : "sell", "state",
        okx_sim_state_name(o), "tdMode", "cash", "accFillSz",
        okx_sim_amount(o->filled), "fillSz", okx_sim_amount(o->last_fill_qty),
        "avgPx",
        o->filled > 0 ? okx_sim_amount(xg_sim_order_avg_price(o))
                      : json_string(""),
        "fillPx",
        o->filled > 0 ? okx_sim_amount(o->last_fill_price) : json_string(""),
        "fee", fee, "feeCcy", xg_sim_order_fee_asset(b, o), "tradeId", trade,
        "fillTime", fill_time, "tgtCcy", "", "tag", "", "cTime", c_time,
        "uTime", u_time);
}
