/*
 * stream.c - the Binance spot private stream: the WebSocket API's user
 * data subscription (fact sheet /work/shared/exchanges/streams.md,
 * section 1).
 *
 * The listenKey stream is retired for spot (2026-02-20, fact sheet 1.1),
 * so the adapter speaks the WS API: once connected it sends one signed
 * request, userDataStream.subscribe.signature, which authenticates and
 * subscribes at once (any key type, no session logon). Its answer, matched
 * by the request's id, says whether the subscription is live; from then
 * on every account event arrives wrapped as {"subscriptionId":N,
 * "event":{...}}. Order updates and fills both come as executionReport
 * (a fill when x is TRADE), read with parse.c's status table and
 * parse_fills.c's trade reader (myTrades' too); balances and order lists
 * are not the core's business here. The server keeps the connection alive
 * with WebSocket ping frames, which the core answers, so the adapter has
 * no subscription or ping message of its own.
 *
 * Messages are hostile until proven otherwise, as REST answers are
 * (parse.c): the strict reader over exactly len bytes, every field
 * type-checked, amounts refused when negative, text made printable.
 */
#include "binance.h"

#include <stdio.h>
#include <string.h>

#include "xgate/adapter_util.h"
#include "xgate/json.h"

/* Fact sheet 1.6: the server sends a ping frame every 20 s and closes a
 * connection whose pong is a minute late. 50 s without a frame is two
 * pings missed and half a period of margin: the connection is dead, and
 * still inside the venue's own minute. */
#define BINANCE_STREAM_SILENCE_MS 50000
/* Fact sheet 1.6: "one connection lives at most 24 h". */
#define BINANCE_STREAM_LIFETIME_MS (24LL * 3600 * 1000)
/* Fact sheet 1.6: 300 connection attempts per 5 min per IP, one a
 * second. */
#define BINANCE_STREAM_CONNECT_GAP_MS 1000

xg_err
binance_stream_plan(void *inst, xg_stream_plan *plan)
{
    binance *b = inst;

    if (b == NULL || plan == NULL) {
        return XG_ERR_INVALID;
    }
    memset(plan, 0, sizeof(*plan));
    if (xg_strlcpy(plan->url, b->stream_url, sizeof(plan->url)) != XG_OK) {
        return XG_ERR_TRUNCATED;
    }
    plan->ping_every_ms = 0; /* the server pings (fact sheet 1.6) */
    plan->silence_max_ms = BINANCE_STREAM_SILENCE_MS;
    plan->lifetime_ms = BINANCE_STREAM_LIFETIME_MS;
    plan->connect_gap_ms = BINANCE_STREAM_CONNECT_GAP_MS;
    return XG_OK;
}

/*
 * Fact sheet 1.3, route A: the signature is the hex HMAC-SHA256 of every
 * parameter but the signature, sorted by name and joined as name=value
 * with '&', values not percent-encoded: apiKey, recvWindow, timestamp.
 * recvWindow is the one the REST requests use (the recv_window_ms
 * option). The id is a string, as ccxt sends it; the server echoes it.
 */
xg_err
binance_stream_login(void *inst, int64_t venue_now_ms, char *out, size_t cap,
                     size_t *len)
{
    binance *b = inst;
    char payload_mem[256];
    char sig[XG_HEX_SHA256_LEN + 1];
    xg_buf payload;
    xg_buf msg;
    xg_err rc = XG_OK;

    if (b == NULL || out == NULL || cap == 0 || len == NULL ||
        venue_now_ms <= 0) {
        return XG_ERR_INVALID;
    }
    *len = 0;
    xg_buf_init(&payload, payload_mem, sizeof(payload_mem));
    xg_buf_puts(&payload, "apiKey=");
    xg_buf_puts(&payload, b->api_key);
    xg_buf_puts(&payload, "&recvWindow=");
    xg_buf_put_i64(&payload, b->recv_window_ms);
    xg_buf_puts(&payload, "&timestamp=");
    xg_buf_put_i64(&payload, venue_now_ms);
    rc = xg_buf_status(&payload);
    if (rc == XG_OK) {
        rc = binance_signature(b, payload.data, payload.len, sig);
    }
    if (rc != XG_OK) {
        return rc;
    }

    int64_t id = b->stream_request_id + 1;
    xg_buf_init(&msg, out, cap);
    xg_buf_puts(&msg, "{\"id\":\"");
    xg_buf_put_i64(&msg, id);
    xg_buf_puts(&msg, "\",\"method\":\"userDataStream.subscribe.signature\","
                      "\"params\":{\"apiKey\":");
    xg_buf_put_json_string(&msg, b->api_key, strlen(b->api_key));
    xg_buf_puts(&msg, ",\"recvWindow\":");
    xg_buf_put_i64(&msg, b->recv_window_ms);
    xg_buf_puts(&msg, ",\"timestamp\":");
    xg_buf_put_i64(&msg, venue_now_ms);
    xg_buf_puts(&msg, ",\"signature\":\"");
    xg_buf_puts(&msg, sig);
    xg_buf_puts(&msg, "\"}}");
    rc = xg_buf_status(&msg);
    if (rc != XG_OK) {
        return rc;
    }
    b->stream_request_id = id;
    b->stream_subscribe_id = id;
    *len = msg.len;
    return XG_OK;
}

/* Binance subscribes in the login (userDataStream.subscribe.signature):
 * nothing more to send. */
xg_err
binance_stream_subscribe(void *inst, int64_t venue_now_ms, char *out,
                         size_t cap, size_t *len)
{
    (void)venue_now_ms;
    (void)out;
    (void)cap;
    if (inst == NULL || len == NULL) {
        return XG_ERR_INVALID;
    }
    *len = 0;
    return XG_OK;
}

/* The server pings with WebSocket frames, which the core answers; the WS
 * API has no text ping (fact sheet 1.6). */
xg_err
binance_stream_ping(void *inst, int64_t venue_now_ms, char *out, size_t cap,
                    size_t *len)
{
    return binance_stream_subscribe(inst, venue_now_ms, out, cap, len);
}

/* --- answers to the subscription request ----------------------------- */

/* Whether the answer's "id" is the subscription request's: the string
 * the login sent. */
static int
binance_is_our_answer(const binance *b, const xg_json *j, size_t id)
{
    char text[24];

    if (b->stream_subscribe_id <= 0 ||
        xg_i64_text(b->stream_subscribe_id, text, sizeof text) != XG_OK) {
        return 0;
    }
    return xg_json_is_string_eq(j, id, text);
}

/*
 * {"id":"1","status":200,"result":{"subscriptionId":0}}: subscribed.
 * Any other status with {"error":{"code":..,"msg":..}}: refused, for the
 * request sent or, with "id":null, for the session (a revoked key ends it
 * so, fact sheet 1.3). An answer to a request this instance did not send
 * is not one of its stream's.
 */
static void
binance_parse_answer(binance *b, const xg_json *j, xg_stream_result *res)
{
    size_t v = 0;
    size_t id = 0;
    int64_t status = 0;
    int64_t sub = 0;
    int is_ours = 0;

    res->kind = XG_STREAM_MALFORMED;
    if (xg_field_i64(j, 0, "status", &status) != XG_OK ||
        xg_json_get(j, 0, "id", &id) != XG_OK) {
        return;
    }
    is_ours = binance_is_our_answer(b, j, id);
    if (status == 200) {
        if (!is_ours || xg_json_get(j, 0, "result", &v) != XG_OK ||
            xg_json_type_of(j, v) != XG_JSON_OBJECT ||
            xg_field_i64(j, v, "subscriptionId", &sub) != XG_OK || sub < 0) {
            return;
        }
        b->stream_subscribe_id = 0;
        res->kind = XG_STREAM_SUBSCRIBED;
        return;
    }
    if (!is_ours && xg_json_type_of(j, id) != XG_JSON_NULL) {
        return;
    }

    int has_code = 0;
    int64_t code = 0;
    char msg_buf[XG_STREAM_MSG_MAX];
    const char *msg = NULL;
    if (xg_json_get(j, 0, "error", &v) == XG_OK &&
        xg_json_type_of(j, v) == XG_JSON_OBJECT) {
        binance_error_fields(j, v, &has_code, &code, msg_buf, sizeof msg_buf,
                             &msg);
    }
    /* Without the venue's code, the status says what kind of refusal it
     * was (Binance's codes are negative, so the two cannot be confused). */
    (void)xg_i64_text(has_code ? code : status, res->venue_code,
                      sizeof res->venue_code);
    if (msg != NULL) {
        xg_copy_printable(res->venue_msg, sizeof res->venue_msg, msg,
                          strlen(msg));
    }
    b->stream_subscribe_id = 0;
    res->kind = XG_STREAM_REFUSED;
}

/* --- events -------------------------------------------------------------- */

/* The key of the order's own client id (fact sheet 1.5): "c" is the
 * client id of the request that caused the event, which on a cancel is
 * the cancel's own (random when none was given); the canceled order's id
 * is then "C". A cancel that names no original keeps "c". */
static const char *
binance_client_id_key(const xg_json *j, size_t ev, const char *exec_type)
{
    size_t v = 0;

    if (strcmp(exec_type, "CANCELED") == 0 &&
        xg_json_get(j, ev, "C", &v) == XG_OK &&
        xg_json_type_of(j, v) == XG_JSON_STRING && j->tok[v].len > 0) {
        return "C";
    }
    return "c";
}

/*
 * An executionReport (fact sheet 1.5) into u: the order as a query would
 * report it (X status, z and Z cumulative quantity and quote, p price, q
 * quantity, i the venue's id, s the symbol) and, with x=TRADE, its fill.
 * x=REPLACED (an amend keeping priority) is a report like any other.
 * XG_ERR_TRUNCATED when the client id is longer than any the gateway
 * sends (someone else's order, which the report cannot name);
 * XG_ERR_BAD_FIELD for anything malformed.
 */
static xg_err
binance_execution_report(const xg_json *j, size_t ev, xg_stream_update *u)
{
    xg_order_report *rep = &u->order;
    char exec_type[32];
    char status[32];
    int64_t order_id = 0;
    xg_err rc = XG_OK;

    memset(u, 0, sizeof(*u));
    if (xg_field_name(j, ev, "x", exec_type, sizeof exec_type) != XG_OK ||
        xg_field_name(j, ev, "X", status, sizeof status) != XG_OK ||
        binance_order_status(status, &rep->status) != XG_OK) {
        return XG_ERR_BAD_FIELD;
    }
    rc = xg_field_text(j, ev, binance_client_id_key(j, ev, exec_type),
                       rep->client_id, sizeof rep->client_id);
    if (rc != XG_OK) {
        return rc == XG_ERR_TRUNCATED ? rc : XG_ERR_BAD_FIELD;
    }
    if (xg_field_text(j, ev, "s", rep->venue_symbol,
                      sizeof rep->venue_symbol) != XG_OK ||
        xg_field_i64(j, ev, "i", &order_id) != XG_OK || order_id < 0 ||
        xg_i64_text(order_id, rep->venue_order_id,
                    sizeof rep->venue_order_id) != XG_OK ||
        xg_field_amount(j, ev, "z", &rep->exec.filled_qty) != XG_OK ||
        xg_field_amount(j, ev, "Z", &rep->exec.filled_quote) != XG_OK ||
        xg_field_amount(j, ev, "p", &rep->price) != XG_OK ||
        xg_field_amount(j, ev, "q", &rep->qty) != XG_OK) {
        return XG_ERR_BAD_FIELD;
    }
    u->has_report = 1;
    if (strcmp(exec_type, "TRADE") == 0) {
        /* t, l, L, n in N (null: no fee), m, T: parse_fills.c's reader,
         * the one myTrades' entries go through, so both give the trade
         * the same id. */
        if (binance_fill(j, ev, &binance_stream_fill_keys, &u->fill) != XG_OK) {
            return XG_ERR_BAD_FIELD;
        }
        u->has_fill = 1;
    }
    return XG_OK;
}

/*
 * {"subscriptionId":N,"event":{"e":...}} (fact sheet 1.3): executionReport
 * goes to the sink; serverShutdown (which alone carries no
 * subscriptionId) and eventStreamTerminated end the stream. Everything
 * else is for other readers: the balances (outboundAccountPosition,
 * balanceUpdate, externalLockUpdate), order lists (listStatus), and event
 * types Binance adds later, which are no reason to drop the connection.
 */
static xg_err
binance_parse_event(const xg_json *j, const xg_stream_sink *sink,
                    xg_stream_result *res)
{
    char name[32];
    size_t ev = 0;
    int64_t sub = 0;
    xg_stream_update u;

    res->kind = XG_STREAM_MALFORMED;
    if (xg_json_get(j, 0, "event", &ev) != XG_OK ||
        xg_json_type_of(j, ev) != XG_JSON_OBJECT ||
        xg_field_name(j, ev, "e", name, sizeof name) != XG_OK) {
        return XG_OK;
    }
    if (strcmp(name, "serverShutdown") == 0 ||
        strcmp(name, "eventStreamTerminated") == 0) {
        res->kind = XG_STREAM_CLOSING;
        return XG_OK;
    }
    if (strcmp(name, "executionReport") != 0) {
        res->kind = XG_STREAM_IGNORED;
        return XG_OK;
    }
    if (xg_field_i64(j, 0, "subscriptionId", &sub) != XG_OK || sub < 0) {
        return XG_OK;
    }
    xg_err rc = binance_execution_report(j, ev, &u);
    if (rc == XG_ERR_TRUNCATED) {
        /* A client id of 33-36 characters: not the gateway's, and no
         * report could name it. */
        res->kind = XG_STREAM_IGNORED;
        return XG_OK;
    }
    if (rc != XG_OK) {
        return XG_OK;
    }
    res->kind = XG_STREAM_UPDATES;
    if (sink != NULL && sink->update != NULL) {
        return sink->update(sink->ctx, &u);
    }
    return XG_OK;
}

xg_err
binance_stream_parse(void *inst, const char *text, size_t len,
                     const xg_stream_sink *sink, xg_stream_result *res)
{
    binance *b = inst;
    xg_json j;
    xg_err rc = XG_OK;

    if (b == NULL || res == NULL || (text == NULL && len > 0)) {
        return XG_ERR_INVALID;
    }
    memset(res, 0, sizeof(*res));
    res->kind = XG_STREAM_MALFORMED;
    if (len == 0) {
        return XG_OK;
    }
    rc = xg_json_parse_grow(&j, text, len, &b->json, XG_JSON_STORE_MAX);
    if (rc == XG_ERR_NOMEM) {
        return rc;
    }
    int is_object = rc == XG_OK && xg_json_type_of(&j, 0) == XG_JSON_OBJECT;
    rc = XG_OK;
    /* Events and answers are told apart as the venue's own clients do: an
     * event is wrapped in "event", an answer has a "status". */
    if (is_object && xg_field_has(&j, 0, "event")) {
        rc = binance_parse_event(&j, sink, res);
    } else if (is_object && xg_field_has(&j, 0, "status")) {
        binance_parse_answer(b, &j, res);
    }
    xg_json_store_trim(&b->json);
    return rc;
}
