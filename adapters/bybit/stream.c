/*
 * stream.c - Bybit v5's private WebSocket stream: the order and execution
 * topics of a Unified Trading Account, read for category spot.
 *
 * The core owns the connection; this file says where it goes and how
 * often to ping (the plan), writes the three messages the client sends
 * (auth, subscription, ping) and reads every message received. Bybit
 * says an order's state and its fills on two topics: an order message
 * becomes updates with a report and no fill, read by parse.c's
 * bybit_order_report (the reader of a REST query's order, so that a push
 * and a query say the same thing), and an execution message becomes
 * updates with a fill and no report, naming the order by its ids. One
 * message may hold several orders or several executions, even of one
 * order (streams.md 2.5); each goes to the sink in the message's order,
 * and counting a fill once is the core's business. Orders of other
 * categories (a UTA's derivatives) are not this spot adapter's: skipped.
 *
 * Numbers and the messages are from the fact sheet
 * /work/shared/exchanges/streams.md, section 2 (Bybit v5). A message is
 * hostile until proven otherwise: it is read by the strict reader of
 * xgate/json.h with the instance's token store, and a message is checked
 * whole before any of its entries goes to the sink, so a malformed one
 * never delivers half of itself.
 */
#include "bybit.h"

#include <stdio.h>
#include <string.h>

#include "xgate/adapter_util.h"
#include "xgate/json.h"
#include "xgate/stream.h"

/*
 * The plan (streams.md 2.6). Bybit advises a {"op":"ping"} every 20 s and
 * cuts a connection idle for 10 minutes; the pong comes at once, so
 * nothing for two ping periods (ccxt's rule too: a pong within twice its
 * ping interval) means the connection is dead. No maximum lifetime is
 * documented. At most 500 new connections per 5 minutes per domain, one
 * per 600 ms on average: one a second stays under it with room for the
 * IP's other connections.
 */
#define BYBIT_STREAM_PING_MS        20000
#define BYBIT_STREAM_SILENCE_MS     40000
#define BYBIT_STREAM_LIFETIME_MS    0
#define BYBIT_STREAM_CONNECT_GAP_MS 1000

/* The auth's expires is this far ahead of the venue's time: it must still
 * be in the future when Bybit reads it, and the docs' 1 s fails with
 * skew or latency (pybit issues #152, #300; ccxt uses 10 s, streams.md
 * 2.2). No maximum distance is documented. */
#define BYBIT_STREAM_EXPIRES_MS 10000

/* Topic, op and category names compared with known ones fit in this. */
#define BYBIT_STREAM_NAME_MAX 32

xg_err
bybit_stream_plan(void *inst, xg_stream_plan *plan)
{
    bybit *b = inst;

    if (b == NULL || plan == NULL) {
        return XG_ERR_INVALID;
    }
    memset(plan, 0, sizeof(*plan));
    if (xg_strlcpy(plan->url,
                   b->stream_url[0] != '\0' ? b->stream_url : BYBIT_STREAM_URL,
                   sizeof(plan->url)) != XG_OK) {
        return XG_ERR_TRUNCATED;
    }
    plan->ping_every_ms = BYBIT_STREAM_PING_MS;
    plan->silence_max_ms = BYBIT_STREAM_SILENCE_MS;
    plan->lifetime_ms = BYBIT_STREAM_LIFETIME_MS;
    plan->connect_gap_ms = BYBIT_STREAM_CONNECT_GAP_MS;
    return XG_OK;
}

/*
 * {"op":"auth","args":["<key>",<expires>,"<signature>"]} with signature =
 * lower-case hex HMAC-SHA256(secret, "GET/realtime" + expires), expires in
 * epoch ms (streams.md 2.2; a JSON number as in Bybit's docs).
 */
xg_err
bybit_stream_login(void *inst, int64_t venue_now_ms, char *out, size_t cap,
                   size_t *len)
{
    bybit *b = inst;
    char expires[24];
    char prehash[48];
    char sig[XG_HEX_SHA256_LEN + 1];
    xg_buf buf;
    int n = 0;

    if (b == NULL || out == NULL || cap == 0 || len == NULL ||
        venue_now_ms < 0 ||
        venue_now_ms > INT64_MAX - BYBIT_STREAM_EXPIRES_MS) {
        return XG_ERR_INVALID;
    }
    *len = 0;
    if (xg_i64_text(venue_now_ms + BYBIT_STREAM_EXPIRES_MS, expires,
                    sizeof(expires)) != XG_OK) {
        return XG_ERR_INVALID;
    }
    n = snprintf(prehash, sizeof(prehash), "GET/realtime%s", expires);
    if (n < 0 || (size_t)n >= sizeof(prehash)) {
        return XG_ERR_TRUNCATED;
    }
    xg_err rc = xg_hmac_sign_hex(b->hmac, prehash, (size_t)n, sig, sizeof(sig));
    if (rc != XG_OK) {
        return rc;
    }
    xg_buf_init(&buf, out, cap);
    xg_buf_puts(&buf, "{\"op\":\"auth\",\"args\":[");
    xg_buf_put_json_string(&buf, b->api_key, strlen(b->api_key));
    xg_buf_putc(&buf, ',');
    xg_buf_puts(&buf, expires);
    xg_buf_puts(&buf, ",\"");
    xg_buf_puts(&buf, sig);
    xg_buf_puts(&buf, "\"]}");
    return xg_stream_message_done(&buf, len);
}

/* The all-in-one topics, in one request (one answer): an all-in-one and
 * a categorised topic must not share a request (streams.md 2.3), and the
 * plain ones are what ccxt and the venue's examples use; other
 * categories are skipped when read. */
xg_err
bybit_stream_subscribe(void *inst, int64_t venue_now_ms, char *out, size_t cap,
                       size_t *len)
{
    (void)venue_now_ms;
    if (inst == NULL) {
        return XG_ERR_INVALID;
    }
    return xg_stream_message_fixed("{\"op\":\"subscribe\",\"args\":[\"order\","
                                   "\"execution\"]}",
                                   out, cap, len);
}

/* streams.md 2.6: the client's JSON ping (req_id is optional). */
xg_err
bybit_stream_ping(void *inst, int64_t venue_now_ms, char *out, size_t cap,
                  size_t *len)
{
    (void)venue_now_ms;
    if (inst == NULL) {
        return XG_ERR_INVALID;
    }
    return xg_stream_message_fixed("{\"op\":\"ping\"}", out, cap, len);
}

/* --- reading ------------------------------------------------------------ */

/* Member "success" of the answer: 1 true, 0 false, -1 absent or not a
 * boolean. */
static int
bybit_stream_success(const xg_json *j)
{
    size_t v = 0;

    if (xg_json_get(j, 0, "success", &v) != XG_OK) {
        return -1;
    }
    if (xg_json_type_of(j, v) == XG_JSON_TRUE) {
        return 1;
    }
    return xg_json_type_of(j, v) == XG_JSON_FALSE ? 0 : -1;
}

/* An auth or subscribe answer: kind when success is true, REFUSED with
 * ret_msg (and retCode when there is one) when false (streams.md 2.2:
 * {"success":false,"ret_msg":"Params Error","op":"auth",...}). */
static void
bybit_stream_answer(const xg_json *j, xg_stream_kind kind,
                    xg_stream_result *res)
{
    char msg[XG_STREAM_MSG_MAX];
    int64_t code = 0;
    size_t v = 0;
    int ok = bybit_stream_success(j);

    if (ok < 0) {
        res->kind = XG_STREAM_MALFORMED;
        return;
    }
    if (ok == 1) {
        res->kind = kind;
        return;
    }
    res->kind = XG_STREAM_REFUSED;
    if (xg_field_i64(j, 0, "retCode", &code) == XG_OK) {
        (void)xg_i64_text(code, res->venue_code, sizeof(res->venue_code));
    }
    if (xg_json_get(j, 0, "ret_msg", &v) == XG_OK &&
        xg_json_type_of(j, v) == XG_JSON_STRING) {
        xg_err rc = xg_json_string(j, v, msg, sizeof(msg), NULL);
        if (rc == XG_OK || rc == XG_ERR_TRUNCATED) {
            xg_copy_printable(res->venue_msg, sizeof(res->venue_msg), msg,
                              strlen(msg));
        }
    }
}

/* A message with an "op" member and no topic (streams.md 2.2, 2.3, 2.6). */
static void
bybit_stream_op(const xg_json *j, xg_stream_result *res)
{
    char op[BYBIT_STREAM_NAME_MAX];
    size_t v = 0;

    res->kind = XG_STREAM_MALFORMED;
    if (xg_field_name(j, 0, "op", op, sizeof(op)) != XG_OK) {
        return;
    }
    if (strcmp(op, "auth") == 0) {
        bybit_stream_answer(j, XG_STREAM_AUTHED, res);
    } else if (strcmp(op, "subscribe") == 0) {
        bybit_stream_answer(j, XG_STREAM_SUBSCRIBED, res);
    } else if (strcmp(op, "pong") == 0) {
        res->kind = XG_STREAM_PONG;
    } else if (strcmp(op, "ping") == 0) {
        /* The public streams' pong is {"success":true,"ret_msg":"pong",
         * "op":"ping"}; read it as one should a server send it here. */
        res->kind = xg_json_get(j, 0, "ret_msg", &v) == XG_OK &&
                            xg_json_is_string_eq(j, v, "pong")
                        ? XG_STREAM_PONG
                        : XG_STREAM_IGNORED;
    } else {
        res->kind = XG_STREAM_IGNORED;
    }
}

/* An entry's category: XG_OK for spot or none said, XG_ERR_NOT_FOUND for
 * another (not this adapter's), XG_ERR_BAD_FIELD for one of the wrong
 * type. */
static xg_err
bybit_stream_category(const xg_json *j, size_t e)
{
    char category[BYBIT_STREAM_NAME_MAX];

    if (!xg_field_has(j, e, "category")) {
        return XG_OK;
    }
    if (xg_field_name(j, e, "category", category, sizeof(category)) != XG_OK) {
        return XG_ERR_BAD_FIELD;
    }
    return strcmp(category, "spot") == 0 ? XG_OK : XG_ERR_NOT_FOUND;
}

/*
 * One execution (streams.md 2.5) into u: the fill (execId, execQty and
 * execPrice above zero, execFee in feeCurrency, positive when paid as
 * xgate counts it, isMaker, execTime), read by parse_fills.c as the
 * answer to an order's fills is, and the order it names (orderId, symbol,
 * orderLinkId), without a report. XG_ERR_NOT_FOUND for an
 * execution of another category or of an order without a client id the
 * gateway could have given (nothing can name it); XG_ERR_BAD_FIELD when
 * malformed.
 */
static xg_err
bybit_stream_execution(const xg_json *j, size_t e, xg_stream_update *u)
{
    size_t v = 0;

    memset(u, 0, sizeof(*u));
    if (xg_json_type_of(j, e) != XG_JSON_OBJECT) {
        return XG_ERR_BAD_FIELD;
    }
    xg_err rc = bybit_stream_category(j, e);
    if (rc != XG_OK) {
        return rc;
    }
    if (xg_field_text(j, e, "orderId", u->order.venue_order_id,
                      sizeof(u->order.venue_order_id)) != XG_OK ||
        xg_field_text(j, e, "symbol", u->order.venue_symbol,
                      sizeof(u->order.venue_symbol)) != XG_OK ||
        bybit_execution_fill(j, e, &u->fill) != XG_OK) {
        return XG_ERR_BAD_FIELD;
    }
    /* Last, so that a malformed entry is refused whoever placed it:
     * orderLinkId "" is an order placed without one. */
    if (xg_json_get(j, e, "orderLinkId", &v) == XG_OK &&
        xg_json_is_string_eq(j, v, "")) {
        return XG_ERR_NOT_FOUND;
    }
    rc = xg_field_text(j, e, "orderLinkId", u->order.client_id,
                       sizeof(u->order.client_id));
    if (rc != XG_OK) {
        return rc == XG_ERR_TRUNCATED ? XG_ERR_NOT_FOUND : XG_ERR_BAD_FIELD;
    }
    u->has_fill = 1;
    return XG_OK;
}

/* One order (streams.md 2.4) into u: the report as a query gives it, no
 * fill. XG_ERR_NOT_FOUND for an order of another category or one the
 * gateway cannot name; XG_ERR_BAD_FIELD when malformed. */
static xg_err
bybit_stream_order(const xg_json *j, size_t e, xg_stream_update *u)
{
    memset(u, 0, sizeof(*u));
    if (xg_json_type_of(j, e) != XG_JSON_OBJECT) {
        return XG_ERR_BAD_FIELD;
    }
    xg_err rc = bybit_stream_category(j, e);
    if (rc != XG_OK) {
        return rc;
    }
    rc = bybit_order_report(j, e, &u->order);
    if (rc == XG_ERR_NOT_FOUND || rc == XG_ERR_TRUNCATED) {
        return XG_ERR_NOT_FOUND;
    }
    if (rc != XG_OK) {
        return XG_ERR_BAD_FIELD;
    }
    u->has_report = 1;
    return XG_OK;
}

typedef xg_err (*bybit_entry_fn)(const xg_json *j, size_t e,
                                 xg_stream_update *u);

/*
 * A topic message {"topic":..,"data":[...]}: every entry is read by
 * entry and checked first, then each the gateway can name goes to the
 * sink in the message's order.
 */
static xg_err
bybit_stream_entries(const xg_json *j, bybit_entry_fn entry,
                     const xg_stream_sink *sink, xg_stream_result *res)
{
    xg_stream_update u;
    size_t data = 0;
    size_t e = 0;
    size_t n_named = 0;
    uint32_t i = 0;

    res->kind = XG_STREAM_MALFORMED;
    if (xg_json_get(j, 0, "data", &data) != XG_OK ||
        xg_json_type_of(j, data) != XG_JSON_ARRAY || j->tok[data].count == 0) {
        return XG_OK;
    }
    for (i = 0, e = data + 1; i < j->tok[data].count; i++, e = j->tok[e].next) {
        xg_err rc = entry(j, e, &u);
        if (rc == XG_OK) {
            n_named++;
        } else if (rc != XG_ERR_NOT_FOUND) {
            return XG_OK;
        }
    }
    if (n_named == 0) {
        res->kind = XG_STREAM_IGNORED;
        return XG_OK;
    }
    res->kind = XG_STREAM_UPDATES;
    for (i = 0, e = data + 1; i < j->tok[data].count; i++, e = j->tok[e].next) {
        if (entry(j, e, &u) != XG_OK || sink == NULL || sink->update == NULL) {
            continue;
        }
        xg_err rc = sink->update(sink->ctx, &u);
        if (rc != XG_OK) {
            return rc;
        }
    }
    return XG_OK;
}

/* A message with a topic: order and execution (all-in-one or spot);
 * wallet and the rest are IGNORED. */
static xg_err
bybit_stream_topic(const xg_json *j, const xg_stream_sink *sink,
                   xg_stream_result *res)
{
    char topic[BYBIT_STREAM_NAME_MAX];

    res->kind = XG_STREAM_MALFORMED;
    if (xg_field_name(j, 0, "topic", topic, sizeof(topic)) != XG_OK) {
        return XG_OK;
    }
    if (strcmp(topic, "order") == 0 || strcmp(topic, "order.spot") == 0) {
        return bybit_stream_entries(j, bybit_stream_order, sink, res);
    }
    if (strcmp(topic, "execution") == 0 ||
        strcmp(topic, "execution.spot") == 0) {
        return bybit_stream_entries(j, bybit_stream_execution, sink, res);
    }
    res->kind = XG_STREAM_IGNORED;
    return XG_OK;
}

xg_err
bybit_stream_parse(void *inst, const char *text, size_t len,
                   const xg_stream_sink *sink, xg_stream_result *res)
{
    bybit *b = inst;
    xg_json j;
    xg_err sink_rc = XG_OK; /* only the sink's error is returned */

    if (b == NULL || res == NULL || (text == NULL && len > 0)) {
        return XG_ERR_INVALID;
    }
    memset(res, 0, sizeof(*res));
    res->kind = XG_STREAM_MALFORMED;
    if (len == 0) {
        return XG_OK;
    }
    xg_err rc = xg_json_parse_grow(&j, text, len, &b->json, XG_JSON_STORE_MAX);
    if (rc == XG_ERR_NOMEM) {
        return rc;
    }
    /* Only an object can be one of Bybit's messages; text the strict
     * reader refuses (a repeated key, invalid UTF-8, too deep) is not. */
    if (rc == XG_OK && xg_json_type_of(&j, 0) == XG_JSON_OBJECT) {
        if (xg_field_has(&j, 0, "topic")) {
            sink_rc = bybit_stream_topic(&j, sink, res);
        } else if (xg_field_has(&j, 0, "op")) {
            bybit_stream_op(&j, res);
        }
    }
    xg_json_store_trim(&b->json);
    return sink_rc;
}
