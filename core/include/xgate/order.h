/*
 * xgate/order.h - the one order model shared by the core and every adapter.
 *
 * Symbols are unified as "BASE/QUOTE" upper case ("BTC/USDT"); each adapter
 * maps them to its venue's form through its instrument table. Prices and
 * quantities are fixed-point decimals (xgate/decimal.h).
 */
#ifndef XGATE_ORDER_H
#define XGATE_ORDER_H

#include <stddef.h>
#include <stdint.h>

#include "xgate/decimal.h"
#include "xgate/error.h"

#define XG_SYMBOL_MAX         32 /* "BASE/QUOTE" or venue form, with NUL */
#define XG_CLIENT_ID_MAX      33 /* 32 letters/digits (OKX's limit) + NUL */
#define XG_STRATEGY_ID_MAX    33
#define XG_VENUE_NAME_MAX     16
#define XG_VENUE_ORDER_ID_MAX 64
#define XG_CURRENCY_MAX       16 /* "USDT", "BNB", with NUL */

typedef enum xg_side { XG_SIDE_BUY = 1, XG_SIDE_SELL = 2 } xg_side;

typedef enum xg_order_type {
    XG_TYPE_LIMIT = 1,
    XG_TYPE_MARKET = 2
} xg_order_type;

typedef enum xg_tif {
    XG_TIF_GTC = 1,
    XG_TIF_IOC = 2,
    XG_TIF_FOK = 3,
    XG_TIF_POST_ONLY = 4 /* rests or is rejected; never takes */
} xg_tif;

/* Lifecycle of an order as the gateway knows it. Values are on the wire
 * (by name) and in the journal (by number): append only. */
typedef enum xg_order_status {
    XG_STATUS_PENDING = 1,          /* accepted by the gateway, not yet sent */
    XG_STATUS_SENT = 2,             /* request in flight */
    XG_STATUS_NEW = 3,              /* acknowledged by the venue, open */
    XG_STATUS_PARTIALLY_FILLED = 4, /* open, some quantity filled */
    XG_STATUS_FILLED = 5,
    XG_STATUS_CANCELED = 6,
    XG_STATUS_REJECTED = 7,
    XG_STATUS_EXPIRED = 8, /* IOC/FOK remainder, post-only that would take */
    XG_STATUS_UNKNOWN = 9  /* sent, outcome not known: being reconciled */
} xg_order_status;

/* An order as a strategy asked for it. Plain value type: embed or copy. */
typedef struct xg_order {
    char client_id[XG_CLIENT_ID_MAX];     /* unique per gateway, [A-Za-z0-9] */
    char strategy_id[XG_STRATEGY_ID_MAX]; /* who sent it (ZMQ identity) */
    char symbol[XG_SYMBOL_MAX];           /* unified "BASE/QUOTE" */
    xg_side side;
    xg_order_type type;
    xg_tif tif;
    xg_decimal qty;   /* > 0 */
    xg_decimal price; /* > 0 for LIMIT; {0, 0} for MARKET */
} xg_order;

/* A venue's trading rules for one symbol, read from the venue at start-up.
 * Steps and bounds with units == 0 mean "no such rule". */
typedef struct xg_instrument {
    char symbol[XG_SYMBOL_MAX];       /* unified "BASE/QUOTE" */
    char venue_symbol[XG_SYMBOL_MAX]; /* "BTCUSDT", "BTC-USDT" */
    xg_decimal tick_size;             /* price step */
    xg_decimal lot_size;              /* quantity step */
    xg_decimal min_price, max_price;
    xg_decimal min_qty, max_qty;
    xg_decimal min_notional; /* price * qty, in the quote asset */
    uint32_t scope;          /* adapter's own key for per-instrument limits */
    int is_trading;          /* 0: listed but halted / break */
} xg_instrument;

/* What an order has executed so far, cumulative over all its fills. A
 * field the venue did not say is {0,0} (fee_currency ""); filled_quote
 * and fee describe the fills of filled_qty when said together with it. */
typedef struct xg_execution {
    xg_decimal filled_qty;   /* base quantity */
    xg_decimal filled_quote; /* quote amount: sum of price * qty */
    xg_decimal fee;          /* paid (positive) or rebated (negative) */
    char fee_currency[XG_CURRENCY_MAX];
} xg_execution;

/* Whether the venue said e's fee (its currency names it). */
static inline int
xg_execution_has_fee(const xg_execution *e)
{
    return e->fee_currency[0] != '\0';
}

/* What a venue says about one order (reply to new, cancel or query). */
typedef struct xg_order_report {
    char client_id[XG_CLIENT_ID_MAX];
    char venue_order_id[XG_VENUE_ORDER_ID_MAX];
    char venue_symbol[XG_SYMBOL_MAX];
    xg_order_status status;
    xg_execution exec;
    /* The order's limit price and total quantity as the venue holds them
     * ({0,0}: not said), which tells whether an amend took effect. */
    xg_decimal price;
    xg_decimal qty;
} xg_order_report;

/* Names used on the wire ("BUY", "LIMIT", "GTC", "PARTIALLY_FILLED").
 * Never NULL: unknown values give "UNKNOWN". */
const char *xg_side_name(xg_side side);
const char *xg_order_type_name(xg_order_type type);
const char *xg_tif_name(xg_tif tif);
const char *xg_order_status_name(xg_order_status status);

/* Parse the names above (case-sensitive, as on the wire). */
xg_err xg_side_parse(const char *s, xg_side *out);
xg_err xg_order_type_parse(const char *s, xg_order_type *out);
xg_err xg_tif_parse(const char *s, xg_tif *out);

/* True if the status is final (FILLED, CANCELED, REJECTED, EXPIRED). */
int xg_order_status_is_final(xg_order_status status);

/* Check a unified symbol: 1-15 characters [A-Z0-9] on each side of one
 * '/', total below XG_SYMBOL_MAX. */
xg_err xg_symbol_validate(const char *symbol);

/* Check a client order id: 1-32 characters, [A-Za-z0-9] only, which every
 * supported venue accepts. */
xg_err xg_client_id_validate(const char *id);

/*
 * Check an order against its own rules and, if ins is not NULL, the
 * instrument's (tick, lot, bounds, notional, trading). Prices and
 * quantities must already be multiples of tick and lot: rounding is the
 * router's decision (xg_order_requantize). detail (may be NULL) receives a
 * human-readable reason, e.g. "price 0.123 not a multiple of tick 0.01".
 */
xg_err xg_order_validate(const xg_order *order, const xg_instrument *ins,
                         char *detail, size_t detail_len);

/* Round price and quantity to ins's tick and lot: quantity down, price
 * down for buys and up for sells (never a worse price than asked). */
xg_err xg_order_requantize(xg_order *order, const xg_instrument *ins);

#endif
