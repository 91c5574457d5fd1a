/*
 * parse.c - OKX v5 responses into xgate's unified results.
 *
 * Every OKX answer is an envelope {"code": "...", "msg": "...", "data":
 * [...]} with the code as a string ("0" is success). Order endpoints
 * (place, amend, cancel) answer per order inside data[]: "sCode"/"sMsg"
 * decide each order's fate, and the top-level code is then "1" (all
 * failed) or "2" (some failed) (fact sheet, "Response shapes"); the
 * per-order code is the one that goes through the error table. Error
 * answers go through ONE table (venue code and HTTP status -> outcome
 * and unified error). Success bodies become an order report, the server
 * time, the open orders (a full page of 100 with the cursor to the next:
 * its last ordId) or the instruments; instruments get their limiter
 * scope here (a table in the instance keeps each instId's scope for the
 * instance's life). An order's fills are read in parse_fills.c. Building
 * requests is requests.c's job.
 *
 * A batch (place, cancel or amend multiple orders) answers each order in
 * its own data[] entry with sCode/sMsg, the envelope code being "0", "1"
 * (all failed) or "2" (some failed): the request is then OK, and each
 * order's result is what its single place, cancel or amend would have
 * been, read with the same acknowledgement reader and the same error
 * table. An entry is matched to its order by clOrdId (by position only
 * where it names no client id); an order no entry answers readably is
 * UNKNOWN, for the core to query. Any other envelope code is the whole
 * batch's (a limit, a timeout), as for a single order. Balances are
 * data[0].details[], each asset's availBal (free) and frozenBal (locked).
 *
 * Bodies are hostile until proven otherwise: they are checked by the
 * strict reader of xgate/json.h over exactly body_len bytes (its token
 * array lives in the instance between answers, so those of a usual size
 * allocate nothing; one grown by a huge answer is freed again), which
 * also refuses a key given twice, so a body cannot carry two answers
 * ("sCode" "0" and "51008") for the gateway to pick from. Every field is
 * type-checked, numbers stay the venue's strings until the decimal parser
 * reads them, and venue text copied into a result is truncated and made
 * printable. A malformed answer is an outcome, never a crash: UNKNOWN
 * for a new order, an amend or a cancel (the order may have changed),
 * REJECTED with XG_ERR_BAD_RESPONSE for the read-only operations, which
 * change nothing and can simply be asked again.
 */
#include "okx.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "xgate/adapter_util.h"
#include "xgate/json.h"

/* --- small helpers ----------------------------------------------------- */

/* OKX codes are strings of digits ("50011"); accept a JSON integer too.
 * XG_ERR_BAD_FIELD for anything else, including "" and "-1". */
static xg_err
okx_code_value(const xg_json *j, size_t v, int64_t *out)
{
    /* 18 digits, one more to see a 19th, and the NUL. */
    char digits[20];
    size_t len = 0;
    int64_t n = 0;

    if (xg_json_type_of(j, v) == XG_JSON_NUMBER) {
        if (xg_json_int64(j, v, &n) != XG_OK || n < 0) {
            return XG_ERR_BAD_FIELD;
        }
        *out = n;
        return XG_OK;
    }
    if (xg_json_type_of(j, v) != XG_JSON_STRING) {
        return XG_ERR_BAD_FIELD;
    }
    /* More than 18 digits is refused even where it would fit int64_t. */
    if (xg_json_string(j, v, digits, sizeof(digits), &len) != XG_OK ||
        len > 18 || xg_digits_i64(digits, len, out) != XG_OK) {
        return XG_ERR_BAD_FIELD;
    }
    return XG_OK;
}

xg_err
okx_field_code(const xg_json *j, size_t obj, const char *key, int64_t *out)
{
    size_t v = 0;

    if (xg_json_get(j, obj, key, &v) != XG_OK) {
        return XG_ERR_BAD_FIELD;
    }
    return okx_code_value(j, v, out);
}

const char *
okx_field_msg(const xg_json *j, size_t obj, const char *key, char *dst,
              size_t cap)
{
    size_t v = 0;
    xg_err rc = XG_OK;

    if (xg_json_get(j, obj, key, &v) != XG_OK ||
        xg_json_type_of(j, v) != XG_JSON_STRING) {
        return NULL;
    }
    rc = xg_json_string(j, v, dst, cap, NULL);
    return rc == XG_OK || rc == XG_ERR_TRUNCATED ? dst : NULL;
}

/* A non-negative decimal carried as a JSON string. */
static xg_err
okx_field_amount(const xg_json *j, size_t obj, const char *key, xg_decimal *out)
{
    return xg_field_amount(j, obj, key, out) == XG_OK ? XG_OK
                                                      : XG_ERR_BAD_FIELD;
}

/* Like okx_field_amount, but "" (OKX's "not applicable") and absence give
 * {0, 0}. */
static xg_err
okx_field_amount_opt(const xg_json *j, size_t obj, const char *key,
                     xg_decimal *out)
{
    size_t v = 0;
    xg_err rc = xg_json_get(j, obj, key, &v);

    out->units = 0;
    out->scale = 0;
    if (rc == XG_ERR_NOT_FOUND ||
        (rc == XG_OK && xg_json_type_of(j, v) == XG_JSON_STRING &&
         j->tok[v].len == 0)) {
        return XG_OK;
    }
    return okx_field_amount(j, obj, key, out);
}

/* The one data[] item of an order answer into *item; XG_ERR_BAD_FIELD
 * when data is absent, repeated, no array or not exactly one long. */
static xg_err
okx_single_item(const xg_json *j, size_t *item)
{
    size_t data = 0;

    if (xg_json_type_of(j, 0) != XG_JSON_OBJECT ||
        xg_json_get(j, 0, "data", &data) != XG_OK ||
        xg_json_type_of(j, data) != XG_JSON_ARRAY || j->tok[data].count != 1) {
        return XG_ERR_BAD_FIELD;
    }
    *item = data + 1;
    return XG_OK;
}

xg_err
okx_data_array(const xg_json *j, size_t *data)
{
    if (xg_json_type_of(j, 0) != XG_JSON_OBJECT ||
        xg_json_get(j, 0, "data", data) != XG_OK ||
        xg_json_type_of(j, *data) != XG_JSON_ARRAY) {
        return XG_ERR_BAD_FIELD;
    }
    return XG_OK;
}

/* --- the error table --------------------------------------------------- */

/* xg_err_rule.hint: the wait is the limit window (2 s unless
 * configured): OKX sends no Retry-After, and waiting out the window is
 * what its docs ask. */
enum { OKX_HINT_WINDOW = 1 };

/*
 * First match wins. Source: fact sheet "Error codes a gateway must map",
 * "Rate-limit model" and "Surprises".
 *
 * - 50011 (HTTP 429 or 200) and 50061 (sub-account order rate) are quota
 *   breaches: not executed, wait out the 2 s window.
 * - 50013 "Systems are busy" is overload, not quota. For a read it is
 *   RATE_LIMITED with a 1 s back-off; for a new order or cancel the docs
 *   do not promise it was refused before execution, so it is UNKNOWN and
 *   the order is reconciled by a query.
 * - Any other 429 is rate limiting.
 * - 50102 "Timestamp request expired" (401): resync the clock and retry.
 * - 50004 "endpoint request timeout, does not mean success or failure"
 *   arrives as HTTP 400; 50001 (503), 50026 (500) and any 5xx also leave
 *   the outcome open. UNKNOWN for new/cancel; reads changed nothing and
 *   are REJECTED with XG_ERR_VENUE_DOWN to be asked again.
 * - Statuses that are neither 2xx, 4xx nor 5xx are unexpected answers,
 *   handled like unparseable bodies.
 * - 50007 (user blocked) and 50100 (API frozen) stop the account as a
 *   whole: BANNED with no end given (the core applies its default), so
 *   nothing is sent until an operator looks.
 * - Order-level codes (per-order sCode or top-level code) map to the
 *   unified reasons; 51401/51402 (cancel: already canceled / completed)
 *   are "no open order" like 51400, so the core queries the final state.
 * - Amend refusals (OKX v5 reference, "Error Code", Trade class): 51503
 *   "Your order has already been filled or canceled" (and, for Nitro
 *   Spread, "... the order does not exist"), 51509 / 51510 (canceled /
 *   completed, Nitro Spread) are "no open order" too; 51502 "Unable to
 *   edit order: insufficient balance or margin" is short funds; a newPx
 *   off the tick grid is a parameter error of newPx, a filter breach
 *   like px. 51506 (order type), 51511 (post only would take) and 51513
 *   (three amends in progress) stay plain rejects.
 * - Anything else is REJECTED with XG_ERR_REJECTED and the venue's text.
 */
static const xg_err_rule okx_errors[] = {
    XG_ERR_RULE_LIMITED_BY(0, 0, 50011, OKX_HINT_WINDOW),
    XG_ERR_RULE_LIMITED_BY(0, 0, 50061, OKX_HINT_WINDOW),
    XG_ERR_RULE(0, 0, 50013, NULL, XG_OPS_MUTATING, XG_OUTCOME_UNKNOWN,
                XG_ERR_UNKNOWN_STATUS, 0),
    XG_ERR_RULE(0, 0, 50013, NULL, XG_OPS_READ, XG_OUTCOME_RATE_LIMITED,
                XG_ERR_RATE_LIMITED, 1000),
    XG_ERR_RULE_LIMITED_BY(429, 429, 0, OKX_HINT_WINDOW),
    XG_ERR_RULE(0, 0, 50102, NULL, XG_OPS_ALL, XG_OUTCOME_RESYNC,
                XG_ERR_TIMESTAMP, 0),
    XG_ERR_RULES_STATUS_UNKNOWN(0, 0, 50004),
    XG_ERR_RULES_STATUS_UNKNOWN(0, 0, 50001),
    XG_ERR_RULES_STATUS_UNKNOWN(0, 0, 50026),
    XG_ERR_RULES_STATUS_UNKNOWN(500, 599, 0),
    XG_ERR_RULES_ODD_STATUS,
    XG_ERR_RULE(0, 0, 50007, NULL, XG_OPS_ALL, XG_OUTCOME_BANNED, XG_ERR_BANNED,
                0),
    XG_ERR_RULE(0, 0, 50100, NULL, XG_OPS_ALL, XG_OUTCOME_BANNED, XG_ERR_BANNED,
                0),
    XG_ERR_RULE_REJECT(50112, XG_ERR_TIMESTAMP),
    XG_ERR_RULE_REJECT(50105, XG_ERR_AUTH),
    XG_ERR_RULE_REJECT(50110, XG_ERR_AUTH),
    XG_ERR_RULE_REJECT(50111, XG_ERR_AUTH),
    XG_ERR_RULE_REJECT(50113, XG_ERR_AUTH),
    XG_ERR_RULE_REJECT(51008, XG_ERR_INSUFFICIENT_FUNDS),
    XG_ERR_RULE_REJECT(51119, XG_ERR_INSUFFICIENT_FUNDS),
    XG_ERR_RULE_REJECT(51127, XG_ERR_INSUFFICIENT_FUNDS),
    XG_ERR_RULE_REJECT(51131, XG_ERR_INSUFFICIENT_FUNDS),
    XG_ERR_RULE_REJECT(51502, XG_ERR_INSUFFICIENT_FUNDS),
    XG_ERR_RULE_REJECT(51001, XG_ERR_UNKNOWN_SYMBOL),
    XG_ERR_RULE_REJECT(51006, XG_ERR_FILTER),
    /* A price off the tick grid is a parameter error of px. */
    XG_ERR_RULE(0, 0, 51000, "Parameter px error", XG_OPS_ALL,
                XG_OUTCOME_REJECTED, XG_ERR_FILTER, 0),
    XG_ERR_RULE(0, 0, 51000, "Parameter newPx error", XG_OPS_ALL,
                XG_OUTCOME_REJECTED, XG_ERR_FILTER, 0),
    XG_ERR_RULE_REJECT(51020, XG_ERR_FILTER),
    XG_ERR_RULE_REJECT(51121, XG_ERR_FILTER),
    XG_ERR_RULE_REJECT(51016, XG_ERR_DUPLICATE_ID),
    XG_ERR_RULE_REJECT(50071, XG_ERR_DUPLICATE_ID),
    XG_ERR_RULE_REJECT(51603, XG_ERR_ORDER_NOT_FOUND),
    XG_ERR_RULE_REJECT(51400, XG_ERR_ORDER_NOT_FOUND),
    XG_ERR_RULE_REJECT(51401, XG_ERR_ORDER_NOT_FOUND),
    XG_ERR_RULE_REJECT(51402, XG_ERR_ORDER_NOT_FOUND),
    XG_ERR_RULE_REJECT(51503, XG_ERR_ORDER_NOT_FOUND),
    XG_ERR_RULE_REJECT(51509, XG_ERR_ORDER_NOT_FOUND),
    XG_ERR_RULE_REJECT(51510, XG_ERR_ORDER_NOT_FOUND),
    XG_ERR_RULE(401, 401, 0, NULL, XG_OPS_ALL, XG_OUTCOME_REJECTED, XG_ERR_AUTH,
                0),
};

void
okx_classify_error(const okx *o, xg_op_kind kind, int status, int has_code,
                   int64_t code, const char *msg, xg_result *res)
{
    const xg_err_rule *rule = xg_err_rules_apply(
        okx_errors, sizeof(okx_errors) / sizeof(okx_errors[0]),
        kind, status, has_code, code, msg, res);
    if (rule != NULL && rule->hint == OKX_HINT_WINDOW) {
        res->retry_after_ms = o != NULL ? o->window_ms : OKX_WINDOW_MS_DEFAULT;
    }
}

/* --- instrument scopes -----------------------------------------------------
 */

uint32_t
okx_scope_of(okx *o, const char *inst_id)
{
    for (size_t i = 0; i < o->n_scopes; i++) {
        if (strcmp(o->scopes[i].inst_id, inst_id) == 0) {
            return o->scopes[i].scope;
        }
    }
    if (o->n_scopes >= OKX_MAX_SCOPES ||
        strlen(inst_id) >= sizeof(o->scopes[0].inst_id)) {
        return 0;
    }
    if (o->n_scopes == o->cap_scopes) {
        size_t cap = o->cap_scopes == 0 ? 64 : o->cap_scopes * 2;
        okx_scope *p = realloc(o->scopes, cap * sizeof(*p));
        if (p == NULL) {
            return 0;
        }
        o->scopes = p;
        o->cap_scopes = cap;
    }
    okx_scope *s = &o->scopes[o->n_scopes];
    memcpy(s->inst_id, inst_id, strlen(inst_id) + 1);
    /* Scopes start at 1: scope 0 is the shared fallback. */
    s->scope = (uint32_t)o->n_scopes + 1;
    o->n_scopes++;
    return s->scope;
}

/* --- orders ------------------------------------------------------------ */

static const struct {
    const char *name;
    xg_order_status status;
} okx_states[] = {
    {"live", XG_STATUS_NEW},
    {"partially_filled", XG_STATUS_PARTIALLY_FILLED},
    {"filled", XG_STATUS_FILLED},
    {"canceled", XG_STATUS_CANCELED},
    {"mmp_canceled", XG_STATUS_CANCELED},
};

xg_err
okx_order_details(const xg_json *j, size_t o, xg_order_report *rep)
{
    xg_decimal avg_px;
    xg_err rc = XG_OK;
    char state[32];
    char tgt_ccy[16];
    size_t v = 0;

    memset(rep, 0, sizeof(*rep));
    if (xg_json_type_of(j, o) != XG_JSON_OBJECT) {
        return XG_ERR_BAD_FIELD;
    }
    if (xg_field_text(j, o, "instId", rep->venue_symbol,
                      sizeof(rep->venue_symbol)) != XG_OK ||
        xg_field_text(j, o, "ordId", rep->venue_order_id,
                      sizeof(rep->venue_order_id)) != XG_OK) {
        return XG_ERR_BAD_FIELD;
    }
    if (xg_field_name(j, o, "state", state, sizeof(state)) != XG_OK) {
        return XG_ERR_BAD_FIELD;
    }
    rep->status = XG_STATUS_UNKNOWN;
    for (size_t i = 0; i < sizeof(okx_states) / sizeof(okx_states[0]); i++) {
        if (strcmp(state, okx_states[i].name) == 0) {
            rep->status = okx_states[i].status;
            break;
        }
    }
    if (rep->status == XG_STATUS_UNKNOWN) {
        return XG_ERR_BAD_FIELD;
    }
    if (okx_field_amount_opt(j, o, "accFillSz", &rep->exec.filled_qty) !=
            XG_OK ||
        okx_field_amount_opt(j, o, "avgPx", &avg_px) != XG_OK) {
        return XG_ERR_BAD_FIELD;
    }
    /* Filled cost = accFillSz * avgPx; unknown ({0,0}) if either is not
     * given or the product does not fit. */
    if (rep->exec.filled_qty.units > 0 && avg_px.units > 0 &&
        xg_decimal_mul(rep->exec.filled_qty, avg_px, &rep->exec.filled_quote) !=
            XG_OK) {
        rep->exec.filled_quote.units = 0;
        rep->exec.filled_quote.scale = 0;
    }
    /* The cumulative fee, negative for a charge (a rebate, paid in
     * rebateCcy, is not folded in). */
    if (xg_field_fee(j, o, "fee", "feeCcy", -1, &rep->exec) != XG_OK) {
        return XG_ERR_BAD_FIELD;
    }
    /* The limit price and total size as OKX holds them now (amended or
     * not), which tell the core whether an amend took effect. px is ""
     * for a market order. A market order sized in the quote (tgtCcy
     * quote_ccy) has an sz that is no base quantity: left unsaid. */
    if (okx_field_amount_opt(j, o, "px", &rep->price) != XG_OK ||
        okx_field_amount_opt(j, o, "sz", &rep->qty) != XG_OK) {
        return XG_ERR_BAD_FIELD;
    }
    if (xg_field_has(j, o, "tgtCcy") &&
        xg_field_name(j, o, "tgtCcy", tgt_ccy, sizeof(tgt_ccy)) == XG_OK &&
        strcmp(tgt_ccy, "quote_ccy") == 0) {
        rep->qty.units = 0;
        rep->qty.scale = 0;
    }
    /* Last, so that a malformed order is reported as malformed rather
     * than as someone else's. */
    rc = xg_field_text(j, o, "clOrdId", rep->client_id, sizeof(rep->client_id));
    if (rc == XG_ERR_BAD_FIELD && xg_json_get(j, o, "clOrdId", &v) == XG_OK &&
        xg_json_type_of(j, v) == XG_JSON_STRING) {
        rc = XG_ERR_TRUNCATED; /* "": placed without a client id */
    }
    return rc;
}

/* OKX's place answer says "accepted", never the order's state. A resting
 * order is NEW; one that takes (market, IOC, FOK) may have filled at
 * once, so the state is reported unknown and the core queries it
 * (adapter.h). A cancel acknowledged is CANCELED. An amend acknowledged
 * is only accepted for processing ("It is not strictly considered that
 * the order has been amended", Trade > Amend order), and a new price may
 * have traded at once: unknown, the order's details tell. */
static xg_order_status
okx_ack_status(const xg_op *op)
{
    const xg_order *o = op->order;

    if (op->kind == XG_OP_CANCEL_ORDER) {
        return XG_STATUS_CANCELED;
    }
    if (op->kind == XG_OP_NEW_ORDER && o != NULL && o->type == XG_TYPE_LIMIT &&
        (o->tif == XG_TIF_GTC || o->tif == XG_TIF_POST_ONLY)) {
        return XG_STATUS_NEW;
    }
    return XG_STATUS_UNKNOWN;
}

/* A place, amend or cancel acknowledgement (sCode "0" already checked):
 * the order's ids and what okx_ack_status makes of it. Fills, price and
 * size are not in it. */
static void
okx_parse_ack(const xg_op *op, const xg_json *j, size_t item, xg_result *res)
{
    xg_order_report *rep = &res->order;

    memset(rep, 0, sizeof(*rep));
    xg_err rc = xg_field_text(j, item, "clOrdId", rep->client_id,
                              sizeof(rep->client_id));
    if (rc == XG_OK) {
        rc = xg_field_text(j, item, "ordId", rep->venue_order_id,
                           sizeof(rep->venue_order_id));
    }
    if (!xg_result_order_usable(op, rc, "malformed order acknowledgement", res)) {
        return;
    }
    if (op->instrument != NULL) {
        memcpy(rep->venue_symbol, op->instrument->venue_symbol,
               sizeof(rep->venue_symbol));
        rep->venue_symbol[sizeof(rep->venue_symbol) - 1] = '\0';
    }
    rep->status = okx_ack_status(op);
    res->outcome = XG_OUTCOME_OK;
    res->err = XG_OK;
}

static void
okx_parse_query(const xg_op *op, const xg_json *j, xg_result *res)
{
    size_t item = 0;

    xg_err rc = okx_single_item(j, &item);
    if (rc == XG_OK) {
        rc = okx_order_details(j, item, &res->order);
    }
    if (!xg_result_order_usable(op, rc, "malformed order in response", res)) {
        return;
    }
    res->outcome = XG_OUTCOME_OK;
    res->err = XG_OK;
}

/* Venue text never reaches the cursor unchecked. */
void
okx_next_cursor(const xg_json *j, size_t last, const char *key,
                char cursor[XG_CURSOR_MAX])
{
    char id[XG_CURSOR_MAX];
    size_t v = 0;
    size_t n = 0;

    cursor[0] = '\0';
    if (xg_json_get(j, last, key, &v) != XG_OK ||
        xg_json_type_of(j, v) != XG_JSON_STRING ||
        xg_json_string(j, v, id, sizeof(id), &n) != XG_OK || n == 0) {
        return;
    }
    for (size_t i = 0; i < n; i++) {
        if (id[i] < '0' || id[i] > '9') {
            return;
        }
    }
    memcpy(cursor, id, n + 1);
}

static xg_err
okx_parse_open_orders(const xg_op *op, const xg_json *j, const xg_sink *sink,
                      xg_result *res)
{
    xg_order_report rep;
    size_t data = 0;
    size_t e = 0;
    size_t last = 0;
    uint32_t i = 0;

    if (okx_data_array(j, &data) != XG_OK) {
        xg_result_bad_body(op->kind, "open orders: expected data[]", res);
        return XG_OK;
    }
    /* Check every entry before reporting any, so a corrupted list is
     * refused as a whole rather than half-delivered. */
    for (i = 0, e = data + 1; i < j->tok[data].count; i++, e = j->tok[e].next) {
        xg_err rc = okx_order_details(j, e, &rep);
        if (rc != XG_OK && rc != XG_ERR_TRUNCATED) {
            xg_result_bad_body(op->kind, "open orders: malformed entry", res);
            return XG_OK;
        }
        last = e;
    }
    for (i = 0, e = data + 1; i < j->tok[data].count; i++, e = j->tok[e].next) {
        /* Orders without one of our client ids (placed by hand or by
         * another bot) are not ours: skipped. */
        if (okx_order_details(j, e, &rep) != XG_OK) {
            continue;
        }
        if (sink != NULL && sink->order != NULL) {
            xg_err rc = sink->order(sink->ctx, &rep);
            if (rc != XG_OK) {
                return rc;
            }
        }
    }
    /* OKX pages at 100 and says nothing else: a full page may be cut,
     * and the next one is "after" the last (oldest) ordId of this one. */
    res->is_list_cut = j->tok[data].count >= OKX_PENDING_PAGE;
    if (res->is_list_cut) {
        okx_next_cursor(j, last, "ordId", res->next_cursor);
    }
    res->outcome = XG_OUTCOME_OK;
    res->err = XG_OK;
    return XG_OK;
}

/* --- batches ------------------------------------------------------------ */

/* Whether entry e names client id cl_id (*names set when it names any,
 * that is carries a non-empty clOrdId string). */
static int
okx_entry_names(const xg_json *j, size_t e, const char *cl_id, int *names)
{
    char id[XG_CLIENT_ID_MAX];
    size_t v = 0;
    size_t len = 0;

    *names = 0;
    if (xg_json_type_of(j, e) != XG_JSON_OBJECT ||
        xg_json_get(j, e, "clOrdId", &v) != XG_OK ||
        xg_json_type_of(j, v) != XG_JSON_STRING || j->tok[v].len == 0) {
        return 0;
    }
    *names = 1;
    /* An id too long for any the gateway sends is someone else's. */
    return xg_json_string(j, v, id, sizeof(id), &len) == XG_OK &&
           strcmp(id, cl_id) == 0 && len == strlen(cl_id);
}

/* The data[] entry that answers the batch's order i (client id cl_id):
 * the one entry that names cl_id; failing that, entry i when it names no
 * client id (OKX answers the orders in turn). 0 when none does, or two
 * name it (an answer cannot say two things about one order). */
static int
okx_batch_entry(const xg_json *j, size_t data, size_t i, const char *cl_id,
                size_t *out)
{
    size_t e = 0;
    size_t found = 0;
    size_t n_found = 0;
    int names = 0;
    int unnamed_at_i = 0;
    size_t at_i = 0;

    for (uint32_t k = 0; k < j->tok[data].count; k++) {
        e = k == 0 ? data + 1 : j->tok[e].next;
        if (okx_entry_names(j, e, cl_id, &names)) {
            found = e;
            n_found++;
        }
        if (k == i && !names && xg_json_type_of(j, e) == XG_JSON_OBJECT) {
            unnamed_at_i = 1;
            at_i = e;
        }
    }
    if (n_found == 1) {
        *out = found;
        return 1;
    }
    if (n_found == 0 && unnamed_at_i) {
        *out = at_i;
        return 1;
    }
    return 0;
}

/* The result of the batch's order i from its data[] entry into r, as its
 * single place, cancel or amend would read it: the acknowledgement when sCode
 * is "0", else the sCode and sMsg through the error table (a 50011 for
 * that order alone is RATE_LIMITED, for it alone). */
static void
okx_batch_result(const okx *o, const xg_op *op, const xg_json *j, size_t data,
                 size_t i, xg_result *r)
{
    xg_op one = xg_batch_item_op(op, i);
    char s_msg[XG_VENUE_MSG_MAX];
    int64_t s_code = 0;
    size_t e = 0;

    memset(r, 0, sizeof(*r));
    if (!okx_batch_entry(j, data, i, one.client_id, &e)) {
        xg_result_bad_body(one.kind, "batch: no result for this order", r);
        return;
    }
    if (okx_field_code(j, e, "sCode", &s_code) != XG_OK) {
        xg_result_bad_body(one.kind, "batch: order result without sCode", r);
        return;
    }
    if (s_code != 0) {
        s_msg[0] = '\0';
        okx_classify_error(o, one.kind, 200, 1, s_code,
                           okx_field_msg(j, e, "sMsg", s_msg, sizeof(s_msg)),
                           r);
        return;
    }
    okx_parse_ack(&one, j, e, r);
}

/* A batch answered with a summary code (j's envelope code 0, 1 or 2):
 * OK with every order's result, when data[] holds the orders' entries;
 * else the batch's fate is unknown. */
static void
okx_parse_batch(const okx *o, const xg_op *op, const xg_json *j, xg_result *res)
{
    size_t data = 0;

    if (okx_data_array(j, &data) != XG_OK || j->tok[data].count == 0) {
        xg_result_bad_body(op->kind, "batch: expected the orders in data[]",
                           res);
        return;
    }
    for (size_t i = 0; i < op->batch->n; i++) {
        okx_batch_result(o, op, j, data, i, &op->batch->results[i]);
    }
    res->outcome = XG_OUTCOME_OK;
    res->err = XG_OK;
}

/* --- balances ------------------------------------------------------------ */

/*
 * One details[] entry into bal: ccy as OKX names it, free = availBal,
 * locked = frozenBal (what open orders and the venue hold). Both are
 * required decimal strings and never negative: a cash account cannot owe,
 * so a negative amount is a broken answer (XG_ERR_BAD_FIELD), not a debt
 * to pass on. XG_ERR_TRUNCATED for a currency name too long to carry
 * (skipped: the gateway trades no such asset).
 */
static xg_err
okx_balance_entry(const xg_json *j, size_t e, xg_balance *bal)
{
    xg_err rc = XG_OK;

    memset(bal, 0, sizeof(*bal));
    if (xg_json_type_of(j, e) != XG_JSON_OBJECT) {
        return XG_ERR_BAD_FIELD;
    }
    rc = xg_field_text(j, e, "ccy", bal->asset, sizeof(bal->asset));
    if (rc != XG_OK && rc != XG_ERR_TRUNCATED) {
        return XG_ERR_BAD_FIELD;
    }
    if (okx_field_amount(j, e, "availBal", &bal->free) != XG_OK ||
        okx_field_amount(j, e, "frozenBal", &bal->locked) != XG_OK) {
        return XG_ERR_BAD_FIELD;
    }
    if (rc == XG_ERR_TRUNCATED) {
        return rc;
    }
    /* Venue text that becomes a name in the core: letters, digits, '-'
     * and '_' only. */
    return xg_is_plain_id(bal->asset, sizeof(bal->asset)) ? XG_OK
                                                          : XG_ERR_BAD_FIELD;
}

static xg_err
okx_parse_balances(const xg_op *op, const xg_json *j, const xg_sink *sink,
                   xg_result *res)
{
    xg_balance bal;
    size_t acct = 0;
    size_t details = 0;
    size_t e = 0;
    uint32_t i = 0;

    if (okx_single_item(j, &acct) != XG_OK ||
        xg_json_type_of(j, acct) != XG_JSON_OBJECT ||
        xg_json_get(j, acct, "details", &details) != XG_OK ||
        xg_json_type_of(j, details) != XG_JSON_ARRAY) {
        xg_result_bad_body(op->kind, "balances: expected data[0].details[]",
                           res);
        return XG_OK;
    }
    /* Every entry is checked before any is reported: a half-read list
     * would look like assets at zero. */
    for (i = 0, e = details + 1; i < j->tok[details].count;
         i++, e = j->tok[e].next) {
        xg_err rc = okx_balance_entry(j, e, &bal);
        if (rc != XG_OK && rc != XG_ERR_TRUNCATED) {
            xg_result_bad_body(op->kind,
                               "balances: malformed or negative amount", res);
            return XG_OK;
        }
    }
    for (i = 0, e = details + 1; i < j->tok[details].count;
         i++, e = j->tok[e].next) {
        if (okx_balance_entry(j, e, &bal) != XG_OK) {
            continue;
        }
        if (sink != NULL && sink->balance != NULL) {
            xg_err rc = sink->balance(sink->ctx, &bal);
            if (rc != XG_OK) {
                return rc;
            }
        }
    }
    res->outcome = XG_OUTCOME_OK;
    res->err = XG_OK;
    return XG_OK;
}

/* --- instruments ------------------------------------------------------- */

static xg_err
okx_parse_instrument(okx *o, const xg_json *j, size_t s, xg_instrument *ins)
{
    char base[XG_SYMBOL_MAX];
    char quote[XG_SYMBOL_MAX];
    char state[32];

    memset(ins, 0, sizeof(*ins));
    if (xg_json_type_of(j, s) != XG_JSON_OBJECT ||
        xg_field_text(j, s, "instId", ins->venue_symbol,
                      sizeof(ins->venue_symbol)) != XG_OK ||
        xg_field_text(j, s, "baseCcy", base, sizeof(base)) != XG_OK ||
        xg_field_text(j, s, "quoteCcy", quote, sizeof(quote)) != XG_OK) {
        return XG_ERR_BAD_FIELD;
    }
    /* A state too long for the buffer reads as "": not trading. */
    if (xg_field_name(j, s, "state", state, sizeof(state)) != XG_OK) {
        return XG_ERR_BAD_FIELD;
    }
    if (xg_symbol_join(base, quote, ins->symbol) != XG_OK) {
        return XG_ERR_BAD_SYMBOL;
    }
    /* tickSz, lotSz and minSz are required: an order cannot be placed
     * correctly without them. maxLmtSz is optional. OKX spot has no
     * min-notional field (fact sheet, unverified): left as "no rule". */
    if (okx_field_amount(j, s, "tickSz", &ins->tick_size) != XG_OK ||
        okx_field_amount(j, s, "lotSz", &ins->lot_size) != XG_OK ||
        okx_field_amount(j, s, "minSz", &ins->min_qty) != XG_OK ||
        okx_field_amount_opt(j, s, "maxLmtSz", &ins->max_qty) != XG_OK ||
        ins->tick_size.units <= 0 || ins->lot_size.units <= 0) {
        return XG_ERR_BAD_FIELD;
    }
    ins->is_trading = strcmp(state, "live") == 0;
    ins->scope = okx_scope_of(o, ins->venue_symbol);
    return XG_OK;
}

static xg_err
okx_parse_instruments(okx *o, const xg_op *op, const xg_json *j,
                      const xg_sink *sink, xg_result *res)
{
    size_t data = 0;
    size_t s = 0;
    uint32_t i = 0;
    size_t n_usable = 0;

    if (okx_data_array(j, &data) != XG_OK) {
        xg_result_bad_body(op->kind, "instruments: expected data[]", res);
        return XG_OK;
    }
    for (i = 0, s = data + 1; i < j->tok[data].count; i++, s = j->tok[s].next) {
        xg_instrument ins;
        /* One odd instrument must not hide the others: skip it. */
        if (okx_parse_instrument(o, j, s, &ins) != XG_OK) {
            continue;
        }
        n_usable++;
        if (sink != NULL && sink->instrument != NULL) {
            xg_err rc = sink->instrument(sink->ctx, &ins);
            if (rc != XG_OK) {
                return rc;
            }
        }
    }
    /* A spot list with nothing usable is a broken answer, not a venue
     * without markets: refused, so the core keeps asking. */
    if (n_usable == 0) {
        xg_result_bad_body(op->kind, "instruments: none usable", res);
        return XG_OK;
    }
    res->outcome = XG_OUTCOME_OK;
    res->err = XG_OK;
    return XG_OK;
}

static void
okx_parse_server_time(const xg_op *op, const xg_json *j, xg_result *res)
{
    size_t item = 0;
    int64_t ts = 0;

    if (okx_single_item(j, &item) != XG_OK ||
        okx_field_code(j, item, "ts", &ts) != XG_OK || ts <= 0) {
        xg_result_bad_body(op->kind, "time: expected data[0].ts", res);
        return;
    }
    res->server_time_ms = ts;
    res->outcome = XG_OUTCOME_OK;
    res->err = XG_OK;
}

/* "Get account configuration": data[0].uid, a string of digits. */
static void
okx_parse_account(const xg_json *j, xg_result *res)
{
    size_t item = 0;

    if (okx_single_item(j, &item) != XG_OK) {
        xg_result_bad_body(XG_OP_ACCOUNT_ID, "account: expected data[0]", res);
        return;
    }
    xg_result_account(j, item, "uid", res);
}

/* --- entry --------------------------------------------------------------- */

/* Top-level codes that only summarise the items of an order answer. */
static int
okx_is_summary_code(int64_t code)
{
    return code == 0 || code == 1 || code == 2;
}

/*
 * The code that decides an answer (j's value an object). For reads it is
 * the envelope's. For a new order, amend or cancel it is the one item's
 * sCode when that is non-zero (the envelope then only says "1", all failed);
 * *item_ok is set when sCode is "0". Rate limits, timestamps and the like
 * come as a top-level code with empty data, which then decides. The
 * item's sMsg then replaces *msg, decoded into s_msg (cap bytes). Returns
 * 0 when an order answer says neither: a summary code without a readable
 * item.
 */
static int
okx_effective_code(const xg_op *op, const xg_json *j, int64_t *code,
                   const char **msg, char *s_msg, size_t cap, int *item_ok)
{
    size_t item = 0;
    int64_t s_code = 0;

    *item_ok = 0;
    if (!xg_op_is_mutating(op->kind)) {
        return 1;
    }
    if (okx_single_item(j, &item) != XG_OK ||
        xg_json_type_of(j, item) != XG_JSON_OBJECT ||
        okx_field_code(j, item, "sCode", &s_code) != XG_OK) {
        return !okx_is_summary_code(*code);
    }
    if (s_code == 0) {
        *item_ok = 1;
        return 1;
    }
    *code = s_code;
    *msg = okx_field_msg(j, item, "sMsg", s_msg, cap);
    return 1;
}

xg_err
okx_parse(void *inst, const xg_op *op, const xg_http_response *resp,
          const xg_sink *sink, xg_result *res)
{
    okx *o = inst;
    xg_json j;
    int is_object = 0;
    int has_code = 0;
    int64_t code = 0;
    const char *msg = NULL;
    char body_msg[XG_VENUE_MSG_MAX];
    char s_msg[XG_VENUE_MSG_MAX];
    int item_ok = 0;
    int is_batch = 0;
    xg_err rc = XG_OK;

    if (o == NULL || op == NULL || resp == NULL || res == NULL ||
        (resp->body == NULL && resp->body_len > 0) ||
        op->kind < XG_OP_SERVER_TIME || op->kind > XG_OP_KIND_MAX ||
        op->kind == XG_OP_CANCEL_SYMBOL || op->kind == XG_OP_STREAM_TOKEN ||
        (op->kind == XG_OP_ORDER_FILLS && op->venue_order_id == NULL)) {
        return XG_ERR_INVALID;
    }
    is_batch = op->kind == XG_OP_BATCH_NEW || op->kind == XG_OP_BATCH_CANCEL ||
               op->kind == XG_OP_BATCH_AMEND;
    if (is_batch && (op->batch == NULL || op->batch->items == NULL ||
                     op->batch->results == NULL || op->batch->n == 0 ||
                     op->batch->n > OKX_BATCH_MAX)) {
        return XG_ERR_INVALID;
    }
    memset(res, 0, sizeof(*res));
    body_msg[0] = '\0';
    s_msg[0] = '\0';
    if (resp->body_len > 0) {
        rc = xg_json_parse_grow(&j, resp->body, resp->body_len, &o->json,
                                XG_JSON_STORE_MAX);
        if (rc == XG_ERR_NOMEM) {
            return rc;
        }
        /* Only an object can be an envelope; any other value, and a body
         * the strict reader refuses (a repeated key, invalid UTF-8, too
         * deep), is read as "not an OKX answer". */
        is_object = rc == XG_OK && xg_json_type_of(&j, 0) == XG_JSON_OBJECT;
        rc = XG_OK;
    }
    if (is_object) {
        has_code = okx_field_code(&j, 0, "code", &code) == XG_OK;
        msg = okx_field_msg(&j, 0, "msg", body_msg, sizeof(body_msg));
    }
    if (msg == NULL && !is_object && resp->body_len > 0) {
        /* Not JSON (a proxy's HTML page, a truncated answer): keep its
         * start as the venue's text for the operator. */
        xg_copy_printable(body_msg, sizeof(body_msg), resp->body,
                          resp->body_len);
        msg = body_msg;
    }

    if (is_batch && (resp->status < 200 || resp->status > 299)) {
        /* Orders answered under an HTTP error cannot be trusted either
         * way; any other code is the whole batch's. */
        if (has_code && okx_is_summary_code(code)) {
            xg_result_bad_body(op->kind, "order results under an HTTP error",
                               res);
        } else {
            okx_classify_error(o, op->kind, resp->status, has_code, code, msg,
                               res);
        }
    } else if (resp->status < 200 || resp->status > 299) {
        if (has_code &&
            okx_effective_code(op, &j, &code, &msg, s_msg, sizeof(s_msg),
                               &item_ok) &&
            item_ok) {
            /* A per-order success under an error status cannot be
             * trusted either way. */
            xg_result_bad_body(op->kind, "order accepted under an HTTP error", res);
        } else {
            okx_classify_error(o, op->kind, resp->status, has_code, code, msg,
                               res);
        }
    } else if (!is_object || !has_code) {
        xg_result_bad_body(op->kind,
                     resp->body_len == 0 ? "empty body"
                                         : "body is not an OKX envelope",
                     res);
    } else if (is_batch) {
        if (okx_is_summary_code(code)) {
            okx_parse_batch(o, op, &j, res);
        } else {
            okx_classify_error(o, op->kind, resp->status, 1, code, msg, res);
        }
    } else if (!okx_effective_code(op, &j, &code, &msg, s_msg, sizeof(s_msg),
                                   &item_ok)) {
        xg_result_bad_body(op->kind, "malformed order result", res);
    } else if (code != 0 && !item_ok) {
        okx_classify_error(o, op->kind, resp->status, 1, code, msg, res);
    } else {
        switch (op->kind) {
        case XG_OP_SERVER_TIME:
            okx_parse_server_time(op, &j, res);
            break;
        case XG_OP_INSTRUMENTS:
            rc = okx_parse_instruments(o, op, &j, sink, res);
            break;
        case XG_OP_NEW_ORDER:
        case XG_OP_CANCEL_ORDER:
        case XG_OP_AMEND_ORDER: {
            size_t item = 0;
            /* item_ok means the one item was read already. */
            if (!item_ok || okx_single_item(&j, &item) != XG_OK) {
                xg_result_bad_body(op->kind, "order result without sCode", res);
            } else {
                okx_parse_ack(op, &j, item, res);
            }
            break;
        }
        case XG_OP_QUERY_ORDER:
            okx_parse_query(op, &j, res);
            break;
        case XG_OP_OPEN_ORDERS:
            rc = okx_parse_open_orders(op, &j, sink, res);
            break;
        case XG_OP_BALANCES:
            rc = okx_parse_balances(op, &j, sink, res);
            break;
        case XG_OP_ORDER_FILLS:
            rc = okx_parse_order_fills(op, &j, sink, res);
            break;
        case XG_OP_ACCOUNT_ID:
            okx_parse_account(&j, res);
            break;
        default:
            rc = XG_ERR_INVALID;
            break;
        }
    }
    /* A huge answer (the instrument list) does not keep its tokens. */
    xg_json_store_trim(&o->json);
    return rc;
}
