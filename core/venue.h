/*
 * venue.h - one exchange as the gateway runs it.
 *
 * A venue ties together the adapter instance, its limiter, its instrument
 * table, the measured clock offset, its health and its three queues of
 * operations waiting to be sent (cancels, then queries and the venue's
 * own operations, then new orders). It holds no policy: health.c decides
 * its state, act.c and routing.c what to queue, sender.c what leaves; the
 * venue keeps the facts.
 */
#ifndef XGATE_VENUE_H
#define XGATE_VENUE_H

#include <stddef.h>
#include <stdint.h>

#include "config.h"
#include "loader.h"
#include "orders.h"
#include "pages.h"
#include "protocol.h"
#include "transport.h"
#include "venue_stream.h"
#include "xgate/adapter.h"
#include "xgate/limiter.h"

typedef enum xg__venue_state {
    XG_VENUE_STARTING = 0, /* reading server time and instruments */
    XG_VENUE_UP = 1,
    XG_VENUE_THROTTLED = 2, /* 429: wait, keep the queue */
    XG_VENUE_BANNED = 3,    /* IP ban: send nothing until it ends */
    XG_VENUE_DOWN = 4       /* unreachable: retry with back-off */
} xg__venue_state;

/* A venue's health: its state and how long it lasts (health.c decides
 * every change). */
typedef struct xg__venue_health {
    xg__venue_state state;
    int64_t until_mono_ms;   /* end of THROTTLED/BANNED/DOWN; 0 none */
    int64_t down_backoff_ms; /* the last DOWN back-off; 0 after an answer */
    char reason[XG_VENUE_MSG_MAX];
} xg__venue_health;

/* One queued operation. Which field names its object depends on op, and
 * only that one is set: */
typedef struct xg__pending {
    uint32_t order;      /* NEW/CANCEL/QUERY: the order's slot */
    uint32_t serial;     /* ... and its record's serial (orders.h) */
    uint32_t instrument; /* OPEN_ORDERS, CANCEL_SYMBOL: index in the venue's
                            instruments */
    uint8_t op;          /* xg_op_kind; SERVER_TIME/INSTRUMENTS: neither */
} xg__pending;

/* A queued operation as the 64-bit tag its request carries through the
 * transport: op in the top 8 bits, the order's serial in the next 32, and
 * the order slot or instrument index (each below 2^24: config caps
 * max_orders at 10,000,000, answers cap instruments at 100,000) in the
 * low 24. Unpacking sets only the field the op uses. */
static inline uint64_t
xg__pending_tag(xg__pending p)
{
    int is_symbol_op = p.op == XG_OP_OPEN_ORDERS || p.op == XG_OP_CANCEL_SYMBOL;
    uint32_t index = is_symbol_op ? p.instrument : p.order;
    return (uint64_t)p.op << 56 | (uint64_t)p.serial << 24 |
           (uint64_t)(index & 0xffffffu);
}

static inline xg__pending
xg__pending_from_tag(uint64_t tag)
{
    xg__pending p = {XG_ORDER_NONE, 0, 0, (uint8_t)(tag >> 56)};
    uint32_t index = (uint32_t)(tag & 0xffffffu);
    if (p.op == XG_OP_OPEN_ORDERS || p.op == XG_OP_CANCEL_SYMBOL) {
        p.instrument = index;
    } else if (p.op >= XG_OP_NEW_ORDER) {
        p.order = index;
        p.serial = (uint32_t)(tag >> 24);
    }
    return p;
}

/* Assets of one venue's balances kept: a balances event must fit in
 * one XG_EVENT_MAX message. */
#define XG_BALANCES_MAX 64

typedef struct xg__queue {
    xg__pending *items;
    size_t cap, head, len;
} xg__queue;

typedef struct xg__venue {
    const xg__venue_config *cfg; /* borrowed from the gateway's config */
    const xg__plugin *plugin;
    void *inst; /* adapter instance */
    xg__endpoint endpoint;
    xg_limiter *limiter;
    uint32_t limiter_gen;       /* counts rebuilds: bucket indices change */
    unsigned limiter_share_pct; /* of each limit this gateway may use, 1-100
                                   (share.c: less while limits cannot be
                                   shared); 0 reads as 100 */
    /* How its limits are counted when shared ("shared", "fallback",
     * "connecting") and why not shared; NULL: not shared. */
    const char *limits;
    const char *limits_reason;
    const char *limits_gateway; /* this gateway's name in the farm */
    char account[XG_LABEL_MAX]; /* whose account limits are shared */
    /* The venue is to be asked which account the key belongs to
     * (XG_OP_ACCOUNT_ID) before it trades: limits are shared, the
     * configuration names no account and the adapter can ask. */
    int needs_account;
    /* instruments, sorted by unified symbol for bsearch */
    xg_instrument *instruments;
    size_t n_instruments, cap_instruments;
    /* clock: venue time = local wall + offset */
    int64_t offset_ms;
    int64_t offset_error_ms;   /* half the time request's round trip */
    int64_t time_sent_wall_ms; /* when the last SERVER_TIME left */
    int64_t next_resync_mono_ms;
    int has_time;
    xg__venue_health health;
    int64_t ban_default_ms; /* config's, else the adapter's caps */
    /* limiter wake-up when the queue head had to wait */
    int64_t wake_mono_ms; /* 0: none */
    /* Reconciliation queries wait for their share of the limiter until
     * this time on the limiter's axis (venue ns); 0: not known to wait.
     * Saves building and signing a query the limiter would refuse. */
    int64_t reconcile_wait_ns;
    /* work, sent in this order of queues */
    xg__queue cancels;   /* cancels: first, so a book can always be pulled */
    xg__queue urgent;    /* queries, sweeps, venue ops */
    xg__queue normal;    /* new orders, once the venue is UP */
    uint16_t queued_ops; /* venue ops queued: bit (1 << op) */
    /* What the venue has counted of this venue's traffic before this
     * process (an earlier run of the gateway, another client on the IP)
     * is unknown until it answers: until the first answer to a kind of
     * request (bit (1 << op) in answered_ops) arrives, one request of
     * that kind at a time is in flight (probing_ops), so the answer's
     * usage reaches the limiter before more go. */
    uint16_t answered_ops;
    uint16_t probing_ops;
    size_t in_flight;
    size_t max_in_flight;
    /* The account's balances as the venue last told them (XG_OP_BALANCES,
     * asked for by a strategy's balances request): at most
     * XG_BALANCES_MAX assets, the rest left out; balances_wall_ms 0:
     * never told. balances_asked while a request for them is queued or on
     * its way. */
    xg_balance balances[XG_BALANCES_MAX];
    size_t n_balances;
    int64_t balances_wall_ms, balances_mono_ms;
    int balances_asked;
    /* A batch of operation op (index: NEW_ORDER, CANCEL_ORDER,
     * AMEND_ORDER) the limiter could not admit before this time (venue
     * ns): until then its orders go alone, without a batch being built
     * and signed for nothing at every pump; 0: none refused. */
    int64_t batch_wait_ns[XG_OP_AMEND_ORDER + 1];
    /* The batches in flight (batch.h), one slot per connection. */
    struct xg__batch_flight *flights;
    size_t n_flights;
    size_t open_orders; /* kept by act.c's one status function */
    /* The open-orders sweep (sweep.c): one OPEN_ORDERS request per
     * symbol with open orders, every cfg->order_sweep_ms. */
    int64_t next_sweep_mono_ms;
    uint32_t sweep_round;     /* rounds queued so far */
    size_t sweep_outstanding; /* symbols of the round not yet read out */
    uint32_t sweep_pages_max; /* pages followed per symbol and round */
    xg__pages sweep_pages;    /* symbols read page by page this round, by
                                 instrument index */
    uint8_t *sweep_marks;     /* per instrument: has open orders this round */
    size_t cap_sweep_marks;
    /* One round is due even though the stream is live: the one that
     * learns what happened while it was not (stream.c). */
    int is_sweep_forced;
    xg__stream stream; /* the private stream (stream.c) */
    /* Orders' fills lists read page by page, by slot (fills.c). */
    xg__pages fill_pages;
    uint64_t n_fill_lists;   /* ORDER_FILLS answers read */
    uint64_t n_fills_listed; /* fills first told from one */
} xg__venue;

xg_err xg__queue_init(xg__queue *q, size_t cap);
void xg__queue_fini(xg__queue *q);
/* XG_ERR_BUSY when full. */
xg_err xg__queue_push(xg__queue *q, xg__pending p);
xg_err xg__queue_push_front(xg__queue *q, xg__pending p);
const xg__pending *xg__queue_peek(const xg__queue *q);
void xg__queue_pop(xg__queue *q);
/* The i-th entry from the head (NULL when i >= len), and its removal,
 * which keeps the order of the others (O(min(i, len - i))). */
const xg__pending *xg__queue_at(const xg__queue *q, size_t i);
void xg__queue_remove(xg__queue *q, size_t i);

const char *xg__venue_state_name(xg__venue_state s);

/* Whether v has what it needs to trade: its instruments and, where it is
 * asked, the key's account. */
static inline int
xg__venue_is_ready(const xg__venue *v)
{
    return v->n_instruments > 0 && !v->needs_account;
}

/* The end of v's throttle, ban or back-off as wall-clock epoch ms (the
 * protocol's until_ms), 0 when it has none; now_* are the loop's clock. */
int64_t xg__venue_until_wall_ms(const xg__venue *v, int64_t now_wall_ms,
                                int64_t now_mono_ms);

/* What venue_status and `venue` events show of v: view's strings and the
 * first cap of v's buckets (written to buckets) are borrowed from v. */
void xg__venue_view(const xg__venue *v, int64_t now_wall_ms,
                    int64_t now_mono_ms, xg_venue_view *view,
                    xg_bucket_view *buckets, size_t cap);

/* Replace the instrument table (copied, sorted). */
xg_err xg__venue_set_instruments(xg__venue *v, const xg_instrument *ins,
                                 size_t n);
const xg_instrument *xg__venue_instrument(const xg__venue *v,
                                          const char *symbol);

/* Rebuild the limiter from the adapter's current bucket specs, with the
 * venue's reconcile share (config reconcile_share_pct). */
xg_err xg__venue_rebuild_limiter(xg__venue *v, char *err, size_t err_len);

#endif
