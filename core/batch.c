/*
 * batch.c - the batches a venue has in flight (see batch.h).
 */
#include "batch.h"

#include <string.h>

xg_op_kind
xg__batch_kind(uint8_t single_op)
{
    switch ((xg_op_kind)single_op) {
    case XG_OP_NEW_ORDER:
        return XG_OP_BATCH_NEW;
    case XG_OP_CANCEL_ORDER:
        return XG_OP_BATCH_CANCEL;
    case XG_OP_AMEND_ORDER:
        return XG_OP_BATCH_AMEND;
    default:
        return (xg_op_kind)0;
    }
}

uint8_t
xg__batch_single(xg_op_kind batch_kind)
{
    switch (batch_kind) {
    case XG_OP_BATCH_NEW:
        return XG_OP_NEW_ORDER;
    case XG_OP_BATCH_CANCEL:
        return XG_OP_CANCEL_ORDER;
    case XG_OP_BATCH_AMEND:
        return XG_OP_AMEND_ORDER;
    default:
        return 0;
    }
}

size_t
xg__batch_max(const xg__venue *v, uint8_t single_op)
{
    const xg_adapter_caps *caps = &v->plugin->api->caps;
    uint32_t venue_max = 0;
    switch ((xg_op_kind)single_op) {
    case XG_OP_NEW_ORDER:
        venue_max = caps->batch_new_max;
        break;
    case XG_OP_CANCEL_ORDER:
        venue_max = caps->batch_cancel_max;
        break;
    case XG_OP_AMEND_ORDER:
        venue_max = caps->batch_amend_max;
        break;
    default:
        return 0;
    }
    size_t n = venue_max < (uint64_t)v->cfg->batch_max
                   ? (size_t)venue_max
                   : (size_t)v->cfg->batch_max;
    return n >= 2 ? n : 0;
}

xg__batch_flight *
xg__batch_take(xg__venue *v, uint8_t single_op, uint32_t *slot)
{
    for (size_t i = 0; i < v->n_flights; i++) {
        xg__batch_flight *f = &v->flights[i];
        if (f->op == 0) {
            f->op = single_op;
            f->generation++;
            f->n = 0;
            *slot = (uint32_t)i;
            return f;
        }
    }
    return NULL;
}

xg__batch_flight *
xg__batch_of(xg__venue *v, const xg__pending *p)
{
    if (p->order >= v->n_flights) {
        return NULL;
    }
    xg__batch_flight *f = &v->flights[p->order];
    return f->op != 0 && f->generation == p->serial &&
                   xg__batch_kind(f->op) == (xg_op_kind)p->op
               ? f
               : NULL;
}

xg__pending
xg__batch_pending(const xg__venue *v, uint32_t slot)
{
    const xg__batch_flight *f = &v->flights[slot];
    xg__pending p = {slot, f->generation, 0, (uint8_t)xg__batch_kind(f->op)};
    return p;
}

void
xg__batch_release(xg__batch_flight *f)
{
    f->op = 0;
    f->n = 0;
}

void
xg__batch_op(xg__batch_flight *f, const xg_instrument *ins, xg_batch *batch,
             xg_result *results, xg_op *op)
{
    for (size_t i = 0; i < f->n; i++) {
        f->batch_items[i].order = &f->orders[i];
        f->batch_items[i].client_id = f->client_ids[i];
        f->batch_items[i].amend =
            f->op == XG_OP_AMEND_ORDER ? &f->amends[i] : NULL;
    }
    memset(results, 0, f->n * sizeof *results);
    batch->items = f->batch_items;
    batch->n = f->n;
    batch->results = results;
    memset(op, 0, sizeof *op);
    op->kind = xg__batch_kind(f->op);
    op->instrument = ins;
    op->batch = batch;
}
