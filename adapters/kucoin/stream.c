/*
 * stream.c - the KuCoin spot private stream (fact sheet
 * /work/shared/exchanges/streams.md, section 4).
 *
 * KuCoin's stream is opened with a token: the core first sends
 * XG_OP_STREAM_TOKEN, POST /api/v1/bullet-private (requests.c builds it,
 * parse.c keeps the answer's token, endpoint and ping timing in the
 * instance), then connects to the URL the plan makes of them. A token
 * serves one connection: the plan uses it up, and a reconnect fetches a
 * new one, as the fact sheet advises. Once connected the client waits
 * for the server's welcome, subscribes to the order topic
 * /spotMarket/tradeOrdersV2 with an ack requested, and pings with JSON
 * every pingInterval. Each orderChange push is one order: its state as a
 * report and, with type=match, its fill. KuCoin pushes no fee, so the
 * fills carry none (caps without XG_STREAM_FEES).
 *
 * Messages are hostile until proven otherwise, as REST answers are
 * (parse.c): the strict reader over exactly len bytes, every field
 * type-checked, amounts refused when negative, text made printable.
 */
#include "kucoin.h"

#include <string.h>

#include "xgate/adapter_util.h"
#include "xgate/json.h"

/* Fact sheet 4.1 and 4.4: the token is valid for 24 h and "a single
 * connection is expected to be disconnected after 24 hours". */
#define KUCOIN_STREAM_LIFETIME_MS (24LL * 3600 * 1000)
/* Fact sheet 4.4: 30 new connections per minute. */
#define KUCOIN_STREAM_CONNECT_GAP_MS 2000
/* Fact sheet 4.2: the order topic, all symbols (it takes no suffix); V2
 * adds the received step to V1, whose pushes read the same. */
#define KUCOIN_ORDER_TOPIC    "/spotMarket/tradeOrdersV2"
#define KUCOIN_ORDER_TOPIC_V1 "/spotMarket/tradeOrders"

xg_err
kucoin_stream_plan(void *inst, xg_stream_plan *plan)
{
    kucoin *k = inst;
    xg_buf url;

    if (k == NULL || plan == NULL) {
        return XG_ERR_INVALID;
    }
    memset(plan, 0, sizeof(*plan));
    if (k->stream_token[0] == '\0') {
        plan->needs_token = 1;
        return XG_OK;
    }
    /* The simulator's stream_url keeps its scheme, host and path and gets
     * the same query as the venue's endpoint. connectId is the client's
     * choice, unique per connection (fact sheet 4.1). The token may hold
     * '=' or '+', so it is percent-encoded. */
    const char *base =
        k->stream_url[0] != '\0' ? k->stream_url : k->stream_endpoint;
    int64_t id = ++k->stream_request_id;
    xg_buf_init(&url, plan->url, sizeof(plan->url));
    xg_buf_put(&url, base, strcspn(base, "?#"));
    xg_buf_puts(&url, "?token=");
    xg_buf_put_urlencoded(&url, k->stream_token, strlen(k->stream_token));
    xg_buf_puts(&url, "&connectId=");
    xg_buf_put_i64(&url, id);
    /* Used up either way: a token that makes no URL will not make one
     * next time either. */
    xg_wipe(k->stream_token, sizeof(k->stream_token));
    if (xg_buf_status(&url) != XG_OK) {
        xg_wipe(plan->url, sizeof(plan->url));
        return XG_ERR_TRUNCATED;
    }
    /* Fact sheet 4.4: ping every pingInterval (18 s); no pong within
     * pingTimeout (10 s) after it means the connection is dead, so a
     * silence of both together is one. */
    plan->ping_every_ms = k->stream_ping_interval_ms;
    plan->silence_max_ms =
        k->stream_ping_interval_ms + k->stream_ping_timeout_ms;
    plan->lifetime_ms = KUCOIN_STREAM_LIFETIME_MS;
    plan->connect_gap_ms = KUCOIN_STREAM_CONNECT_GAP_MS;
    return XG_OK;
}

/* The token is in the URL; the server speaks first (its welcome). */
xg_err
kucoin_stream_login(void *inst, int64_t venue_now_ms, char *out, size_t cap,
                    size_t *len)
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

/* {"id":"<n>",<rest>} into out, n the instance's next message id, which
 * is used up (and put in *id) only when the text fits. */
static xg_err
kucoin_stream_text(kucoin *k, const char *rest, char *out, size_t cap,
                   size_t *len, int64_t *id)
{
    xg_buf msg;

    if (k == NULL || out == NULL || cap == 0 || len == NULL) {
        return XG_ERR_INVALID;
    }
    *len = 0;
    xg_buf_init(&msg, out, cap);
    xg_buf_puts(&msg, "{\"id\":\"");
    xg_buf_put_i64(&msg, k->stream_request_id + 1);
    xg_buf_puts(&msg, "\",");
    xg_buf_puts(&msg, rest);
    if (xg_buf_status(&msg) != XG_OK) {
        return XG_ERR_TRUNCATED;
    }
    *id = ++k->stream_request_id;
    *len = msg.len;
    return XG_OK;
}

/* Fact sheet 4.2, with the ack requested ("response":true). */
xg_err
kucoin_stream_subscribe(void *inst, int64_t venue_now_ms, char *out, size_t cap,
                        size_t *len)
{
    kucoin *k = inst;
    int64_t id = 0;

    (void)venue_now_ms;
    xg_err rc = kucoin_stream_text(
        k,
        "\"type\":\"subscribe\",\"topic\":\"" KUCOIN_ORDER_TOPIC
        "\",\"privateChannel\":true,"
        "\"response\":true}",
        out, cap, len, &id);
    if (rc == XG_OK) {
        k->stream_subscribe_id = id;
    }
    return rc;
}

/* Fact sheet 4.4: {"id":"..","type":"ping"}, answered with a pong. */
xg_err
kucoin_stream_ping(void *inst, int64_t venue_now_ms, char *out, size_t cap,
                   size_t *len)
{
    int64_t id = 0;

    (void)venue_now_ms;
    return kucoin_stream_text(inst, "\"type\":\"ping\"}", out, cap, len, &id);
}

/* --- order pushes --------------------------------------------------------- */

/*
 * The order's status from the push's type (its event) and status (fact
 * sheet 4.3), as the REST query would report it (parse.c): filled and
 * canceled end it (an IOC or FOK remainder canceled by the venue is
 * expired, where timeInForce says so); another event with status done
 * (an update that ended it, a last match) is filled when nothing of its
 * original size is left unfilled, canceled otherwise; new, open and match
 * are open, partly filled or not.
 */
static xg_err
kucoin_push_status(const xg_json *j, size_t d, const char *type,
                   const char *status, const xg_order_report *rep,
                   xg_order_status *out)
{
    if (strcmp(type, "filled") == 0) {
        *out = XG_STATUS_FILLED;
        return XG_OK;
    }
    if (strcmp(type, "canceled") == 0) {
        return kucoin_canceled_status(j, d, out);
    }
    if (strcmp(type, "received") != 0 && strcmp(type, "open") != 0 &&
        strcmp(type, "match") != 0 && strcmp(type, "update") != 0) {
        return XG_ERR_BAD_FIELD;
    }
    if (strcmp(status, "done") == 0) {
        if (rep->qty.units > 0 &&
            xg_decimal_cmp(rep->exec.filled_qty, rep->qty) >= 0) {
            *out = XG_STATUS_FILLED;
            return XG_OK;
        }
        return kucoin_canceled_status(j, d, out);
    }
    if (strcmp(status, "new") != 0 && strcmp(status, "open") != 0 &&
        strcmp(status, "match") != 0) {
        return XG_ERR_BAD_FIELD;
    }
    *out = rep->exec.filled_qty.units > 0 ? XG_STATUS_PARTIALLY_FILLED
                                          : XG_STATUS_NEW;
    return XG_OK;
}

/*
 * One orderChange push's data (fact sheet 4.3) into u: the order as a
 * query would report it (status, filledSize, the order's original size
 * and price; the push has no cumulative quote or fee, so those are not
 * said) and, with type=match, its fill. The received step may come before
 * anything filled is counted, so its filledSize may be absent; every
 * other step says it. XG_ERR_TRUNCATED when the clientOid is longer than
 * any the gateway sends (someone else's order, which the report cannot
 * name); XG_ERR_BAD_FIELD for anything malformed.
 */
static xg_err
kucoin_push_update(const xg_json *j, size_t d, xg_stream_update *u)
{
    xg_order_report *rep = &u->order;
    char type[16];
    char status[16];

    memset(u, 0, sizeof(*u));
    xg_err rc =
        xg_field_text(j, d, "clientOid", rep->client_id, sizeof rep->client_id);
    if (rc != XG_OK) {
        return rc == XG_ERR_TRUNCATED ? rc : XG_ERR_BAD_FIELD;
    }
    if (xg_field_text(j, d, "orderId", rep->venue_order_id,
                      sizeof rep->venue_order_id) != XG_OK ||
        xg_field_text(j, d, "symbol", rep->venue_symbol,
                      sizeof rep->venue_symbol) != XG_OK ||
        xg_field_name(j, d, "type", type, sizeof type) != XG_OK ||
        xg_field_name(j, d, "status", status, sizeof status) != XG_OK ||
        xg_field_amount_or_zero(j, d, "price", &rep->price) != XG_OK ||
        xg_field_amount_or_zero(
            j, d, xg_field_has(j, d, "originSize") ? "originSize" : "size",
            &rep->qty) != XG_OK) {
        return XG_ERR_BAD_FIELD;
    }
    if ((strcmp(type, "received") != 0 || xg_field_has(j, d, "filledSize")) &&
        xg_field_amount(j, d, "filledSize", &rep->exec.filled_qty) != XG_OK) {
        return XG_ERR_BAD_FIELD;
    }
    if (kucoin_push_status(j, d, type, status, rep, &rep->status) != XG_OK) {
        return XG_ERR_BAD_FIELD;
    }
    u->has_report = 1;
    if (strcmp(type, "match") == 0) {
        /* tradeId (a string, or an integer: the HF format is not
         * documented, fact sheet 4.3), matchSize, matchPrice, liquidity,
         * ts (ns); no fee is pushed. parse_fills.c's reader, the one the
         * fills list goes through, so both give the trade the same id. */
        if (kucoin_fill(j, d, &kucoin_push_fill_keys, &u->fill) != XG_OK) {
            return XG_ERR_BAD_FIELD;
        }
        u->has_fill = 1;
    }
    return XG_OK;
}

/* {"type":"message","topic":..,"subject":..,"data":{..}}: an orderChange
 * of the order topic goes to the sink; other subjects and topics (the
 * balance's account.balance) are not the core's business here. */
static xg_err
kucoin_parse_push(const xg_json *j, const xg_stream_sink *sink,
                  xg_stream_result *res)
{
    char topic[64];
    char subject[32];
    size_t data = 0;
    xg_stream_update u;

    if (xg_field_name(j, 0, "topic", topic, sizeof topic) != XG_OK ||
        xg_field_name(j, 0, "subject", subject, sizeof subject) != XG_OK) {
        return XG_OK; /* malformed */
    }
    if (strcmp(subject, "orderChange") != 0 ||
        (strcmp(topic, KUCOIN_ORDER_TOPIC) != 0 &&
         strcmp(topic, KUCOIN_ORDER_TOPIC_V1) != 0)) {
        res->kind = XG_STREAM_IGNORED;
        return XG_OK;
    }
    if (xg_json_get(j, 0, "data", &data) != XG_OK ||
        xg_json_type_of(j, data) != XG_JSON_OBJECT) {
        return XG_OK;
    }
    xg_err rc = kucoin_push_update(j, data, &u);
    if (rc == XG_ERR_TRUNCATED) {
        /* A clientOid of 33-40 characters: not the gateway's, and no
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

/* {"id":..,"type":"error","code":401,"data":"token is expired"} (fact
 * sheet 4.1, 4.2): the code (a number, or a string of one) and the
 * text. */
static void
kucoin_parse_error(const xg_json *j, xg_stream_result *res)
{
    size_t v = 0;
    int64_t code = 0;
    char text[XG_STREAM_MSG_MAX];
    size_t len = 0;

    if (xg_json_get(j, 0, "code", &v) == XG_OK) {
        if (xg_json_int64(j, v, &code) == XG_OK) {
            (void)xg_i64_text(code, res->venue_code, sizeof res->venue_code);
        } else if (xg_json_string(j, v, text, sizeof text, &len) == XG_OK) {
            xg_copy_printable(res->venue_code, sizeof res->venue_code, text,
                              len);
        }
    }
    if (xg_json_get(j, 0, "data", &v) == XG_OK &&
        xg_json_string(j, v, text, sizeof text, &len) != XG_ERR_INVALID) {
        xg_copy_printable(res->venue_msg, sizeof res->venue_msg, text,
                          strlen(text));
    }
    res->kind = XG_STREAM_REFUSED;
}

/* Whether message id token id is the subscription's, the string
 * kucoin_stream_subscribe sent. */
static int
kucoin_is_our_ack(const kucoin *k, const xg_json *j)
{
    char text[24];
    size_t id = 0;

    return k->stream_subscribe_id > 0 &&
           xg_i64_text(k->stream_subscribe_id, text, sizeof text) == XG_OK &&
           xg_json_get(j, 0, "id", &id) == XG_OK &&
           xg_json_is_string_eq(j, id, text);
}

/* By "type" (fact sheet 4.2-4.4). A type KuCoin adds later is no reason
 * to drop the connection: ignored. */
static xg_err
kucoin_parse_typed(kucoin *k, const xg_json *j, const xg_stream_sink *sink,
                   xg_stream_result *res)
{
    char type[16];

    if (xg_field_name(j, 0, "type", type, sizeof type) != XG_OK) {
        return XG_OK; /* malformed */
    }
    if (strcmp(type, "message") == 0) {
        return kucoin_parse_push(j, sink, res);
    }
    if (strcmp(type, "welcome") == 0) {
        res->kind = XG_STREAM_WELCOME;
    } else if (strcmp(type, "ack") == 0) {
        /* Only the subscription asks for an ack; another id's is not an
         * answer to this instance. */
        if (kucoin_is_our_ack(k, j)) {
            k->stream_subscribe_id = 0;
            res->kind = XG_STREAM_SUBSCRIBED;
        }
    } else if (strcmp(type, "pong") == 0) {
        res->kind = XG_STREAM_PONG;
    } else if (strcmp(type, "error") == 0) {
        kucoin_parse_error(j, res);
    } else if (type[0] != '\0') {
        res->kind = XG_STREAM_IGNORED;
    }
    return XG_OK;
}

xg_err
kucoin_stream_parse(void *inst, const char *text, size_t len,
                    const xg_stream_sink *sink, xg_stream_result *res)
{
    kucoin *k = inst;
    xg_json j;
    xg_err rc = XG_OK;

    if (k == NULL || res == NULL || (text == NULL && len > 0)) {
        return XG_ERR_INVALID;
    }
    memset(res, 0, sizeof(*res));
    res->kind = XG_STREAM_MALFORMED;
    if (len == 0) {
        return XG_OK;
    }
    rc = xg_json_parse_grow(&j, text, len, &k->json, XG_JSON_STORE_MAX);
    if (rc == XG_ERR_NOMEM) {
        return rc;
    }
    if (rc == XG_OK && xg_json_type_of(&j, 0) == XG_JSON_OBJECT) {
        rc = kucoin_parse_typed(k, &j, sink, res);
    } else {
        rc = XG_OK;
    }
    xg_json_store_trim(&k->json);
    return rc;
}
