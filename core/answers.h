/*
 * answers.h - what each venue answer means for its order and its venue
 * (core-private).
 *
 * The transport's completion callback: the adapter turns the response
 * into an xg_result; an outcome that concerns the venue (a rate limit, a
 * ban, a connection that could not be made, a start-up answer) becomes a
 * health event for routing.c, and the operation's own outcome is carried
 * out on its order by act.c (or sweep.c for open-order lists). The
 * adapters say what a response means; this module decides what to do
 * about it, identically for every venue.
 *
 * Exactly-once rules kept here: an order whose fate is unknown (sent, no
 * clear answer) is only ever queried, never re-sent, until the venue says
 * it does not exist; a re-send reuses the same venue client order id, so
 * the venue itself refuses a duplicate.
 */
#ifndef XGATE_ANSWERS_H
#define XGATE_ANSWERS_H

#include <stddef.h>

#include "state.h"
#include "transport.h"
#include "xgate/adapter.h"

typedef struct xg__answers {
    xg__state *st; /* borrowed */
    /* instruments collected while an INSTRUMENTS answer is parsed */
    xg_instrument *instruments;
    size_t n_instruments, cap_instruments;
    /* orders collected while an OPEN_ORDERS answer is parsed */
    xg_order_report *reports;
    size_t n_reports, cap_reports;
    /* fills collected while an ORDER_FILLS answer is parsed */
    xg_fill *fills;
    size_t n_fills, cap_fills;
    xg_result batch_results[XG_BATCH_MAX]; /* a batch answer's, per order */
    xg_balance balances[XG_BALANCES_MAX];  /* a BALANCES answer's */
    size_t n_balances;
} xg__answers;

void xg__answers_init(xg__answers *a, xg__state *st);
void xg__answers_fini(xg__answers *a);

/* The transport's xg__xfer_done_fn; ctx is the xg__answers, user the
 * venue, tag the queue entry (xg__pending_tag). */
void xg__answers_on_done(void *ctx, void *user, uint64_t tag,
                         xg__xfer_status status, const xg_http_response *resp,
                         const char *detail);

#endif
