/*
 * orders.c - order pool, client-id index and id generation.
 *
 * Two indexes, by the strategy's client id and by the gateway id (what
 * a venue's stream names an order by: its venue client id is the gateway
 * id plus an attempt digit), each open addressing with linear probing
 * over twice the pool's capacity, deleted by backward shift, so lookups
 * stay short without tombstones. Each order keeps the trade ids of the
 * fills its strategy was told of, a chain in one pool of notes (a venue
 * may tell a fill again; the strategy hears it once). Finished orders are kept
 * in a FIFO and forgotten oldest first when the pool is full: strategies can
 * query recent history, and an open order is never dropped.
 */
#include "orders.h"

#include <stdlib.h>
#include <string.h>

#include "xgate/buf.h"

/* Which id of a record an index is keyed by. */
typedef enum id_kind { BY_CLIENT_ID, BY_GW_ID } id_kind;

typedef struct id_index {
    id_kind kind;
    uint32_t *slots; /* slot numbers; XG_ORDER_NONE when empty */
    size_t mask;
} id_index;

/* A fill an order's strategy was told of, in the order's chain. */
typedef struct fill_note {
    xg_fill fill;
    int venue;
    uint32_t next; /* the next of the order's chain or of the free list,
                      as index + 1; 0 ends */
} fill_note;

struct xg__orders {
    xg__order_rec *recs;
    size_t cap;
    id_index by_client, by_gw;
    fill_note *fills; /* grows by doubling; freed notes chain from free */
    size_t n_fills, cap_fills;
    uint32_t fills_free;
    uint32_t *free_list;
    size_t n_free;
    uint32_t *done_fifo; /* finished slots, oldest first */
    size_t done_head, done_count;
    char id_prefix[9]; /* boot time in base 36 */
    uint64_t seq;
    uint64_t client_seq;
    uint32_t serial; /* the last record serial handed out */
    size_t n_open;
    size_t high_water; /* slots ever handed out: [0, high_water) */
};

static const char b36[] = "0123456789abcdefghijklmnopqrstuvwxyz";

static void
put_b36(char *out, size_t width, uint64_t v)
{
    for (size_t i = width; i-- > 0;) {
        out[i] = b36[v % 36];
        v /= 36;
    }
}

static uint64_t
hash_id(const char *s)
{
    uint64_t h = 1469598103934665603ULL; /* FNV-1a */
    for (; *s != '\0'; s++) {
        h ^= (unsigned char)*s;
        h *= 1099511628211ULL;
    }
    return h;
}

static const char *
key_of(const xg__orders *o, id_kind kind, uint32_t slot)
{
    const xg__order_rec *r = &o->recs[slot];
    return kind == BY_CLIENT_ID ? r->order.client_id : r->gw_id;
}

static xg_err
index_init(id_index *x, id_kind kind, size_t icap)
{
    x->kind = kind;
    x->mask = icap - 1;
    x->slots = malloc(icap * sizeof *x->slots);
    if (x->slots == NULL) {
        return XG_ERR_NOMEM;
    }
    memset(x->slots, 0xff, icap * sizeof *x->slots);
    return XG_OK;
}

static uint32_t
index_find(const xg__orders *o, const id_index *x, const char *key)
{
    for (size_t i = hash_id(key) & x->mask;; i = (i + 1) & x->mask) {
        uint32_t slot = x->slots[i];
        if (slot == XG_ORDER_NONE) {
            return XG_ORDER_NONE;
        }
        if (strcmp(key_of(o, x->kind, slot), key) == 0) {
            return slot;
        }
    }
}

static void
index_insert(const xg__orders *o, id_index *x, uint32_t slot)
{
    size_t i = hash_id(key_of(o, x->kind, slot)) & x->mask;
    while (x->slots[i] != XG_ORDER_NONE) {
        i = (i + 1) & x->mask;
    }
    x->slots[i] = slot;
}

static void
index_remove(const xg__orders *o, id_index *x, uint32_t slot)
{
    size_t i = hash_id(key_of(o, x->kind, slot)) & x->mask;
    while (x->slots[i] != slot) {
        i = (i + 1) & x->mask;
    }
    /* Backward-shift deletion: pull later members of the probe run into
     * the hole when their home position allows it. */
    size_t hole = i;
    for (size_t j = (i + 1) & x->mask; x->slots[j] != XG_ORDER_NONE;
         j = (j + 1) & x->mask) {
        size_t home = hash_id(key_of(o, x->kind, x->slots[j])) & x->mask;
        size_t dist_j = (j - home) & x->mask;
        size_t dist_hole = (hole - home) & x->mask;
        if (dist_hole <= dist_j) {
            x->slots[hole] = x->slots[j];
            hole = j;
        }
    }
    x->slots[hole] = XG_ORDER_NONE;
}

xg__orders *
xg__orders_new(size_t capacity, int64_t boot_ms)
{
    xg__orders *o = calloc(1, sizeof *o);
    if (o == NULL) {
        return NULL;
    }
    size_t icap = 16;
    while (icap < capacity * 2) {
        icap *= 2;
    }
    o->cap = capacity;
    o->recs = calloc(capacity, sizeof *o->recs);
    o->free_list = malloc(capacity * sizeof *o->free_list);
    o->done_fifo = malloc(capacity * sizeof *o->done_fifo);
    if (o->recs == NULL || o->free_list == NULL || o->done_fifo == NULL ||
        index_init(&o->by_client, BY_CLIENT_ID, icap) != XG_OK ||
        index_init(&o->by_gw, BY_GW_ID, icap) != XG_OK) {
        xg__orders_destroy(&o);
        return NULL;
    }
    /* Hand out low slots first so a lightly used pool touches few pages. */
    for (size_t i = 0; i < capacity; i++) {
        o->free_list[i] = (uint32_t)(capacity - 1 - i);
    }
    o->n_free = capacity;
    /* 8 base-36 digits of epoch ms last until the year 2059. */
    put_b36(o->id_prefix, 8, (uint64_t)boot_ms);
    o->id_prefix[8] = '\0';
    return o;
}

void
xg__orders_destroy(xg__orders **op)
{
    xg__orders *o = *op;
    if (o == NULL) {
        return;
    }
    free(o->recs);
    free(o->fills);
    free(o->by_client.slots);
    free(o->by_gw.slots);
    free(o->free_list);
    free(o->done_fifo);
    free(o);
    *op = NULL;
}

uint32_t
xg__orders_find(const xg__orders *o, const char *client_id)
{
    return index_find(o, &o->by_client, client_id);
}

uint32_t
xg__orders_find_gw(const xg__orders *o, const char *gw_id)
{
    return index_find(o, &o->by_gw, gw_id);
}

int
xg__orders_note_fill(xg__orders *o, uint32_t slot, int venue, const xg_fill *f)
{
    xg__order_rec *r = &o->recs[slot];
    for (uint32_t at = r->fills_head; at != 0; at = o->fills[at - 1].next) {
        const fill_note *n = &o->fills[at - 1];
        if (n->venue == venue && strcmp(n->fill.trade_id, f->trade_id) == 0) {
            return 0;
        }
    }
    uint32_t at = o->fills_free;
    if (at != 0) {
        o->fills_free = o->fills[at - 1].next;
    } else {
        if (o->n_fills == o->cap_fills) {
            size_t cap = o->cap_fills > 0 ? o->cap_fills * 2 : 1024;
            fill_note *nf =
                cap < UINT32_MAX ? realloc(o->fills, cap * sizeof *nf) : NULL;
            if (nf == NULL) {
                return -1;
            }
            o->fills = nf;
            o->cap_fills = cap;
        }
        at = (uint32_t)++o->n_fills;
    }
    fill_note *n = &o->fills[at - 1];
    n->fill = *f;
    n->venue = venue;
    n->next = 0;
    /* Kept in the order they were told, for order_fills. */
    if (r->fills_tail != 0) {
        o->fills[r->fills_tail - 1].next = at;
    } else {
        r->fills_head = at;
    }
    r->fills_tail = at;
    xg_decimal sum;
    if (xg_decimal_add(r->fills_qty, f->qty, &sum) == XG_OK) {
        r->fills_qty = sum;
    }
    return 1;
}

uint32_t
xg__orders_fills_first(const xg__orders *o, uint32_t slot)
{
    return o->recs[slot].fills_head;
}

uint32_t
xg__orders_fills_next(const xg__orders *o, uint32_t at)
{
    return o->fills[at - 1].next;
}

const xg_fill *
xg__orders_fill(const xg__orders *o, uint32_t at)
{
    return &o->fills[at - 1].fill;
}

/* Give the order's fill notes back to the pool. */
static void
forget_fills(xg__orders *o, xg__order_rec *r)
{
    while (r->fills_head != 0) {
        uint32_t at = r->fills_head;
        r->fills_head = o->fills[at - 1].next;
        o->fills[at - 1].next = o->fills_free;
        o->fills_free = at;
    }
    r->fills_tail = 0;
}

static int
evict_oldest_finished(xg__orders *o)
{
    while (o->done_count > 0) {
        uint32_t slot = o->done_fifo[o->done_head];
        o->done_head = (o->done_head + 1) % o->cap;
        o->done_count--;
        xg__order_rec *r = &o->recs[slot];
        if (r->in_use && xg_order_status_is_final(r->status)) {
            index_remove(o, &o->by_client, slot);
            index_remove(o, &o->by_gw, slot);
            forget_fills(o, r);
            memset(r, 0, sizeof *r);
            o->free_list[o->n_free++] = slot;
            return 1;
        }
    }
    return 0;
}

static xg_err
take_slot(xg__orders *o, const char *client_id, uint32_t *slot)
{
    if (xg__orders_find(o, client_id) != XG_ORDER_NONE) {
        return XG_ERR_DUPLICATE_ID;
    }
    if (o->n_free == 0 && !evict_oldest_finished(o)) {
        return XG_ERR_BUSY;
    }
    uint32_t s = o->free_list[--o->n_free];
    if (s >= o->high_water) {
        o->high_water = (size_t)s + 1;
    }
    xg__order_rec *r = &o->recs[s];
    memset(r, 0, sizeof *r);
    r->in_use = 1;
    r->serial = ++o->serial;
    r->venue = -1;
    r->status = XG_STATUS_PENDING;
    xg_strlcpy(r->order.client_id, client_id, sizeof r->order.client_id);
    index_insert(o, &o->by_client, s);
    o->n_open++;
    *slot = s;
    return XG_OK;
}

xg_err
xg__orders_add(xg__orders *o, const char *client_id, uint32_t *slot)
{
    xg_err e = take_slot(o, client_id, slot);
    if (e == XG_OK) {
        char *gw_id = o->recs[*slot].gw_id;
        memcpy(gw_id, o->id_prefix, 8);
        put_b36(gw_id + 8, XG_GW_ID_LEN - 8, o->seq++);
        gw_id[XG_GW_ID_LEN] = '\0';
        index_insert(o, &o->by_gw, *slot);
    }
    return e;
}

xg_err
xg__orders_restore(xg__orders *o, const char *client_id, const char *gw_id,
                   uint32_t *slot)
{
    xg_err e = take_slot(o, client_id, slot);
    if (e == XG_OK) {
        xg_strlcpy(o->recs[*slot].gw_id, gw_id, sizeof o->recs[*slot].gw_id);
        index_insert(o, &o->by_gw, *slot);
    }
    return e;
}

xg__order_rec *
xg__orders_get(xg__orders *o, uint32_t slot)
{
    if (slot >= o->cap || !o->recs[slot].in_use) {
        return NULL;
    }
    return &o->recs[slot];
}

void
xg__orders_finished(xg__orders *o, uint32_t slot)
{
    size_t tail = (o->done_head + o->done_count) % o->cap;
    o->done_fifo[tail] = slot;
    o->done_count++;
    o->n_open--;
}

void
xg__orders_new_client_id(xg__orders *o, char out[XG_CLIENT_ID_MAX])
{
    out[0] = 'g';
    memcpy(out + 1, o->id_prefix, 8);
    put_b36(out + 9, 8, o->client_seq++);
    out[17] = '\0';
}

size_t
xg__orders_count_open(const xg__orders *o)
{
    return o->n_open;
}

size_t
xg__orders_high_water(const xg__orders *o)
{
    return o->high_water;
}

void
xg__order_attempt_id(const xg__order_rec *r, uint8_t attempt,
                     char out[XG_CLIENT_ID_MAX])
{
    xg_buf b;
    xg_buf_init(&b, out, XG_CLIENT_ID_MAX);
    xg_buf_puts(&b, r->gw_id);
    xg_buf_putc(&b, b36[attempt % 36]);
}

void
xg__order_set_attempt(xg__order_rec *r, uint8_t attempt)
{
    r->attempt = attempt;
    xg__order_attempt_id(r, attempt, r->venue_client_id);
}

void
xg__order_view(const xg__order_rec *r, const char *venue_name,
               xg_order_view *view)
{
    memset(view, 0, sizeof *view);
    view->order = &r->order;
    view->venue = venue_name;
    view->venue_client_id = r->venue_client_id;
    view->venue_order_id = r->venue_order_id;
    view->status = r->status;
    view->exec = r->exec;
    view->err = r->err;
    view->detail = r->detail;
    view->venue_code = r->venue_code;
    view->venue_msg = r->venue_msg;
}
