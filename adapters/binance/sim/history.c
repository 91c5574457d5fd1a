/*
 * history.c - xgsim's Binance dialect: an account's order history
 * (GET /api/v3/allOrders), its fills (GET /api/v3/myTrades) and its
 * unfilled order count (GET /api/v3/rateLimit/order), as Binance's
 * rest-api.md describes them.
 *
 * Orders come from the book's order table (every order the venue took,
 * by id), fills from the book's fill history through the account's chain
 * (sim/book.h), so an account with more fills than the history keeps
 * sees the newest. Paging follows the venue: orderId / fromId give the
 * first `limit` at or after that id; startTime / endTime a window of at
 * most 24 h (-1127 beyond), from its start; neither, the newest `limit`.
 * Answers are oldest first. Calls common.c, orders.c (the order's shape)
 * and the book; dialect.c authenticated the request and charged it.
 */
#include "binance_sim.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define BINANCE_HISTORY_MAX 1000
#define BINANCE_WINDOW_MS   ((int64_t)BINANCE_DAY_S * 1000)

/* The time window of startTime / endTime, checked. */
typedef struct binance_window {
    bool has_start, has_end;
    int64_t start_ms, end_ms;
} binance_window;

static bool
binance_sim_time_window(const binance_call *c, binance_window *w)
{
    if (!binance_sim_param_int(c->resp, c->params, "startTime", &w->start_ms,
                               &w->has_start) ||
        !binance_sim_param_int(c->resp, c->params, "endTime", &w->end_ms,
                               &w->has_end)) {
        return false;
    }
    if (w->has_start && w->has_end &&
        (w->end_ms < w->start_ms ||
         w->end_ms - w->start_ms > BINANCE_WINDOW_MS)) {
        binance_sim_error(c->resp, 400, -1127,
                          "More than 24 hours between startTime and endTime.",
                          "rejected");
        return false;
    }
    return true;
}

static bool
binance_sim_in_window(const binance_window *w, int64_t t_ms)
{
    return (!w->has_start || t_ms >= w->start_ms) &&
           (!w->has_end || t_ms <= w->end_ms);
}

/* ---- allOrders ------------------------------------------------------------
 */

void
binance_sim_all_orders(const binance_call *c)
{
    size_t inst = 0;
    int64_t from_id = 0;
    bool has_from = false;
    int64_t limit = 500;
    binance_window w;
    size_t *idx = NULL;
    size_t n = 0;
    json_t *arr = NULL;

    memset(&w, 0, sizeof(w));
    if (!binance_sim_symbol(c, &inst) ||
        !binance_sim_param_int(c->resp, c->params, "orderId", &from_id,
                               &has_from) ||
        !binance_sim_time_window(c, &w) ||
        !binance_sim_param_limit(c->resp, c->params, 500, BINANCE_HISTORY_MAX,
                                 &limit)) {
        return;
    }
    bool from_oldest = has_from || w.has_start;
    xg_sim_venue_lock(c->v);
    xg_sim_book_advance(&c->v->book, c->now_ms);
    const xg_sim_book *b = &c->v->book;
    idx = malloc((size_t)limit * sizeof(*idx));
    arr = json_array();
    if (idx == NULL || arr == NULL) {
        xg_sim_venue_unlock(c->v);
        free(idx);
        json_decref(arr);
        binance_sim_error(c->resp, 500, -1001, "Internal error.", "rejected");
        return;
    }
    /* Order ids are the table's indices + 1, so the table is in id (and
     * time) order: walk it forwards for "from", backwards for "newest". */
    size_t start = 0;
    if (has_from && from_id > 1) {
        start = (uint64_t)(from_id - 1) < b->norders ? (size_t)(from_id - 1)
                                                     : b->norders;
    }
    for (size_t k = 0; k < b->norders - start && n < (size_t)limit; k++) {
        size_t i = from_oldest ? start + k : b->norders - 1 - k;
        const xg_sim_order *o = &b->orders[i];
        if (o->account == c->account && o->instrument == inst &&
            binance_sim_in_window(&w, o->time_ms)) {
            idx[n++] = i;
        }
    }
    for (size_t k = 0; k < n; k++) {
        size_t i = from_oldest ? idx[k] : idx[n - 1 - k];
        json_array_append_new(arr, binance_sim_query_json(b, &b->orders[i]));
    }
    xg_sim_venue_unlock(c->v);
    free(idx);
    xg_sim_response_json(c->resp, 200, arr);
    c->resp->outcome = "queried";
}

/* ---- myTrades -------------------------------------------------------------
 */

/* The combinations the venue accepts (rest-api.md, "Account trade
 * list"): symbol alone, or with orderId, startTime, endTime, fromId,
 * startTime + endTime, orderId + fromId. */
static bool
binance_sim_trades_combo_ok(bool has_order, bool has_from,
                            const binance_window *w)
{
    bool has_time = w->has_start || w->has_end;

    if (has_time) {
        return !has_order && !has_from;
    }
    return true;
}

static json_t *
binance_sim_my_trade_json(const xg_sim_book *b, const xg_sim_fill *f)
{
    const xg_sim_instrument *in = &b->instruments[f->instrument];

    return json_pack(
        "{ss sI sI si so so so so ss sI sb sb sb}", "symbol", in->symbol, "id",
        (json_int_t)f->trade_id, "orderId", (json_int_t)f->order_id,
        "orderListId", -1, "price", binance_sim_amount(f->price), "qty",
        binance_sim_amount(f->qty), "quoteQty", binance_sim_amount(f->quote),
        "commission", binance_sim_amount(f->fee), "commissionAsset",
        f->is_fee_quote ? in->quote : in->base, "time", (json_int_t)f->time_ms,
        "isBuyer", f->side == XG_SIM_BUY, "isMaker", f->is_maker, "isBestMatch",
        1);
}

void
binance_sim_my_trades(const binance_call *c)
{
    size_t inst = 0;
    int64_t order_id = 0;
    int64_t from_id = 0;
    bool has_order = false;
    bool has_from = false;
    int64_t limit = 500;
    binance_window w;
    const xg_sim_fill **ring = NULL;
    size_t n = 0;
    json_t *arr = NULL;

    memset(&w, 0, sizeof(w));
    if (!binance_sim_symbol(c, &inst) ||
        !binance_sim_param_int(c->resp, c->params, "orderId", &order_id,
                               &has_order) ||
        !binance_sim_param_int(c->resp, c->params, "fromId", &from_id,
                               &has_from) ||
        !binance_sim_time_window(c, &w) ||
        !binance_sim_param_limit(c->resp, c->params, 500, BINANCE_HISTORY_MAX,
                                 &limit)) {
        return;
    }
    if (!binance_sim_trades_combo_ok(has_order, has_from, &w)) {
        binance_sim_error(c->resp, 400, -1128,
                          "Combination of optional parameters invalid.",
                          "rejected");
        return;
    }
    bool from_oldest = has_from || w.has_start;
    /* Newest first, the last `limit` matches kept in a ring (for "from
     * oldest" the ring keeps the oldest, since matches arrive newest
     * first and each one is older than the last). */
    ring = calloc((size_t)limit, sizeof(*ring));
    arr = json_array();
    if (ring == NULL || arr == NULL) {
        free(ring);
        json_decref(arr);
        binance_sim_error(c->resp, 500, -1001, "Internal error.", "rejected");
        return;
    }
    xg_sim_venue_lock(c->v);
    xg_sim_book_advance(&c->v->book, c->now_ms);
    const xg_sim_book *b = &c->v->book;
    const xg_sim_fill *f = NULL;
    if (has_order) {
        const xg_sim_order *o =
            xg_sim_book_by_id(&c->v->book, c->account, order_id);
        f = o != NULL && o->instrument == inst
                ? xg_sim_book_fill(b, o->last_fill_seq)
                : NULL;
    } else {
        f = xg_sim_book_fill(b, b->accounts[c->account].last_fill_seq);
    }
    size_t total = 0;
    for (; f != NULL;
         f = xg_sim_book_fill(b, has_order ? f->prev_order_seq
                                           : f->prev_account_seq)) {
        if (f->instrument != inst || (has_from && f->trade_id < from_id) ||
            !binance_sim_in_window(&w, f->time_ms)) {
            continue;
        }
        if (!from_oldest && total >= (size_t)limit) {
            break; /* the newest `limit` are in */
        }
        ring[total % (size_t)limit] = f;
        total++;
    }
    n = total < (size_t)limit ? total : (size_t)limit;
    /* ring[(total - 1 - k) % limit], k = 0.. is oldest first. */
    for (size_t k = 0; k < n; k++) {
        const xg_sim_fill *g = ring[(total - 1 - k) % (size_t)limit];
        json_array_append_new(arr, binance_sim_my_trade_json(b, g));
    }
    xg_sim_venue_unlock(c->v);
    free(ring);
    xg_sim_response_json(c->resp, 200, arr);
    c->resp->outcome = "queried";
}

/* ---- unfilled order count -------------------------------------------------
 */

static json_t *
binance_sim_count_json(int64_t window_s, int64_t limit, int64_t count)
{
    char suffix[24];
    const char *unit = NULL;
    int64_t num = 0;

    binance_sim_interval(window_s, suffix, &unit, &num);
    return json_pack("{ss ss sI sI sI}", "rateLimitType", "ORDERS", "interval",
                     unit, "intervalNum", (json_int_t)num, "limit",
                     (json_int_t)limit, "count", (json_int_t)count);
}

void
binance_sim_order_count(const binance_call *c)
{
    const binance_settings *s = c->set;
    int64_t used = 0;
    int64_t day = 0;

    xg_sim_venue_lock(c->v);
    const xg_sim_account *a = &c->v->book.accounts[c->account];
    used = xg_sim_window_used(&a->windows[BINANCE_AW_ORDERS], c->now_ms);
    day = xg_sim_window_used(&a->windows[BINANCE_AW_ORDERS_DAY], c->now_ms);
    xg_sim_venue_unlock(c->v);
    xg_sim_response_json(
        c->resp, 200,
        json_pack(
            "[oo]",
            binance_sim_count_json(s->orders_window_s, s->orders_limit, used),
            binance_sim_count_json(BINANCE_DAY_S, s->orders_day_limit, day)));
    c->resp->outcome = "queried";
}
