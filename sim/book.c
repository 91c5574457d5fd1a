/*
 * The simulator's order book: instruments, accounts, balances, orders and
 * the reference-price matching rule (see book.h).
 *
 * Orders are kept forever in one growing array indexed by order id, so a
 * query for an old order still answers as the venue would. Open orders are
 * also listed in a small index array that a price move scans, and client
 * ids map to the latest order that used them, which is what both the
 * duplicate check (only open orders count) and the query by client id
 * need. Balances move between free and locked in scale-8 integers; a fill
 * credits the other asset with no fee, which is the one simplification
 * of money here.
 */
#include "book.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>

void
xg_sim_book_init(xg_sim_book *b)
{
    memset(b, 0, sizeof(*b));
}

void
xg_sim_book_fini(xg_sim_book *b)
{
    for (size_t i = 0; i < b->naccounts; i++) {
        OPENSSL_cleanse(&b->accounts[i].cred, sizeof(b->accounts[i].cred));
    }
    free(b->instruments);
    free(b->accounts);
    free(b->orders);
    free(b->open);
    free(b->ids);
    memset(b, 0, sizeof(*b));
}

xg_err
xg_sim_book_add_instrument(xg_sim_book *b, const xg_sim_instrument *inst)
{
    size_t idx = 0;
    xg_sim_instrument *items = NULL;

    if (xg_sim_book_find_instrument(b, inst->symbol, &idx) == XG_OK) {
        return XG_ERR_EXISTS;
    }
    items = realloc(b->instruments, (b->ninstruments + 1) * sizeof(*items));
    if (items == NULL) {
        return XG_ERR_NOMEM;
    }
    b->instruments = items;
    b->instruments[b->ninstruments++] = *inst;
    return XG_OK;
}

static bool
book_fits(const char *s)
{
    return strlen(s) < XG_SIM_KEY_LEN;
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
    a->cred = *cred;
    for (size_t i = 0; i < XG_SIM_ACCOUNT_WINDOWS; i++) {
        xg_sim_window_init(&a->windows[i], 1000);
    }
    *index = b->naccounts++;
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

xg_err
xg_sim_book_find_account(const xg_sim_book *b, const char *key, size_t *index)
{
    for (size_t i = 0; i < b->naccounts; i++) {
        if (strcmp(b->accounts[i].cred.api_key, key) == 0) {
            *index = i;
            return XG_OK;
        }
    }
    return XG_ERR_NOT_FOUND;
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
    return o->status == XG_SIM_NEW;
}

/* ---- placing and filling ---------------------------------------------- */

static bool
book_crosses(xg_sim_side side, int64_t price, int64_t ref)
{
    return side == XG_SIM_BUY ? price >= ref : price <= ref;
}

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

/* Credit the proceeds of a fill of o at price: the bought asset for a buy,
 * the quote for a sell. The rows exist (place created them). */
static void
book_credit(xg_sim_book *b, const xg_sim_order *o, int64_t notional)
{
    const xg_sim_instrument *in = &b->instruments[o->instrument];
    xg_sim_balance *row = NULL;

    if (o->side == XG_SIM_BUY) {
        row = book_balance_row(b, o->account, in->base, true);
        row->free += o->qty;
    } else {
        row = book_balance_row(b, o->account, in->quote, true);
        row->free += notional;
    }
}

static void
book_mark_filled(xg_sim_book *b, xg_sim_order *o, int64_t price,
                 int64_t notional, int64_t now_ms)
{
    o->status = XG_SIM_FILLED;
    o->filled = o->qty;
    o->quote_filled = notional;
    o->fill_price = price;
    o->trade_id = ++b->next_trade_id;
    o->locked = 0;
    o->update_ms = now_ms;
}

xg_err
xg_sim_book_place(xg_sim_book *b, const xg_sim_new_order *o, int64_t now_ms,
                  xg_sim_place_result *result, xg_sim_order **out)
{
    const xg_sim_instrument *in = &b->instruments[o->instrument];
    bool has_id = o->client_id != NULL && o->client_id[0] != '\0';
    bool crosses = false;
    int64_t exec_price = 0;
    int64_t notional = 0;
    int64_t need = 0;
    xg_sim_balance *pay = NULL;
    xg_sim_order *ord = NULL;
    xg_err err = XG_OK;

    *out = NULL;
    if (has_id) {
        const xg_sim_order *prev =
            xg_sim_book_by_client_id(b, o->account, o->client_id);
        if (prev != NULL && xg_sim_order_is_open(prev)) {
            *result = XG_SIM_DUPLICATE;
            return XG_OK;
        }
    }
    if (o->type == XG_SIM_MARKET) {
        crosses = true;
        exec_price = in->ref_price;
    } else {
        crosses = book_crosses(o->side, o->price, in->ref_price);
        exec_price = o->price;
    }
    if (o->type == XG_SIM_LIMIT_MAKER && crosses) {
        *result = XG_SIM_WOULD_TAKE;
        return XG_OK;
    }
    if (xg_sim_fixed_mul(exec_price, o->qty, &notional) != XG_OK) {
        *result = XG_SIM_TOO_LARGE;
        return XG_OK;
    }
    /* Both rows must exist before any money moves, so a full balance
     * table refuses the order instead of losing a credit. */
    if (book_balance_row(b, o->account, in->base, true) == NULL ||
        book_balance_row(b, o->account, in->quote, true) == NULL) {
        *result = XG_SIM_INSUFFICIENT;
        return XG_OK;
    }
    pay = book_balance_row(b, o->account,
                           o->side == XG_SIM_BUY ? in->quote : in->base, true);
    need = o->side == XG_SIM_BUY ? notional : o->qty;
    if (pay->free < need) {
        *result = XG_SIM_INSUFFICIENT;
        return XG_OK;
    }
    err = book_reserve(b);
    if (err != XG_OK) {
        return err;
    }

    ord = &b->orders[b->norders];
    memset(ord, 0, sizeof(*ord));
    ord->order_id = (int64_t)b->norders + 1;
    if (has_id) {
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
    ord->time_ms = now_ms;
    ord->update_ms = now_ms;
    b->norders++;

    if (crosses) {
        pay->free -= need;
        book_mark_filled(b, ord, exec_price, notional, now_ms);
        book_credit(b, ord, notional);
    } else if (o->tif != XG_SIM_GTC) {
        ord->status = XG_SIM_EXPIRED;
    } else {
        pay->free -= need;
        pay->locked += need;
        ord->locked = need;
        ord->status = XG_SIM_NEW;
        ord->open_pos = b->nopen;
        b->open[b->nopen++] = b->norders - 1;
    }

    size_t *slot = book_id_slot(b, ord->account, ord->client_id);
    if (*slot == 0) {
        b->ids_used++;
    }
    *slot = b->norders;
    *result = XG_SIM_PLACED;
    *out = ord;
    return XG_OK;
}

/* Remove the open order at position pos of the open list in O(1): the
 * last entry takes its place and learns its new position. */
static void
book_unlist(xg_sim_book *b, size_t pos)
{
    b->open[pos] = b->open[--b->nopen];
    if (pos < b->nopen) {
        b->orders[b->open[pos]].open_pos = pos;
    }
}

static xg_sim_balance *
book_pay_row(xg_sim_book *b, const xg_sim_order *o)
{
    const xg_sim_instrument *in = &b->instruments[o->instrument];

    return book_balance_row(b, o->account,
                            o->side == XG_SIM_BUY ? in->quote : in->base, true);
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
    book_unlist(b, o->open_pos);
    return XG_OK;
}

xg_err
xg_sim_book_set_price(xg_sim_book *b, size_t instrument, int64_t price,
                      int64_t now_ms, size_t *filled)
{
    size_t count = 0;
    size_t i = 0;

    if (instrument >= b->ninstruments || price <= 0) {
        return XG_ERR_INVALID;
    }
    b->instruments[instrument].ref_price = price;
    while (i < b->nopen) {
        xg_sim_order *o = &b->orders[b->open[i]];
        if (o->instrument != instrument ||
            !book_crosses(o->side, o->price, price)) {
            i++;
            continue;
        }
        /* A resting order fills at its own limit price; its lock is the
         * exact amount it pays. */
        xg_sim_balance *pay = book_pay_row(b, o);
        int64_t notional = o->side == XG_SIM_BUY ? o->locked : 0;
        if (o->side == XG_SIM_SELL &&
            xg_sim_fixed_mul(o->price, o->qty, &notional) != XG_OK) {
            i++;
            continue;
        }
        pay->locked -= o->locked;
        book_mark_filled(b, o, o->price, notional, now_ms);
        book_credit(b, o, notional);
        book_unlist(b, i);
        count++;
    }
    if (filled != NULL) {
        *filled = count;
    }
    return XG_OK;
}
