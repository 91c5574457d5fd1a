/*
 * okx.h - internals of the OKX v5 spot adapter (trade mode "cash"), shared
 * between the files of adapters/okx/ and its unit tests.
 *
 * Nothing here is exported from the plug-in (it is built with
 * -fvisibility=hidden and exports only xg_adapter_entry); the functions are
 * non-static only so that sign.c, requests.c, parse.c, parse_fills.c,
 * stream.c and limits.c can reach each other and tests/unit/test_okx_*.c
 * can test them directly.
 */
#ifndef XGATE_ADAPTER_OKX_H
#define XGATE_ADAPTER_OKX_H

#include <stddef.h>
#include <stdint.h>

#include "xgate/adapter.h"
#include "xgate/buf.h"
#include "xgate/json.h"
#include "xgate/sign.h"

/* OKX API keys are UUIDs (36 characters); passphrases are chosen by the
 * user. Both go into headers, so both are bounded well below
 * XG_HTTP_HVALUE_MAX. */
#define OKX_API_KEY_MAX    129
#define OKX_PASSPHRASE_MAX 129

/* "2023-11-14T22:13:20.000Z" and its NUL. */
#define OKX_ISO_LEN 24
#define OKX_ISO_MAX (OKX_ISO_LEN + 1)

/* Fact sheet, "Rate-limit model": every limit OKX documents for the
 * endpoints we use is "requests per 2 seconds". */
#define OKX_WINDOW_MS_DEFAULT 2000
/* GET /trade/orders-pending answers at most this many (its default and
 * largest page); requests.c sends it as limit=, parse.c takes a page this
 * full for a cut list whose next page is "after" its last ordId. */
#define OKX_PENDING_PAGE     100
#define OKX_PENDING_PAGE_STR "100"
#define OKX_WINDOW_MS_MAX    60000

/* Fact sheet endpoint table (requests per window). */
#define OKX_LIMIT_TIME_DEFAULT        10
#define OKX_LIMIT_INSTRUMENTS_DEFAULT 20
#define OKX_LIMIT_PLACE_DEFAULT       60
#define OKX_LIMIT_CANCEL_DEFAULT      60
#define OKX_LIMIT_QUERY_DEFAULT       60
#define OKX_LIMIT_PENDING_DEFAULT     60
#define OKX_LIMIT_MAX                 100000

/* POST /trade/amend-order: "60 requests per 2 seconds", rate limit rule
 * "User ID + Instrument ID" (OKX v5 reference, Trade > Amend order; the
 * fact sheet's "Rate-limit model": place, amend and cancel count apart). */
#define OKX_LIMIT_AMEND_DEFAULT 60

/* POST /trade/batch-orders and /trade/cancel-batch-orders: "300 orders
 * per 2 seconds", rate limit rule "User ID + Instrument ID"; "Unlike
 * other endpoints, the rate limit of this endpoint is determined by the
 * number of orders. If there is only one order in the request, it will
 * consume the rate limit of Place order" (of Cancel order for the cancel
 * batch) (OKX v5 reference, Trade > Place multiple orders, Cancel
 * multiple orders; ccxt 4.5.84 prices both at 1/15 of its 20 per 2 s
 * unit). Each batch path has its own bucket, apart from the single
 * paths (fact sheet, "Rate-limit model"). */
#define OKX_LIMIT_BATCH_PLACE_DEFAULT  300
#define OKX_LIMIT_BATCH_CANCEL_DEFAULT 300
/* POST /trade/amend-batch-orders: "300 orders per 2 seconds", rule
 * "User ID + Instrument ID", counted by orders, and "If there is only
 * one order in the request, it will consume the rate limit of Amend
 * order" (OKX v5 reference, Trade > Amend multiple orders). Its own
 * bucket, as the other batch paths have theirs. (ccxt 4.5.84 prices it
 * at 1/150 of its 20 per 2 s unit, looser than the page: the page's
 * number is kept.) */
#define OKX_LIMIT_BATCH_AMEND_DEFAULT 300
/* Most orders in one batch: "Maximum 20 orders can be placed per
 * request" (... canceled per request, ... amended per request), same
 * pages. */
#define OKX_BATCH_MAX 20

/* GET /account/balance: "10 requests per 2 seconds", rule "User ID"
 * (fact sheet endpoint table; OKX v5 reference, Trading account > Get
 * balance). */
#define OKX_LIMIT_BALANCE_DEFAULT 10

/* GET /trade/fills (OKX v5 reference, Trade > Get transaction details
 * (last 3 days)): "Rate Limit: 60 requests per 2 seconds", rule "User
 * ID". Its largest page, "The maximum is 100; The default is 100", which
 * requests.c sends and parse_fills.c takes for a cut list when full. */
#define OKX_LIMIT_FILLS_DEFAULT 60
#define OKX_FILLS_PAGE          100
#define OKX_FILLS_PAGE_STR      "100"

/* GET /account/config (OKX v5 reference, Trading account > Get account
 * configuration): "Rate Limit: 5 requests per 2 seconds", rule "User
 * ID". Its data[0].uid names the key's account (XG_OP_ACCOUNT_ID). */
#define OKX_LIMIT_CONFIG_DEFAULT 5

#define OKX_RESERVE_PCT_MAX 50
#define OKX_EXP_TIME_MS_MAX 60000

/* The limiter keeps at most 4096 scopes per bucket (core/prim/limiter.c);
 * instruments past that share scope 0, which merges their budgets (never
 * more permissive than the venue). */
#define OKX_MAX_SCOPES 4000

/* The buckets, in the order limits() reports them; xg_cost.bucket refers
 * to these indices. */
typedef enum okx_bucket {
    OKX_B_TIME = 0,         /* GET /public/time, per IP */
    OKX_B_INSTRUMENTS = 1,  /* GET /public/instruments, per IP */
    OKX_B_PLACE = 2,        /* POST /trade/order, per user + instrument */
    OKX_B_CANCEL = 3,       /* POST /trade/cancel-order, per user + instr. */
    OKX_B_QUERY = 4,        /* GET /trade/order, per user + instrument */
    OKX_B_PENDING = 5,      /* GET /trade/orders-pending, per user */
    OKX_B_AMEND = 6,        /* POST /trade/amend-order, per user + instr. */
    OKX_B_BATCH_PLACE = 7,  /* POST /trade/batch-orders, orders, per user +
                               instrument */
    OKX_B_BATCH_CANCEL = 8, /* POST /trade/cancel-batch-orders, likewise */
    OKX_B_BALANCE = 9,      /* GET /account/balance, per user */
    OKX_B_BATCH_AMEND = 10, /* POST /trade/amend-batch-orders, orders, per
                               user + instrument */
    OKX_B_FILLS = 11,       /* GET /trade/fills, per user */
    OKX_B_CONFIG = 12,      /* GET /account/config, per user */
    OKX_N_BUCKETS = 13
} okx_bucket;

/* A venue instrument id and the limiter scope given to it the first time
 * it was seen, kept for the instance's life so that a refreshed
 * instrument list gives every instrument the scope it had. */
typedef struct okx_scope {
    char inst_id[XG_SYMBOL_MAX];
    uint32_t scope;
} okx_scope;

/* The adapter instance. The API key and passphrase identify the account;
 * they are wiped with the HMAC state. */
typedef struct okx {
    char api_key[OKX_API_KEY_MAX];
    char passphrase[OKX_PASSPHRASE_MAX];
    xg_hmac *hmac;
    int64_t window_ms;
    int64_t limit[OKX_N_BUCKETS];
    int64_t cancel_reserve_pct;
    int64_t query_reserve_pct;
    int64_t exp_time_ms;   /* 0: no expTime header */
    int simulated_trading; /* 1: x-simulated-trading: 1 (demo keys) */
    /* The stream_url option: where the private stream connects instead
     * of OKX's own URL (a simulator); "" for OKX's. */
    char stream_url[XG_STREAM_URL_MAX];
    okx_scope *scopes; /* owned; n_scopes used of cap_scopes */
    size_t n_scopes;
    size_t cap_scopes;
    /* parse.c's token array for xg_json, kept between answers so the
     * answers on the order path allocate nothing */
    xg_json_store json;
} okx;

/* --- adapter.c ---------------------------------------------------------- */

/* The plug-in's one export; declared here so unit tests reach the table the
 * way the core does. */
XG_ADAPTER_EXPORT const xg_adapter *xg_adapter_entry(void);

xg_err okx_create(const xg_adapter_config *cfg, void **inst, char *err,
                  size_t err_len);
void okx_destroy(void *inst);

/* --- sign.c --------------------------------------------------------------- */

/*
 * Epoch milliseconds as OKX's ISO-8601 timestamp "YYYY-MM-DDTHH:MM:SS.mmmZ"
 * (UTC, proleptic Gregorian), computed with integer arithmetic only.
 * XG_ERR_INVALID for ms < 0 or past 9999-12-31T23:59:59.999Z.
 */
xg_err okx_iso8601(int64_t ms, char out[OKX_ISO_MAX]);

/* Append "&key=value" (no '&' when q is empty), value percent-encoded. */
void okx_query_param(xg_buf *q, const char *key, const char *value);

/* Append ,"key":"value" (no ',' after the opening '{'), both as JSON
 * strings. The caller writes the braces. */
void okx_json_param(xg_buf *body, const char *key, const char *value);

/*
 * Sign and place a private request: prehash = ISO timestamp + method +
 * path ["?" query] + body, HMAC-SHA256 with the secret, base64. GET puts
 * the query on the target and sends no body; POST sends body as JSON.
 * Adds OK-ACCESS-KEY/-SIGN/-TIMESTAMP/-PASSPHRASE (and Content-Type for
 * POST, expTime and x-simulated-trading when configured), sets is_signed.
 * prehash and sig (may be NULL) receive copies for the vector runner.
 * XG_ERR_TRUNCATED if anything does not fit, XG_ERR_INVALID for another
 * method or a timestamp okx_iso8601 refuses.
 */
xg_err okx_finish_signed(okx *o, const char *method, const char *path,
                         const char *query, const char *body, int64_t ts_ms,
                         xg_http_request *req, char *prehash,
                         size_t prehash_cap, char *sig, size_t sig_cap);

/* The ABI's sign(): GET params become the query string in the order given,
 * POST params a JSON object of strings in the order given. */
xg_err okx_sign(void *inst, const xg_sign_input *in, xg_signed *out);

/* --- requests.c ----------------------------------------------------------- */

/* Charge req for op (one request of the endpoint's bucket, in the
 * instrument's scope for place/cancel/query/amend; a batch of n > 1
 * orders n units of its batch bucket in that scope, a batch of one order
 * the single path's unit) and set its priority. */
xg_err okx_add_costs(const xg_op *op, xg_http_request *req);

xg_err okx_build(void *inst, const xg_op *op, int64_t venue_now_ms,
                 xg_http_request *req);

/* --- parse.c -------------------------------------------------------------- */

xg_err okx_parse(void *inst, const xg_op *op, const xg_http_response *resp,
                 const xg_sink *sink, xg_result *res);

/* Map a venue error (HTTP status, code or 0 when there was none, msg or
 * "") through the error table into res: outcome, err, retry hint,
 * venue_code, venue_msg. */
void okx_classify_error(const okx *o, xg_op_kind kind, int status, int has_code,
                        int64_t code, const char *msg, xg_result *res);

/* Member `key` of object obj as an OKX code: a string of at most 18
 * digits ("50011") or a non-negative JSON integer. Absent, repeated,
 * anything else, or obj no object: XG_ERR_BAD_FIELD. */
xg_err okx_field_code(const xg_json *j, size_t obj, const char *key,
                      int64_t *out);

/* Member `key` of object obj, a string, decoded into dst (cut to fit:
 * it only becomes printable venue text); NULL when it is absent,
 * repeated or not a string. */
const char *okx_field_msg(const xg_json *j, size_t obj, const char *key,
                          char *dst, size_t cap);

/*
 * An order-details object (a query's, an open order's, the orders
 * channel's push) into rep: status from state, cumulative fill from
 * accFillSz and avgPx, cumulative fee from fee/feeCcy (negative when
 * charged), px and sz. XG_ERR_TRUNCATED when the client id is empty or
 * longer than any the gateway sends (someone else's order);
 * XG_ERR_BAD_FIELD for anything else malformed.
 */
xg_err okx_order_details(const xg_json *j, size_t o, xg_order_report *rep);

/* data[] of an answer into *data; XG_ERR_BAD_FIELD when it is absent,
 * repeated or no array. */
xg_err okx_data_array(const xg_json *j, size_t *data);

/* Member key (an id: "ordId", "billId") of a page's last entry last as the
 * cursor to the next page, when it is a JSON string of 1 to
 * XG_CURSOR_MAX - 1 digits (what build() accepts back as "after"); else
 * cursor stays "" and the list only counts as cut. */
void okx_next_cursor(const xg_json *j, size_t last, const char *key,
                     char cursor[XG_CURSOR_MAX]);

/* The scope of inst_id: the one it was given before, else a new one.
 * Scope 0 once OKX_MAX_SCOPES are given or memory runs out. */
uint32_t okx_scope_of(okx *o, const char *inst_id);

/* --- parse_fills.c ------------------------------------------------------- */

/*
 * The fill object e carries, as an orders push (streams.md 3.4) and an
 * entry of /trade/fills both give it: tradeId (a non-empty plain id),
 * fillSz and fillPx above zero, the fee in member fee_key and its
 * currency in fee_ccy_key ("fillFee"/"fillFeeCcy" in a push, "fee"/
 * "feeCcy" in /trade/fills; negative when charged, so negated into the
 * gateway's sign: positive paid), execType M (maker) or T (taker;
 * anything else not said), fillTime (epoch ms as a string of digits; ""
 * or absent: not said). XG_ERR_BAD_FIELD when malformed.
 */
xg_err okx_fill(const xg_json *j, size_t e, const char *fee_key,
                const char *fee_ccy_key, xg_fill *f);

/* The 2xx answer to ORDER_FILLS (/trade/fills with op's ordId): each
 * entry of data[] to sink->fill in the answer's order (newest first by
 * billId, the only order OKX gives); a full page (OKX_FILLS_PAGE) is
 * cut, with its last (oldest) billId as next_cursor, the next page's
 * "after". A body that does not read, a fill of another order among them,
 * is REJECTED with XG_ERR_BAD_RESPONSE and reaches the sink with nothing.
 * Returns a sink error, else XG_OK. */
xg_err okx_parse_order_fills(const xg_op *op, const xg_json *j,
                             const xg_sink *sink, xg_result *res);

/* --- stream.c ------------------------------------------------------------ */

/* The private stream's URLs (fact sheet streams.md, 3.1 Endpoints): live,
 * and demo trading, which needs demo keys and differs only in the host. */
#define OKX_STREAM_URL      "wss://ws.okx.com:8443/ws/v5/private"
#define OKX_STREAM_URL_DEMO "wss://wspap.okx.com:8443/ws/v5/private"

/* The ABI's stream entries (xgate/stream.h): the plan, the login, the
 * orders channel's subscription, the text ping, and every message read. */
xg_err okx_stream_plan(void *inst, xg_stream_plan *plan);
xg_err okx_stream_login(void *inst, int64_t venue_now_ms, char *out, size_t cap,
                        size_t *len);
xg_err okx_stream_subscribe(void *inst, int64_t venue_now_ms, char *out,
                            size_t cap, size_t *len);
xg_err okx_stream_ping(void *inst, int64_t venue_now_ms, char *out, size_t cap,
                       size_t *len);
xg_err okx_stream_parse(void *inst, const char *text, size_t len,
                        const xg_stream_sink *sink, xg_stream_result *res);

/* --- limits.c ------------------------------------------------------------- */

/* Put the fact sheet's limits into o. */
void okx_default_limits(okx *o);

xg_err okx_limits(void *inst, xg_bucket_spec *specs, size_t cap, size_t *n);

#endif
