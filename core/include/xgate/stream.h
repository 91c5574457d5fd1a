/*
 * xgate/stream.h - the adapter ABI's stream side: a venue's private
 * (user-data) WebSocket stream as an adapter describes it.
 *
 * The core owns the connection (DNS, TCP, TLS, the WebSocket handshake
 * and framing, timers, reconnects with backoff) on its event loop; the
 * adapter stays pure: it says where to connect and how often to ping,
 * writes the text messages to send (login, subscription, ping) and reads
 * every text message received. Part of the adapter ABI: adapter.h's change
 * log and XG_ADAPTER_ABI_VERSION cover this header.
 *
 * The conversation, driven by the core (core/stream.c):
 *   1. stream_plan. If it says needs_token, the core first sends
 *      XG_OP_STREAM_TOKEN through build and parse under the limiter (the
 *      instance keeps what the answer says) and asks for the plan again.
 *   2. Connect to plan.url. Once the upgrade is done, stream_login: a
 *      message to send at once (OKX and Bybit log in, Binance subscribes
 *      with a signature), or none (KuCoin: wait for its welcome).
 *   3. Every text message goes to stream_parse, which says what it was
 *      (xg_stream_kind). WELCOME or AUTHED: the core sends
 *      stream_subscribe. SUBSCRIBED: the stream is live, and the core
 *      reconciles through REST what it may have missed while it was not.
 *   4. While live, stream_ping every plan.ping_every_ms (if not 0);
 *      WebSocket ping frames from the server are answered by the core.
 *      Silence longer than plan.silence_max_ms, a REFUSED or CLOSING
 *      message, or plan.lifetime_ms reached: close and connect again.
 */
#ifndef XGATE_STREAM_H
#define XGATE_STREAM_H

#include <stddef.h>
#include <stdint.h>

#include "xgate/decimal.h"
#include "xgate/error.h"
#include "xgate/order.h"

#define XG_STREAM_URL_MAX 512
/* Longest message the core sends for an adapter (login, subscription,
 * ping), with its NUL. */
#define XG_STREAM_TEXT_MAX 1024
#define XG_TRADE_ID_MAX    64
/* The venue's code and text of a refusal, as in xg_result. */
#define XG_STREAM_CODE_MAX 24
#define XG_STREAM_MSG_MAX  160

/* Private streams an adapter speaks (xg_adapter_caps.streams). */
#define XG_STREAM_ORDERS 0x1u /* order updates: status, cumulative fill */
#define XG_STREAM_FILLS  0x2u /* each fill with its trade id and price */
#define XG_STREAM_FEES   0x4u /* ... and its fee (KuCoin's stream has none) */

/* Where and how to connect. */
typedef struct xg_stream_plan {
    /* 1: a REST call must come first (KuCoin's bullet-private token); the
     * rest of the plan is not filled. */
    int needs_token;
    /* "wss://ws.okx.com:8443/ws/v5/private"; ws:// only for a simulator
     * on loopback. */
    char url[XG_STREAM_URL_MAX];
    /* The client sends stream_ping this often; 0: the server pings with
     * WebSocket ping frames (Binance), which the core answers. */
    int64_t ping_every_ms;
    /* Nothing received for this long: the connection is dead. */
    int64_t silence_max_ms;
    /* The venue cuts a connection after this long (24 h); the core
     * reconnects before. 0: no cut documented. */
    int64_t lifetime_ms;
    /* Least time between two connection attempts, from the venue's
     * connection-rate limit. */
    int64_t connect_gap_ms;
} xg_stream_plan;

/* What one received message was. */
typedef enum xg_stream_kind {
    XG_STREAM_IGNORED = 0, /* nothing for the core (balances, other topics) */
    XG_STREAM_WELCOME,     /* the venue may now be spoken to: subscribe */
    XG_STREAM_AUTHED,      /* login accepted: subscribe */
    XG_STREAM_SUBSCRIBED,  /* the subscription is active */
    XG_STREAM_PONG,        /* the answer to stream_ping */
    XG_STREAM_UPDATES,     /* order updates and fills went to the sink */
    XG_STREAM_REFUSED,     /* login or subscription refused: code, msg */
    XG_STREAM_CLOSING,     /* the venue is about to close it: reconnect */
    XG_STREAM_MALFORMED    /* not a message of the venue's stream */
} xg_stream_kind;

typedef enum xg_liquidity {
    XG_LIQUIDITY_UNKNOWN = 0,
    XG_LIQUIDITY_MAKER,
    XG_LIQUIDITY_TAKER
} xg_liquidity;

/* One trade of an order. */
typedef struct xg_fill {
    /* The venue's id of the trade, unique within the venue symbol. */
    char trade_id[XG_TRADE_ID_MAX];
    xg_decimal qty;
    xg_decimal price;
    /* This fill's fee, paid (positive) or rebated (negative), and its
     * currency; fee_currency "" when the stream does not say it. */
    xg_decimal fee;
    char fee_currency[XG_CURRENCY_MAX];
    xg_liquidity liquidity;
    int64_t time_ms; /* the venue's trade time, epoch ms; 0: not said */
} xg_fill;

/* One order's update from a stream. order.client_id, venue_order_id and
 * venue_symbol are always set. */
typedef struct xg_stream_update {
    /* 1: order is the order as it stands after the update, as a query
     * would report it (status, cumulative exec). 0: the message said only
     * the fill (Bybit's execution topic); order names it. */
    int has_report;
    xg_order_report order;
    int has_fill;
    xg_fill fill;
} xg_stream_update;

/* What stream_parse found, beyond the updates it gave the sink. */
typedef struct xg_stream_result {
    xg_stream_kind kind;
    char venue_code[XG_STREAM_CODE_MAX]; /* REFUSED: "60009"; else "" */
    char venue_msg[XG_STREAM_MSG_MAX];   /* the venue's text, truncated */
} xg_stream_result;

/* Where a message's order updates go, in the message's order. The core
 * owns ctx; the update is borrowed for the call. A non-OK return stops the
 * parse, which returns that error. */
typedef struct xg_stream_sink {
    void *ctx;
    xg_err (*update)(void *ctx, const xg_stream_update *u);
} xg_stream_sink;

#endif
