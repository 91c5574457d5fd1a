/*
 * act.h - carrying out what happens to one order (core-private): queueing
 * its operations, changing its status, telling its strategy.
 *
 * The one place an order's status and fill change (xg__act_status), under
 * the lifecycle's rules (lifecycle.h), so no caller can make a final
 * status change back, a fill shrink, or a venue's open-order count drift.
 * Everything here acts on the state and publishes; nothing calls back up:
 * a venue that now has work is only marked (xg__state_mark).
 */
#ifndef XGATE_ACT_H
#define XGATE_ACT_H

#include <stddef.h>
#include <stdint.h>

#include "state.h"
#include "xgate/adapter.h"

/* A wait at least this long is told to the strategy (rate_limit_wait). */
#define XG_WAIT_TELL_MS 10

/* The bit of op in a venue's masks (queued_ops, answered_ops,
 * probing_ops) and, for an order's own operations, in its queued and
 * in_flight masks. */
static inline uint16_t
xg__op_bit(xg_op_kind op)
{
    return (uint16_t)(1u << (unsigned)op);
}

/* Queue op (NEW_ORDER, CANCEL_ORDER, QUERY_ORDER) for the order in slot
 * on its venue, first in line when is_first; nothing if that operation is
 * queued already. */
void xg__act_queue(xg__state *st, uint32_t slot, xg_op_kind op, int is_first);

/* Whether op is one of a venue's own operations, asked for no order and
 * queued once (its bit in queued_ops). */
static inline int
xg__op_is_venue_own(xg_op_kind op)
{
    return op == XG_OP_SERVER_TIME || op == XG_OP_INSTRUMENTS ||
           op == XG_OP_BALANCES || op == XG_OP_STREAM_TOKEN ||
           op == XG_OP_ACCOUNT_ID;
}

/* Whether op is one of what a venue asks before it trades (its clock, its
 * instruments, the key's account): sent while it is STARTING. */
static inline int
xg__op_is_start_up(xg_op_kind op)
{
    return op == XG_OP_SERVER_TIME || op == XG_OP_INSTRUMENTS ||
           op == XG_OP_ACCOUNT_ID;
}

/* Queue a venue's own operation (xg__op_is_venue_own) once. */
void xg__act_queue_venue_op(xg__state *st, xg__venue *v, xg_op_kind op,
                            int is_first);

/* Queue one page of instrument `index`'s open orders on v, first in
 * line (sweep.c). */
void xg__act_queue_sweep(xg__state *st, xg__venue *v, uint32_t index);

/* The order in slot is reported in status with executions exec (NULL:
 * none told): applied as the lifecycle allows, journaled, told, and its
 * venue's open count kept. */
void xg__act_status(xg__state *st, uint32_t slot, xg_order_status status,
                    const xg_execution *exec);

/* The order in slot was rebuilt from the journal in its journaled
 * status: its venue counts it if it is open, and a fill it counts but
 * was never told is watched for. */
void xg__act_restored(xg__state *st, uint32_t slot);

/* Whether order r counts more filled than the fills it was told of add
 * up to, on a venue whose stream tells fills (the others tell none), with
 * the venue order id its fills list is asked by. */
int xg__act_fills_owed(const xg__state *st, const xg__order_rec *r);

/* If the order in slot counts more filled than the fills it was told of
 * add up to, on a venue whose stream tells fills, and no check is due
 * yet: one is set on st->fill_checks, at once when the stream is not
 * live, after a grace for the stream's push when it is, and later for
 * each fills list already read in vain (fills.c acts on it). */
void xg__act_watch_fills(xg__state *st, uint32_t slot);

/* The venue told the order's state (an answer to it, a query, a list);
 * an open order with a cancel asked for and none on its way gets one. */
void xg__act_report(xg__state *st, uint32_t slot, const xg_order_report *rep);

/* The order ends REJECTED with err and detail (and the venue's code and
 * text from res, if not NULL). */
void xg__act_reject(xg__state *st, uint32_t slot, xg_err err,
                    const char *detail, const xg_result *res);

/* Sent, fate unknown: UNKNOWN (if it was in flight) and queried, never
 * sent again until the venue says it does not have it. */
void xg__act_unknown(xg__state *st, uint32_t slot, const char *why);

/* A new order its venue did not execute (refused before execution, never
 * sent, or confirmed absent): PENDING and queued again, first in line
 * when is_first; the journal learns this attempt is not on the venue. */
void xg__act_due_again(xg__state *st, uint32_t slot, int is_first);

/* The order's request is handed to the transport: SENT, and journaled as
 * an attempt whose outcome is not known yet. */
void xg__act_sent(xg__state *st, uint32_t slot);

/* A recovered order's state is known again. */
void xg__act_settled(xg__state *st, uint32_t slot);

/* A strategy's cancel: a PENDING order is withdrawn at once (CANCELED);
 * an open one gets one cancel queued (cancel_waiting while its venue
 * cannot send); one in flight or unknown is canceled once its state is
 * known; a second cancel adds nothing. XG_ERR_REJECTED (detail says why)
 * for a final order. */
xg_err xg__act_cancel(xg__state *st, uint32_t slot, char *detail,
                      size_t detail_len);

/* Cancel open order slot (NEW or PARTIALLY_FILLED) by its symbol's mass
 * cancel instead of its own request: marked as asked to cancel, as
 * xg__act_cancel would, with nothing queued for it; the caller queues
 * the venue's XG_OP_CANCEL_SYMBOL (xg__act_queue_cancel_symbol). */
void xg__act_cancel_with_symbol(xg__state *st, uint32_t slot);

/* Queue a mass cancel of instrument `index` on v, with the cancels (first
 * among them when is_first). */
void xg__act_queue_cancel_symbol(xg__state *st, xg__venue *v, uint32_t index,
                                 int is_first);

/* The mass cancel of symbol on v ended: where the venue accepted it
 * (is_done), each order of the symbol still open and asked to cancel is
 * queried (a venue that lists what it canceled has told of those
 * already); otherwise each gets its own cancel, first in line. A NULL
 * symbol (the instrument is no longer known) stands for every one. */
void xg__act_cancel_symbol_done(xg__state *st, xg__venue *v,
                                const char *symbol, int is_done);

/* The venue refused the order's cancel (res says why): cancel_rejected;
 * if the venue no longer knows the order, it is queried to learn how it
 * ended, and the cancel stays asked for. */
void xg__act_cancel_refused(xg__state *st, uint32_t slot, const xg_result *res);

/* The order's cancel cannot be sent yet: cancel_waiting, once. */
void xg__act_cancel_held(xg__state *st, uint32_t slot);

/* Whether the order in slot may be amended now, whatever the new values:
 * XG_ERR_REJECTED (detail says why) for a final order or one being
 * canceled, XG_ERR_BUSY while an amend is on its way to the venue. The
 * order's state answers before its values are judged. */
xg_err xg__act_can_amend(const xg__state *st, uint32_t slot, char *detail,
                         size_t detail_len);

/* A strategy's amend of the order in slot (xg__act_can_amend said yes)
 * to price and total quantity qty (at its venue's steps, qty above what
 * has filled: api.c checks). A PENDING order changes at once (amended);
 * an open one gets one amend queued; one SENT or UNKNOWN is amended once
 * the venue says it is open. An amend asked again before it leaves
 * replaces the one waiting. *how says how it goes: "local", "amend" or
 * "cancel_replace". XG_ERR_UNSUPPORTED (detail says why) where the venue
 * cannot amend it. */
xg_err xg__act_amend(xg__state *st, uint32_t slot, xg_decimal price,
                     xg_decimal qty, const char **how, char *detail,
                     size_t detail_len);

/* The order's amend goes out now: a cancel-replace whose new order needs
 * its own client id journals that attempt first, as a new order does. */
void xg__act_amend_sent(xg__state *st, uint32_t slot);

/* The venue answered the order's amend (res, outcome OK): amended in
 * place, or replaced by a new venue order; either way the order now has
 * the price and quantity asked. */
void xg__act_amend_done(xg__state *st, uint32_t slot, const xg_result *res);

/* The venue refused the order's amend (res says why): amend_rejected,
 * and the order keeps its price and quantity; if the venue no longer
 * knows the order, it is queried to learn how it ended. */
void xg__act_amend_refused(xg__state *st, uint32_t slot, const xg_result *res);

/* The replacement a lost cancel-replace answer may have made is not on
 * the venue, and the order it replaced was canceled: the order is gone
 * (CANCELED, with what it executed). */
void xg__act_replacement_absent(xg__state *st, uint32_t slot);

/* The amend's answer was lost: the order is queried, and what the venue
 * then says of it settles whether the amend took effect. */
void xg__act_amend_unknown(xg__state *st, uint32_t slot);

/* The order waits about wait_ms before it can be sent, for reason:
 * rate_limit_wait, once per attempt, when at least XG_WAIT_TELL_MS. */
void xg__act_tell_wait(xg__state *st, uint32_t slot, int64_t wait_ms,
                       const char *reason);

/* A venue event for v's current state. */
void xg__act_tell_venue(xg__state *st, const xg__venue *v);

#endif
