/*
 * sim/book.h - the simulator's instruments, accounts, balances and orders.
 *
 * One xg_sim_book per venue. It knows nothing of any exchange's wire
 * format: a dialect translates the venue's parameters into an
 * xg_sim_new_order and formats the resulting xg_sim_order back. Matching
 * is against a reference price per instrument, not against other orders:
 * a buy at or above the reference (a sell at or below it) fills fully at
 * its own limit price, a market order fills at the reference, everything
 * else rests until the reference moves across it.
 *
 * Not thread-safe: the venue's mutex guards every call (sim/venue.h).
 */
#ifndef XGATE_SIM_BOOK_H
#define XGATE_SIM_BOOK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "xgate/error.h"

#include "fixed.h"
#include "window.h"

#define XG_SIM_SYMBOL_LEN    24
#define XG_SIM_ASSET_LEN     16
#define XG_SIM_CLIENT_ID_LEN 64 /* with NUL; dialects enforce their limit */
#define XG_SIM_MAX_BALANCES  32
#define XG_SIM_KEY_LEN       128

typedef enum xg_sim_side { XG_SIM_BUY, XG_SIM_SELL } xg_sim_side;

typedef enum xg_sim_type {
    XG_SIM_LIMIT,
    XG_SIM_MARKET,
    XG_SIM_LIMIT_MAKER
} xg_sim_type;

typedef enum xg_sim_tif { XG_SIM_GTC, XG_SIM_IOC, XG_SIM_FOK } xg_sim_tif;

typedef enum xg_sim_status {
    XG_SIM_NEW,
    XG_SIM_FILLED,
    XG_SIM_CANCELED,
    XG_SIM_EXPIRED
} xg_sim_status;

/* Filters and reference price of one symbol, all scale 8. */
typedef struct xg_sim_instrument {
    char symbol[XG_SIM_SYMBOL_LEN];
    char base[XG_SIM_ASSET_LEN];
    char quote[XG_SIM_ASSET_LEN];
    int64_t min_price, max_price, tick;
    int64_t min_qty, max_qty, step;
    int64_t min_notional, max_notional;
    int64_t ref_price;
} xg_sim_instrument;

typedef struct xg_sim_balance {
    char asset[XG_SIM_ASSET_LEN];
    int64_t free;
    int64_t locked;
} xg_sim_balance;

/* Credentials of one account: the only struct holding secrets in the
 * simulator, wiped by xg_sim_book_fini. */
typedef struct xg_sim_secret {
    char api_key[XG_SIM_KEY_LEN];
    char secret[XG_SIM_KEY_LEN];
    char passphrase[XG_SIM_KEY_LEN];
} xg_sim_secret;

#define XG_SIM_ACCOUNT_WINDOWS 4

typedef struct xg_sim_account {
    xg_sim_secret cred;
    xg_sim_balance balances[XG_SIM_MAX_BALANCES];
    size_t nbalances;
    /* Per-account limit windows; which is which is the dialect's. */
    xg_sim_window windows[XG_SIM_ACCOUNT_WINDOWS];
} xg_sim_account;

typedef struct xg_sim_order {
    int64_t order_id; /* 1, 2, ... per venue */
    char client_id[XG_SIM_CLIENT_ID_LEN];
    size_t account;
    size_t instrument;
    xg_sim_side side;
    xg_sim_type type;
    xg_sim_tif tif;
    xg_sim_status status;
    int64_t price; /* limit price; 0 for market */
    int64_t qty;
    int64_t filled; /* executed quantity */
    int64_t quote_filled;
    int64_t fill_price; /* price of the one fill, 0 if none */
    int64_t trade_id;   /* 0 if none */
    int64_t locked;     /* amount still locked while open */
    size_t open_pos;    /* index in the book's open list while open */
    int64_t time_ms;
    int64_t update_ms;
} xg_sim_order;

/* What a dialect asks for. client_id empty: the book makes one up. */
typedef struct xg_sim_new_order {
    size_t account;
    size_t instrument;
    xg_sim_side side;
    xg_sim_type type;
    xg_sim_tif tif;
    int64_t price; /* ignored for market */
    int64_t qty;
    const char *client_id;
} xg_sim_new_order;

typedef enum xg_sim_place_result {
    XG_SIM_PLACED,       /* accepted; see the order's status */
    XG_SIM_DUPLICATE,    /* client id names an open order */
    XG_SIM_INSUFFICIENT, /* not enough free balance */
    XG_SIM_WOULD_TAKE,   /* LIMIT_MAKER would fill at once */
    XG_SIM_TOO_LARGE     /* price * qty does not fit */
} xg_sim_place_result;

typedef enum xg_sim_filter {
    XG_SIM_FILTER_OK,
    XG_SIM_FILTER_PRICE,
    XG_SIM_FILTER_LOT,
    XG_SIM_FILTER_NOTIONAL
} xg_sim_filter;

typedef struct xg_sim_book {
    xg_sim_instrument *instruments;
    size_t ninstruments;
    xg_sim_account *accounts;
    size_t naccounts;
    xg_sim_order *orders; /* orders[i].order_id == i + 1 */
    size_t norders, orders_cap;
    size_t *open; /* indices of open orders, unordered */
    size_t nopen, open_cap;
    /* Open-addressing map (account, client id) -> latest order index + 1. */
    size_t *ids;
    size_t ids_cap, ids_used;
    int64_t next_trade_id;
} xg_sim_book;

void xg_sim_book_init(xg_sim_book *b);
/* Frees everything and wipes every account's secrets. */
void xg_sim_book_fini(xg_sim_book *b);

/* Copy inst into the book. XG_ERR_EXISTS if the symbol is there. */
xg_err xg_sim_book_add_instrument(xg_sim_book *b,
                                  const xg_sim_instrument *inst);

/* Add an account with credentials (borrowed, copied) and no balances.
 * XG_ERR_EXISTS for a second account with the same key, XG_ERR_TOO_LARGE
 * for a field longer than XG_SIM_KEY_LEN - 1. */
xg_err xg_sim_book_add_account(xg_sim_book *b, const xg_sim_secret *cred,
                               size_t *index);

/* Set the free balance of asset (created if absent). */
xg_err xg_sim_book_set_balance(xg_sim_book *b, size_t account,
                               const char *asset, int64_t free_amount);

/* Index of the account whose api key is key; XG_ERR_NOT_FOUND. */
xg_err xg_sim_book_find_account(const xg_sim_book *b, const char *key,
                                size_t *index);

/* Index of symbol; XG_ERR_NOT_FOUND. */
xg_err xg_sim_book_find_instrument(const xg_sim_book *b, const char *symbol,
                                   size_t *index);

/* The balance row of asset, or NULL. Borrowed until the next call that
 * adds a balance. */
const xg_sim_balance *xg_sim_book_balance(const xg_sim_book *b, size_t account,
                                          const char *asset);

/* Which filter, if any, the order breaks. Market orders are checked at
 * the reference price for NOTIONAL and skip PRICE_FILTER. */
xg_sim_filter xg_sim_book_check_filters(const xg_sim_book *b,
                                        const xg_sim_new_order *o);

/* Accept or refuse an order (filters already checked). On XG_SIM_PLACED
 * *out points to the stored order (borrowed until the next place). The
 * return value is XG_OK unless memory ran out. */
xg_err xg_sim_book_place(xg_sim_book *b, const xg_sim_new_order *o,
                         int64_t now_ms, xg_sim_place_result *result,
                         xg_sim_order **out);

/* The order with that id belonging to account, or NULL. */
xg_sim_order *xg_sim_book_by_id(xg_sim_book *b, size_t account,
                                int64_t order_id);

/* The latest order with that client id belonging to account, or NULL. */
xg_sim_order *xg_sim_book_by_client_id(xg_sim_book *b, size_t account,
                                       const char *client_id);

/* Whether the order is still working (NEW). */
bool xg_sim_order_is_open(const xg_sim_order *o);

/* Cancel an open order and release its lock. XG_ERR_UNKNOWN_ORDER if the
 * order is not open. */
xg_err xg_sim_book_cancel(xg_sim_book *b, xg_sim_order *o, int64_t now_ms);

/* Move the reference price and fill every open order it now crosses.
 * *filled (may be NULL) receives how many orders filled. */
xg_err xg_sim_book_set_price(xg_sim_book *b, size_t instrument, int64_t price,
                             int64_t now_ms, size_t *filled);

#endif
