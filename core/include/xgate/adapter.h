/*
 * xgate/adapter.h - the adapter ABI: what an exchange plug-in provides.
 *
 * An adapter is a shared object (build/adapters/xgate_<venue>.so) that
 * holds all knowledge of one exchange: URLs, fields, signing, symbol format,
 * error numbers and limit parsing. The core loads it with
 * dlopen(RTLD_NOW | RTLD_LOCAL), calls its one exported symbol
 *
 *     const xg_adapter *xg_adapter_entry(void);
 *
 * and refuses it unless abi_version == XG_ADAPTER_ABI_VERSION and
 * struct_size == sizeof(xg_adapter) (equal, not "at least"), every
 * mandatory entry is set, its caps can carry the gateway's client order
 * ids and no adapter for the same venue is loaded.
 *
 * Adapters are pure. They open no socket or file, start no thread, read no
 * clock or environment and keep no mutable global: all state lives in the
 * instance `create` returns, time arrives as a parameter, and outputs go
 * into structures the core provides. They reach the core's primitives
 * (decimals, limiter specs, HMAC, base64, bounded buffers) by linking the
 * static library libxgate_prim.a, which has no global state either; see
 * docs/architecture.md for why a static library rather than a host table.
 *
 * Ownership: every pointer an adapter receives is borrowed for the duration
 * of the call unless stated; nothing allocated by one side is freed by the
 * other.
 *
 * Change log (bump XG_ADAPTER_ABI_VERSION on any change to this header or a
 * struct it reaches, including order.h, limit.h, http.h):
 *   1  first version.
 *   2  xg_priority gains XG_PRIO_RECONCILE (limiter.h): the core's class
 *      for reconciliation queries; adapters never set it. xg_usage gains
 *      reset_ms; xg_result gains is_list_cut.
 *   3  Paged open-order lists: xg_op gains cursor, xg_result gains
 *      next_cursor (XG_CURSOR_MAX).
 *   4  limiter types adapters need moved to xgate/limit.h (limiter.h no
 *      longer part of the ABI); xg_adapter gains caps (client-id length
 *      and alphabet, default ban length, open-orders page size, stream
 *      support).
 *   5  xg_order_report's filled_qty and filled_cost became exec, an
 *      xg_execution (order.h) that also carries the fee and its currency.
 *   6  Amends: XG_OP_AMEND_ORDER with xg_op.amend (xg_amend), caps.amend
 *      (XG_AMEND_*), xg_result.is_replaced and replaced_exec;
 *      xg_order_report gains price and qty (order.h).
 *   7  Batches, mass cancel and balances: XG_OP_BATCH_NEW and
 *      XG_OP_BATCH_CANCEL with xg_op.batch (xg_batch, per-order results),
 *      XG_OP_CANCEL_SYMBOL, XG_OP_BALANCES with xg_sink.balance
 *      (xg_balance); caps.batch_new_max, batch_cancel_max, cancel_symbol.
 *   8  XG_OP_BATCH_AMEND (amends in place, xg_batch_item.amend) and
 *      caps.batch_amend_max.
 *   9  Private streams (xgate/stream.h): caps.streams takes the
 *      XG_STREAM_* flags; the optional entries stream_plan, stream_login,
 *      stream_subscribe, stream_ping and stream_parse, set together when
 *      caps.streams is not 0; XG_OP_STREAM_TOKEN.
 *  10  XG_OP_ORDER_FILLS (xg_op.venue_order_id, xg_sink.fill).
 *  11  xg_bucket_spec.flags gains XG_BUCKET_PER_ACCOUNT (limit.h).
 *  12  XG_OP_ACCOUNT_ID with xg_result.account (XG_ACCOUNT_MAX) and
 *      caps.account_id.
 */
#ifndef XGATE_ADAPTER_H
#define XGATE_ADAPTER_H

#include <stddef.h>
#include <stdint.h>

#include "xgate/error.h"
#include "xgate/http.h"
#include "xgate/limit.h"
#include "xgate/order.h"
#include "xgate/stream.h"

#define XG_ADAPTER_ABI_VERSION 12u

/* The name of the one symbol a plug-in exports. */
#define XG_ADAPTER_ENTRY_SYMBOL "xg_adapter_entry"

#define XG_VENUE_CODE_MAX   24
#define XG_VENUE_MSG_MAX    160
#define XG_RESULT_MAX_USAGE 6
/* A venue's cursor to the next page of a list, with its NUL. */
#define XG_CURSOR_MAX 128
/* A venue's id of an account (XG_OP_ACCOUNT_ID), with its NUL. */
#define XG_ACCOUNT_MAX 64
/* Most orders the core puts in one BATCH_NEW or BATCH_CANCEL (OKX's and
 * KuCoin's batch size; a venue's caps may say fewer). */
#define XG_BATCH_MAX 20

/* What the core asks an adapter to build a request for. */
typedef enum xg_op_kind {
    XG_OP_SERVER_TIME = 1,
    XG_OP_INSTRUMENTS = 2, /* symbols, filters and the venue's rate limits */
    XG_OP_NEW_ORDER = 3,
    XG_OP_CANCEL_ORDER = 4,
    XG_OP_QUERY_ORDER = 5, /* by client order id */
    XG_OP_OPEN_ORDERS = 6,
    XG_OP_AMEND_ORDER = 7,  /* new price and/or quantity of an open order */
    XG_OP_BATCH_NEW = 8,    /* several new orders in one request */
    XG_OP_BATCH_CANCEL = 9, /* several cancels in one request */
    /* Every open order of the account on op->instrument, whoever placed
     * it: the core sends it only where the configuration says the
     * account is the gateway's alone. */
    XG_OP_CANCEL_SYMBOL = 10,
    XG_OP_BALANCES = 11,    /* the account's balances, each to sink->balance */
    XG_OP_BATCH_AMEND = 12, /* several amends in place in one request */
    /* What a private stream needs before connecting (KuCoin's token and
     * endpoint): the instance keeps what parse reads. */
    XG_OP_STREAM_TOKEN = 13,
    /* The fills of one order (op->instrument, op->client_id and
     * op->venue_order_id), each to sink->fill, oldest first where the
     * venue lets the adapter choose; a longer list in pages as
     * OPEN_ORDERS (is_list_cut, next_cursor, op->cursor). What the core
     * asks when an order's reports count more than the fills it was
     * told of (a stream message lost, a gap while the stream was down).
     * Mandatory when caps.streams has XG_STREAM_FILLS. */
    XG_OP_ORDER_FILLS = 14,
    /* Which account the API key belongs to, as the venue names it (its
     * user id), into res->account. The core asks it once at start where
     * gateways share the per-account limits and the configuration names
     * no account. Built only when caps.account_id is 1. */
    XG_OP_ACCOUNT_ID = 15
} xg_op_kind;

/* The highest kind this ABI version has. */
#define XG_OP_KIND_MAX XG_OP_ACCOUNT_ID

/* What an amend asks for (XG_OP_AMEND_ORDER). */
typedef struct xg_amend {
    /* The order's new limit price and new total quantity (what is filled
     * included), both at the instrument's steps; either may equal the
     * order's own (op->order holds the current ones). */
    xg_decimal price;
    xg_decimal qty;
    /* What the core knows the order has filled: a venue whose replacement
     * counts only what is left is sent qty - filled_qty. */
    xg_decimal filled_qty;
    /* 1: the venue's cancel-replace (a new venue order for what is left);
     * 0: its amend in place. The core chooses from caps.amend. */
    int is_replace;
    /* is_replace with XG_AMEND_REPLACE_NEW_ID: the client order id the
     * replacement carries ([A-Za-z0-9]{1,32}); otherwise NULL. */
    const char *new_client_id;
} xg_amend;

typedef struct xg_result xg_result;

/* One order of a batch (XG_OP_BATCH_NEW, XG_OP_BATCH_CANCEL,
 * XG_OP_BATCH_AMEND). */
typedef struct xg_batch_item {
    /* BATCH_NEW: the order to place, as op->order of a NEW_ORDER;
     * BATCH_CANCEL and BATCH_AMEND: the order as it stands. */
    const xg_order *order;
    const char *client_id; /* as op->client_id of the single operation */
    /* BATCH_AMEND: what to change, as op->amend of an AMEND_ORDER (always
     * in place: is_replace 0); NULL otherwise. */
    const xg_amend *amend;
} xg_batch_item;

/* The orders of a batch, all on op->instrument, and where their outcomes
 * go. */
typedef struct xg_batch {
    const xg_batch_item *items;
    size_t n; /* 1 .. caps.batch_new_max, batch_cancel_max, batch_amend_max */
    /* n results, zeroed by the core, in the order of items: parse fills
     * results[i] as it would fill the result of items[i]'s NEW_ORDER,
     * CANCEL_ORDER or AMEND_ORDER, when the request's own result is OK (the
     * venue answered each order). Any other outcome of the request's result is
     * every order's (a limit, a ban, a lost answer, the whole batch
     * refused), and results are not read. */
    xg_result *results;
} xg_batch;

typedef struct xg_op {
    xg_op_kind kind;
    /* NEW/CANCEL/QUERY/AMEND, the batches and CANCEL_SYMBOL, and
     * OPEN_ORDERS for one symbol (NULL: all). */
    const xg_instrument *instrument;
    /* NEW only; price and quantity already at the instrument's steps. */
    const xg_order *order;
    /* NEW/CANCEL/QUERY/ORDER_FILLS: the client order id to send
     * ([A-Za-z0-9]{1,32}). */
    const char *client_id;
    /* ORDER_FILLS: the venue's id of the order (never empty): the one key
     * every venue's fills list takes. NULL for other operations. */
    const char *venue_order_id;
    /* OPEN_ORDERS and ORDER_FILLS: the page a previous answer's
     * next_cursor pointed to; NULL for the first page. */
    const char *cursor;
    /* AMEND_ORDER only: what to change. op->order and op->client_id are
     * the order as it stands. */
    const xg_amend *amend;
    /* The batches only: the orders (op->order and op->client_id are
     * NULL). */
    const xg_batch *batch;
} xg_op;

/* A name/value option from the venue's section of the config file. */
typedef struct xg_kv {
    const char *key;
    const char *value;
} xg_kv;

/* Given to create; every pointer borrowed for that call only (copy what
 * you keep). Secrets must be wiped (xg_wipe) when the instance is
 * destroyed and never copied into errors or results. */
typedef struct xg_adapter_config {
    const char *api_key;
    const char *secret;
    const char *passphrase; /* NULL where the venue has none */
    const xg_kv *options;   /* venue-specific, e.g. recv_window_ms */
    size_t n_options;
} xg_adapter_config;

/* How a response turned out, for the router to act on. */
typedef enum xg_outcome {
    XG_OUTCOME_OK = 1,       /* the venue answered the operation */
    XG_OUTCOME_REJECTED,     /* refused; err, venue_code, venue_msg say why */
    XG_OUTCOME_RATE_LIMITED, /* not executed; wait retry_after_ms */
    XG_OUTCOME_BANNED,       /* IP banned until banned_until_ms */
    XG_OUTCOME_UNKNOWN,      /* may or may not have executed: query */
    XG_OUTCOME_RESYNC        /* timestamp refused: resync clock, retry */
} xg_outcome;

struct xg_result {
    xg_outcome outcome;
    xg_err err; /* REJECTED: the unified reason; else XG_OK or a hint */
    char venue_code[XG_VENUE_CODE_MAX]; /* "-2010"; "" if none */
    char venue_msg[XG_VENUE_MSG_MAX];   /* the venue's text, truncated */
    /* RATE_LIMITED: how long to wait, 0 if the venue gave no hint.
     * BANNED: the ban's remaining length if the venue gave it relatively
     * (Retry-After) rather than as a time. */
    int64_t retry_after_ms;
    /* RATE_LIMITED: the venue's epoch ms when sending may resume, for
     * venues that give an absolute reset time (Bybit); 0 if not given.
     * The later of this and retry_after_ms applies. */
    int64_t retry_at_ms;
    int64_t banned_until_ms; /* BANNED: venue epoch ms; 0 if unknown */
    int64_t server_time_ms;  /* SERVER_TIME: the venue's epoch ms */
    /* OPEN_ORDERS and ORDER_FILLS: the venue sent one page of a longer
     * list (a cursor to more, or a full page), so an order (a fill)
     * missing from it may still be there. */
    int is_list_cut;
    /* OPEN_ORDERS and ORDER_FILLS with is_list_cut: how to ask for the next
     * page (the venue's cursor, the last order id, a page number: whatever
     * build understands as op->cursor), printable ASCII; "" when the adapter
     * cannot say (a cursor longer than XG_CURSOR_MAX - 1 is not cut, it
     * is left out), and then the list is only known to be cut. */
    char next_cursor[XG_CURSOR_MAX];
    /* NEW/CANCEL/QUERY when outcome is OK. A NEW_ORDER acknowledgement
     * that does not tell the order's state (an ack-only answer to an
     * order that may have filled at once) reports status
     * XG_STATUS_UNKNOWN: the core records the ack and queries the order. */
    xg_order_report order;
    /* AMEND_ORDER answered OK by a replace: order is the venue's new
     * order (its ids, status and executions), and replaced_exec what the
     * order it replaced had executed that the new order's reports will
     * not count ({0} where the venue carries fills over to the new
     * order). A replace whose cancel went through and whose new order was
     * refused is OK with is_replaced and order.status REJECTED (venue_code
     * and venue_msg say why): the order is gone. */
    int is_replaced;
    xg_execution replaced_exec;
    /* ACCOUNT_ID when outcome is OK: the venue's id of the key's account,
     * 1..XG_ACCOUNT_MAX - 1 of [A-Za-z0-9_-] (xg_result_account). */
    char account[XG_ACCOUNT_MAX];
    xg_usage usage[XG_RESULT_MAX_USAGE]; /* reported usage, any outcome */
    size_t n_usage;
};

/* One asset of the account (XG_OP_BALANCES). */
typedef struct xg_balance {
    char asset[XG_CURRENCY_MAX]; /* the venue's name: "BTC", "USDT" */
    xg_decimal free;             /* available to new orders */
    xg_decimal locked;           /* held by open orders and the venue */
} xg_balance;

/* Where list answers go (instruments, open orders, the orders a
 * CANCEL_SYMBOL canceled where the venue names them, balances, an order's
 * fills). The core owns ctx; an entry is copied by the callee. A non-OK
 * return stops the parse, which returns that error. */
typedef struct xg_sink {
    void *ctx;
    xg_err (*instrument)(void *ctx, const xg_instrument *ins);
    xg_err (*order)(void *ctx, const xg_order_report *rep);
    xg_err (*balance)(void *ctx, const xg_balance *bal);
    /* ORDER_FILLS: one fill of op's order, as a stream tells it. */
    xg_err (*fill)(void *ctx, const xg_fill *f);
} xg_sink;

/* Input for signing a test vector (tools/xg-vector): exactly the method,
 * path and ordered parameters to sign, at a frozen time. */
typedef struct xg_sign_input {
    const char *method;        /* upper case */
    const char *path;          /* without host or query */
    const char *path_template; /* path before {param} substitution, for
                                  venues with path parameters; else NULL */
    const xg_kv *params;       /* in signing order */
    size_t n_params;
    int64_t timestamp_ms;   /* the frozen clock */
    int64_t recv_window_ms; /* -1: not sent */
} xg_sign_input;

/* What signing produced, for comparison with the vector. */
typedef struct xg_signed {
    char prehash[XG_HTTP_TARGET_MAX + XG_HTTP_BODY_MAX];
    char signature[128];
    char signed_passphrase[64]; /* venues that sign it; else "" */
    xg_http_request request;    /* as it would be sent */
} xg_signed;

/* Characters a venue accepts in a client order id (xg_adapter_caps
 * client_id_chars); bit flags, combined with |. */
#define XG_ID_CHARS_DIGIT      0x01u /* 0-9 */
#define XG_ID_CHARS_LOWER      0x02u /* a-z */
#define XG_ID_CHARS_UPPER      0x04u /* A-Z */
#define XG_ID_CHARS_DASH       0x08u /* - */
#define XG_ID_CHARS_UNDERSCORE 0x10u /* _ */

/* How a venue amends an order (xg_adapter_caps amend); bit flags. The
 * core amends in place when the venue can (NATIVE, or NATIVE_REDUCE for
 * a smaller quantity at the same price), else by cancel-replace
 * (REPLACE), else refuses the amend. */
#define XG_AMEND_NATIVE 0x01u /* price and quantity, same order id */
#define XG_AMEND_NATIVE_REDUCE                                                 \
    0x02u                      /* smaller quantity only, keeps its             \
                                  place in the queue and its id */
#define XG_AMEND_REPLACE 0x04u /* cancel-replace: a new venue order */
#define XG_AMEND_REPLACE_NEW_ID                                                \
    0x08u /* ... which needs its own client id                                 \
             (xg_amend.new_client_id) */

/* No private stream (xg_adapter_caps streams); the flags are in
 * xgate/stream.h. */
#define XG_STREAM_NONE 0u

/*
 * What the venue accepts and how it behaves, as constants of the table:
 * the core reads them at load time, before any instance exists. The
 * loader refuses a table whose client ids could not carry the gateway's
 * (docs/adapters.md, "How a plug-in is accepted or refused"). Cite the
 * venue's documentation for every number.
 */
typedef struct xg_adapter_caps {
    /* Longest client order id the venue accepts, in characters. */
    uint32_t client_id_max;
    /* XG_ID_CHARS_* flags: which characters it accepts in one. */
    uint32_t client_id_chars;
    /* Ban length to assume, in milliseconds, when a BANNED answer gives
     * neither banned_until_ms nor retry_after_ms; a ban_default_ms in the
     * venue's configuration overrides it. At least 1. */
    int64_t default_ban_ms;
    /* Most orders in one OPEN_ORDERS answer (a fuller list comes in pages,
     * see xg_result.is_list_cut); 0: the venue lists all at once. */
    uint32_t open_orders_page_max;
    /* XG_STREAM_* flags (xgate/stream.h): what the adapter's private
     * stream tells; 0: it has none, and the stream entries are NULL. */
    uint32_t streams;
    /* XG_AMEND_* flags: how the venue amends an order; 0: it cannot. */
    uint32_t amend;
    /* Most orders in one BATCH_NEW / BATCH_CANCEL (at most XG_BATCH_MAX);
     * 0: the venue has no such batch. */
    uint32_t batch_new_max;
    uint32_t batch_cancel_max;
    /* Most amends in place in one BATCH_AMEND (at most XG_BATCH_MAX); 0:
     * none. */
    uint32_t batch_amend_max;
    /* 1: the venue cancels every open order of a symbol in one request
     * (XG_OP_CANCEL_SYMBOL); 0: it cannot. */
    uint32_t cancel_symbol;
    /* 1: the venue tells which account a key belongs to
     * (XG_OP_ACCOUNT_ID); 0: it cannot, and keys of one account name it in
     * the configuration to share its limits. */
    uint32_t account_id;
} xg_adapter_caps;

typedef struct xg_adapter {
    uint32_t abi_version;         /* XG_ADAPTER_ABI_VERSION */
    uint32_t struct_size;         /* sizeof(xg_adapter) */
    const char *venue;            /* "binance": [a-z0-9]{1,15}, unique */
    const char *default_base_url; /* "https://api.binance.com" */
    xg_adapter_caps caps;         /* what the venue accepts, read at load */

    /* Mandatory. Create an instance; *inst is given to the core, freed
     * with destroy. err receives one line on failure (no secrets). */
    xg_err (*create)(const xg_adapter_config *cfg, void **inst, char *err,
                     size_t err_len);
    void (*destroy)(void *inst);

    /*
     * Mandatory. Build the signed request for op at the venue's time
     * venue_now_ms (local wall clock + measured offset, epoch ms). Fills
     * req (zeroed by the core) including its limiter costs and priority.
     * XG_ERR_UNKNOWN_SYMBOL etc. if op cannot be expressed.
     */
    xg_err (*build)(void *inst, const xg_op *op, int64_t venue_now_ms,
                    xg_http_request *req);

    /*
     * Mandatory. Turn the response to a request built for op into res
     * (zeroed by the core). List answers go to sink. Returns XG_OK when a
     * result was produced, whatever the outcome; an error only when the
     * adapter itself failed (a sink error). Malformed bodies are an
     * outcome: UNKNOWN for orders whose fate the body should have told,
     * REJECTED with XG_ERR_BAD_RESPONSE otherwise.
     */
    xg_err (*parse)(void *inst, const xg_op *op, const xg_http_response *resp,
                    const xg_sink *sink, xg_result *res);

    /*
     * Mandatory. The venue's buckets, valid after an INSTRUMENTS answer
     * was parsed (the venue's advertised limits, not constants where the
     * venue publishes them). Bucket indices in costs refer to this order.
     */
    xg_err (*limits)(void *inst, xg_bucket_spec *specs, size_t cap, size_t *n);

    /* Mandatory. Sign a test vector with the instance's credentials. */
    xg_err (*sign)(void *inst, const xg_sign_input *in, xg_signed *out);

    /*
     * The private stream (xgate/stream.h explains the conversation): all
     * five set when caps.streams is not 0, all NULL otherwise. The message
     * builders write text of *len bytes into out (cap bytes, at most
     * XG_STREAM_TEXT_MAX) at the venue's time venue_now_ms; *len 0: there
     * is nothing to send (stream_login of a venue that waits for its
     * welcome, stream_ping of one whose server pings).
     */
    xg_err (*stream_plan)(void *inst, xg_stream_plan *plan);
    xg_err (*stream_login)(void *inst, int64_t venue_now_ms, char *out,
                           size_t cap, size_t *len);
    xg_err (*stream_subscribe)(void *inst, int64_t venue_now_ms, char *out,
                               size_t cap, size_t *len);
    xg_err (*stream_ping)(void *inst, int64_t venue_now_ms, char *out,
                          size_t cap, size_t *len);
    /* One received text message into res (zeroed by the core), its order
     * updates to sink. Returns XG_OK whatever the message was (a malformed
     * one is kind XG_STREAM_MALFORMED); an error only from the sink. */
    xg_err (*stream_parse)(void *inst, const char *text, size_t len,
                           const xg_stream_sink *sink, xg_stream_result *res);
} xg_adapter;

typedef const xg_adapter *(*xg_adapter_entry_fn)(void);

/* Marks the entry point exported from a plug-in built with
 * -fvisibility=hidden:  XG_ADAPTER_EXPORT const xg_adapter *
 *                       xg_adapter_entry(void) { return &table; } */
#if defined(__GNUC__)
#define XG_ADAPTER_EXPORT __attribute__((visibility("default")))
#else
#define XG_ADAPTER_EXPORT
#endif

#endif
