/*
 * parse_amend.c - Binance's answers to an amend, into unified results.
 *
 * An amend is one of two endpoints (requests.c): keepPriority answers the
 * order as it now stands; cancelReplace answers both halves, the cancel of
 * the old order and the new order, and when one half fails it says which
 * in an error answer's "data" (rest-api.md). This file reads both, reports
 * a replace's new order with what the old one had executed
 * (xg_result.replaced_exec) and keeps what does not read from counting as
 * a refusal: an amend may have changed the order, so such an answer is
 * UNKNOWN. parse.c routes the answers here and owns the order reader, the
 * error table and everything common to all answers.
 */
#include "binance.h"

#include <string.h>

#include "xgate/adapter_util.h"
#include "xgate/json.h"

/* An amend answer that does not say what happened: nothing of it is
 * kept, and the core queries the order. */
static void
binance_amend_unknown(const char *why, xg_result *res)
{
    memset(&res->order, 0, sizeof(res->order));
    memset(&res->replaced_exec, 0, sizeof(res->replaced_exec));
    res->is_replaced = 0;
    xg_result_bad_body(XG_OP_AMEND_ORDER, why, res);
}

/* keepPriority: {"transactTime", "executionId", "amendedOrder": {...}},
 * the order as it now stands, under the client id it kept. */
static void
binance_parse_amended(const xg_op *op, const xg_json *j, xg_result *res)
{
    size_t o = 0;

    if (xg_json_type_of(j, 0) != XG_JSON_OBJECT ||
        xg_json_get(j, 0, "amendedOrder", &o) != XG_OK ||
        binance_order_report(j, o, BINANCE_FORM_AMENDED, &res->order) !=
            XG_OK ||
        strcmp(res->order.client_id, op->client_id) != 0) {
        binance_amend_unknown("amend: malformed amendedOrder", res);
        return;
    }
    res->outcome = XG_OUTCOME_OK;
    res->err = XG_OK;
}

/* Whether member key of object o is the string want ("SUCCESS",
 * "FAILURE", "NOT_ATTEMPTED": a cancel-replace's cancelResult and
 * newOrderResult). */
static int
binance_member_is(const xg_json *j, size_t o, const char *key, const char *want)
{
    size_t v = 0;

    return xg_json_get(j, o, key, &v) == XG_OK &&
           xg_json_is_string_eq(j, v, want);
}

/* From a cancel-replace's cancelResponse (a member of object o): the
 * order it canceled, which must be ours, and what it had executed, which
 * the new order does not carry (it starts with nothing executed). */
static xg_err
binance_replaced_exec(const xg_op *op, const xg_json *j, size_t o,
                      xg_result *res)
{
    xg_order_report old;
    size_t c = 0;

    if (xg_json_get(j, o, "cancelResponse", &c) != XG_OK ||
        binance_order_report(j, c, BINANCE_FORM_CANCEL, &old) != XG_OK ||
        strcmp(old.client_id, op->client_id) != 0) {
        return XG_ERR_BAD_FIELD;
    }
    res->is_replaced = 1;
    res->replaced_exec = old.exec;
    memcpy(res->order.venue_symbol, old.venue_symbol,
           sizeof(res->order.venue_symbol));
    return XG_OK;
}

/* cancelReplace that went through: {"cancelResult": "SUCCESS",
 * "newOrderResult": "SUCCESS", "cancelResponse": {the old order},
 * "newOrderResponse": {the new one, RESULT form}}. */
static void
binance_parse_replaced(const xg_op *op, const xg_json *j, xg_result *res)
{
    size_t o = 0;

    if (xg_json_type_of(j, 0) != XG_JSON_OBJECT ||
        !binance_member_is(j, 0, "cancelResult", "SUCCESS") ||
        !binance_member_is(j, 0, "newOrderResult", "SUCCESS") ||
        xg_json_get(j, 0, "newOrderResponse", &o) != XG_OK ||
        binance_order_report(j, o, BINANCE_FORM_ORDER, &res->order) != XG_OK ||
        strcmp(res->order.client_id, op->amend->new_client_id) != 0 ||
        binance_replaced_exec(op, j, 0, res) != XG_OK) {
        binance_amend_unknown("cancelReplace: malformed answer", res);
        return;
    }
    res->outcome = XG_OUTCOME_OK;
    res->err = XG_OK;
}

void
binance_parse_replace_refused(const xg_op *op, const xg_json *j,
                              const xg_http_response *resp, int64_t code,
                              const char *msg, xg_result *res)
{
    size_t data = 0;
    size_t part = 0;
    int has_data = 0;
    int has_code = 0;
    int64_t part_code = 0;
    const char *part_msg = NULL;
    char buf[XG_VENUE_MSG_MAX];
    xg_result why;

    has_data = xg_json_get(j, 0, "data", &data) == XG_OK &&
               xg_json_type_of(j, data) == XG_JSON_OBJECT;
    if (code == -2022) {
        if (has_data &&
            xg_json_get(j, data, "cancelResponse", &part) == XG_OK) {
            binance_error_fields(j, part, &has_code, &part_code, buf,
                                 sizeof(buf), &part_msg);
        }
        if (has_code) {
            binance_classify_error(XG_OP_AMEND_ORDER, resp, 1, part_code,
                                   part_msg, res);
        } else {
            binance_classify_error(XG_OP_AMEND_ORDER, resp, 1, code, msg, res);
        }
        return;
    }
    if (!has_data || !binance_member_is(j, data, "cancelResult", "SUCCESS") ||
        !binance_member_is(j, data, "newOrderResult", "FAILURE") ||
        xg_json_get(j, data, "newOrderResponse", &part) != XG_OK ||
        binance_replaced_exec(op, j, data, res) != XG_OK) {
        binance_amend_unknown("cancelReplace: unreadable partial failure", res);
        return;
    }
    binance_error_fields(j, part, &has_code, &part_code, buf, sizeof(buf),
                         &part_msg);
    memset(&why, 0, sizeof(why));
    binance_classify_error(XG_OP_AMEND_ORDER, resp, has_code, part_code, part_msg,
                           &why);
    res->outcome = XG_OUTCOME_OK;
    res->err = why.err;
    memcpy(res->venue_code, why.venue_code, sizeof(res->venue_code));
    memcpy(res->venue_msg, why.venue_msg, sizeof(res->venue_msg));
    res->order.status = XG_STATUS_REJECTED;
    xg_strlcpy(res->order.client_id, op->amend->new_client_id,
               sizeof(res->order.client_id));
}

void
binance_parse_amend(const xg_op *op, const xg_json *j, xg_result *res)
{
    if (op->amend->is_replace) {
        binance_parse_replaced(op, j, res);
    } else {
        binance_parse_amended(op, j, res);
    }
}
