/*
 * sim/book.h - the simulator's instruments, accounts, balances, orders
 * and the market they meet.
 *
 * One xg_sim_book per venue. It knows nothing of any exchange's wire
 * format: a dialect translates the venue's parameters into an
 * xg_sim_new_order and formats the resulting xg_sim_order back.
 *
 * Each instrument has a market (sim/market.c): a reference price that
 * moves by a seeded random walk, synthetic resting liquidity on both
 * sides around it, and the resting orders of every account, matched by
 * price-time priority. An incoming marketable order takes liquidity best
 * price first (other accounts' orders and the synthetic levels), over
 * several levels and partially if need be; the remainder of a GTC limit
 * rests, of IOC and market orders expires. A resting order fills, as
 * maker at its own price, when the walk brings the synthetic book through
 * it. Every fill charges the venue's maker or taker fee and is recorded
 * in a bounded fill history.
 *
 * Time is a parameter: the walk advances to the now_ms each call is
 * given (xg_sim_book_advance), so a test that pauses the walk or steps it
 * by hand sees exact behaviour.
 *
 * Every change to an order (placed, each fill, amended, canceled,
 * expired) is also appended to a bounded change feed, from which the
 * simulated private streams (sim/ws.c) push what happened, in order.
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
/* Synthetic levels per side of one instrument, at most. */
#define XG_SIM_MAX_LEVELS 64
/* Walk steps one advance applies at most; a longer gap skips the rest
 * (the walk's clock jumps), so a call after hours of silence stays
 * cheap. */
#define XG_SIM_MAX_CATCHUP 100000

typedef enum xg_sim_side { XG_SIM_BUY, XG_SIM_SELL } xg_sim_side;

typedef enum xg_sim_type {
    XG_SIM_LIMIT,
    XG_SIM_MARKET,
    XG_SIM_LIMIT_MAKER
} xg_sim_type;

typedef enum xg_sim_tif { XG_SIM_GTC, XG_SIM_IOC, XG_SIM_FOK } xg_sim_tif;

/* Open: NEW and PARTIALLY_FILLED (filled > 0). Closed: the others; a
 * CANCELED or EXPIRED order may have filled > 0 (an IOC remainder, a
 * partly filled order canceled). */
typedef enum xg_sim_status {
    XG_SIM_NEW,
    XG_SIM_FILLED,
    XG_SIM_CANCELED,
    XG_SIM_EXPIRED,
    XG_SIM_PARTIALLY_FILLED
} xg_sim_status;

/* Which asset a venue charges a fill's fee in. RECEIVED: the asset the
 * fill brings in (base for a buy, out of the quantity received; quote for
 * a sell, out of the proceeds). QUOTE: always the quote asset (a buy pays
 * it on top of the notional, a sell out of the proceeds). */
typedef enum xg_sim_fee_rule {
    XG_SIM_FEE_RECEIVED,
    XG_SIM_FEE_QUOTE
} xg_sim_fee_rule;

/* Filters and reference price of one symbol, all scale 8. */
typedef struct xg_sim_instrument {
    char symbol[XG_SIM_SYMBOL_LEN];
    char base[XG_SIM_ASSET_LEN];
    char quote[XG_SIM_ASSET_LEN];
    int64_t min_price, max_price, tick;
    int64_t min_qty, max_qty, step;
    int64_t min_notional, max_notional;
    int64_t ref_price; /* the market's reference; moves with the walk */
} xg_sim_instrument;

/* The settable parameters of one instrument's market. */
typedef struct xg_sim_market_params {
    int64_t walk_ms;      /* one step per walk_ms of the book's time, > 0 */
    int64_t walk_ticks;   /* a step moves -walk_ticks..+walk_ticks ticks */
    int64_t seed;         /* the walk's seed (>= 0) */
    bool paused;          /* no steps while paused */
    int64_t levels;       /* synthetic levels per side, 0..MAX_LEVELS */
    int64_t level_qty;    /* base quantity of each level, scale 8 */
    int64_t spread_ticks; /* reference to the best level, ticks, >= 1 */
    int64_t level_ticks;  /* between two levels, ticks, >= 1 */
    int64_t refill_ms;    /* consumed levels come back after this, >= 1 */
} xg_sim_market_params;

/* One instrument's market state (sim/market.c). Resting orders are kept
 * per side as order indices sorted from the worst to the best (price,
 * then time), so the best is at the end and a taker walks from there. */
typedef struct xg_sim_market {
    xg_sim_market_params p;
    uint64_t rng;    /* the walk's generator state */
    int64_t steps;   /* steps taken since the seed was set */
    int64_t last_ms; /* the walk's clock: time of the last step */
    bool has_clock;  /* false until the first advance */
    int64_t bid_left[XG_SIM_MAX_LEVELS]; /* unconsumed quantity */
    int64_t ask_left[XG_SIM_MAX_LEVELS];
    bool is_consumed;    /* some level is below level_qty */
    int64_t consumed_ms; /* when liquidity was last taken */
    size_t *bids, nbids, bids_cap;
    size_t *asks, nasks, asks_cap;
    /* The tape: trades since start (a trade between two accounts counts
     * once). open_price is the reference the market started from. */
    int64_t open_price, high_price, low_price, last_price;
    int64_t volume, quote_volume, ntrades;
    int64_t last_trade_id; /* newest trade, 0 if none */
    int64_t last_fill_seq; /* newest fill on the instrument, 0 if none */
} xg_sim_market;

/* Venue-wide defaults and rules, set before the instruments are added
 * (--set <venue>.<key>=<value> for the int64_t ones, sim/settings.c).
 * walk_ticks 0 means "about one basis point of the reference", and
 * level_notional is the quote value of a level at the reference, which
 * gives each instrument its level_qty. */
typedef struct xg_sim_book_config {
    int64_t walk; /* 1 the walk runs, 0 paused */
    int64_t walk_ms;
    int64_t walk_ticks; /* 0: auto */
    int64_t seed;       /* instrument i starts from seed + i */
    int64_t levels;
    int64_t level_notional; /* whole quote units */
    int64_t spread_ticks;
    int64_t level_ticks;
    int64_t refill_ms;
    int64_t fill_history;  /* fills kept, venue-wide */
    int64_t feed_history;  /* change feed entries kept, venue-wide */
    int64_t maker_fee_ppm; /* fee rates in millionths of the amount */
    int64_t taker_fee_ppm;
    xg_sim_fee_rule fee_rule; /* the dialect's, not settable */
} xg_sim_book_config;

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

/* One API key and the account it trades for: an account may have several
 * (one per gateway of a firm), which share its orders, balances and
 * per-account limits. */
typedef struct xg_sim_key {
    xg_sim_secret cred;
    size_t account;
} xg_sim_key;

typedef struct xg_sim_account {
    size_t first_key; /* in xg_sim_book.keys: the key the admin API shows */
    xg_sim_balance balances[XG_SIM_MAX_BALANCES];
    size_t nbalances;
    /* Per-account limit windows; which is which is the dialect's. */
    xg_sim_window windows[XG_SIM_ACCOUNT_WINDOWS];
    int64_t last_fill_seq; /* newest fill of the account, 0 if none */
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
    int64_t filled;       /* cumulative executed quantity */
    int64_t quote_filled; /* cumulative executed quote (sum price * qty) */
    int64_t fee;          /* cumulative fee, in fee_asset */
    bool is_fee_quote;    /* fee asset: quote if true, else base */
    int64_t nfills;
    int64_t last_fill_price; /* of the newest fill, 0 if none */
    int64_t last_fill_qty;
    int64_t last_trade_id; /* 0 if none */
    int64_t last_fill_seq; /* newest fill in the history, 0 if none */
    int64_t lock_price;    /* price the buy lock is counted at */
    int64_t locked;        /* amount still locked while open */
    bool is_listed;        /* resting: in the open list and its side */
    size_t open_pos;       /* index in the book's open list while open */
    int64_t time_ms;
    int64_t update_ms;
    /* Time priority at its price: lower is earlier. Placing takes the
     * next; an amend that loses the order its place takes a new one. */
    int64_t priority;
    int64_t replaces; /* the order a cancel-replace replaced; 0 if none */
} xg_sim_order;

/* One fill of one order. A trade between two accounts' orders is two
 * fills (taker and maker) with the same trade_id; a fill against the
 * synthetic liquidity is one. */
typedef struct xg_sim_fill {
    int64_t seq; /* 1, 2, ... per book */
    int64_t trade_id;
    int64_t order_id;
    size_t account;
    size_t instrument;
    xg_sim_side side;
    bool is_maker;
    bool is_fee_quote; /* fee asset: quote if true, else base */
    int64_t price, qty, quote, fee;
    int64_t time_ms;
    int64_t prev_order_seq;      /* the order's previous fill, 0 if none */
    int64_t prev_account_seq;    /* the account's previous fill, 0 if none */
    int64_t prev_instrument_seq; /* the instrument's previous fill, 0 if none */
} xg_sim_fill;

/* One price level of a book side: synthetic liquidity and resting orders
 * at that price together. */
typedef struct xg_sim_level {
    int64_t price, qty;
} xg_sim_level;

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
    /* A venue's cancel-replace that carries fills over (KuCoin's alter):
     * the canceled order whose executions the new one starts with; qty
     * is then the total, what carry filled included. NULL otherwise. */
    const xg_sim_order *carry;
    /* A cancel-replace's new order (with or without carry): the order id
     * of the one it replaces, shown by /_sim/orders so that a replacement
     * is not counted as a second placement; 0 otherwise (carry implies
     * its own). */
    int64_t replaces;
} xg_sim_new_order;

typedef enum xg_sim_place_result {
    XG_SIM_PLACED,       /* accepted; see the order's status */
    XG_SIM_DUPLICATE,    /* client id names an open order */
    XG_SIM_INSUFFICIENT, /* not enough free balance */
    XG_SIM_WOULD_TAKE,   /* LIMIT_MAKER would fill at once */
    XG_SIM_TOO_LARGE,    /* price * qty does not fit */
    XG_SIM_QTY_FILLED    /* amend: new quantity not above what filled */
} xg_sim_place_result;

typedef enum xg_sim_filter {
    XG_SIM_FILTER_OK,
    XG_SIM_FILTER_PRICE,
    XG_SIM_FILTER_LOT,
    XG_SIM_FILTER_NOTIONAL
} xg_sim_filter;

/* A planned fill of an incoming order (market.c's scratch). */
typedef struct xg_sim_take {
    int64_t price, qty;
    size_t order; /* maker order index, when !is_synthetic */
    size_t level; /* synthetic level, when is_synthetic */
    bool is_synthetic;
} xg_sim_take;

/* What happened to an order, as the change feed records it. Rejections
 * never reach the feed: the book refuses an order before accepting it,
 * never after. */
typedef enum xg_sim_change {
    XG_SIM_CHANGE_PLACED,   /* accepted (then maybe filled at once) */
    XG_SIM_CHANGE_FILL,     /* one fill; the fill fields say which */
    XG_SIM_CHANGE_AMENDED,  /* price or size changed in place */
    XG_SIM_CHANGE_CANCELED, /* canceled by request */
    XG_SIM_CHANGE_EXPIRED   /* IOC / FOK / market remainder ended */
} xg_sim_change;

/* One entry of the change feed: the order as this change left it (the
 * order itself may have moved on by the time a stream reads the entry),
 * and for a fill the fill itself. */
typedef struct xg_sim_feed_entry {
    int64_t seq; /* 1, 2, ... per book */
    size_t account;
    size_t order; /* index into xg_sim_book.orders */
    xg_sim_change kind;
    xg_sim_status status;
    int64_t price, qty, filled, quote_filled, fee;
    int64_t nfills;
    bool is_fee_quote;
    int64_t time_ms;  /* when the change happened */
    int64_t fill_seq; /* FILL: the fill's seq in the history, else 0 */
    int64_t trade_id; /* FILL: the fill's trade, price, size and fee */
    int64_t fill_price, fill_qty, fill_fee;
    bool is_maker;
} xg_sim_feed_entry;

/* Called after every append, lock held (so it must not block). */
typedef void (*xg_sim_feed_fn)(void *ctx);

/* The change feed: a ring of the newest config.feed_history entries;
 * seq s lives at (s - 1) % cap. */
typedef struct xg_sim_feed {
    xg_sim_feed_entry *ring; /* allocated at the first append */
    size_t cap;
    int64_t head; /* entries ever appended == newest seq */
    xg_sim_feed_fn notify;
    void *notify_ctx;
} xg_sim_feed;

typedef struct xg_sim_book {
    xg_sim_book_config config;
    xg_sim_instrument *instruments;
    xg_sim_market *markets; /* markets[i] is instruments[i]'s */
    size_t ninstruments;
    xg_sim_account *accounts;
    size_t naccounts;
    xg_sim_key *keys; /* every account's keys, the first ones included */
    size_t nkeys;
    xg_sim_order *orders; /* orders[i].order_id == i + 1 */
    size_t norders, orders_cap;
    size_t *open; /* indices of open orders, unordered */
    size_t nopen, open_cap;
    /* Open-addressing map (account, client id) -> latest order index + 1. */
    size_t *ids;
    size_t ids_cap, ids_used;
    int64_t next_trade_id;
    int64_t next_priority; /* xg_sim_order.priority */
    /* Fill history: a ring of the newest config.fill_history fills; fill
     * seq s lives at (s - 1) % fill_history once the ring is full. */
    xg_sim_fill *fills;
    size_t fills_alloc, fills_cap;
    int64_t nfills; /* fills ever made == newest seq */
    xg_sim_take *plan;
    size_t plan_cap;
    xg_sim_feed feed;
} xg_sim_book;

/* Empty book with the default config: walk on, one step a second of
 * about one basis point, seed 42, 10 levels a side of 1,000,000 quote
 * each, one tick apart and one tick from the reference, refilled after
 * 1 s, 100,000 fills and 65,536 feed entries kept, no fees (the venue
 * sets its own). */
void xg_sim_book_init(xg_sim_book *b);
/* Frees everything and wipes every account's secrets. */
void xg_sim_book_fini(xg_sim_book *b);

/* Set one config value by its --set name (walk, walk_ms, walk_ticks,
 * seed, levels, level_notional, spread_ticks, level_ticks, refill_ms,
 * fill_history, feed_history, maker_fee_ppm, taker_fee_ppm); value is
 * decimal digits.
 * Applies to instruments added afterwards. XG_ERR_NOT_FOUND for another
 * key, XG_ERR_INVALID for a bad value (sim/settings.c). */
xg_err xg_sim_book_configure(xg_sim_book *b, const char *key,
                             const char *value);

/* Copy inst into the book and give it a market from the config.
 * XG_ERR_EXISTS if the symbol is there, XG_ERR_INVALID for a tick,
 * step or reference price <= 0. */
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

/* Another API key of account: XG_ERR_EXISTS if some account has key
 * already, XG_ERR_TOO_LARGE as xg_sim_book_add_account. */
xg_err xg_sim_book_add_key(xg_sim_book *b, size_t account,
                           const xg_sim_secret *cred);

/* Index of the account whose api key is key; XG_ERR_NOT_FOUND. */
xg_err xg_sim_book_find_account(const xg_sim_book *b, const char *key,
                                size_t *index);

/* The credentials of API key `key` (what its requests are signed with)
 * and its account in *account; NULL if no account has that key. */
const xg_sim_secret *xg_sim_book_key(const xg_sim_book *b, const char *key,
                                     size_t *account);

/* The credentials of account's first key (the accounts file's api_key):
 * what the admin API names it by. */
const xg_sim_secret *xg_sim_book_account_key(const xg_sim_book *b,
                                             size_t account);

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

/* Bring every instrument's market to now_ms: the walk steps due since
 * the last call (each may fill resting orders), and consumed liquidity
 * that is due back. Dialects call it once per request, lock held, before
 * reading or changing orders. A now_ms before the last one changes
 * nothing. */
void xg_sim_book_advance(xg_sim_book *b, int64_t now_ms);

/* Accept or refuse an order (filters already checked) at now_ms (the
 * market is advanced to it first). On XG_SIM_PLACED *out points to the
 * stored order (borrowed until the next place), which may have filled,
 * partly or wholly, against the book. The return value is XG_OK unless
 * memory ran out. */
xg_err xg_sim_book_place(xg_sim_book *b, const xg_sim_new_order *o,
                         int64_t now_ms, xg_sim_place_result *result,
                         xg_sim_order **out);

/* How much base a market buy of quote_amount (scale 8) by account gets
 * from the book as it stands, walking the asks best first and rounding
 * each level down to the lot step; what a venue's "buy for this much
 * quote" converts to. The market is advanced to now_ms first. */
xg_err xg_sim_book_quote_qty(xg_sim_book *b, size_t account, size_t instrument,
                             int64_t quote_amount, int64_t now_ms,
                             int64_t *qty);

/* The order with that id belonging to account, or NULL. */
xg_sim_order *xg_sim_book_by_id(xg_sim_book *b, size_t account,
                                int64_t order_id);

/* The latest order with that client id belonging to account, or NULL. */
xg_sim_order *xg_sim_book_by_client_id(xg_sim_book *b, size_t account,
                                       const char *client_id);

/* Whether the order is still working (NEW or PARTIALLY_FILLED). */
bool xg_sim_order_is_open(const xg_sim_order *o);

/* Average fill price (quote_filled / filled), 0 when nothing filled. */
int64_t xg_sim_order_avg_price(const xg_sim_order *o);

/* The asset the order's fees are in (borrowed from the book). */
const char *xg_sim_order_fee_asset(const xg_sim_book *b, const xg_sim_order *o);

/* Cancel an open order and release its lock. XG_ERR_UNKNOWN_ORDER if the
 * order is not open. */
xg_err xg_sim_book_cancel(xg_sim_book *b, xg_sim_order *o, int64_t now_ms);

/* A venue's amend in place: the open order o gets limit price `price`
 * and total quantity qty (what filled included), keeping its id. A
 * smaller quantity at the same price keeps its place in the queue; any
 * other change sends it to the back of its (new) price, and a price that
 * crosses the book trades at once, as a taker. *result: XG_SIM_PLACED
 * when done (see the order's status: it may have filled), else why
 * nothing changed: XG_SIM_QTY_FILLED, XG_SIM_INSUFFICIENT (the balance
 * cannot cover the bigger lock), XG_SIM_WOULD_TAKE (a LIMIT_MAKER that
 * would cross), XG_SIM_TOO_LARGE. XG_ERR_UNKNOWN_ORDER if o is not open
 * or is a market order. */
xg_err xg_sim_book_amend(xg_sim_book *b, xg_sim_order *o, int64_t price,
                         int64_t qty, int64_t now_ms,
                         xg_sim_place_result *result);

/* Move the reference price to price now (the walk goes on from there),
 * refill the synthetic levels around it and fill the resting orders the
 * new book crosses, as the walk would. *filled (may be NULL) receives
 * how many orders got a fill. XG_ERR_INVALID for a bad instrument or
 * price. */
xg_err xg_sim_book_set_price(xg_sim_book *b, size_t instrument, int64_t price,
                             int64_t now_ms, size_t *filled);

/* Apply n walk steps at once, now (tests and the admin API; a paused
 * walk steps too). *filled as for set_price. */
xg_err xg_sim_book_step(xg_sim_book *b, size_t instrument, int64_t n,
                        int64_t now_ms, size_t *filled);

/* Replace an instrument's market parameters (the market is advanced to
 * now_ms under the old ones first). A changed seed restarts the walk
 * from it (steps 0); the walk's clock restarts at now_ms; changed levels
 * refill, and a resting order the new book crosses fills. *filled (may
 * be NULL) as for set_price. XG_ERR_INVALID for a value out of range
 * (the book is unchanged). */
xg_err xg_sim_book_set_market(xg_sim_book *b, size_t instrument,
                              const xg_sim_market_params *p, int64_t now_ms,
                              size_t *filled);

/* Fill open order o by qty at price now, as a maker fill (admin API).
 * XG_ERR_INVALID if qty is not in (0, remaining] or price is <= 0 or
 * worse than the order's limit (above it for a buy, below for a sell),
 * XG_ERR_UNKNOWN_ORDER if o is not open. */
xg_err xg_sim_book_fill_order(xg_sim_book *b, xg_sim_order *o, int64_t qty,
                              int64_t price, int64_t now_ms);

/* Best synthetic-or-resting price of a side (XG_SIM_BUY: best bid), or 0
 * when that side is empty. */
int64_t xg_sim_book_best(const xg_sim_book *b, size_t instrument,
                         xg_sim_side side);

/* Up to max levels of a side (XG_SIM_BUY: bids), best first, synthetic
 * and resting quantity summed per price, into out; returns how many. */
size_t xg_sim_book_depth(const xg_sim_book *b, size_t instrument,
                         xg_sim_side side, size_t max, xg_sim_level *out);

/* Up to max of the instrument's newest trades the fill history holds,
 * newest first, into out (borrowed as xg_sim_book_fill's). A trade
 * between two accounts' orders shows once, as its taker's fill (the side
 * that took decides a trade's direction on every venue's tape). Returns
 * how many. */
size_t xg_sim_book_trades(const xg_sim_book *b, size_t instrument, size_t max,
                          const xg_sim_fill **out);

/* The fill with that seq if the history still holds it, else NULL.
 * Borrowed until the next call that fills. Walk an order's fills from
 * o->last_fill_seq through prev_order_seq, an account's through
 * prev_account_seq. */
const xg_sim_fill *xg_sim_book_fill(const xg_sim_book *b, int64_t seq);

/* The change feed entry seq, if the ring still holds it, else NULL
 * (borrowed until the next change). seq in (head - cap, head] is held;
 * a reader whose next seq is at or below head - cap lost the entries
 * between. */
const xg_sim_feed_entry *xg_sim_book_feed_entry(const xg_sim_book *b,
                                                int64_t seq);

/* The oldest seq the feed still holds (head + 1 when it holds none). */
int64_t xg_sim_book_feed_oldest(const xg_sim_book *b);

#endif
