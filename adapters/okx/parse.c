/*
 * parse.c - OKX v5 responses into xgate's unified results.
 *
 * Every OKX answer is an envelope {"code": "...", "msg": "...", "data":
 * [...]} with the code as a string ("0" is success). Order endpoints
 * answer per order inside data[]: "sCode"/"sMsg" decide each order's fate,
 * and the top-level code is then "1" (all failed) or "2" (some failed)
 * (fact sheet, "Response shapes"); the per-order code is the one that
 * goes through the error table. Error answers go through ONE table (venue
 * code and HTTP status -> outcome and unified error). Success bodies
 * become an order report, the server time, the open orders (a full page
 * of 100 with the cursor to the next: its last ordId) or the
 * instruments; instruments get their limiter scope here (a table in the
 * instance keeps each instId's scope for the instance's life). Building
 * requests is requests.c's job.
 *
 * Bodies are hostile until proven otherwise: they are read with
 * json_loadb over exactly body_len bytes, every field is type-checked,
 * numbers are parsed by the decimal parser, and venue text copied into a
 * result is truncated and made printable. A malformed answer is an
 * outcome, never a crash: UNKNOWN for a new order or a cancel (the order
 * may have changed), REJECTED with XG_ERR_BAD_RESPONSE for the read-only
 * operations, which change nothing and can simply be asked again.
 */
#include "okx.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "xgate/adapter_util.h"

/* --- small helpers ----------------------------------------------------- */

/* OKX codes are strings of digits ("50011"); accept a JSON integer too.
 * XG_ERR_BAD_FIELD for anything else, including "" and "-1". */
static xg_err
okx_code_value(const json_t *v, int64_t *out)
{
    if (json_is_integer(v)) {
        if (json_integer_value(v) < 0) {
            return XG_ERR_BAD_FIELD;
        }
        *out = json_integer_value(v);
        return XG_OK;
    }
    if (!json_is_string(v)) {
        return XG_ERR_BAD_FIELD;
    }
    /* More than 18 digits is refused even where it would fit int64_t. */
    if (json_string_length(v) > 18 ||
        xg_digits_i64(json_string_value(v), json_string_length(v), out) !=
            XG_OK) {
        return XG_ERR_BAD_FIELD;
    }
    return XG_OK;
}

/* A non-negative decimal carried as a JSON string. */
static xg_err
okx_get_amount(const json_t *obj, const char *key, xg_decimal *out)
{
    const json_t *v = json_object_get(obj, key);
    xg_err rc = XG_OK;

    if (!json_is_string(v)) {
        return XG_ERR_BAD_FIELD;
    }
    rc = xg_amount_parse(json_string_value(v), json_string_length(v), out);
    return rc == XG_OK ? XG_OK : XG_ERR_BAD_FIELD;
}

/* Like okx_get_amount, but "" (OKX's "not applicable") and absence give
 * {0, 0}. */
static xg_err
okx_get_amount_opt(const json_t *obj, const char *key, xg_decimal *out)
{
    const json_t *v = json_object_get(obj, key);

    out->units = 0;
    out->scale = 0;
    if (v == NULL || (json_is_string(v) && json_string_length(v) == 0)) {
        return XG_OK;
    }
    return okx_get_amount(obj, key, out);
}

/* A string member copied into dst; XG_ERR_BAD_FIELD if absent, not a
 * string, empty or holding a NUL; XG_ERR_TRUNCATED if too long. */
static xg_err
okx_get_string(const json_t *obj, const char *key, char *dst, size_t cap)
{
    const json_t *v = json_object_get(obj, key);
    xg_err rc = XG_OK;

    if (!json_is_string(v)) {
        return XG_ERR_BAD_FIELD;
    }
    rc = xg_text_copy(json_string_value(v), json_string_length(v), dst, cap);
    return rc == XG_ERR_NOT_FOUND ? XG_ERR_BAD_FIELD : rc;
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
    XG_ERR_RULE_REJECT(51001, XG_ERR_UNKNOWN_SYMBOL),
    XG_ERR_RULE_REJECT(51006, XG_ERR_FILTER),
    XG_ERR_RULE_REJECT(51020, XG_ERR_FILTER),
    XG_ERR_RULE_REJECT(51121, XG_ERR_FILTER),
    XG_ERR_RULE_REJECT(51016, XG_ERR_DUPLICATE_ID),
    XG_ERR_RULE_REJECT(50071, XG_ERR_DUPLICATE_ID),
    XG_ERR_RULE_REJECT(51603, XG_ERR_ORDER_NOT_FOUND),
    XG_ERR_RULE_REJECT(51400, XG_ERR_ORDER_NOT_FOUND),
    XG_ERR_RULE_REJECT(51401, XG_ERR_ORDER_NOT_FOUND),
    XG_ERR_RULE_REJECT(51402, XG_ERR_ORDER_NOT_FOUND),
    XG_ERR_RULE(401, 401, 0, NULL, XG_OPS_ALL, XG_OUTCOME_REJECTED, XG_ERR_AUTH,
                0),
};

void
okx_classify_error(const okx *o, xg_op_kind kind, int status, int has_code,
                   int64_t code, const char *msg, xg_result *res)
{
    const xg_err_rule *rule = xg_err_rules_apply(
        okx_errors, sizeof(okx_errors) / sizeof(okx_errors[0]), kind, status,
        has_code, code, msg, res);
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

/*
 * An order-details object (query, open orders) into rep. XG_ERR_TRUNCATED
 * when the client id is empty or longer than any the gateway sends
 * (someone else's order); XG_ERR_BAD_FIELD for anything else malformed.
 */
static xg_err
okx_order_details(const json_t *o, xg_order_report *rep)
{
    xg_decimal avg_px;
    xg_err rc = XG_OK;
    const char *state = NULL;

    memset(rep, 0, sizeof(*rep));
    if (!json_is_object(o)) {
        return XG_ERR_BAD_FIELD;
    }
    if (okx_get_string(o, "instId", rep->venue_symbol,
                       sizeof(rep->venue_symbol)) != XG_OK ||
        okx_get_string(o, "ordId", rep->venue_order_id,
                       sizeof(rep->venue_order_id)) != XG_OK) {
        return XG_ERR_BAD_FIELD;
    }
    state = json_string_value(json_object_get(o, "state"));
    rep->status = XG_STATUS_UNKNOWN;
    for (size_t i = 0;
         state != NULL && i < sizeof(okx_states) / sizeof(okx_states[0]); i++) {
        if (strcmp(state, okx_states[i].name) == 0) {
            rep->status = okx_states[i].status;
            break;
        }
    }
    if (rep->status == XG_STATUS_UNKNOWN) {
        return XG_ERR_BAD_FIELD;
    }
    if (okx_get_amount_opt(o, "accFillSz", &rep->filled_qty) != XG_OK ||
        okx_get_amount_opt(o, "avgPx", &avg_px) != XG_OK) {
        return XG_ERR_BAD_FIELD;
    }
    /* Filled cost = accFillSz * avgPx; unknown ({0,0}) if either is not
     * given or the product does not fit. */
    if (rep->filled_qty.units > 0 && avg_px.units > 0 &&
        xg_decimal_mul(rep->filled_qty, avg_px, &rep->filled_cost) != XG_OK) {
        rep->filled_cost.units = 0;
        rep->filled_cost.scale = 0;
    }
    /* Last, so that a malformed order is reported as malformed rather
     * than as someone else's. */
    rc = okx_get_string(o, "clOrdId", rep->client_id, sizeof(rep->client_id));
    if (rc == XG_ERR_BAD_FIELD &&
        json_is_string(json_object_get(o, "clOrdId"))) {
        rc = XG_ERR_TRUNCATED; /* "": placed without a client id */
    }
    return rc;
}

/* The one data[] item of an order answer, or NULL. */
static const json_t *
okx_single_item(const json_t *root)
{
    const json_t *data = json_object_get(root, "data");

    if (!json_is_array(data) || json_array_size(data) != 1) {
        return NULL;
    }
    return json_array_get(data, 0);
}

/* A place or cancel acknowledgement (sCode "0" already checked): the
 * order is accepted (NEW) or canceled; fills are not in it. */
/* OKX's place answer says "accepted", never the order's state. A resting
 * order is NEW; one that takes (market, IOC, FOK) may have filled at
 * once, so the state is reported unknown and the core queries it
 * (adapter.h). */
static xg_order_status
okx_ack_status(const xg_op *op)
{
    const xg_order *o = op->order;
    if (o != NULL && o->type == XG_TYPE_LIMIT &&
        (o->tif == XG_TIF_GTC || o->tif == XG_TIF_POST_ONLY)) {
        return XG_STATUS_NEW;
    }
    return XG_STATUS_UNKNOWN;
}

static void
okx_parse_ack(const xg_op *op, const json_t *item, xg_result *res)
{
    xg_order_report *rep = &res->order;

    memset(rep, 0, sizeof(*rep));
    if (okx_get_string(item, "clOrdId", rep->client_id,
                       sizeof(rep->client_id)) != XG_OK ||
        okx_get_string(item, "ordId", rep->venue_order_id,
                       sizeof(rep->venue_order_id)) != XG_OK) {
        memset(rep, 0, sizeof(*rep));
        xg_result_bad_body(op->kind, "malformed order acknowledgement", res);
        return;
    }
    if (op->client_id != NULL && strcmp(rep->client_id, op->client_id) != 0) {
        memset(rep, 0, sizeof(*rep));
        xg_result_bad_body(op->kind, "response names another client order id",
                           res);
        return;
    }
    if (op->instrument != NULL) {
        memcpy(rep->venue_symbol, op->instrument->venue_symbol,
               sizeof(rep->venue_symbol));
        rep->venue_symbol[sizeof(rep->venue_symbol) - 1] = '\0';
    }
    rep->status =
        op->kind == XG_OP_NEW_ORDER ? okx_ack_status(op) : XG_STATUS_CANCELED;
    res->outcome = XG_OUTCOME_OK;
    res->err = XG_OK;
}

static void
okx_parse_query(const xg_op *op, const json_t *root, xg_result *res)
{
    const json_t *item = okx_single_item(root);

    if (item == NULL || okx_order_details(item, &res->order) != XG_OK) {
        memset(&res->order, 0, sizeof(res->order));
        xg_result_bad_body(op->kind, "malformed order in response", res);
        return;
    }
    if (op->client_id != NULL &&
        strcmp(res->order.client_id, op->client_id) != 0) {
        memset(&res->order, 0, sizeof(res->order));
        xg_result_bad_body(op->kind, "response names another client order id",
                           res);
        return;
    }
    res->outcome = XG_OUTCOME_OK;
    res->err = XG_OK;
}

/* The ordId of a page's last entry as the cursor to the next page, when
 * it is a JSON string of 1 to XG_CURSOR_MAX - 1 digits (what build()
 * accepts back as "after"); else cursor stays "" and the list only counts
 * as cut. Venue text never reaches the cursor unchecked. */
static void
okx_next_cursor(const json_t *last, char cursor[XG_CURSOR_MAX])
{
    const json_t *v = json_object_get(last, "ordId");
    const char *id = json_string_value(v);
    size_t n = json_string_length(v);

    cursor[0] = '\0';
    if (id == NULL || n == 0 || n >= XG_CURSOR_MAX) {
        return;
    }
    for (size_t i = 0; i < n; i++) {
        if (id[i] < '0' || id[i] > '9') {
            return;
        }
    }
    memcpy(cursor, id, n);
    cursor[n] = '\0';
}

static xg_err
okx_parse_open_orders(const xg_op *op, const json_t *root, const xg_sink *sink,
                      xg_result *res)
{
    const json_t *data = json_object_get(root, "data");
    xg_order_report rep;
    const json_t *entry = NULL;
    size_t i = 0;

    if (!json_is_array(data)) {
        xg_result_bad_body(op->kind, "open orders: expected data[]", res);
        return XG_OK;
    }
    /* Check every entry before reporting any, so a corrupted list is
     * refused as a whole rather than half-delivered. */
    json_array_foreach(data, i, entry)
    {
        xg_err rc = okx_order_details(entry, &rep);
        if (rc != XG_OK && rc != XG_ERR_TRUNCATED) {
            xg_result_bad_body(op->kind, "open orders: malformed entry", res);
            return XG_OK;
        }
    }
    json_array_foreach(data, i, entry)
    {
        /* Orders without one of our client ids (placed by hand or by
         * another bot) are not ours: skipped. */
        if (okx_order_details(entry, &rep) != XG_OK) {
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
    res->is_list_cut = json_array_size(data) >= OKX_PENDING_PAGE;
    if (res->is_list_cut) {
        okx_next_cursor(json_array_get(data, json_array_size(data) - 1),
                        res->next_cursor);
    }
    res->outcome = XG_OUTCOME_OK;
    res->err = XG_OK;
    return XG_OK;
}

/* --- instruments ------------------------------------------------------- */

static xg_err
okx_parse_instrument(okx *o, const json_t *s, xg_instrument *ins)
{
    char base[XG_SYMBOL_MAX];
    char quote[XG_SYMBOL_MAX];
    const char *state = NULL;
    xg_buf sym;

    memset(ins, 0, sizeof(*ins));
    if (!json_is_object(s) ||
        okx_get_string(s, "instId", ins->venue_symbol,
                       sizeof(ins->venue_symbol)) != XG_OK ||
        okx_get_string(s, "baseCcy", base, sizeof(base)) != XG_OK ||
        okx_get_string(s, "quoteCcy", quote, sizeof(quote)) != XG_OK) {
        return XG_ERR_BAD_FIELD;
    }
    state = json_string_value(json_object_get(s, "state"));
    if (state == NULL) {
        return XG_ERR_BAD_FIELD;
    }
    xg_buf_init(&sym, ins->symbol, sizeof(ins->symbol));
    xg_buf_puts(&sym, base);
    xg_buf_putc(&sym, '/');
    xg_buf_puts(&sym, quote);
    if (xg_buf_status(&sym) != XG_OK ||
        xg_symbol_validate(ins->symbol) != XG_OK) {
        return XG_ERR_BAD_SYMBOL;
    }
    /* tickSz, lotSz and minSz are required: an order cannot be placed
     * correctly without them. maxLmtSz is optional. OKX spot has no
     * min-notional field (fact sheet, unverified): left as "no rule". */
    if (okx_get_amount(s, "tickSz", &ins->tick_size) != XG_OK ||
        okx_get_amount(s, "lotSz", &ins->lot_size) != XG_OK ||
        okx_get_amount(s, "minSz", &ins->min_qty) != XG_OK ||
        okx_get_amount_opt(s, "maxLmtSz", &ins->max_qty) != XG_OK ||
        ins->tick_size.units <= 0 || ins->lot_size.units <= 0) {
        return XG_ERR_BAD_FIELD;
    }
    ins->is_trading = strcmp(state, "live") == 0;
    ins->scope = okx_scope_of(o, ins->venue_symbol);
    return XG_OK;
}

static xg_err
okx_parse_instruments(okx *o, const xg_op *op, const json_t *root,
                      const xg_sink *sink, xg_result *res)
{
    const json_t *data = json_object_get(root, "data");
    const json_t *s = NULL;
    size_t i = 0;
    size_t n_usable = 0;

    if (!json_is_array(data)) {
        xg_result_bad_body(op->kind, "instruments: expected data[]", res);
        return XG_OK;
    }
    json_array_foreach(data, i, s)
    {
        xg_instrument ins;
        /* One odd instrument must not hide the others: skip it. */
        if (okx_parse_instrument(o, s, &ins) != XG_OK) {
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
okx_parse_server_time(const xg_op *op, const json_t *root, xg_result *res)
{
    const json_t *item = okx_single_item(root);
    int64_t ts = 0;

    if (item == NULL ||
        okx_code_value(json_object_get(item, "ts"), &ts) != XG_OK || ts <= 0) {
        xg_result_bad_body(op->kind, "time: expected data[0].ts", res);
        return;
    }
    res->server_time_ms = ts;
    res->outcome = XG_OUTCOME_OK;
    res->err = XG_OK;
}

/* --- entry --------------------------------------------------------------- */

/* Top-level codes that only summarise the items of an order answer. */
static int
okx_is_summary_code(int64_t code)
{
    return code == 0 || code == 1 || code == 2;
}

/*
 * The code that decides an answer. For reads it is the envelope's. For a
 * new order or cancel it is the one item's sCode when that is non-zero
 * (the envelope then only says "1", all failed); *item_ok is set when
 * sCode is "0". Rate limits, timestamps and the like come as a top-level
 * code with empty data, which then decides. Returns 0 when an order
 * answer says neither: a summary code without a readable item.
 */
static int
okx_effective_code(const xg_op *op, const json_t *root, int64_t *code,
                   const char **msg, int *item_ok)
{
    const json_t *item = NULL;
    int64_t s_code = 0;

    *item_ok = 0;
    if (!xg_op_is_mutating(op->kind)) {
        return 1;
    }
    item = okx_single_item(root);
    if (!json_is_object(item) ||
        okx_code_value(json_object_get(item, "sCode"), &s_code) != XG_OK) {
        return !okx_is_summary_code(*code);
    }
    if (s_code == 0) {
        *item_ok = 1;
        return 1;
    }
    *code = s_code;
    *msg = json_string_value(json_object_get(item, "sMsg"));
    return 1;
}

xg_err
okx_parse(void *inst, const xg_op *op, const xg_http_response *resp,
          const xg_sink *sink, xg_result *res)
{
    okx *o = inst;
    json_t *root = NULL;
    json_error_t jerr;
    int has_code = 0;
    int64_t code = 0;
    const char *msg = NULL;
    char body_msg[XG_VENUE_MSG_MAX];
    int item_ok = 0;
    xg_err rc = XG_OK;

    if (o == NULL || op == NULL || resp == NULL || res == NULL ||
        (resp->body == NULL && resp->body_len > 0) ||
        op->kind < XG_OP_SERVER_TIME || op->kind > XG_OP_OPEN_ORDERS) {
        return XG_ERR_INVALID;
    }
    memset(res, 0, sizeof(*res));
    body_msg[0] = '\0';
    if (resp->body_len > 0) {
        root = json_loadb(resp->body, resp->body_len, 0, &jerr);
    }
    if (json_is_object(root)) {
        has_code =
            okx_code_value(json_object_get(root, "code"), &code) == XG_OK;
        msg = json_string_value(json_object_get(root, "msg"));
    }
    if (msg == NULL && !json_is_object(root) && resp->body_len > 0) {
        /* Not JSON (a proxy's HTML page, a truncated answer): keep its
         * start as the venue's text for the operator. */
        xg_copy_printable(body_msg, sizeof(body_msg), resp->body,
                          resp->body_len);
        msg = body_msg;
    }

    if (resp->status < 200 || resp->status > 299) {
        if (has_code && okx_effective_code(op, root, &code, &msg, &item_ok) &&
            item_ok) {
            /* A per-order success under an error status cannot be
             * trusted either way. */
            xg_result_bad_body(op->kind, "order accepted under an HTTP error",
                               res);
        } else {
            okx_classify_error(o, op->kind, resp->status, has_code, code, msg,
                               res);
        }
    } else if (!json_is_object(root) || !has_code) {
        xg_result_bad_body(op->kind,
                           resp->body_len == 0 ? "empty body"
                                               : "body is not an OKX envelope",
                           res);
    } else if (!okx_effective_code(op, root, &code, &msg, &item_ok)) {
        xg_result_bad_body(op->kind, "malformed order result", res);
    } else if (code != 0 && !item_ok) {
        okx_classify_error(o, op->kind, resp->status, 1, code, msg, res);
    } else {
        switch (op->kind) {
        case XG_OP_SERVER_TIME:
            okx_parse_server_time(op, root, res);
            break;
        case XG_OP_INSTRUMENTS:
            rc = okx_parse_instruments(o, op, root, sink, res);
            break;
        case XG_OP_NEW_ORDER:
        case XG_OP_CANCEL_ORDER:
            if (!item_ok) {
                xg_result_bad_body(op->kind, "order result without sCode", res);
            } else {
                okx_parse_ack(op, okx_single_item(root), res);
            }
            break;
        case XG_OP_QUERY_ORDER:
            okx_parse_query(op, root, res);
            break;
        case XG_OP_OPEN_ORDERS:
            rc = okx_parse_open_orders(op, root, sink, res);
            break;
        default:
            rc = XG_ERR_INVALID;
            break;
        }
    }
    json_decref(root);
    return rc;
}
