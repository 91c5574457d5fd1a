/*
 * lists.c - the paged lists of xgsim's OKX dialect: open orders
 * (GET /trade/orders-pending), completed orders (GET
 * /trade/orders-history, last 7 days, and /orders-history-archive, last 3
 * months) and fills (GET /trade/fills, last 3 days, and
 * /trade/fills-history, last 3 months).
 *
 * Every list is newest first and paged as OKX pages it: anchored on an id
 * (ordId for orders, billId for fills), never on an offset. "after" lists
 * what is older than the anchor, "before" the `limit` nearest items newer
 * than it (still shown newest first), both together what lies strictly
 * between; the anchor need not exist. So an order or fill that appears
 * between two pages never shifts the next one. Order ids are the book's
 * (1, 2, ... in placing order) and a fill's billId is its sequence in the
 * book's fill history, so "newest" is the largest id. dialect.c routes
 * authenticated requests here, their limits already charged; this file
 * calls only common.c and the simulator.
 */
#include "okx_sim.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>

#define OKX_DAY_MS (24 * 3600 * 1000LL)

/* What an order list keeps (lock held while it is applied). */
typedef struct okx_order_filter {
    bool is_open;        /* pending (open orders) or history (completed) */
    bool is_none;        /* an instType the simulator does not trade */
    const char *inst_id; /* NULL: every instrument */
    unsigned states;     /* bit per okx_sim_state_bit, 0: any */
    unsigned types;      /* bit per okx_sim_type_bit, 0: any */
    int64_t begin, end;  /* cTime bounds in ms, inclusive; -1: none */
    int64_t since_ms;    /* completed no earlier than this (history) */
    int64_t since_unfilled_ms; /* likewise, canceled without any fill */
} okx_order_filter;

/* The list parameters every list shares: after / before / limit. */
typedef struct okx_page {
    int64_t after, before, limit; /* -1: absent */
} okx_page;

static bool
okx_sim_page_read(const okx_call *c, okx_page *pg)
{
    pg->after = -1;
    pg->before = -1;
    pg->limit = OKX_SIM_PAGE;
    if (!okx_sim_uint_param(c, "after", 0, INT64_MAX, &pg->after)) {
        okx_sim_param_error(c, "after");
        return false;
    }
    if (!okx_sim_uint_param(c, "before", 0, INT64_MAX, &pg->before)) {
        okx_sim_param_error(c, "before");
        return false;
    }
    if (!okx_sim_uint_param(c, "limit", 1, OKX_SIM_PAGE, &pg->limit)) {
        okx_sim_param_error(c, "limit");
        return false;
    }
    return true;
}

/* begin / end (epoch ms); false (resp set) if malformed. */
static bool
okx_sim_time_range_read(const okx_call *c, int64_t *begin, int64_t *end)
{
    *begin = -1;
    *end = -1;
    if (!okx_sim_uint_param(c, "begin", 0, INT64_MAX, begin)) {
        okx_sim_param_error(c, "begin");
        return false;
    }
    if (!okx_sim_uint_param(c, "end", 0, INT64_MAX, end)) {
        okx_sim_param_error(c, "end");
        return false;
    }
    return true;
}

/* Bit of an order's OKX state: live 1, partially_filled 2, filled 4,
 * canceled 8. */
static unsigned
okx_sim_state_bit(const xg_sim_order *o)
{
    switch (o->status) {
    case XG_SIM_NEW:
        return 1u;
    case XG_SIM_PARTIALLY_FILLED:
        return 2u;
    case XG_SIM_FILLED:
        return 4u;
    case XG_SIM_CANCELED:
    case XG_SIM_EXPIRED:
        return 8u;
    }
    return 0u;
}

static const char *const okx_state_names[] = {"live", "partially_filled",
                                              "filled", "canceled"};

static const char *const okx_type_names[] = {"limit", "market", "post_only",
                                             "fok", "ioc"};

/* A comma-separated list of names (at most 64 bytes) as a bit set, one
 * bit per names[i] in [first, n); false if a piece is none of them. */
static bool
okx_sim_name_bits(const char *text, const char *const *names, size_t first,
                  size_t n, unsigned *bits)
{
    const char *p = text;

    *bits = 0;
    if (text == NULL || text[0] == '\0') {
        return true;
    }
    if (strlen(text) > 64) {
        return false;
    }
    while (*p != '\0') {
        const char *comma = strchr(p, ',');
        size_t len = comma != NULL ? (size_t)(comma - p) : strlen(p);
        bool found = false;
        for (size_t i = first; i < n; i++) {
            if (strlen(names[i]) == len && strncmp(names[i], p, len) == 0) {
                *bits |= 1u << i;
                found = true;
            }
        }
        if (!found) {
            return false;
        }
        p += len;
        if (*p == ',') {
            p++;
        }
    }
    return true;
}

static unsigned
okx_sim_type_bit(const xg_sim_order *o)
{
    const char *name = okx_sim_ord_type_name(o);

    for (size_t i = 0; i < sizeof(okx_type_names) / sizeof(okx_type_names[0]);
         i++) {
        if (strcmp(name, okx_type_names[i]) == 0) {
            return 1u << i;
        }
    }
    return 0u;
}

/* Whether o is listed (lock held). */
static bool
okx_sim_order_match(const okx_call *c, const okx_order_filter *f,
                    const xg_sim_order *o)
{
    if (f->is_none || o->account != c->account ||
        xg_sim_order_is_open(o) != f->is_open) {
        return false;
    }
    if (f->inst_id != NULL &&
        strcmp(f->inst_id, c->v->book.instruments[o->instrument].symbol) != 0) {
        return false;
    }
    if ((f->states != 0 && (f->states & okx_sim_state_bit(o)) == 0) ||
        (f->types != 0 && (f->types & okx_sim_type_bit(o)) == 0)) {
        return false;
    }
    if ((f->begin >= 0 && o->time_ms < f->begin) ||
        (f->end >= 0 && o->time_ms > f->end)) {
        return false;
    }
    if (!f->is_open &&
        (o->update_ms < f->since_ms ||
         (o->filled == 0 && o->update_ms < f->since_unfilled_ms))) {
        return false;
    }
    return true;
}

/* The page of orders f keeps, as a JSON array (lock taken here). */
static json_t *
okx_sim_order_page(const okx_call *c, const okx_order_filter *f,
                   const okx_page *pg)
{
    size_t picked[OKX_SIM_PAGE];
    size_t n = 0;
    const xg_sim_book *b = &c->v->book;
    json_t *data = json_array();

    xg_sim_venue_lock(c->v);
    xg_sim_book_advance(&c->v->book, c->now_ms);
    /* Ids hi down to lo (inclusive) are in range. */
    int64_t top = (int64_t)b->norders;
    int64_t hi = pg->after >= 0 && pg->after <= top ? pg->after - 1 : top;
    int64_t lo = pg->before < 0     ? 1
                 : pg->before < top ? pg->before + 1
                                    : top + 1;
    if (pg->before >= 0 && pg->after < 0) {
        /* The `limit` nearest above "before", then turned newest first. */
        for (int64_t id = lo; id <= hi && n < (size_t)pg->limit; id++) {
            if (okx_sim_order_match(c, f, &b->orders[id - 1])) {
                picked[n++] = (size_t)(id - 1);
            }
        }
        for (size_t i = 0; i < n / 2; i++) {
            size_t t = picked[i];
            picked[i] = picked[n - 1 - i];
            picked[n - 1 - i] = t;
        }
    } else {
        for (int64_t id = hi; id >= lo && n < (size_t)pg->limit; id--) {
            if (okx_sim_order_match(c, f, &b->orders[id - 1])) {
                picked[n++] = (size_t)(id - 1);
            }
        }
    }
    for (size_t i = 0; i < n; i++) {
        json_array_append_new(data,
                              okx_sim_order_json(b, &b->orders[picked[i]]));
    }
    xg_sim_venue_unlock(c->v);
    return data;
}

/* The filters orders-pending and orders-history share; false (resp set)
 * if one is malformed. */
static bool
okx_sim_order_filter_read(const okx_call *c, bool type_required,
                          okx_order_filter *f, okx_page *pg)
{
    okx_inst_type t = OKX_TYPE_NONE;

    memset(f, 0, sizeof(*f));
    if (!okx_sim_inst_type_param(c, type_required, &t) ||
        !okx_sim_page_read(c, pg) ||
        !okx_sim_time_range_read(c, &f->begin, &f->end)) {
        return false;
    }
    if (!okx_sim_name_bits(okx_sim_param(c, "ordType"), okx_type_names, 0,
                           sizeof(okx_type_names) / sizeof(okx_type_names[0]),
                           &f->types)) {
        okx_sim_param_error(c, "ordType");
        return false;
    }
    /* Only spot exists here: nothing of another type. */
    f->is_none = t == OKX_TYPE_OTHER;
    f->inst_id = okx_sim_param(c, "instId");
    if (f->inst_id != NULL && f->inst_id[0] == '\0') {
        f->inst_id = NULL;
    }
    return true;
}

void
okx_sim_pending(const okx_call *c)
{
    okx_order_filter f;
    okx_page pg;

    if (!okx_sim_order_filter_read(c, false, &f, &pg)) {
        return;
    }
    /* Pending: live, partially_filled. */
    if (!okx_sim_name_bits(okx_sim_param(c, "state"), okx_state_names, 0, 2,
                           &f.states)) {
        okx_sim_param_error(c, "state");
        return;
    }
    f.is_open = true;
    okx_sim_ok(c->resp, okx_sim_order_page(c, &f, &pg));
}

/*
 * Completed orders: filled, or canceled (an IOC/FOK remainder, a
 * partly filled order canceled: OKX shows them all "canceled"), newest
 * first by ordId. OKX keeps them 7 days here and 3 months in the archive,
 * and a canceled order that never filled only 2 hours in either.
 */
void
okx_sim_history(const okx_call *c, bool is_archive)
{
    okx_order_filter f;
    okx_page pg;

    if (!okx_sim_order_filter_read(c, true, &f, &pg)) {
        return;
    }
    /* History: filled, canceled (mmp_canceled never happens here). */
    const char *state = okx_sim_param(c, "state");
    if (state != NULL && strcmp(state, "mmp_canceled") == 0) {
        f.is_none = true;
    } else if (!okx_sim_name_bits(state, okx_state_names, 2, 4, &f.states)) {
        okx_sim_param_error(c, "state");
        return;
    }
    f.since_ms = c->now_ms - (is_archive ? 92 : 7) * OKX_DAY_MS;
    f.since_unfilled_ms = c->now_ms - 2 * 3600 * 1000LL;
    okx_sim_ok(c->resp, okx_sim_order_page(c, &f, &pg));
}

/* One fill as GET /trade/fills shows it (lock held). */
static json_t *
okx_sim_fill_json(const xg_sim_book *b, const xg_sim_fill *fl)
{
    char trade[24], ord[24], bill[24], ts[24];
    char fee[XG_SIM_FIXED_BUFSZ + 1];
    const xg_sim_instrument *in = &b->instruments[fl->instrument];
    const xg_sim_order *o = &b->orders[fl->order_id - 1];

    okx_sim_ms_text(fl->trade_id, trade);
    okx_sim_ms_text(fl->order_id, ord);
    okx_sim_ms_text(fl->seq, bill);
    okx_sim_ms_text(fl->time_ms, ts);
    okx_sim_fee_text(fl->fee, fee);
    return json_pack(
        "{ss ss ss ss ss ss ss ss so so ss ss ss ss ss ss ss ss ss ss ss ss}",
        "instType", "SPOT", "instId", in->symbol, "tradeId", trade, "ordId",
        ord, "clOrdId", o->client_id, "billId", bill,
        /* Spot bill subtypes: 1 buy, 2 sell. */
        "subType", fl->side == XG_SIM_BUY ? "1" : "2", "tag", "", "fillPx",
        okx_sim_amount(fl->price), "fillSz", okx_sim_amount(fl->qty), "side",
        fl->side == XG_SIM_BUY ? "buy" : "sell", "posSide", "net", "execType",
        fl->is_maker ? "M" : "T", "feeCcy",
        fl->is_fee_quote ? in->quote : in->base, "fee", fee, "fillPnl", "0",
        "fillIdxPx", "", "fillMarkPx", "", "fillPxVol", "", "fillPxUsd", "",
        "ts", ts, "fillTime", ts);
}

/*
 * The account's fills, newest first by billId, walked down the account's
 * chain in the book's fill history (a fill the bounded history dropped is
 * gone, as on the venue after its retention). OKX keeps 3 days on
 * /trade/fills and 3 months on /trade/fills-history, which also needs
 * instType.
 */
void
okx_sim_fills(const okx_call *c, bool is_archive)
{
    okx_inst_type t = OKX_TYPE_NONE;
    okx_page pg;
    int64_t begin = -1, end = -1, ord_id = -1;
    const xg_sim_fill *ring[OKX_SIM_PAGE];
    size_t n = 0, head = 0;
    json_t *data = NULL;
    const xg_sim_book *b = &c->v->book;
    size_t inst = SIZE_MAX;

    if (!okx_sim_inst_type_param(c, is_archive, &t) ||
        !okx_sim_page_read(c, &pg) ||
        !okx_sim_time_range_read(c, &begin, &end)) {
        return;
    }
    if (!okx_sim_uint_param(c, "ordId", 1, INT64_MAX, &ord_id)) {
        okx_sim_param_error(c, "ordId");
        return;
    }
    const char *inst_id = okx_sim_param(c, "instId");
    if (inst_id != NULL && inst_id[0] != '\0' &&
        xg_sim_book_find_instrument(b, inst_id, &inst) != XG_OK) {
        okx_sim_ok(c->resp, json_array());
        return;
    }
    data = json_array();
    if (t == OKX_TYPE_OTHER) {
        okx_sim_ok(c->resp, data);
        return;
    }
    int64_t since = c->now_ms - (is_archive ? 92 : 3) * OKX_DAY_MS;
    xg_sim_venue_lock(c->v);
    xg_sim_book_advance(&c->v->book, c->now_ms);
    const xg_sim_fill *fl =
        xg_sim_book_fill(b, b->accounts[c->account].last_fill_seq);
    /* Newest first; with "before" alone the ring keeps the last `limit`
     * seen, the ones nearest above the anchor. */
    for (; fl != NULL; fl = xg_sim_book_fill(b, fl->prev_account_seq)) {
        if (fl->time_ms < since || (pg.before >= 0 && fl->seq <= pg.before)) {
            break;
        }
        if ((pg.after >= 0 && fl->seq >= pg.after) ||
            (inst != SIZE_MAX && fl->instrument != inst) ||
            (ord_id > 0 && fl->order_id != ord_id) ||
            (begin >= 0 && fl->time_ms < begin) ||
            (end >= 0 && fl->time_ms > end)) {
            continue;
        }
        if (pg.before >= 0 && pg.after < 0) {
            ring[(head + n) % OKX_SIM_PAGE] = fl;
            if (n < (size_t)pg.limit) {
                n++;
            } else {
                head = (head + 1) % OKX_SIM_PAGE;
            }
            continue;
        }
        ring[n++] = fl;
        if (n == (size_t)pg.limit) {
            break;
        }
    }
    for (size_t i = 0; i < n; i++) {
        json_array_append_new(
            data, okx_sim_fill_json(b, ring[(head + i) % OKX_SIM_PAGE]));
    }
    xg_sim_venue_unlock(c->v);
    okx_sim_ok(c->resp, data);
}
