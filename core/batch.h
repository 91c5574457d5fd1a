/*
 * batch.h - several orders of one venue in one request (core-private).
 *
 * When new orders (cancels, amends in place) of one instrument wait
 * together at the head of a venue's queue and the venue has a batch
 * endpoint, the sender packs them into one XG_OP_BATCH_NEW
 * (XG_OP_BATCH_CANCEL, XG_OP_BATCH_AMEND) request.
 * Each order stays its own: it is journaled, marked in flight and acted
 * on exactly as if it had gone alone, and the answer's result for it
 * goes where its single answer would (answers.c). A batch in flight is
 * held here, in one of the venue's slots, until its answer: the request's
 * tag names the slot, and the slot keeps the orders as they were sent, so
 * the answer is read against what the venue was asked even if an order
 * ended meanwhile.
 */
#ifndef XGATE_BATCH_H
#define XGATE_BATCH_H

#include <stdint.h>

#include "xgate/adapter.h"

#include "venue.h"

typedef struct xg__batch_flight {
    /* XG_OP_NEW_ORDER, XG_OP_CANCEL_ORDER or XG_OP_AMEND_ORDER; 0: free */
    uint8_t op;
    uint32_t generation; /* the tag's serial: a stale tag finds another */
    size_t n;
    xg__pending items[XG_BATCH_MAX]; /* each order's single operation */
    xg_order orders[XG_BATCH_MAX];   /* as sent */
    char client_ids[XG_BATCH_MAX][XG_CLIENT_ID_MAX];
    xg_amend amends[XG_BATCH_MAX];           /* AMEND_ORDER: each one's */
    xg_batch_item batch_items[XG_BATCH_MAX]; /* point into the above */
} xg__batch_flight;

/* The batch op kind for single op kind (NEW_ORDER, CANCEL_ORDER,
 * AMEND_ORDER), and back; 0 for any other. */
xg_op_kind xg__batch_kind(uint8_t single_op);
uint8_t xg__batch_single(xg_op_kind batch_kind);

/* Most orders v packs into one request of single op kind: the venue's
 * batch size capped by its configuration; below 2 it does not batch. */
size_t xg__batch_max(const xg__venue *v, uint8_t single_op);

/* A free slot of v's (one per connection, so one is always free when a
 * request may leave), reset for orders of single_op; its index in *slot. */
xg__batch_flight *xg__batch_take(xg__venue *v, uint8_t single_op,
                                 uint32_t *slot);

/* The slot a batch request's tag (p: op, order = slot, serial =
 * generation) names, NULL if stale. */
xg__batch_flight *xg__batch_of(xg__venue *v, const xg__pending *p);

/* The tag's entry for slot. */
xg__pending xg__batch_pending(const xg__venue *v, uint32_t slot);

/* Free the slot after its answer. */
void xg__batch_release(xg__batch_flight *f);

/* The operation f stands for on instrument ins, its results in results
 * (f->n, zeroed here). */
void xg__batch_op(xg__batch_flight *f, const xg_instrument *ins,
                  xg_batch *batch, xg_result *results, xg_op *op);

#endif
