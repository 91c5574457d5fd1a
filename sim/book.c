/*
 * The simulator's order book: instruments, accounts, balances, orders,
 * the money of every fill and the fill history (see book.h). The market
 * each instrument trades in (walk, synthetic levels, the index of
 * resting orders, matching) is sim/market.c's; this file asks it for the
 * fills of an incoming order and applies every fill either finds.
 *
 * Orders are kept forever in one growing array indexed by order id, so a
 * query for an old order still answers as the venue would. Open orders are
 * also listed in a small index array (what the open-order endpoints list),
 * and client ids map to the latest order that used them, which is what
 * both the duplicate check (only open orders count) and the query by
 * client id need. Balances move between free and locked in scale-8
 * integers: an order locks what it may pay when it is accepted (a buy
 * the limit price times the quantity, plus the fee where the venue takes
 * it in quote on top; a sell its quantity), each fill releases the lock of
 * the quantity it filled and pays the fill's real cost out of it (the
 * rest, price improvement, goes back to free), and cancel or expiry
 * releases what is left. Locks round up and costs round down, so a lock
 * always covers what it pays.
 */
#include "book.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>

#include "market.h"

void
xg_sim_book_init(xg_sim_book *b)
{
    memset(b, 0, sizeof(*b));
    b->config.walk = 1;
    b->config.walk_ms = 1000;
    b->config.walk_ticks = 0;
    b->config.seed = 42;
    b->config.levels = 10;
    b->config.level_notional = 1000000;
    b->config.spread_ticks = 1;
    b->config.level_ticks = 1;
    b->config.refill_ms = 1000;
    b->config.fill_history = 100000;
    b->config.feed_history = 65536;
    b->config.maker_fee_ppm = 0;
    b->config.taker_fee_ppm = 0;
    b->config.fee_rule = XG_SIM_FEE_RECEIVED;
}

void
xg_sim_book_fini(xg_sim_book *b)
{
    for (size_t i = 0; i < b->nkeys; i++) {
        OPENSSL_cleanse(&b->keys[i].cred, sizeof(b->keys[i].cred));
    }
    free(b->keys);
    for (size_t i = 0; i < b->ninstruments; i++) {
        xg_sim__market_fini(&b->markets[i]);
    }
    free(b->instruments);
    free(b->markets);
    free(b->accounts);
    free(b->orders);
    free(b->open);
    free(b->ids);
    free(b->fills);
    free(b->plan);
    free(b->feed.ring);
    memset(b, 0, sizeof(*b));
}

xg_err
xg_sim_book_add_instrument(xg_sim_book *b, const xg_sim_instrument *inst)
{
    size_t idx = 0;
    xg_sim_instrument *items = NULL;
    xg_sim_market *markets = NULL;
    xg_err err = XG_OK;

    if (inst->tick <= 0 || inst->step <= 0 || inst->ref_price <= 0) {
        return XG_ERR_INVALID;
    }
    if (xg_sim_book_find_instrument(b, inst->symbol, &idx) == XG_OK) {
        return XG_ERR_EXISTS;
    }
    items = realloc(b->instruments, (b->ninstruments + 1) * sizeof(*items));
    if (items == NULL) {
        return XG_ERR_NOMEM;
    }
    b->instruments = items;
    markets = realloc(b->markets, (b->ninstruments + 1) * sizeof(*markets));
    if (markets == NULL) {
        return XG_ERR_NOMEM;
    }
    b->markets = markets;
    b->instruments[b->ninstruments] = *inst;
    err = xg_sim__market_init(b, b->ninstruments);
    if (err != XG_OK) {
        return err;
    }
    b->ninstruments++;
    return XG_OK;
}

static bool
book_fits(const char *s)
{
    return strlen(s) < XG_SIM_KEY_LEN;
}

xg_err
xg_sim_book_add_key(xg_sim_book *b, size_t account, const xg_sim_secret *cred)
{
    size_t existing = 0;

    if (account >= b->naccounts) {
        return XG_ERR_INVALID;
    }
    if (!book_fits(cred->api_key) || !book_fits(cred->secret) ||
        !book_fits(cred->passphrase)) {
        return XG_ERR_TOO_LARGE;
    }
    if (xg_sim_book_find_account(b, cred->api_key, &existing) == XG_OK) {
        return XG_ERR_EXISTS;
    }
    xg_sim_key *keys = realloc(b->keys, (b->nkeys + 1) * sizeof(*keys));
    if (keys == NULL) {
        return XG_ERR_NOMEM;
    }
    b->keys = keys;
    b->keys[b->nkeys++] = (xg_sim_key){*cred, account};
    return XG_OK;
}

xg_err
xg_sim_book_add_account(xg_sim_book *b, const xg_sim_secret *cred,
                        size_t *index)
{
    size_t existing = 0;
    xg_sim_account *items = NULL;
    xg_sim_account *a = NULL;

    if (!book_fits(cred->api_key) || !book_fits(cred->secret) ||
        !book_fits(cred->passphrase)) {
        return XG_ERR_TOO_LARGE;
    }
    if (xg_sim_book_find_account(b, cred->api_key, &existing) == XG_OK) {
        return XG_ERR_EXISTS;
    }
    items = realloc(b->accounts, (b->naccounts + 1) * sizeof(*items));
    if (items == NULL) {
        return XG_ERR_NOMEM;
    }
    b->accounts = items;
    a = &b->accounts[b->naccounts];
    memset(a, 0, sizeof(*a));
    a->first_key = b->nkeys;
    for (size_t i = 0; i < XG_SIM_ACCOUNT_WINDOWS; i++) {
        xg_sim_window_init(&a->windows[i], 1000);
    }
    b->naccounts++;
    xg_err err = xg_sim_book_add_key(b, b->naccounts - 1, cred);
    if (err != XG_OK) {
        b->naccounts--;
        return err;
    }
    *index = b->naccounts - 1;
    return XG_OK;
}

static xg_sim_balance *
book_balance_row(xg_sim_book *b, size_t account, const char *asset, bool create)
{
    xg_sim_account *a = &b->accounts[account];

    for (size_t i = 0; i < a->nbalances; i++) {
        if (strcmp(a->balances[i].asset, asset) == 0) {
            return &a->balances[i];
        }
    }
    if (!create || a->nbalances >= XG_SIM_MAX_BALANCES ||
        strlen(asset) >= XG_SIM_ASSET_LEN) {
        return NULL;
    }
    xg_sim_balance *row = &a->balances[a->nbalances++];
    memset(row, 0, sizeof(*row));
    memcpy(row->asset, asset, strlen(asset) + 1);
    return row;
}

xg_err
xg_sim_book_set_balance(xg_sim_book *b, size_t account, const char *asset,
                        int64_t free_amount)
{
    xg_sim_balance *row = NULL;

    if (account >= b->naccounts || free_amount < 0) {
        return XG_ERR_INVALID;
    }
    row = book_balance_row(b, account, asset, true);
    if (row == NULL) {
        return XG_ERR_TOO_LARGE;
    }
    row->free = free_amount;
    return XG_OK;
}

const xg_sim_balance *
xg_sim_book_balance(const xg_sim_book *b, size_t account, const char *asset)
{
    const xg_sim_account *a = &b->accounts[account];

    for (size_t i = 0; i < a->nbalances; i++) {
        if (strcmp(a->balances[i].asset, asset) == 0) {
            return &a->balances[i];
        }
    }
    return NULL;
}

const xg_sim_secret *
xg_sim_book_key(const xg_sim_book *b, const char *key, size_t *account)
{
    for (size_t i = 0; i < b->nkeys; i++) {
        if (strcmp(b->keys[i].cred.api_key, key) == 0) {
            *account = b->keys[i].account;
            return &b->keys[i].cred;
        }
    }
    return NULL;
}

const xg_sim_secret *
xg_sim_book_account_key(const xg_sim_book *b, size_t account)
{
    return &b->keys[b->accounts[account].first_key].cred;
}

xg_err
xg_sim_book_find_account(const xg_sim_book *b, const char *key, size_t *index)
{
    return xg_sim_book_key(b, key, index) != NULL ? XG_OK : XG_ERR_NOT_FOUND;
}

xg_err
xg_sim_book_find_instrument(const xg_sim_book *b, const char *symbol,
                            size_t *index)
{
    for (size_t i = 0; i < b->ninstruments; i++) {
        if (strcmp(b->instruments[i].symbol, symbol) == 0) {
            *index = i;
            return XG_OK;
        }
    }
    return XG_ERR_NOT_FOUND;
}

static bool
book_on_grid(int64_t v, int64_t min, int64_t max, int64_t step)
{
    if (v < min || v > max) {
        return false;
    }
    return step <= 0 || (v - min) % step == 0;
}

xg_sim_filter
xg_sim_book_check_filters(const xg_sim_book *b, const xg_sim_new_order *o)
{
    const xg_sim_instrument *in = &b->instruments[o->instrument];
    int64_t price = o->type == XG_SIM_MARKET ? in->ref_price : o->price;
    int64_t notional = 0;

    if (o->type != XG_SIM_MARKET &&
        !book_on_grid(o->price, in->min_price, in->max_price, in->tick)) {
        return XG_SIM_FILTER_PRICE;
    }
    if (!book_on_grid(o->qty, in->min_qty, in->max_qty, in->step)) {
        return XG_SIM_FILTER_LOT;
    }
    if (xg_sim_fixed_mul(price, o->qty, &notional) != XG_OK ||
        notional < in->min_notional || notional > in->max_notional) {
        return XG_SIM_FILTER_NOTIONAL;
    }
    return XG_SIM_FILTER_OK;
}

/* ---- client id map ---------------------------------------------------- */

static size_t
book_hash(size_t account, const char *id)
{
    uint64_t h = 1469598103934665603ULL ^ (uint64_t)account;

    for (const char *p = id; *p != '\0'; p++) {
        h ^= (unsigned char)*p;
        h *= 1099511628211ULL;
    }
    return (size_t)h;
}

static size_t *
book_id_slot(xg_sim_book *b, size_t account, const char *id)
{
    size_t mask = b->ids_cap - 1;
    size_t i = book_hash(account, id) & mask;

    for (;;) {
        size_t v = b->ids[i];
        if (v == 0) {
            return &b->ids[i];
        }
        const xg_sim_order *o = &b->orders[v - 1];
        if (o->account == account && strcmp(o->client_id, id) == 0) {
            return &b->ids[i];
        }
        i = (i + 1) & mask;
    }
}

static xg_err
book_id_grow(xg_sim_book *b)
{
    size_t *old = b->ids;
    size_t old_cap = b->ids_cap;
    size_t cap = old_cap != 0 ? old_cap * 2 : 1024;

    b->ids = calloc(cap, sizeof(*b->ids));
    if (b->ids == NULL) {
        b->ids = old;
        return XG_ERR_NOMEM;
    }
    b->ids_cap = cap;
    for (size_t i = 0; i < old_cap; i++) {
        if (old[i] != 0) {
            const xg_sim_order *o = &b->orders[old[i] - 1];
            *book_id_slot(b, o->account, o->client_id) = old[i];
        }
    }
    free(old);
    return XG_OK;
}

xg_sim_order *
xg_sim_book_by_client_id(xg_sim_book *b, size_t account, const char *client_id)
{
    size_t v = 0;

    if (b->ids_cap == 0) {
        return NULL;
    }
    v = *book_id_slot(b, account, client_id);
    return v != 0 ? &b->orders[v - 1] : NULL;
}

xg_sim_order *
xg_sim_book_by_id(xg_sim_book *b, size_t account, int64_t order_id)
{
    if (order_id < 1 || (uint64_t)order_id > b->norders) {
        return NULL;
    }
    xg_sim_order *o = &b->orders[order_id - 1];
    return o->account == account ? o : NULL;
}

bool
xg_sim_order_is_open(const xg_sim_order *o)
{
    return o->status == XG_SIM_NEW || o->status == XG_SIM_PARTIALLY_FILLED;
}

int64_t
xg_sim_order_avg_price(const xg_sim_order *o)
{
    int64_t avg = 0;

    if (o->filled <= 0 ||
        xg_sim_fixed_div(o->quote_filled, o->filled, &avg) != XG_OK) {
        return 0;
    }
    return avg;
}

const char *
xg_sim_order_fee_asset(const xg_sim_book *b, const xg_sim_order *o)
{
    const xg_sim_instrument *in = &b->instruments[o->instrument];

    if (o->nfills > 0) {
        return o->is_fee_quote ? in->quote : in->base;
    }
    /* Before any fill: the asset a fill would charge. */
    if (b->config.fee_rule == XG_SIM_FEE_QUOTE || o->side == XG_SIM_SELL) {
        return in->quote;
    }
    return in->base;
}

/* ---- money ------------------------------------------------------------ */

/* floor(amount * ppm / 1e6) for amount >= 0 and 0 <= ppm <= 1e6, without
 * overflow. */
static int64_t
book_fee_floor(int64_t amount, int64_t ppm)
{
    return amount / 1000000 * ppm + amount % 1000000 * ppm / 1000000;
}

/* The same rounded up: what a lock reserves for a fee. */
static int64_t
book_fee_ceil(int64_t amount, int64_t ppm)
{
    int64_t r = amount % 1000000 * ppm;

    return amount / 1000000 * ppm + r / 1000000 + (r % 1000000 != 0);
}

/* ceil(a * b / 1e8) for a, b >= 0. */
static xg_err
book_mul_ceil(int64_t a, int64_t b, int64_t *out)
{
    xg_err err = xg_sim_fixed_mul(a, b, out);

    if (err != XG_OK) {
        return err;
    }
    /* The product's fraction below 1e-8 is that of (a % S) * (b % S). */
    if ((a % XG_SIM_SCALE) * (b % XG_SIM_SCALE) % XG_SIM_SCALE != 0) {
        if (*out == INT64_MAX) {
            return XG_ERR_OVERFLOW;
        }
        (*out)++;
    }
    return XG_OK;
}

static int64_t
book_max_fee_ppm(const xg_sim_book *b)
{
    return b->config.maker_fee_ppm > b->config.taker_fee_ppm
               ? b->config.maker_fee_ppm
               : b->config.taker_fee_ppm;
}

/* What an order of side at lock_price must hold locked for rem still to
 * fill: a sell its base quantity, a buy the quote at lock_price rounded
 * up, plus the fee rounded up where the venue takes a buy's fee in quote
 * on top. */
static xg_err
book_lock_for(const xg_sim_book *b, xg_sim_side side, int64_t lock_price,
              int64_t rem, int64_t *out)
{
    int64_t quote = 0;
    int64_t fee = 0;

    if (side == XG_SIM_SELL) {
        *out = rem;
        return XG_OK;
    }
    if (book_mul_ceil(lock_price, rem, &quote) != XG_OK) {
        return XG_ERR_OVERFLOW;
    }
    if (b->config.fee_rule == XG_SIM_FEE_QUOTE) {
        fee = book_fee_ceil(quote, book_max_fee_ppm(b));
        if (quote > INT64_MAX - fee) {
            return XG_ERR_OVERFLOW;
        }
    }
    *out = quote + fee;
    return XG_OK;
}

static xg_sim_balance *
book_pay_row(xg_sim_book *b, const xg_sim_order *o)
{
    const xg_sim_instrument *in = &b->instruments[o->instrument];

    return book_balance_row(b, o->account,
                            o->side == XG_SIM_BUY ? in->quote : in->base, true);
}

/* ---- the fill history --------------------------------------------------- */

/* The slot for the next fill, or NULL when the history cannot grow (the
 * fill still happens; only its record is lost). */
static xg_sim_fill *
book_history_slot(xg_sim_book *b, int64_t seq)
{
    size_t pos = 0;

    if (b->fills_cap == 0) {
        b->fills_cap =
            b->config.fill_history > 0 ? (size_t)b->config.fill_history : 1;
    }
    pos = (size_t)((uint64_t)(seq - 1) % b->fills_cap);
    if (pos >= b->fills_alloc) {
        size_t cap = b->fills_alloc != 0 ? b->fills_alloc : 1024;
        while (cap <= pos) {
            cap *= 2;
        }
        if (cap > b->fills_cap) {
            cap = b->fills_cap;
        }
        xg_sim_fill *f = realloc(b->fills, cap * sizeof(*f));
        if (f == NULL) {
            return NULL;
        }
        /* Zeroed, so a slot never written holds seq 0, no fill's. */
        memset(&f[b->fills_alloc], 0, (cap - b->fills_alloc) * sizeof(*f));
        b->fills = f;
        b->fills_alloc = cap;
    }
    return &b->fills[pos];
}

const xg_sim_fill *
xg_sim_book_fill(const xg_sim_book *b, int64_t seq)
{
    size_t pos = 0;

    if (seq < 1 || seq > b->nfills || b->fills_cap == 0 ||
        (uint64_t)(b->nfills - seq) >= b->fills_cap) {
        return NULL;
    }
    pos = (size_t)((uint64_t)(seq - 1) % b->fills_cap);
    if (pos >= b->fills_alloc || b->fills[pos].seq != seq) {
        return NULL;
    }
    return &b->fills[pos];
}

/* ---- the change feed ---------------------------------------------------- */

/* Append what just happened to order index oi; fl is a FILL's fill
 * record (NULL otherwise), which the entry copies, so a fill the bounded
 * history no longer holds still reaches the stream. An order filled while not
 * listed (an incoming or amended order trading as a taker) has its status
 * settled only after its fills, so the entry says what that status will be. If
 * the ring cannot be allocated the change still happens; only its entry is
 * lost, and the seq still counts, so a reader sees the gap. */
static void
book_feed(xg_sim_book *b, size_t oi, xg_sim_change kind, const xg_sim_fill *fl)
{
    const xg_sim_order *o = &b->orders[oi];
    int64_t seq = ++b->feed.head;

    if (b->feed.ring == NULL) {
        size_t cap =
            b->config.feed_history > 0 ? (size_t)b->config.feed_history : 1;
        b->feed.ring = calloc(cap, sizeof(*b->feed.ring));
        b->feed.cap = b->feed.ring != NULL ? cap : 0;
    }
    if (b->feed.ring != NULL) {
        xg_sim_feed_entry *e =
            &b->feed.ring[(size_t)((uint64_t)(seq - 1) % b->feed.cap)];
        memset(e, 0, sizeof(*e));
        e->seq = seq;
        e->account = o->account;
        e->order = oi;
        e->kind = kind;
        e->status = o->status;
        if (kind == XG_SIM_CHANGE_FILL && !o->is_listed) {
            e->status =
                o->filled >= o->qty ? XG_SIM_FILLED : XG_SIM_PARTIALLY_FILLED;
        }
        e->price = o->price;
        e->qty = o->qty;
        e->filled = o->filled;
        e->quote_filled = o->quote_filled;
        e->fee = o->fee;
        e->nfills = o->nfills;
        e->is_fee_quote = o->is_fee_quote;
        e->time_ms = o->update_ms;
        if (fl != NULL) {
            /* 0 when the history could not keep the fill. */
            e->fill_seq = xg_sim_book_fill(b, fl->seq) != NULL ? fl->seq : 0;
            e->trade_id = fl->trade_id;
            e->fill_price = fl->price;
            e->fill_qty = fl->qty;
            e->fill_fee = fl->fee;
            e->is_maker = fl->is_maker;
        }
    }
    if (b->feed.notify != NULL) {
        b->feed.notify(b->feed.notify_ctx);
    }
}

const xg_sim_feed_entry *
xg_sim_book_feed_entry(const xg_sim_book *b, int64_t seq)
{
    const xg_sim_feed_entry *e = NULL;

    if (seq < 1 || seq > b->feed.head || b->feed.ring == NULL ||
        (uint64_t)(b->feed.head - seq) >= b->feed.cap) {
        return NULL;
    }
    e = &b->feed.ring[(size_t)((uint64_t)(seq - 1) % b->feed.cap)];
    return e->seq == seq ? e : NULL;
}

int64_t
xg_sim_book_feed_oldest(const xg_sim_book *b)
{
    int64_t cap = (int64_t)b->feed.cap;

    if (b->feed.ring == NULL || b->feed.head == 0) {
        return b->feed.head + 1;
    }
    return b->feed.head > cap ? b->feed.head - cap + 1 : 1;
}

/* ---- fills -------------------------------------------------------------- */

/* Take order index oi off the open list and its side's index. */
static void
book_unlist(xg_sim_book *b, size_t oi)
{
    xg_sim_order *o = &b->orders[oi];
    size_t pos = o->open_pos;

    xg_sim__market_unrest(b, oi);
    b->open[pos] = b->open[--b->nopen];
    if (pos < b->nopen) {
        b->orders[b->open[pos]].open_pos = pos;
    }
    o->is_listed = false;
}

/* Count a fill on the instrument's tape; the second fill of a trade
 * between two accounts (same trade id) is the same trade. */
static void
book_tape(xg_sim_market *m, int64_t trade_id, int64_t price, int64_t qty,
          int64_t quote)
{
    if (trade_id == m->last_trade_id) {
        return;
    }
    m->last_trade_id = trade_id;
    m->last_price = price;
    m->high_price = price > m->high_price ? price : m->high_price;
    m->low_price =
        m->low_price == 0 || price < m->low_price ? price : m->low_price;
    /* Saturating: a simulator left running for months must not wrap. */
    m->volume = qty > INT64_MAX - m->volume ? INT64_MAX : m->volume + qty;
    m->quote_volume = quote > INT64_MAX - m->quote_volume
                          ? INT64_MAX
                          : m->quote_volume + quote;
    m->ntrades++;
}

void
xg_sim__book_fill(xg_sim_book *b, size_t oi, int64_t price, int64_t qty,
                  bool is_maker, int64_t trade_id, int64_t now_ms)
{
    xg_sim_order *o = &b->orders[oi];
    const xg_sim_instrument *in = &b->instruments[o->instrument];
    xg_sim_balance *base = book_balance_row(b, o->account, in->base, true);
    xg_sim_balance *quote_row =
        book_balance_row(b, o->account, in->quote, true);
    int64_t rate = is_maker ? b->config.maker_fee_ppm : b->config.taker_fee_ppm;
    int64_t quote = 0;
    int64_t fee = 0;
    bool is_fee_quote = true;
    int64_t rem = o->qty - o->filled - qty;

    /* Place checked price * qty of the order and the book's prices stay
     * within the instrument's, so this product fits. */
    if (xg_sim_fixed_mul(price, qty, &quote) != XG_OK) {
        quote = 0;
    }
    if (o->side == XG_SIM_BUY) {
        int64_t lock = 0;
        int64_t cost = quote;
        if (book_lock_for(b, o->side, o->lock_price, rem, &lock) != XG_OK ||
            lock > o->locked) {
            lock = o->locked;
        }
        int64_t release = o->locked - lock;
        if (b->config.fee_rule == XG_SIM_FEE_QUOTE) {
            fee = book_fee_floor(quote, rate);
            cost += fee;
        } else {
            fee = book_fee_floor(qty, rate);
            is_fee_quote = false;
        }
        o->locked = lock;
        quote_row->locked -= release;
        quote_row->free += release - cost;
        base->free += qty - (is_fee_quote ? 0 : fee);
    } else {
        fee = book_fee_floor(quote, rate);
        o->locked -= qty;
        base->locked -= qty;
        quote_row->free += quote - fee;
    }
    o->filled += qty;
    o->quote_filled += quote;
    o->fee += fee;
    o->is_fee_quote = is_fee_quote;
    o->nfills++;
    o->last_fill_price = price;
    o->last_fill_qty = qty;
    o->last_trade_id = trade_id;
    o->update_ms = now_ms;

    xg_sim_account *a = &b->accounts[o->account];
    xg_sim_fill rec;
    memset(&rec, 0, sizeof(rec));
    rec.seq = ++b->nfills;
    rec.trade_id = trade_id;
    rec.order_id = o->order_id;
    rec.account = o->account;
    rec.instrument = o->instrument;
    rec.side = o->side;
    rec.is_maker = is_maker;
    rec.is_fee_quote = is_fee_quote;
    rec.price = price;
    rec.qty = qty;
    rec.quote = quote;
    rec.fee = fee;
    rec.time_ms = now_ms;
    rec.prev_order_seq = o->last_fill_seq;
    rec.prev_account_seq = a->last_fill_seq;
    rec.prev_instrument_seq = b->markets[o->instrument].last_fill_seq;
    xg_sim_fill *f = book_history_slot(b, rec.seq);
    if (f != NULL) {
        *f = rec;
        o->last_fill_seq = rec.seq;
        a->last_fill_seq = rec.seq;
        b->markets[o->instrument].last_fill_seq = rec.seq;
    }
    book_tape(&b->markets[o->instrument], trade_id, price, qty, quote);

    /* An incoming order's status is settled by place (or amend). */
    if (o->is_listed && o->filled >= o->qty) {
        /* A buy filled below its limit already had the difference
         * released by the last fill; what is left is rounding. */
        xg_sim_balance *pay = book_pay_row(b, o);
        pay->locked -= o->locked;
        pay->free += o->locked;
        o->locked = 0;
        o->status = XG_SIM_FILLED;
        book_unlist(b, oi);
    } else if (o->is_listed) {
        o->status = XG_SIM_PARTIALLY_FILLED;
    }
    book_feed(b, oi, XG_SIM_CHANGE_FILL, &rec);
}

/* ---- placing ------------------------------------------------------------ */

static xg_err
book_reserve(xg_sim_book *b)
{
    if (b->norders == b->orders_cap) {
        size_t cap = b->orders_cap != 0 ? b->orders_cap * 2 : 1024;
        xg_sim_order *o = realloc(b->orders, cap * sizeof(*o));
        if (o == NULL) {
            return XG_ERR_NOMEM;
        }
        b->orders = o;
        b->orders_cap = cap;
    }
    if (b->nopen == b->open_cap) {
        size_t cap = b->open_cap != 0 ? b->open_cap * 2 : 1024;
        size_t *o = realloc(b->open, cap * sizeof(*o));
        if (o == NULL) {
            return XG_ERR_NOMEM;
        }
        b->open = o;
        b->open_cap = cap;
    }
    if ((b->ids_used + 1) * 2 > b->ids_cap) {
        return book_id_grow(b);
    }
    return XG_OK;
}

/* The new order's record, not yet filled or listed. */
static xg_sim_order *
book_new_order(xg_sim_book *b, const xg_sim_new_order *o,
               const xg_sim_order *carry, int64_t now_ms)
{
    xg_sim_order *ord = &b->orders[b->norders];

    memset(ord, 0, sizeof(*ord));
    ord->order_id = (int64_t)b->norders + 1;
    if (o->client_id != NULL && o->client_id[0] != '\0') {
        snprintf(ord->client_id, sizeof(ord->client_id), "%s", o->client_id);
    } else {
        snprintf(ord->client_id, sizeof(ord->client_id), "xgsim%lld",
                 (long long)ord->order_id);
    }
    ord->account = o->account;
    ord->instrument = o->instrument;
    ord->side = o->side;
    ord->type = o->type;
    ord->tif = o->tif;
    ord->price = o->type == XG_SIM_MARKET ? 0 : o->price;
    ord->qty = o->qty;
    ord->status = XG_SIM_NEW;
    ord->time_ms = now_ms;
    ord->update_ms = now_ms;
    ord->priority = ++b->next_priority;
    ord->filled = carry->filled;
    ord->quote_filled = carry->quote_filled;
    ord->fee = carry->fee;
    ord->is_fee_quote = carry->is_fee_quote;
    ord->nfills = carry->nfills;
    ord->replaces = carry->order_id != 0 ? carry->order_id : o->replaces;
    b->norders++;

    size_t *slot = book_id_slot(b, ord->account, ord->client_id);
    if (*slot == 0) {
        b->ids_used++;
    }
    *slot = b->norders;
    return ord;
}

/* Trade the planned fills of the incoming order oi: the taker's fill and,
 * for another account's resting order, the maker's, under one trade id;
 * or the synthetic level consumed. */
static void
book_trade_plan(xg_sim_book *b, size_t oi, size_t n, int64_t now_ms)
{
    const xg_sim_order *o = &b->orders[oi];

    for (size_t i = 0; i < n; i++) {
        const xg_sim_take *t = &b->plan[i];
        int64_t tid = ++b->next_trade_id;
        xg_sim__book_fill(b, oi, t->price, t->qty, false, tid, now_ms);
        if (t->is_synthetic) {
            xg_sim__market_consume(b, o->instrument, o->side, t->level, t->qty,
                                   now_ms);
        } else {
            xg_sim__book_fill(b, t->order, t->price, t->qty, true, tid, now_ms);
        }
    }
}

xg_err
xg_sim_book_place(xg_sim_book *b, const xg_sim_new_order *o, int64_t now_ms,
                  xg_sim_place_result *result, xg_sim_order **out)
{
    const xg_sim_instrument *in = &b->instruments[o->instrument];
    bool is_market = o->type == XG_SIM_MARKET;
    size_t nplan = 0;
    int64_t taken = 0;
    int64_t worst = 0;
    int64_t notional = 0;
    int64_t lock_price = 0;
    int64_t need = 0;
    xg_sim_balance *pay = NULL;
    xg_sim_order *ord = NULL;
    size_t oi = 0;
    xg_err err = XG_OK;
    /* Copied: the carried order lives in the array the reserve below
     * may move. */
    xg_sim_order carry = {0};
    if (o->carry != NULL) {
        carry = *o->carry;
    }
    int64_t carried = carry.filled;

    *out = NULL;
    if (carried < 0 || carried >= o->qty) {
        *result = XG_SIM_QTY_FILLED;
        return XG_OK;
    }
    if (o->client_id != NULL && o->client_id[0] != '\0') {
        const xg_sim_order *prev =
            xg_sim_book_by_client_id(b, o->account, o->client_id);
        if (prev != NULL && xg_sim_order_is_open(prev)) {
            *result = XG_SIM_DUPLICATE;
            return XG_OK;
        }
    }
    xg_sim__market_advance(b, o->instrument, now_ms);
    if (!is_market && xg_sim_fixed_mul(o->price, o->qty, &notional) != XG_OK) {
        *result = XG_SIM_TOO_LARGE;
        return XG_OK;
    }
    err = xg_sim__market_plan(b, o->account, o->instrument, o->side,
                              is_market ? 0 : o->price, o->qty - carried, 0,
                              &nplan, &taken, &worst);
    if (err != XG_OK) {
        return err;
    }
    if (o->type == XG_SIM_LIMIT_MAKER && taken > 0) {
        *result = XG_SIM_WOULD_TAKE;
        return XG_OK;
    }
    /* Both rows must exist before any money moves, so a full balance
     * table refuses the order instead of losing a credit. */
    if (book_balance_row(b, o->account, in->base, true) == NULL ||
        book_balance_row(b, o->account, in->quote, true) == NULL) {
        *result = XG_SIM_INSUFFICIENT;
        return XG_OK;
    }
    /* A limit order must be covered at its limit whatever it may take
     * at better prices, as on the venues; a market buy at the worst
     * price its plan reaches. */
    lock_price = !is_market ? o->price : worst > 0 ? worst : in->ref_price;
    if (book_lock_for(b, o->side, lock_price, o->qty - carried, &need) !=
        XG_OK) {
        *result = XG_SIM_TOO_LARGE;
        return XG_OK;
    }
    pay = book_balance_row(b, o->account,
                           o->side == XG_SIM_BUY ? in->quote : in->base, true);
    if (pay->free < need) {
        *result = XG_SIM_INSUFFICIENT;
        return XG_OK;
    }
    err = book_reserve(b);
    if (err == XG_OK) {
        err = xg_sim__market_reserve(b, o->instrument, o->side);
    }
    if (err != XG_OK) {
        return err;
    }

    oi = b->norders;
    ord = book_new_order(b, o, &carry, now_ms);
    ord->lock_price = lock_price;
    book_feed(b, oi, XG_SIM_CHANGE_PLACED, NULL);
    *result = XG_SIM_PLACED;
    *out = ord;
    if (o->tif == XG_SIM_FOK && taken < o->qty - carried) {
        /* Expired untouched: nothing is locked, nothing traded. */
        ord->status = XG_SIM_EXPIRED;
        book_feed(b, oi, XG_SIM_CHANGE_EXPIRED, NULL);
        return XG_OK;
    }
    pay->free -= need;
    pay->locked += need;
    ord->locked = need;
    book_trade_plan(b, oi, nplan, now_ms);

    ord = &b->orders[oi];
    if (ord->filled < ord->qty && !is_market && o->tif == XG_SIM_GTC) {
        ord->status = ord->filled > 0 ? XG_SIM_PARTIALLY_FILLED : XG_SIM_NEW;
        ord->is_listed = true;
        ord->open_pos = b->nopen;
        b->open[b->nopen++] = oi;
        xg_sim__market_rest(b, oi);
        return XG_OK;
    }
    /* Filled, or the remainder of an IOC or market order expires: what
     * is still locked goes back. */
    pay = book_pay_row(b, ord);
    pay->locked -= ord->locked;
    pay->free += ord->locked;
    ord->locked = 0;
    ord->status = ord->filled >= ord->qty ? XG_SIM_FILLED : XG_SIM_EXPIRED;
    if (ord->status == XG_SIM_EXPIRED) {
        /* A filled one: its last fill's entry already said so. */
        book_feed(b, oi, XG_SIM_CHANGE_EXPIRED, NULL);
    }
    return XG_OK;
}

xg_err
xg_sim_book_cancel(xg_sim_book *b, xg_sim_order *o, int64_t now_ms)
{
    xg_sim_balance *pay = NULL;

    if (!xg_sim_order_is_open(o)) {
        return XG_ERR_UNKNOWN_ORDER;
    }
    pay = book_pay_row(b, o);
    pay->locked -= o->locked;
    pay->free += o->locked;
    o->locked = 0;
    o->status = XG_SIM_CANCELED;
    o->update_ms = now_ms;
    book_unlist(b, (size_t)(o - b->orders));
    book_feed(b, (size_t)(o - b->orders), XG_SIM_CHANGE_CANCELED, NULL);
    return XG_OK;
}

xg_err
xg_sim_book_fill_order(xg_sim_book *b, xg_sim_order *o, int64_t qty,
                       int64_t price, int64_t now_ms)
{
    int64_t quote = 0;

    if (!xg_sim_order_is_open(o)) {
        return XG_ERR_UNKNOWN_ORDER;
    }
    if (qty <= 0 || qty > o->qty - o->filled || price <= 0 ||
        (o->side == XG_SIM_BUY && price > o->price) ||
        (o->side == XG_SIM_SELL && price < o->price) ||
        xg_sim_fixed_mul(price, qty, &quote) != XG_OK) {
        return XG_ERR_INVALID;
    }
    xg_sim__book_fill(b, (size_t)(o - b->orders), price, qty, true,
                      ++b->next_trade_id, now_ms);
    return XG_OK;
}

/* ---- amending ----------------------------------------------------------- */

/* Put order index oi back on its side's index and the open list, or, if
 * it filled meanwhile, settle it as filled. */
static void
book_relist(xg_sim_book *b, size_t oi)
{
    xg_sim_order *o = &b->orders[oi];

    if (o->filled >= o->qty) {
        xg_sim_balance *pay = book_pay_row(b, o);
        pay->locked -= o->locked;
        pay->free += o->locked;
        o->locked = 0;
        o->status = XG_SIM_FILLED;
        return;
    }
    o->status = o->filled > 0 ? XG_SIM_PARTIALLY_FILLED : XG_SIM_NEW;
    o->is_listed = true;
    o->open_pos = b->nopen;
    b->open[b->nopen++] = oi;
    xg_sim__market_rest(b, oi);
}

xg_err
xg_sim_book_amend(xg_sim_book *b, xg_sim_order *o, int64_t price, int64_t qty,
                  int64_t now_ms, xg_sim_place_result *result)
{
    size_t oi = (size_t)(o - b->orders);
    size_t nplan = 0;
    int64_t taken = 0;
    int64_t worst = 0;
    int64_t notional = 0;
    int64_t need = 0;
    xg_err err = XG_OK;

    if (!xg_sim_order_is_open(o) || o->type == XG_SIM_MARKET) {
        return XG_ERR_UNKNOWN_ORDER;
    }
    xg_sim__market_advance(b, o->instrument, now_ms);
    o = &b->orders[oi]; /* the walk may have filled it */
    if (!xg_sim_order_is_open(o)) {
        return XG_ERR_UNKNOWN_ORDER;
    }
    if (qty <= o->filled) {
        *result = XG_SIM_QTY_FILLED;
        return XG_OK;
    }
    if (xg_sim_fixed_mul(price, qty, &notional) != XG_OK ||
        book_lock_for(b, o->side, price, qty - o->filled, &need) != XG_OK) {
        *result = XG_SIM_TOO_LARGE;
        return XG_OK;
    }
    xg_sim_balance *pay = book_pay_row(b, o);
    if (pay->free + o->locked < need) {
        *result = XG_SIM_INSUFFICIENT;
        return XG_OK;
    }
    err = xg_sim__market_plan(b, o->account, o->instrument, o->side, price,
                              qty - o->filled, 0, &nplan, &taken, &worst);
    if (err != XG_OK) {
        return err;
    }
    if (o->type == XG_SIM_LIMIT_MAKER && taken > 0) {
        *result = XG_SIM_WOULD_TAKE;
        return XG_OK;
    }
    *result = XG_SIM_PLACED;
    pay->free += o->locked - need;
    pay->locked += need - o->locked;
    o->locked = need;
    o->lock_price = price;
    o->update_ms = now_ms;
    if (price == o->price && qty < o->qty) {
        o->qty = qty; /* keeps its place: nothing to take either */
        book_feed(b, oi, XG_SIM_CHANGE_AMENDED, NULL);
        return XG_OK;
    }
    /* Off the book while it changes, so that its fills are a taker's. */
    book_unlist(b, oi);
    o->price = price;
    o->qty = qty;
    o->priority = ++b->next_priority;
    /* The amendment first, then what it traded at once. */
    book_feed(b, oi, XG_SIM_CHANGE_AMENDED, NULL);
    book_trade_plan(b, oi, nplan, now_ms);
    book_relist(b, oi);
    return XG_OK;
}
