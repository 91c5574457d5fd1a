/*
 * venue.h - one exchange as the gateway runs it.
 *
 * A venue ties together the adapter instance, its limiter, its instrument
 * table, the measured clock offset, its health state and its two queues
 * of operations waiting to be sent. It holds no policy: the gateway decides
 * what to queue and what an outcome means; the venue keeps the facts.
 */
#ifndef XGATE_VENUE_H
#define XGATE_VENUE_H

#include <stddef.h>
#include <stdint.h>

#include "config.h"
#include "loader.h"
#include "transport.h"
#include "xgate/adapter.h"
#include "xgate/limiter.h"

typedef enum xg__venue_state {
    XG_VENUE_STARTING = 0, /* reading server time and instruments */
    XG_VENUE_UP = 1,
    XG_VENUE_THROTTLED = 2, /* 429: wait, keep the queue */
    XG_VENUE_BANNED = 3,    /* IP ban: send nothing until it ends */
    XG_VENUE_DOWN = 4       /* unreachable: retry with back-off */
} xg__venue_state;

/* One queued operation: op on the order in slot, or a venue-level op
 * (server time, instruments) with slot XG_ORDER_NONE. */
typedef struct xg__pending {
    uint32_t slot;
    uint8_t op; /* xg_op_kind */
} xg__pending;

typedef struct xg__queue {
    xg__pending *items;
    size_t cap, head, len;
} xg__queue;

/* A symbol whose open-order list is being read page by page (sweep.c). */
typedef struct xg__sweep_page {
    uint32_t index;  /* the instrument's, as in the queue entry */
    uint32_t pages;  /* pages read so far this round */
    char cursor[XG_CURSOR_MAX]; /* the next page's */
} xg__sweep_page;

typedef struct xg__venue {
    const xg__venue_config *cfg; /* borrowed from the gateway's config */
    const xg__plugin *plugin;
    void *inst; /* adapter instance */
    xg__endpoint endpoint;
    xg_limiter *limiter;
    /* instruments, sorted by unified symbol for bsearch */
    xg_instrument *instruments;
    size_t n_instruments, cap_instruments;
    /* clock: venue time = local wall + offset */
    int64_t offset_ms;
    int64_t offset_error_ms; /* half the time request's round trip */
    int64_t time_sent_wall_ms; /* when the last SERVER_TIME left */
    int64_t next_resync_mono_ms;
    int has_time;
    /* health */
    xg__venue_state state;
    int64_t until_mono_ms;   /* end of THROTTLED/BANNED/DOWN */
    int64_t until_venue_ms;  /* the same as the venue's epoch ms */
    int64_t down_backoff_ms;
    char reason[XG_VENUE_MSG_MAX];
    /* limiter wake-up when the queue head had to wait */
    int64_t wake_mono_ms; /* 0: none */
    /* Reconciliation queries wait for their share of the limiter until
     * this time on the limiter's axis (venue ns); 0: not known to wait.
     * Saves building and signing a query the limiter would refuse. */
    int64_t reconcile_wait_ns;
    /* work */
    xg__queue urgent; /* cancels, reconciliation, venue ops */
    xg__queue normal; /* new orders */
    size_t in_flight;
    size_t max_in_flight;
    size_t open_orders;
    /* The open-orders sweep (sweep.c): one OPEN_ORDERS request per
     * symbol with open orders, every cfg->order_sweep_ms. */
    int64_t next_sweep_mono_ms;
    uint32_t sweep_round;     /* rounds queued so far */
    size_t sweep_outstanding; /* symbols of the round not yet read out */
    xg__sweep_page *sweep_pages; /* symbols read page by page this round */
    size_t n_sweep_pages, cap_sweep_pages;
} xg__venue;

xg_err xg__queue_init(xg__queue *q, size_t cap);
void xg__queue_fini(xg__queue *q);
/* XG_ERR_BUSY when full. */
xg_err xg__queue_push(xg__queue *q, xg__pending p);
xg_err xg__queue_push_front(xg__queue *q, xg__pending p);
const xg__pending *xg__queue_peek(const xg__queue *q);
void xg__queue_pop(xg__queue *q);
/* The i-th entry from the head (NULL when i >= len), and its removal,
 * which keeps the order of the others (O(len - i)). */
const xg__pending *xg__queue_at(const xg__queue *q, size_t i);
void xg__queue_remove(xg__queue *q, size_t i);

const char *xg__venue_state_name(xg__venue_state s);

/* Replace the instrument table (copied, sorted). */
xg_err xg__venue_set_instruments(xg__venue *v, const xg_instrument *ins,
                                 size_t n);
const xg_instrument *xg__venue_instrument(const xg__venue *v,
                                          const char *symbol);

/* Rebuild the limiter from the adapter's current bucket specs, with the
 * venue's reconcile share (config reconcile_share_pct). */
xg_err xg__venue_rebuild_limiter(xg__venue *v, char *err, size_t err_len);

#endif
