/*
 * stream.c - OKX v5's private WebSocket stream: the orders channel of
 * instType SPOT, read into order updates and fills.
 *
 * The core owns the connection; this file says where it goes and how
 * often to ping (the plan), writes the three messages the client sends
 * (login, subscription, the text ping) and reads every message received.
 * OKX pushes an order's state and, in the same push, the fill it just
 * made (a non-empty tradeId), so one element of a push's data[] becomes
 * one update with a report and maybe a fill; the report is read by
 * parse.c's okx_order_details, the reader of a REST query's order, and
 * the fill by parse_fills.c's okx_fill, the reader of an order's fills
 * list, so that a push and a query say the same thing (and a fill has
 * one trade id whichever way it came). Duplicated pushes (OKX
 * documents them, fact sheet streams.md 3.6) go to the sink as they are:
 * counting a fill once is the core's business.
 *
 * Numbers and the messages are from the fact sheet
 * /work/shared/exchanges/streams.md, section 3 (OKX v5). A message is
 * hostile until proven otherwise: it is read by the strict reader of
 * xgate/json.h with the instance's token store, and a push is checked
 * whole before any of its orders goes to the sink, so a malformed push
 * never delivers half of itself.
 */
#include "okx.h"

#include <stdio.h>
#include <string.h>

#include "xgate/adapter_util.h"
#include "xgate/json.h"
#include "xgate/stream.h"

/*
 * The plan (streams.md 3.5). The client must send the text "ping" when
 * nothing arrived for less than 30 s, and OKX closes a connection idle
 * for more than 30 s: a ping every 20 s keeps 10 s of margin for the
 * ping to travel. OKX's pong comes at once, so 30 s without anything
 * (one unanswered ping and the venue's own cut) is a dead connection.
 * No maximum lifetime is documented. 3 connection requests per second
 * per IP: one a second leaves room for other connections of the IP.
 */
#define OKX_STREAM_PING_MS        20000
#define OKX_STREAM_SILENCE_MS     30000
#define OKX_STREAM_LIFETIME_MS    0
#define OKX_STREAM_CONNECT_GAP_MS 1000

/* The login's signed text: timestamp (seconds) + "GET" +
 * "/users/self/verify" (streams.md 3.2). */
#define OKX_STREAM_VERIFY_PATH "/users/self/verify"

/* "notice" code: "The connection will soon be closed for a service
 * upgrade. Please reconnect." (streams.md 3.5). */
#define OKX_STREAM_NOTICE_CLOSING 64008

/* Event and channel names compared with known ones fit in this. */
#define OKX_STREAM_NAME_MAX 32

xg_err
okx_stream_plan(void *inst, xg_stream_plan *plan)
{
    okx *o = inst;
    const char *url = NULL;

    if (o == NULL || plan == NULL) {
        return XG_ERR_INVALID;
    }
    memset(plan, 0, sizeof(*plan));
    /* A configured stream_url wins whatever simulated_trading says: it
     * names the server (a simulator) outright. */
    if (o->stream_url[0] != '\0') {
        url = o->stream_url;
    } else {
        url = o->simulated_trading ? OKX_STREAM_URL_DEMO : OKX_STREAM_URL;
    }
    if (xg_strlcpy(plan->url, url, sizeof(plan->url)) != XG_OK) {
        return XG_ERR_TRUNCATED;
    }
    plan->ping_every_ms = OKX_STREAM_PING_MS;
    plan->silence_max_ms = OKX_STREAM_SILENCE_MS;
    plan->lifetime_ms = OKX_STREAM_LIFETIME_MS;
    plan->connect_gap_ms = OKX_STREAM_CONNECT_GAP_MS;
    return XG_OK;
}

/*
 * {"op":"login","args":[{"apiKey":..,"passphrase":..,"timestamp":"<s>",
 * "sign":..}]} with sign = base64(HMAC-SHA256(secret, timestamp + "GET" +
 * "/users/self/verify")) and the timestamp in whole seconds, as a string
 * (streams.md 3.2; OKX refuses it 30 s later).
 */
xg_err
okx_stream_login(void *inst, int64_t venue_now_ms, char *out, size_t cap,
                 size_t *len)
{
    okx *o = inst;
    char ts[24];
    char prehash[64];
    char sign[XG_B64_SHA256_LEN + 1];
    xg_buf b;
    int n = 0;

    if (o == NULL || out == NULL || cap == 0 || len == NULL ||
        venue_now_ms < 0) {
        return XG_ERR_INVALID;
    }
    *len = 0;
    if (xg_i64_text(venue_now_ms / 1000, ts, sizeof(ts)) != XG_OK) {
        return XG_ERR_INVALID;
    }
    n = snprintf(prehash, sizeof(prehash), "%sGET%s", ts,
                 OKX_STREAM_VERIFY_PATH);
    if (n < 0 || (size_t)n >= sizeof(prehash)) {
        return XG_ERR_TRUNCATED;
    }
    xg_err rc =
        xg_hmac_sign_base64(o->hmac, prehash, (size_t)n, sign, sizeof(sign));
    if (rc != XG_OK) {
        return rc;
    }
    xg_buf_init(&b, out, cap);
    xg_buf_puts(&b, "{\"op\":\"login\",\"args\":[{\"apiKey\":");
    xg_buf_put_json_string(&b, o->api_key, strlen(o->api_key));
    xg_buf_puts(&b, ",\"passphrase\":");
    xg_buf_put_json_string(&b, o->passphrase, strlen(o->passphrase));
    xg_buf_puts(&b, ",\"timestamp\":\"");
    xg_buf_puts(&b, ts);
    xg_buf_puts(&b, "\",\"sign\":\"");
    xg_buf_puts(&b, sign);
    xg_buf_puts(&b, "\"}]}");
    rc = xg_stream_message_done(&b, len);
    if (rc != XG_OK) {
        /* Half a login holds the passphrase: not left behind. */
        xg_wipe(out, cap);
    }
    return rc;
}

/* The orders channel of every spot instrument (streams.md 3.3): the
 * gateway's orders may be on any symbol. */
xg_err
okx_stream_subscribe(void *inst, int64_t venue_now_ms, char *out, size_t cap,
                     size_t *len)
{
    (void)venue_now_ms;
    if (inst == NULL) {
        return XG_ERR_INVALID;
    }
    return xg_stream_message_fixed(
        "{\"op\":\"subscribe\",\"args\":[{\"channel\":\"orders\","
        "\"instType\":\"SPOT\"}]}",
        out, cap, len);
}

/* The text "ping", not JSON (streams.md 3.5). */
xg_err
okx_stream_ping(void *inst, int64_t venue_now_ms, char *out, size_t cap,
                size_t *len)
{
    (void)venue_now_ms;
    if (inst == NULL) {
        return XG_ERR_INVALID;
    }
    return xg_stream_message_fixed("ping", out, cap, len);
}

/* --- reading ------------------------------------------------------------ */

/* A refusal ({"event":"error","code":"60009","msg":"Login failed."}, or a
 * login answered with a code other than "0"): the venue's code and text
 * into res. */
static void
okx_stream_refused(const xg_json *j, xg_stream_result *res)
{
    char msg[XG_STREAM_MSG_MAX];
    int64_t code = 0;

    res->kind = XG_STREAM_REFUSED;
    if (okx_field_code(j, 0, "code", &code) == XG_OK) {
        (void)xg_i64_text(code, res->venue_code, sizeof(res->venue_code));
    }
    if (okx_field_msg(j, 0, "msg", msg, sizeof(msg)) != NULL) {
        xg_copy_printable(res->venue_msg, sizeof(res->venue_msg), msg,
                          strlen(msg));
    }
}

/* The channel named by member "arg" ({"channel":"orders",...}) of object
 * obj into name; XG_ERR_BAD_FIELD when there is none. */
static xg_err
okx_stream_channel(const xg_json *j, size_t obj, char *name, size_t cap)
{
    size_t arg = 0;

    if (xg_json_get(j, obj, "arg", &arg) != XG_OK ||
        xg_json_type_of(j, arg) != XG_JSON_OBJECT) {
        return XG_ERR_BAD_FIELD;
    }
    return xg_field_name(j, arg, "channel", name, cap);
}

/* A message with an "event" member (streams.md 3.2, 3.3, 3.5). */
static void
okx_stream_event(const xg_json *j, xg_stream_result *res)
{
    char event[OKX_STREAM_NAME_MAX];
    char channel[OKX_STREAM_NAME_MAX];
    int64_t code = 0;

    res->kind = XG_STREAM_MALFORMED;
    if (xg_field_name(j, 0, "event", event, sizeof(event)) != XG_OK) {
        return;
    }
    if (strcmp(event, "login") == 0) {
        if (okx_field_code(j, 0, "code", &code) != XG_OK) {
            return;
        }
        if (code == 0) {
            res->kind = XG_STREAM_AUTHED;
        } else {
            okx_stream_refused(j, res);
        }
    } else if (strcmp(event, "error") == 0) {
        okx_stream_refused(j, res);
    } else if (strcmp(event, "subscribe") == 0) {
        if (okx_stream_channel(j, 0, channel, sizeof(channel)) != XG_OK) {
            return;
        }
        res->kind = strcmp(channel, "orders") == 0 ? XG_STREAM_SUBSCRIBED
                                                   : XG_STREAM_IGNORED;
    } else if (strcmp(event, "notice") == 0) {
        res->kind = okx_field_code(j, 0, "code", &code) == XG_OK &&
                            code == OKX_STREAM_NOTICE_CLOSING
                        ? XG_STREAM_CLOSING
                        : XG_STREAM_IGNORED;
    } else if (strcmp(event, "channel-conn-count-error") == 0) {
        /* Past 30 connections on the orders channel, OKX acknowledges the
         * subscription and then drops it (streams.md 3.3): the stream is
         * not live, whatever the acknowledgement said. */
        if (xg_field_name(j, 0, "channel", channel, sizeof(channel)) != XG_OK) {
            return;
        }
        if (strcmp(channel, "orders") != 0) {
            res->kind = XG_STREAM_IGNORED;
            return;
        }
        res->kind = XG_STREAM_REFUSED;
        xg_copy_printable(res->venue_msg, sizeof(res->venue_msg), event,
                          strlen(event));
    } else {
        /* channel-conn-count, unsubscribe and what OKX adds later. */
        res->kind = XG_STREAM_IGNORED;
    }
}

/*
 * The fill one element of a push carries, if any: a non-empty tradeId
 * (streams.md 3.4, 3.6), read by parse_fills.c as an entry of an order's
 * fills list is, the fee under fillFee and fillFeeCcy. *has_fill 0 and
 * XG_OK for an update without a fill; XG_ERR_BAD_FIELD for a fill that
 * does not say what it must.
 */
static xg_err
okx_stream_fill(const xg_json *j, size_t e, xg_fill *f, int *has_fill)
{
    size_t v = 0;
    xg_err rc = xg_json_get(j, e, "tradeId", &v);

    *has_fill = 0;
    if (rc == XG_ERR_NOT_FOUND ||
        (rc == XG_OK && xg_json_is_string_eq(j, v, ""))) {
        return XG_OK;
    }
    if (okx_fill(j, e, "fillFee", "fillFeeCcy", f) != XG_OK) {
        return XG_ERR_BAD_FIELD;
    }
    *has_fill = 1;
    return XG_OK;
}

/* One element of an orders push into u: XG_OK, XG_ERR_TRUNCATED for an
 * order without a client id the gateway could have given (placed
 * elsewhere: nothing can name it), XG_ERR_BAD_FIELD when malformed. */
static xg_err
okx_stream_update(const xg_json *j, size_t e, xg_stream_update *u)
{
    memset(u, 0, sizeof(*u));
    xg_err rc = okx_order_details(j, e, &u->order);
    if (rc != XG_OK) {
        return rc == XG_ERR_TRUNCATED ? rc : XG_ERR_BAD_FIELD;
    }
    u->has_report = 1;
    return okx_stream_fill(j, e, &u->fill, &u->has_fill);
}

/*
 * A push {"arg":{"channel":"orders",...},"data":[...]}: every element is
 * checked first, then each order the gateway can name goes to the sink
 * in the push's order. Other channels are IGNORED.
 */
static xg_err
okx_stream_push(const xg_json *j, const xg_stream_sink *sink,
                xg_stream_result *res)
{
    char channel[OKX_STREAM_NAME_MAX];
    xg_stream_update u;
    size_t data = 0;
    size_t e = 0;
    size_t n_named = 0;
    uint32_t i = 0;

    res->kind = XG_STREAM_MALFORMED;
    if (okx_stream_channel(j, 0, channel, sizeof(channel)) != XG_OK) {
        return XG_OK;
    }
    if (strcmp(channel, "orders") != 0) {
        res->kind = XG_STREAM_IGNORED;
        return XG_OK;
    }
    if (xg_json_get(j, 0, "data", &data) != XG_OK ||
        xg_json_type_of(j, data) != XG_JSON_ARRAY || j->tok[data].count == 0) {
        return XG_OK;
    }
    for (i = 0, e = data + 1; i < j->tok[data].count; i++, e = j->tok[e].next) {
        xg_err rc = okx_stream_update(j, e, &u);
        if (rc == XG_OK) {
            n_named++;
        } else if (rc != XG_ERR_TRUNCATED) {
            return XG_OK;
        }
    }
    if (n_named == 0) {
        res->kind = XG_STREAM_IGNORED;
        return XG_OK;
    }
    res->kind = XG_STREAM_UPDATES;
    for (i = 0, e = data + 1; i < j->tok[data].count; i++, e = j->tok[e].next) {
        if (okx_stream_update(j, e, &u) != XG_OK || sink == NULL ||
            sink->update == NULL) {
            continue;
        }
        xg_err rc = sink->update(sink->ctx, &u);
        if (rc != XG_OK) {
            return rc;
        }
    }
    return XG_OK;
}

xg_err
okx_stream_parse(void *inst, const char *text, size_t len,
                 const xg_stream_sink *sink, xg_stream_result *res)
{
    okx *o = inst;
    xg_json j;
    xg_err rc = XG_OK;
    xg_err sink_rc = XG_OK; /* only the sink's error is returned */

    if (o == NULL || res == NULL || (text == NULL && len > 0)) {
        return XG_ERR_INVALID;
    }
    memset(res, 0, sizeof(*res));
    res->kind = XG_STREAM_MALFORMED;
    /* The answer to the text ping is the text pong, not JSON. */
    if (len == 4 && memcmp(text, "pong", 4) == 0) {
        res->kind = XG_STREAM_PONG;
        return XG_OK;
    }
    if (len == 0) {
        return XG_OK;
    }
    rc = xg_json_parse_grow(&j, text, len, &o->json, XG_JSON_STORE_MAX);
    if (rc == XG_ERR_NOMEM) {
        return rc;
    }
    /* Only an object can be one of OKX's messages; text the strict
     * reader refuses (a repeated key, invalid UTF-8, too deep) is not. */
    if (rc == XG_OK && xg_json_type_of(&j, 0) == XG_JSON_OBJECT) {
        if (xg_field_has(&j, 0, "event")) {
            okx_stream_event(&j, res);
        } else if (xg_field_has(&j, 0, "arg")) {
            sink_rc = okx_stream_push(&j, sink, res);
        }
    }
    xg_json_store_trim(&o->json);
    return sink_rc;
}
