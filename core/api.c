/*
 * api.c - the strategies' requests (see api.h).
 */
#include "api.h"

#include <stdio.h>
#include <string.h>

#include <zmq.h>

#include "act.h"
#include "lifecycle.h"
#include "placement.h"
#include "routing.h"
#include "xgate/buf.h"

/* A ZeroMQ identity is at most 255 bytes. */
#define IDENTITY_MAX 256

typedef struct peer {
    char id[IDENTITY_MAX];
    size_t id_len;
    int has_delimiter; /* REQ sockets put an empty frame before the body */
} peer;

void
xg__api_init(xg__api *api, void *router_sock, xg__outbox *outbox, xg__state *st)
{
    memset(api, 0, sizeof *api);
    api->router_sock = router_sock;
    api->outbox = outbox;
    api->st = st;
}

static void
reply(xg__api *api, const peer *p, const xg_buf *b)
{
    xg__outbox_add(api->outbox, XG_OUTBOX_REPLY, p->id, p->id_len,
                   p->has_delimiter, b->data, b->len);
}

static void
reply_error(xg__api *api, const peer *p, const char *req_id,
            const char *client_id, xg_err err, const char *detail)
{
    xg_buf b;
    xg_buf_init(&b, api->reply, sizeof api->reply);
    xg__encode_reply_error(&b, req_id, api->st->events.start_id, client_id, err,
                           detail);
    reply(api, p, &b);
}

static void
reply_order(xg__api *api, const peer *p, const char *req_id, uint32_t slot)
{
    const xg__order_rec *r = xg__orders_get(api->st->orders, slot);
    xg_order_view view;
    xg__order_view(r, xg__state_venue_name(api->st, r), &view);
    xg_buf b;
    xg_buf_init(&b, api->reply, sizeof api->reply);
    xg__encode_reply_order(&b, req_id, api->st->events.start_id, &view);
    reply(api, p, &b);
}

static void
reply_venues(xg__api *api, const peer *p, const char *req_id)
{
    const xg__state *st = api->st;
    xg_venue_view views[XG_MAX_VENUES];
    xg_bucket_view buckets[XG_MAX_VENUES][8];
    for (size_t i = 0; i < st->n_venues; i++) {
        xg__venue_view(&st->venues[i], st->now.wall_ms, st->now.mono_ms,
                       &views[i], buckets[i], 8);
    }
    xg_buf b;
    xg_buf_init(&b, api->reply, sizeof api->reply);
    xg__encode_reply_venues(&b, req_id, st->events.start_id, views,
                            st->n_venues);
    reply(api, p, &b);
}

/* The venue m's filter names (-1 for any) into *venue; false, with the
 * error replied, when it is not configured. */
static int
filter_venue(xg__api *api, const peer *p, const xg_msg *m, int *venue)
{
    *venue = -1;
    if (m->n_venues == 0) {
        return 1;
    }
    *venue = xg__state_venue_by_name(api->st, m->venues[0]);
    if (*venue < 0) {
        char detail[XG_DETAIL_MAX];
        snprintf(detail, sizeof detail, "venue %s is not configured",
                 m->venues[0]);
        reply_error(api, p, m->req_id, "", XG_ERR_UNKNOWN_VENUE, detail);
        return 0;
    }
    return 1;
}

/* Whether r is one of the orders m's filters select: the strategy's, not
 * final, of the symbol and venue if named. */
static int
is_selected(const xg__order_rec *r, const xg_msg *m, int venue)
{
    return r != NULL && !xg_order_status_is_final(r->status) &&
           strcmp(r->order.strategy_id, m->order.strategy_id) == 0 &&
           (m->order.symbol[0] == '\0' ||
            strcmp(r->order.symbol, m->order.symbol) == 0) &&
           (venue < 0 || r->venue == venue);
}

/* One page of the selected orders in slot order from m->cursor. A scan
 * of the order table: open_orders is for a strategy catching up (after a
 * restart, say), not for every turn. */
static void
reply_open_orders(xg__api *api, const peer *p, const xg_msg *m)
{
    xg__state *st = api->st;
    int venue;
    if (!filter_venue(api, p, m, &venue)) {
        return;
    }
    xg_order_view views[XG_OPEN_ORDERS_PAGE_MAX];
    size_t n = 0;
    uint32_t next = 0;
    size_t top = xg__orders_high_water(st->orders);
    for (size_t slot = m->cursor; slot < top; slot++) {
        const xg__order_rec *r = xg__orders_get(st->orders, (uint32_t)slot);
        if (!is_selected(r, m, venue)) {
            continue;
        }
        if (n == m->limit) {
            next = (uint32_t)slot;
            break;
        }
        xg__order_view(r, xg__state_venue_name(st, r), &views[n++]);
    }
    xg_buf b;
    xg_buf_init(&b, api->page, sizeof api->page);
    xg__encode_reply_orders(&b, m->req_id, st->events.start_id, views, n, next);
    reply(api, p, &b);
}

/* One page of the fills told of the order in slot, in the order told,
 * from m->cursor (the index of the first). */
static void
reply_fills(xg__api *api, const peer *p, const xg_msg *m, uint32_t slot)
{
    const xg__state *st = api->st;
    const xg__order_rec *r = xg__orders_get(st->orders, slot);
    const xg_fill *fills[XG_OPEN_ORDERS_PAGE_MAX];
    size_t n = 0;
    uint32_t next = 0, index = 0;
    for (uint32_t at = xg__orders_fills_first(st->orders, slot); at != 0;
         at = xg__orders_fills_next(st->orders, at), index++) {
        if (index < m->cursor) {
            continue;
        }
        if (n == m->limit) {
            next = index;
            break;
        }
        fills[n++] = xg__orders_fill(st->orders, at);
    }
    xg_order_view view;
    xg__order_view(r, xg__state_venue_name(st, r), &view);
    xg_buf b;
    xg_buf_init(&b, api->page, sizeof api->page);
    xg__encode_reply_fills(&b, m->req_id, st->events.start_id, &view, fills, n,
                           next);
    reply(api, p, &b);
}

/* Cancel up to XG_CANCEL_ALL_MAX selected orders, each as cancel_order
 * would (cancels go first in their venue's queue); the reply lists them
 * and says whether more are left. An order whose cancel is already on its
 * way is left to it and not counted, so asking again after "more" gets
 * to the next orders. */
/* The symbols of venues where one mass cancel can do a cancel_all's work:
 * the venue has one (caps.cancel_symbol), is UP, its account holds no
 * orders but the gateway's (config exclusive_account), and every open
 * order the gateway has there on that symbol is one this request
 * cancels (a mass cancel takes them all). A group of one is canceled
 * alone. At most MASS_GROUPS symbols a request; the rest go one by one,
 * and so does everything when the request selects more orders than it
 * handles (XG_CANCEL_ALL_MAX): a mass cancel must not take an order the
 * reply does not list. */
#define MASS_GROUPS 64

typedef struct mass_group {
    int venue;
    const char *symbol; /* borrowed from an order */
    size_t n_open, n_selected;
    int is_usable;  /* the mass cancel goes */
    uint32_t index; /* ... for this instrument of the venue's */
} mass_group;

static int
can_mass_cancel(const xg__venue *v)
{
    return v->plugin->api->caps.cancel_symbol != 0 &&
           v->cfg->is_exclusive_account && v->health.state == XG_VENUE_UP;
}

static mass_group *
group_of(mass_group *g, size_t *n, int venue, const char *symbol)
{
    for (size_t i = 0; i < *n; i++) {
        if (g[i].venue == venue && strcmp(g[i].symbol, symbol) == 0) {
            return &g[i];
        }
    }
    if (*n == MASS_GROUPS) {
        return NULL;
    }
    g[*n] = (mass_group){venue, symbol, 0, 0, 0, 0};
    return &g[(*n)++];
}

static size_t
find_mass_groups(xg__state *st, const xg_msg *m, int venue, mass_group *g)
{
    size_t n = 0;
    size_t n_selected = 0;
    size_t top = xg__orders_high_water(st->orders);
    for (uint32_t slot = 0; slot < top; slot++) {
        const xg__order_rec *r = xg__orders_get(st->orders, slot);
        n_selected += is_selected(r, m, venue) && !r->cancel_requested;
        if (r == NULL || r->venue < 0 || !xg__lifecycle_is_open(r->status) ||
            !can_mass_cancel(&st->venues[r->venue])) {
            continue;
        }
        mass_group *grp = group_of(g, &n, r->venue, r->order.symbol);
        if (grp != NULL) {
            grp->n_open++;
            grp->n_selected += is_selected(r, m, venue) && !r->cancel_requested;
        }
    }
    for (size_t i = 0; i < n; i++) {
        const xg__venue *v = &st->venues[g[i].venue];
        const xg_instrument *ins = xg__venue_instrument(v, g[i].symbol);
        g[i].is_usable = g[i].n_selected == g[i].n_open && g[i].n_open >= 2 &&
                         ins != NULL && n_selected <= XG_CANCEL_ALL_MAX;
        g[i].index = ins != NULL ? (uint32_t)(ins - v->instruments) : 0;
    }
    return n;
}

static int
is_mass_canceled(const mass_group *g, size_t n, const xg__order_rec *r)
{
    if (!xg__lifecycle_is_open(r->status)) {
        return 0;
    }
    for (size_t i = 0; i < n; i++) {
        if (g[i].venue == r->venue && strcmp(g[i].symbol, r->order.symbol) == 0) {
            return g[i].is_usable;
        }
    }
    return 0;
}

static void
cancel_all(xg__api *api, const peer *p, const xg_msg *m)
{
    xg__state *st = api->st;
    int venue;
    if (!filter_venue(api, p, m, &venue)) {
        return;
    }
    mass_group groups[MASS_GROUPS];
    size_t n_groups = find_mass_groups(st, m, venue, groups);
    size_t n = 0;
    int has_more = 0;
    size_t top = xg__orders_high_water(st->orders);
    for (size_t slot = 0; slot < top; slot++) {
        const xg__order_rec *r = xg__orders_get(st->orders, (uint32_t)slot);
        if (!is_selected(r, m, venue) || r->cancel_requested) {
            continue;
        }
        if (n == XG_CANCEL_ALL_MAX) {
            has_more = 1;
            break;
        }
        if (is_mass_canceled(groups, n_groups, r)) {
            xg__act_cancel_with_symbol(st, (uint32_t)slot);
        } else {
            char detail[XG_DETAIL_MAX];
            /* Only a final order is refused, and none is selected. */
            (void)xg__act_cancel(st, (uint32_t)slot, detail, sizeof detail);
        }
        api->cancel_ids[n++] = r->order.client_id;
    }
    for (size_t i = 0; i < n_groups; i++) {
        if (groups[i].is_usable) {
            xg__act_queue_cancel_symbol(st, &st->venues[groups[i].venue],
                                        groups[i].index, 0);
        }
    }
    xg_buf b;
    xg_buf_init(&b, api->page, sizeof api->page);
    xg__encode_reply_cancel_all(&b, m->req_id, st->events.start_id,
                                api->cancel_ids, n, has_more);
    reply(api, p, &b);
}

static void
reply_ok(xg__api *api, const peer *p, const char *req_id)
{
    xg_buf b;
    xg_buf_init(&b, api->reply, sizeof api->reply);
    xg__encode_reply_ok(&b, req_id, api->st->events.start_id);
    reply(api, p, &b);
}

/* The order m names, if it is the requesting strategy's: another
 * strategy's order is as unknown to it as one that does not exist. */
static uint32_t
find_own_order(xg__api *api, const xg_msg *m)
{
    uint32_t slot = xg__orders_find(api->st->orders, m->order.client_id);
    if (slot == XG_ORDER_NONE) {
        return slot;
    }
    const xg__order_rec *r = xg__orders_get(api->st->orders, slot);
    return strcmp(r->order.strategy_id, m->order.strategy_id) == 0
               ? slot
               : XG_ORDER_NONE;
}

/* The order's route: its own venues list, else the configuration's
 * route for the symbol, else every venue in configuration order. */
static xg_err
resolve_route(const xg__state *st, const xg_msg *m, uint8_t route[XG_MAX_ROUTE],
              size_t *n_route, char *detail, size_t detail_len)
{
    *n_route = 0;
    if (m->n_venues > 0) {
        for (size_t i = 0; i < m->n_venues; i++) {
            int vi = xg__state_venue_by_name(st, m->venues[i]);
            if (vi < 0) {
                snprintf(detail, detail_len, "venue %s is not configured",
                         m->venues[i]);
                return XG_ERR_UNKNOWN_VENUE;
            }
            route[(*n_route)++] = (uint8_t)vi;
        }
        return XG_OK;
    }
    const xg__route *cr = xg__config_route(st->cfg, m->order.symbol);
    size_t n = cr != NULL ? cr->n_venues : st->n_venues;
    for (size_t i = 0; i < n && *n_route < XG_MAX_ROUTE; i++) {
        int vi =
            cr != NULL ? xg__state_venue_by_name(st, cr->venues[i]) : (int)i;
        if (vi >= 0) {
            route[(*n_route)++] = (uint8_t)vi;
        }
    }
    return XG_OK;
}

/* Take new order m: routed, checked whole and added to the table in
 * *slot with its venue chosen (*c, to announce once the strategy has its
 * reply). Otherwise the error, and why in detail. */
static xg_err
accept_order(xg__api *api, xg_msg *m, uint32_t *slot, xg__choice *c,
             char *detail, size_t detail_len)
{
    xg__state *st = api->st;
    if (!api->is_ready) {
        snprintf(detail, detail_len, "gateway is starting");
        return XG_ERR_BUSY;
    }
    uint8_t route[XG_MAX_ROUTE];
    size_t n_route;
    xg_err e = resolve_route(st, m, route, &n_route, detail, detail_len);
    if (e != XG_OK) {
        return e;
    }
    /* The client order id first: the order is checked whole. */
    if (m->order.client_id[0] == '\0') {
        xg__orders_new_client_id(st->orders, m->order.client_id);
    }
    int64_t deadline_ms =
        m->max_wait_ms > 0 ? st->now.wall_ms + m->max_wait_ms : 0;
    xg__want w = xg__routing_new_want(st, &m->order, route, n_route,
                                      m->requantize, deadline_ms);
    xg__placement_choose(st->venues, &w, st->now.mono_ms, st->now.wall_ms, c);
    if (c->venue < 0) {
        snprintf(detail, detail_len, "%s", c->detail);
        return c->err;
    }
    e = xg__orders_add(st->orders, m->order.client_id, slot);
    if (e != XG_OK) {
        snprintf(detail, detail_len, "%s",
                 e == XG_ERR_DUPLICATE_ID ? "client_order_id already used"
                                          : "order table full");
        return e;
    }
    xg__order_rec *r = xg__orders_get(st->orders, *slot);
    r->order = m->order;
    memcpy(r->route, route, n_route);
    r->n_route = (uint8_t)n_route;
    r->is_requantize = (uint8_t)m->requantize;
    r->deadline_ms = deadline_ms;
    r->asked_qty = m->order.qty;
    r->asked_price = m->order.price;
    xg__routing_accept(st, *slot, c);
    return XG_OK;
}

static void
new_order(xg__api *api, const peer *p, xg_msg *m)
{
    char detail[XG_DETAIL_MAX] = "";
    uint32_t slot;
    xg__choice c;
    xg_err e = accept_order(api, m, &slot, &c, detail, sizeof detail);
    if (e != XG_OK) {
        reply_error(api, p, m->req_id, m->order.client_id, e, detail);
        return;
    }
    reply_order(api, p, m->req_id, slot);
    xg__routing_announce(api->st, slot, &c);
}

/* batch_new: each order of batch (the request's text, data) taken as a
 * new_order would be, in order; one reply with each one's outcome, then
 * the placed ones announced. Orders of one venue and symbol then wait in
 * its queue together, and the sender packs them into batch requests. */
static void
batch_new(xg__api *api, const peer *p, const xg_msg *req, const char *data)
{
    xg__state *st = api->st;
    xg__api_batch *bt = &api->batch;
    for (size_t i = 0; i < req->n_orders; i++) {
        const xg_msg_span *s = &req->orders[i];
        xg_msg *m = &bt->msgs[i];
        char *detail = bt->details[i];
        detail[0] = '\0';
        xg_err e = xg__msg_parse_order(data + s->start, s->len, m, detail,
                                       XG_DETAIL_MAX);
        if (e == XG_OK) {
            e = accept_order(api, m, &bt->slots[i], &bt->choices[i], detail,
                             XG_DETAIL_MAX);
        }
        bt->results[i] = (xg_placed_view){NULL, m->order.client_id, e, detail};
        if (e == XG_OK) {
            const xg__order_rec *r = xg__orders_get(st->orders, bt->slots[i]);
            xg__order_view(r, xg__state_venue_name(st, r), &bt->views[i]);
            bt->results[i].view = &bt->views[i];
        }
    }
    xg_buf b;
    xg_buf_init(&b, api->page, sizeof api->page);
    xg__encode_reply_batch(&b, req->req_id, st->events.start_id, bt->results,
                           req->n_orders);
    reply(api, p, &b);
    for (size_t i = 0; i < req->n_orders; i++) {
        if (bt->results[i].view != NULL) {
            xg__routing_announce(st, bt->slots[i], &bt->choices[i]);
        }
    }
}

/* balances: each venue's (or the one asked for) balances as cached, and
 * a request to the venue for newer ones where they are older than
 * max_age_ms; those come as a balances event. Answering from the cache
 * keeps the reply immediate and the venue's limits untouched by a
 * strategy asking often. */
static void
reply_balances(xg__api *api, const peer *p, const xg_msg *m)
{
    xg__state *st = api->st;
    int only = -1;
    if (!filter_venue(api, p, m, &only)) {
        return;
    }
    xg_balances_view views[XG_MAX_VENUES];
    size_t n = 0;
    for (size_t i = 0; i < st->n_venues; i++) {
        xg__venue *v = &st->venues[i];
        if (only >= 0 && (size_t)only != i) {
            continue;
        }
        int64_t age = v->balances_wall_ms > 0
                          ? st->now.mono_ms - v->balances_mono_ms
                          : -1;
        if ((age < 0 || age > m->max_age_ms) && !v->balances_asked) {
            v->balances_asked = 1;
            xg__act_queue_venue_op(st, v, XG_OP_BALANCES, 0);
        }
        views[n++] = (xg_balances_view){v->cfg->name,     v->balances,
                                        v->n_balances,    age,
                                        v->balances_wall_ms,
                                        v->balances_asked};
    }
    xg_buf b;
    xg_buf_init(&b, api->page, sizeof api->page);
    xg__encode_reply_balances(&b, m->req_id, st->events.start_id, views, n);
    reply(api, p, &b);
}

/* The price and total quantity m asks of order r: what m leaves out
 * stays, rounded to its venue's steps when m allows, checked against the
 * instrument, and above what has filled. */
static xg_err
amend_target(const xg__state *st, const xg__order_rec *r, const xg_msg *m,
             xg_order *o, char *detail, size_t detail_len)
{
    *o = r->order;
    if (o->type == XG_TYPE_MARKET) {
        snprintf(detail, detail_len, "a MARKET order cannot be amended");
        return XG_ERR_BAD_FIELD;
    }
    if (xg_decimal_is_positive(m->order.price)) {
        o->price = m->order.price;
    }
    if (xg_decimal_is_positive(m->order.qty)) {
        o->qty = m->order.qty;
    }
    const xg_instrument *ins =
        r->venue >= 0 ? xg__venue_instrument(&st->venues[r->venue], o->symbol)
                      : NULL;
    xg_err e = m->requantize && ins != NULL ? xg_order_requantize(o, ins)
                                            : XG_OK;
    if (e == XG_OK) {
        e = xg_order_validate(o, ins, detail, detail_len);
    }
    if (e != XG_OK) {
        return e;
    }
    if (xg_decimal_cmp(o->price, r->order.price) == 0 &&
        xg_decimal_cmp(o->qty, r->order.qty) == 0) {
        snprintf(detail, detail_len, "the order has that price and qty");
        return XG_ERR_BAD_FIELD;
    }
    if (xg_decimal_cmp(o->qty, r->exec.filled_qty) <= 0) {
        snprintf(detail, detail_len, "qty is not above what has filled");
        return XG_ERR_BAD_QTY;
    }
    return XG_OK;
}

static void
amend_order(xg__api *api, const peer *p, const xg_msg *m, uint32_t slot)
{
    xg__state *st = api->st;
    const xg__order_rec *r = xg__orders_get(st->orders, slot);
    char detail[XG_DETAIL_MAX] = "";
    const char *how = NULL;
    xg_order o;
    xg_err e = xg__act_can_amend(st, slot, detail, sizeof detail);
    if (e == XG_OK) {
        e = amend_target(st, r, m, &o, detail, sizeof detail);
    }
    if (e == XG_OK) {
        e = xg__act_amend(st, slot, o.price, o.qty, &how, detail,
                          sizeof detail);
    }
    if (e != XG_OK) {
        reply_error(api, p, m->req_id, m->order.client_id, e, detail);
        return;
    }
    xg_order_view view;
    xg__order_view(r, xg__state_venue_name(st, r), &view);
    xg_buf b;
    xg_buf_init(&b, api->reply, sizeof api->reply);
    xg__encode_reply_amend(&b, m->req_id, st->events.start_id, &view, how);
    reply(api, p, &b);
}

static void
handle_request(xg__api *api, const peer *p, const void *data, size_t len)
{
    xg_msg m;
    char detail[XG_DETAIL_MAX] = "";
    xg_err e = xg__msg_parse(data, len, &m, detail, sizeof detail);
    if (e != XG_OK) {
        reply_error(api, p, m.req_id, m.order.client_id, e, detail);
        return;
    }
    size_t held = xg__outbox_held(api->outbox, p->id, p->id_len);
    if (held > 0) {
        snprintf(detail, sizeof detail,
                 "%zu replies wait unread: read them, then send again", held);
        reply_error(api, p, m.req_id, m.order.client_id, XG_ERR_BUSY, detail);
        return;
    }
    uint32_t slot;
    switch (m.kind) {
    case XG_MSG_NEW_ORDER:
        new_order(api, p, &m);
        return;
    case XG_MSG_CANCEL_ORDER:
    case XG_MSG_QUERY_ORDER:
    case XG_MSG_AMEND_ORDER:
    case XG_MSG_ORDER_FILLS:
        slot = find_own_order(api, &m);
        if (slot == XG_ORDER_NONE) {
            reply_error(api, p, m.req_id, m.order.client_id,
                        XG_ERR_UNKNOWN_ORDER,
                        "no such client_order_id for this strategy");
            return;
        }
        if (m.kind == XG_MSG_AMEND_ORDER) {
            amend_order(api, p, &m, slot);
            return;
        }
        if (m.kind == XG_MSG_ORDER_FILLS) {
            reply_fills(api, p, &m, slot);
            return;
        }
        if (m.kind == XG_MSG_CANCEL_ORDER &&
            (e = xg__act_cancel(api->st, slot, detail, sizeof detail)) !=
                XG_OK) {
            reply_error(api, p, m.req_id, m.order.client_id, e, detail);
            return;
        }
        reply_order(api, p, m.req_id, slot);
        return;
    case XG_MSG_VENUE_STATUS:
        reply_venues(api, p, m.req_id);
        return;
    case XG_MSG_OPEN_ORDERS:
        reply_open_orders(api, p, &m);
        return;
    case XG_MSG_CANCEL_ALL:
        cancel_all(api, p, &m);
        return;
    case XG_MSG_BATCH_NEW:
        batch_new(api, p, &m, data);
        return;
    case XG_MSG_BALANCES:
        reply_balances(api, p, &m);
        return;
    case XG_MSG_HELLO:
        reply_ok(api, p, m.req_id);
        xg__events_hello(&api->st->events, m.order.strategy_id, m.req_id,
                         api->st->now.wall_ms);
        return;
    }
}

/* Read one multi-part request: [identity, (empty,) body]. Returns 0 when
 * nothing is waiting. */
static int
read_request(xg__api *api)
{
    zmq_msg_t frames[3];
    size_t n = 0;
    int more = 1;
    int extra = 0;
    while (more) {
        zmq_msg_t f;
        zmq_msg_init(&f);
        if (zmq_msg_recv(&f, api->router_sock, n == 0 ? ZMQ_DONTWAIT : 0) < 0) {
            zmq_msg_close(&f);
            if (n == 0) {
                return 0;
            }
            break;
        }
        more = zmq_msg_more(&f);
        if (n < 3) {
            frames[n++] = f;
        } else {
            extra = 1;
            zmq_msg_close(&f);
        }
    }
    peer p;
    memset(&p, 0, sizeof p);
    size_t id_len = zmq_msg_size(&frames[0]);
    p.id_len = id_len < IDENTITY_MAX ? id_len : IDENTITY_MAX;
    memcpy(p.id, zmq_msg_data(&frames[0]), p.id_len);
    if (n == 3 && zmq_msg_size(&frames[1]) == 0) {
        p.has_delimiter = 1;
    }
    if (n < 2 || (n == 3 && !p.has_delimiter) || extra) {
        reply_error(api, &p, "", "", XG_ERR_BAD_REQUEST,
                    "a request is one frame of JSON");
    } else {
        zmq_msg_t *body = &frames[n - 1];
        handle_request(api, &p, zmq_msg_data(body), zmq_msg_size(body));
    }
    for (size_t i = 0; i < n; i++) {
        zmq_msg_close(&frames[i]);
    }
    return 1;
}

size_t
xg__api_read(xg__api *api, size_t max)
{
    size_t n = 0;
    while (n < max && read_request(api)) {
        n++;
    }
    api->n_read += n;
    return n;
}
