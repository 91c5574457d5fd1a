/*
 * sender.h - sending what the venues' queues hold (core-private).
 *
 * Drained once per loop turn, before the journal commit, for every venue
 * marked since the last turn (xg__state_mark): for each, the head of its
 * queues (cancels first, then queries, sweeps and venue ops, then new
 * orders once the venue is UP) is built and signed by the adapter,
 * admitted by the venue's limiter, and handed to the transport, until a
 * queue is empty, the limiter says "later", or the venue's connections
 * are all busy. New orders or cancels of one instrument waiting together
 * go as one batch request where the venue has one (batch.h). Nothing else
 * in the core sends.
 */
#ifndef XGATE_SENDER_H
#define XGATE_SENDER_H

#include "state.h"
#include "transport.h"

typedef struct xg__sender {
    xg__transport *transport; /* borrowed */
    xg_http_request req;      /* the request being built; wiped at fini */
    xg_result batch_results[XG_BATCH_MAX]; /* a batch op's, unread by build */
} xg__sender;

void xg__sender_init(xg__sender *s, xg__transport *transport);
void xg__sender_fini(xg__sender *s);

/* Send what the marked venues may send now, until no venue is marked. */
void xg__sender_drain(xg__sender *s, xg__state *st);

/* Whether op is one order's own (its queue entry names the order). */
static inline int
xg__sender_is_order_op(xg_op_kind op)
{
    return op == XG_OP_NEW_ORDER || op == XG_OP_CANCEL_ORDER ||
           op == XG_OP_QUERY_ORDER || op == XG_OP_AMEND_ORDER ||
           op == XG_OP_ORDER_FILLS;
}

/* The order a queue entry or a request's tag is about, NULL for venue
 * operations and for an entry left behind by a finished order (its slot
 * holds another order now, or none). */
xg__order_rec *xg__sender_order_of(xg__state *st, const xg__pending *p);

/* What an xg_op of an amend points to besides the order record. */
typedef struct xg__op_amend {
    xg_amend amend;
    char new_client_id[XG_CLIENT_ID_MAX];
} xg__op_amend;

/* The operation p stands for on v, about order r (NULL for venue ops);
 * an amend's op->amend points into *a. For an open-orders page
 * op->instrument is NULL when the instrument list changed since it was
 * queued. */
void xg__sender_op_for(const xg__venue *v, const xg__order_rec *r,
                       const xg__pending *p, xg_op *op, xg__op_amend *a);

#endif
