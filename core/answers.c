/*
 * answers.c - acting on venue answers (see answers.h).
 */
#include "answers.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "act.h"
#include "batch.h"
#include "fills.h"
#include "health.h"
#include "log.h"
#include "routing.h"
#include "sender.h"
#include "share.h"
#include "stream.h"
#include "sweep.h"
#include "xgate/buf.h"

/* After an error answer to a query, give the venue a moment before
 * asking again. */
#define UNKNOWN_RETRY_MS 200

/* Entries one list answer may carry: far beyond any venue's instrument
 * list or page of orders. */
#define LIST_MAX 100000

void
xg__answers_init(xg__answers *a, xg__state *st)
{
    memset(a, 0, sizeof *a);
    a->st = st;
}

void
xg__answers_fini(xg__answers *a)
{
    free(a->instruments);
    free(a->reports);
    free(a->fills);
    memset(a, 0, sizeof *a);
}

/* Make room for one more entry of size `size` in *list (n used of *cap). */
static xg_err
grow(void **list, size_t n, size_t *cap, size_t size)
{
    if (n < *cap) {
        return XG_OK;
    }
    size_t c = *cap > 0 ? *cap * 2 : 256;
    if (c > LIST_MAX) {
        return XG_ERR_OVERFLOW;
    }
    void *p = realloc(*list, c * size);
    if (p == NULL) {
        return XG_ERR_NOMEM;
    }
    *list = p;
    *cap = c;
    return XG_OK;
}

static xg_err
collect_instrument(void *ctx, const xg_instrument *ins)
{
    xg__answers *a = ctx;
    xg_err e = grow((void **)&a->instruments, a->n_instruments,
                    &a->cap_instruments, sizeof *a->instruments);
    if (e == XG_OK) {
        a->instruments[a->n_instruments++] = *ins;
    }
    return e;
}

static xg_err
collect_report(void *ctx, const xg_order_report *rep)
{
    xg__answers *a = ctx;
    xg_err e = grow((void **)&a->reports, a->n_reports, &a->cap_reports,
                    sizeof *a->reports);
    if (e == XG_OK) {
        a->reports[a->n_reports++] = *rep;
    }
    return e;
}

static xg_err
collect_fill(void *ctx, const xg_fill *f)
{
    xg__answers *a = ctx;
    xg_err e =
        grow((void **)&a->fills, a->n_fills, &a->cap_fills, sizeof *a->fills);
    if (e == XG_OK) {
        a->fills[a->n_fills++] = *f;
    }
    return e;
}

static xg_err
ignore_report(void *ctx, const xg_order_report *rep)
{
    (void)ctx;
    (void)rep;
    return XG_OK;
}

static xg_err
ignore_balance(void *ctx, const xg_balance *bal)
{
    (void)ctx;
    (void)bal;
    return XG_OK;
}

/* Assets past XG_BALANCES_MAX are left out (venue.h). */
static xg_err
collect_balance(void *ctx, const xg_balance *bal)
{
    xg__answers *a = ctx;
    if (a->n_balances < XG_BALANCES_MAX) {
        a->balances[a->n_balances++] = *bal;
    }
    return XG_OK;
}

/* The venue told its balances (res): kept with their time and published;
 * a failure leaves the ones it had. */
static void
on_balances(xg__answers *a, xg__venue *v, const xg_result *res)
{
    xg__state *st = a->st;
    v->balances_asked = 0;
    if (res->outcome != XG_OUTCOME_OK) {
        xg__warn("venue %s: balances refused: %s %s", v->cfg->name,
                 res->venue_code, res->venue_msg);
        return;
    }
    memcpy(v->balances, a->balances, a->n_balances * sizeof *a->balances);
    v->n_balances = a->n_balances;
    v->balances_wall_ms = st->now.wall_ms;
    v->balances_mono_ms = st->now.mono_ms;
    xg__events_balances(&st->events, v->cfg->name, v->balances,
                        v->n_balances, st->now.wall_ms);
}

/* The operation p did not happen and is still due: first in line again
 * (a new order as not executed, PENDING). */
static void
requeue(xg__state *st, xg__venue *v, const xg__pending *p)
{
    switch ((xg_op_kind)p->op) {
    case XG_OP_NEW_ORDER:
        xg__act_due_again(st, p->order, 1);
        return;
    case XG_OP_CANCEL_ORDER:
    case XG_OP_QUERY_ORDER:
    case XG_OP_AMEND_ORDER:
    case XG_OP_ORDER_FILLS:
        xg__act_queue(st, p->order, (xg_op_kind)p->op, 1);
        return;
    case XG_OP_SERVER_TIME:
    case XG_OP_INSTRUMENTS:
    case XG_OP_BALANCES:
        xg__act_queue_venue_op(st, v, (xg_op_kind)p->op, 1);
        return;
    case XG_OP_OPEN_ORDERS:
        xg__act_queue_sweep(st, v, p->instrument);
        return;
    case XG_OP_CANCEL_SYMBOL:
        xg__act_queue_cancel_symbol(st, v, p->instrument, 1);
        return;
    case XG_OP_STREAM_TOKEN:
    case XG_OP_ACCOUNT_ID:
        xg__act_queue_venue_op(st, v, (xg_op_kind)p->op, 1);
        return;
    case XG_OP_BATCH_NEW:
    case XG_OP_BATCH_CANCEL:
    case XG_OP_BATCH_AMEND:
        return; /* never queued */
    }
}

static void
venue_event(xg__state *st, xg__venue *v, xg__health_kind kind, int64_t wait_ms,
            int64_t until_mono_ms, const char *reason)
{
    const xg__health_event ev = {kind, wait_ms, until_mono_ms, reason};
    xg__routing_venue(st, v, &ev);
}

static int
is_limit_or_ban(const xg_result *res)
{
    return res->outcome == XG_OUTCOME_RATE_LIMITED ||
           res->outcome == XG_OUTCOME_BANNED;
}

/* A rate limit or a ban (res) refused p: it keeps its place, a refused
 * new order first in line (which a ban then moves with the others). */
static void
requeue_refused(xg__state *st, xg__venue *v, const xg__pending *p,
                const xg_result *res)
{
    requeue(st, v, p);
    if (res->outcome == XG_OUTCOME_BANNED && p->op == XG_OP_CANCEL_ORDER) {
        xg__act_cancel_held(st, p->order);
    }
}

/* The venue waits for the rate limit or stops for the ban res tells. */
static void
tell_refused(xg__state *st, xg__venue *v, const xg_result *res)
{
    /* In a farm, the events say which gateway met it (share.h). */
    const char *gw = xg__share_gateway(st);
    char by[64] = "";
    if (gw != NULL) {
        snprintf(by, sizeof by, "met by gateway %s", gw);
    }
    char why[XG_VENUE_MSG_MAX];
    if (res->outcome == XG_OUTCOME_RATE_LIMITED) {
        snprintf(why, sizeof why, "rate limited%s%s%s", gw != NULL ? " (" : "",
                 by, gw != NULL ? ")" : "");
        venue_event(
            st, v, XG_HEALTH_RATE_LIMITED,
            xg__health_rate_limit_wait_ms(res, xg__state_venue_now_ms(st, v)),
            0, why);
        return;
    }
    char says[XG_VENUE_MSG_MAX];
    snprintf(says, sizeof says, "%.23s %.120s", res->venue_code,
             res->venue_msg);
    /* The venue's words are cut, never the closing parenthesis. */
    int room = (int)(sizeof why - sizeof "IP banned (: )" - strlen(by));
    snprintf(why, sizeof why, "IP banned (%s%s%.*s)", by,
             gw != NULL ? ": " : "", room, says);
    int64_t until = xg__health_ban_until_mono_ms(
        res, st->now.mono_ms, xg__state_venue_now_ms(st, v), v->offset_error_ms,
        v->cfg->clock_guard_ms, v->ban_default_ms);
    venue_event(st, v, XG_HEALTH_BANNED, 0, until, why);
    xg__share_tell_ban(st, v, until, says);
}

/* A rate limit or a ban answered p: it waits, and so does the venue.
 * Returns 0 for any other outcome. */
static int
is_refused(xg__state *st, xg__venue *v, const xg__pending *p,
           const xg_result *res)
{
    if (!is_limit_or_ban(res)) {
        return 0;
    }
    requeue_refused(st, v, p, res);
    tell_refused(st, v, res);
    return 1;
}

static void
on_new_order(xg__state *st, xg__venue *v, xg__order_rec *r, uint32_t slot,
             const xg_result *res)
{
    switch (res->outcome) {
    case XG_OUTCOME_OK:
        xg__act_report(st, slot, &res->order);
        return;
    case XG_OUTCOME_REJECTED:
        if (res->err == XG_ERR_DUPLICATE_ID) {
            /* Our id is already on the venue: an earlier attempt landed.
             * Learn its state rather than reject a live order. */
            xg__act_unknown(st, slot, "venue reports the id in use");
            return;
        }
        xg__act_reject(st, slot, res->err, xg_strerror(res->err), res);
        return;
    case XG_OUTCOME_UNKNOWN:
        xg__act_unknown(st, slot, "venue answer does not settle it");
        return;
    case XG_OUTCOME_RESYNC:
        if (r->resynced) {
            xg__act_reject(st, slot, XG_ERR_TIMESTAMP,
                           "timestamp refused after a clock resync", res);
            return;
        }
        r->resynced = 1;
        xg__act_due_again(st, slot, 1);
        xg__act_queue_venue_op(st, v, XG_OP_SERVER_TIME, 1);
        return;
    case XG_OUTCOME_RATE_LIMITED:
    case XG_OUTCOME_BANNED:
        return; /* is_refused */
    }
}

static void
on_cancel(xg__state *st, xg__venue *v, xg__order_rec *r, uint32_t slot,
          const xg_result *res)
{
    switch (res->outcome) {
    case XG_OUTCOME_OK:
        xg__act_report(st, slot, &res->order);
        return;
    case XG_OUTCOME_REJECTED:
        xg__act_cancel_refused(st, slot, res);
        return;
    case XG_OUTCOME_UNKNOWN:
        /* Canceled or not: a query says, and the cancel goes again if
         * the order is still open. */
        r->needs_query = 1;
        xg__act_queue(st, slot, XG_OP_QUERY_ORDER, 0);
        return;
    case XG_OUTCOME_RESYNC:
        xg__act_queue(st, slot, XG_OP_CANCEL_ORDER, 1);
        xg__act_queue_venue_op(st, v, XG_OP_SERVER_TIME, 1);
        return;
    case XG_OUTCOME_RATE_LIMITED:
    case XG_OUTCOME_BANNED:
        return; /* is_refused */
    }
}

static void
on_amend(xg__state *st, xg__venue *v, uint32_t slot, const xg_result *res)
{
    switch (res->outcome) {
    case XG_OUTCOME_OK:
        xg__act_amend_done(st, slot, res);
        return;
    case XG_OUTCOME_REJECTED:
        xg__act_amend_refused(st, slot, res);
        return;
    case XG_OUTCOME_UNKNOWN:
        xg__act_amend_unknown(st, slot);
        return;
    case XG_OUTCOME_RESYNC:
        xg__act_queue(st, slot, XG_OP_AMEND_ORDER, 1);
        xg__act_queue_venue_op(st, v, XG_OP_SERVER_TIME, 1);
        return;
    case XG_OUTCOME_RATE_LIMITED:
    case XG_OUTCOME_BANNED:
        return; /* is_refused */
    }
}

/* The venue says it has no order under r's id. */
static void
on_query_not_found(xg__state *st, xg__venue *v, xg__order_rec *r, uint32_t slot)
{
    r->needs_query = 0;
    if (r->amend_in_doubt == XG_AMEND_SEEK_REPLACEMENT) {
        /* The cancel-replace's replaced order was canceled, and no
         * replacement exists. */
        xg__act_replacement_absent(st, slot);
        return;
    }
    if (r->cancel_requested) {
        /* Asked to cancel and the venue has no such order: nothing is
         * open, so the cancel's goal holds. */
        xg__act_status(st, slot, XG_STATUS_CANCELED, NULL);
        return;
    }
    if (r->status == XG_STATUS_UNKNOWN) {
        /* The venue confirms it never got the order: send it again
         * under the same id, which the venue would refuse as a
         * duplicate if it did exist after all. */
        xg__act_due_again(st, slot, 1);
        return;
    }
    /* Acked a moment ago, not found now: the venue's answer is stale,
     * not proof of absence. Keep what the ack said. */
    xg__warn("venue %s: acked order %s not found by query", v->cfg->name,
             r->venue_client_id);
}

static void
on_query(xg__state *st, xg__venue *v, xg__order_rec *r, uint32_t slot,
         const xg_result *res)
{
    int is_not_found = res->outcome == XG_OUTCOME_REJECTED &&
                       res->err == XG_ERR_ORDER_NOT_FOUND;
    if (res->outcome == XG_OUTCOME_OK || is_not_found) {
        /* The venue settled what a recovered order's state is; the
         * events that follow tell the strategy. A cancel whose answer was
         * lost is settled too: if the order is still open, it goes again
         * (act.c). */
        xg__act_settled(st, slot);
        r->cancel_in_doubt = 0;
    }
    switch (res->outcome) {
    case XG_OUTCOME_OK:
        xg__act_report(st, slot, &res->order);
        return;
    case XG_OUTCOME_REJECTED:
        if (is_not_found) {
            on_query_not_found(st, v, r, slot);
            return;
        }
        xg__warn("venue %s: query of %s refused: %s %s", v->cfg->name,
                 r->venue_client_id, res->venue_code, res->venue_msg);
        xg__act_queue(st, slot, XG_OP_QUERY_ORDER, 1);
        venue_event(st, v, XG_HEALTH_RATE_LIMITED, UNKNOWN_RETRY_MS, 0,
                    "query refused");
        return;
    case XG_OUTCOME_UNKNOWN:
    case XG_OUTCOME_RESYNC:
        xg__act_queue(st, slot, XG_OP_QUERY_ORDER, 1);
        if (res->outcome == XG_OUTCOME_RESYNC) {
            xg__act_queue_venue_op(st, v, XG_OP_SERVER_TIME, 1);
        }
        venue_event(st, v, XG_HEALTH_RATE_LIMITED, UNKNOWN_RETRY_MS, 0,
                    "venue error");
        return;
    case XG_OUTCOME_RATE_LIMITED:
    case XG_OUTCOME_BANNED:
        return; /* is_refused */
    }
}

static void
on_server_time(xg__state *st, xg__venue *v, const xg_result *res)
{
    int64_t mid = (v->time_sent_wall_ms + st->now.wall_ms) / 2;
    v->offset_ms = res->server_time_ms - mid;
    v->offset_error_ms = (st->now.wall_ms - v->time_sent_wall_ms + 1) / 2;
    v->has_time = 1;
    v->next_resync_mono_ms = st->now.mono_ms + v->cfg->resync_interval_ms;
    xg__debug("venue %s: clock offset %lld ms", v->cfg->name,
              (long long)v->offset_ms);
}

static void
on_instruments(xg__answers *a, xg__venue *v)
{
    xg__state *st = a->st;
    char err[160];
    if (xg__venue_set_instruments(v, a->instruments, a->n_instruments) !=
            XG_OK ||
        xg__venue_rebuild_limiter(v, err, sizeof err) != XG_OK) {
        xg__act_queue_venue_op(st, v, XG_OP_INSTRUMENTS, 1);
        venue_event(st, v, XG_HEALTH_UNREACHABLE, 0, 0,
                    "cannot use the venue's instruments or limits");
        return;
    }
    xg__info("venue %s: %zu instruments, %zu limiter buckets", v->cfg->name,
             v->n_instruments, xg_limiter_bucket_count(v->limiter));
    if (v->needs_account) {
        /* Its per-account limits are shared under the account's name:
         * the venue is asked that before it trades. */
        xg__act_queue_venue_op(st, v, XG_OP_ACCOUNT_ID, 1);
        return;
    }
    venue_event(st, v, XG_HEALTH_STARTED, 0, 0, "");
}

/* The answer to one of v's start-up requests (server time, instruments,
 * the key's account): it starts the venue or updates its clock, or, if it
 * failed, the request is asked again first in line and the venue says why
 * it waits. A venue that refuses to name the key's account starts without
 * it. */
static void
on_venue_op(xg__answers *a, xg__venue *v, const xg__pending *p,
            const xg_result *res)
{
    xg__state *st = a->st;
    if (res->outcome == XG_OUTCOME_OK) {
        if (p->op == XG_OP_SERVER_TIME) {
            on_server_time(st, v, res);
        } else if (p->op == XG_OP_INSTRUMENTS) {
            on_instruments(a, v);
        } else {
            xg__share_account_told(st, v, res->account, NULL);
        }
        return;
    }
    if (is_refused(st, v, p, res)) {
        return;
    }
    if (p->op == XG_OP_ACCOUNT_ID && res->outcome == XG_OUTCOME_REJECTED) {
        char why[XG_VENUE_MSG_MAX + XG_VENUE_CODE_MAX + 2];
        snprintf(why, sizeof why, "%s%s%s", res->venue_code,
                 res->venue_code[0] != '\0' ? " " : "", res->venue_msg);
        xg__share_account_told(st, v, NULL, why);
        return;
    }
    requeue(st, v, p);
    char why[XG_VENUE_MSG_MAX];
    snprintf(why, sizeof why, "start-up request failed: %.23s %.100s",
             res->venue_code, res->venue_msg);
    venue_event(st, v, XG_HEALTH_UNREACHABLE, 0, 0, why);
}

/* The venue's answer to op, parsed into *res: the limiter learns the
 * venue's usage and a venue that was backing off hears it answered. */
static void
parse_answer(xg__answers *a, xg__venue *v, const xg_op *op,
             const xg_http_response *resp, const xg_sink *sink,
             xg_result *res)
{
    xg__state *st = a->st;
    memset(res, 0, sizeof *res);
    a->n_instruments = 0;
    a->n_reports = 0;
    a->n_balances = 0;
    a->n_fills = 0;
    xg_err e = v->plugin->api->parse(v->inst, op, resp, sink, res);
    if (e != XG_OK) {
        res->outcome = XG_OUTCOME_UNKNOWN;
        xg_strlcpy(res->venue_msg, xg_strerror(e), sizeof res->venue_msg);
    }
    xg_limiter_observe(v->limiter, res->usage, res->n_usage,
                       xg__state_venue_now_ns(st, v));
    xg__share_observe(st, v, res->usage, res->n_usage);
    if (res->outcome != XG_OUTCOME_BANNED && v->health.down_backoff_ms != 0) {
        venue_event(st, v, XG_HEALTH_ANSWERED, 0, 0, "");
    }
}

/* What the venue's result says of order r's operation p, other than a
 * limit or a ban (is_refused). */
static void
on_order_result(xg__state *st, xg__venue *v, xg__order_rec *r,
                const xg__pending *p, const xg_result *res)
{
    switch ((xg_op_kind)p->op) {
    case XG_OP_NEW_ORDER:
        on_new_order(st, v, r, p->order, res);
        return;
    case XG_OP_CANCEL_ORDER:
        on_cancel(st, v, r, p->order, res);
        return;
    case XG_OP_QUERY_ORDER:
        on_query(st, v, r, p->order, res);
        return;
    case XG_OP_AMEND_ORDER:
        on_amend(st, v, p->order, res);
        return;
    default:
        return; /* not an order's operation */
    }
}

/* No answer came to p, about order r (NULL for a venue's own
 * operation), sent and then its connection failed or timed out: what
 * changes an order may or may not have happened and is asked about; a
 * read is simply asked again. */
static void
on_lost_answer(xg__state *st, xg__venue *v, const xg__pending *p,
               xg__order_rec *r, const char *detail)
{
    if (p->op == XG_OP_NEW_ORDER) {
        xg__act_unknown(st, p->order, detail);
    } else if (p->op == XG_OP_CANCEL_ORDER) {
        r->needs_query = 1;
        r->cancel_in_doubt = 1;
        xg__act_queue(st, p->order, XG_OP_QUERY_ORDER, 0);
    } else if (p->op == XG_OP_AMEND_ORDER) {
        xg__act_amend_unknown(st, p->order);
    } else {
        requeue(st, v, p);
    }
}

/* A mass cancel answered (not a limit or a ban): the orders the venue
 * says it canceled are told so; the others asked to cancel are queried,
 * or, if the venue did not take the mass cancel, canceled one by one. */
static void
on_cancel_symbol(xg__answers *a, xg__venue *v, const xg__pending *p,
                 const xg_result *res)
{
    xg__state *st = a->st;
    const xg_instrument *ins = xg__sweep_instrument(v, p->instrument);
    if (res->outcome == XG_OUTCOME_OK && ins != NULL) {
        xg__sweep_match(st, v, ins, a->reports, a->n_reports);
    } else {
        xg__warn("venue %s: mass cancel refused: %.23s %.100s", v->cfg->name,
                 res->venue_code, res->venue_msg);
    }
    xg__act_cancel_symbol_done(st, v, ins != NULL ? ins->symbol : NULL,
                               res->outcome == XG_OUTCOME_OK);
}

static void
on_response(xg__answers *a, xg__venue *v, const xg__pending *p,
            xg__order_rec *r, const xg_http_response *resp)
{
    xg__state *st = a->st;
    xg_op op;
    xg__op_amend amend;
    xg__sender_op_for(v, r, p, &op, &amend);
    xg_result res;
    int is_list = p->op == XG_OP_OPEN_ORDERS || p->op == XG_OP_CANCEL_SYMBOL;
    xg_sink sink = {a, collect_instrument,
                    is_list ? collect_report : ignore_report, collect_balance,
                    collect_fill};
    parse_answer(a, v, &op, resp, &sink, &res);
    if (xg__op_is_start_up((xg_op_kind)p->op)) {
        on_venue_op(a, v, p, &res);
        return;
    }
    if (is_refused(st, v, p, &res)) {
        return;
    }
    switch ((xg_op_kind)p->op) {
    case XG_OP_NEW_ORDER:
    case XG_OP_CANCEL_ORDER:
    case XG_OP_QUERY_ORDER:
    case XG_OP_AMEND_ORDER:
        on_order_result(st, v, r, p, &res);
        return;
    case XG_OP_OPEN_ORDERS:
        /* Any failure other than a limit or a ban skips this symbol
         * until the next round. */
        xg__sweep_answered(st, v, p->instrument, &res, a->reports,
                           a->n_reports);
        return;
    case XG_OP_SERVER_TIME:
    case XG_OP_INSTRUMENTS:
    case XG_OP_ACCOUNT_ID:
        return; /* on_venue_op */
    case XG_OP_BATCH_NEW:
    case XG_OP_BATCH_CANCEL:
    case XG_OP_BATCH_AMEND:
        return; /* on_batch_done */
    case XG_OP_STREAM_TOKEN:
        xg__stream_token_answered(st, v, &res);
        return;
    case XG_OP_ORDER_FILLS:
        xg__fills_answered(st, v, p->order, r, &res, a->fills, a->n_fills);
        return;
    case XG_OP_BALANCES:
        on_balances(a, v, &res);
        return;
    case XG_OP_CANCEL_SYMBOL:
        on_cancel_symbol(a, v, p, &res);
        return;
    }
}

/* The venue's answer to batch f, whose orders still in the table are
 * rs (NULL: ended meanwhile). Each order's result is acted on as its
 * single answer would be; a limit or a ban refusing the whole request,
 * or some of its orders, puts them back in their order and the venue
 * waits once. */
static void
on_batch_response(xg__answers *a, xg__venue *v, xg__batch_flight *f,
                  xg__order_rec *const *rs, const xg_http_response *resp)
{
    xg__state *st = a->st;
    const xg_instrument *ins = xg__venue_instrument(v, f->orders[0].symbol);
    if (ins == NULL) {
        /* The venue's instrument list changed under the batch: its answer
         * cannot be read against what was sent, so each order is asked
         * about as after a lost answer. */
        for (size_t i = 0; i < f->n; i++) {
            if (rs[i] != NULL) {
                on_lost_answer(st, v, &f->items[i], rs[i],
                               "instrument gone from the venue's list");
            }
        }
        return;
    }
    xg_op op;
    xg_batch batch;
    xg_result res;
    xg__batch_op(f, ins, &batch, a->batch_results, &op);
    xg_sink sink = {a, collect_instrument, ignore_report, ignore_balance,
                    collect_fill};
    parse_answer(a, v, &op, resp, &sink, &res);
    /* Order i's result: its own where the venue answered each order, else
     * the request's. */
    const xg_result *results =
        res.outcome == XG_OUTCOME_OK ? a->batch_results : NULL;
    const xg_result *refusal = NULL;
    for (size_t i = f->n; i-- > 0;) {
        const xg_result *ri = results != NULL ? &results[i] : &res;
        if (rs[i] != NULL && is_limit_or_ban(ri)) {
            requeue_refused(st, v, &f->items[i], ri);
            if (refusal == NULL || ri->outcome == XG_OUTCOME_BANNED) {
                refusal = ri;
            }
        }
    }
    for (size_t i = 0; i < f->n; i++) {
        const xg_result *ri = results != NULL ? &results[i] : &res;
        if (rs[i] != NULL && !is_limit_or_ban(ri)) {
            on_order_result(st, v, rs[i], &f->items[i], ri);
        }
    }
    if (refusal != NULL) {
        tell_refused(st, v, refusal);
    }
}

/* A batch request ended (status as for a single one): each of its orders
 * learns what its own request would have told it. */
static void
on_batch_done(xg__answers *a, xg__venue *v, const xg__pending *p,
              xg__xfer_status status, const xg_http_response *resp,
              const char *detail)
{
    xg__state *st = a->st;
    xg__batch_flight *f = xg__batch_of(v, p);
    if (f == NULL) {
        return; /* a slot is freed here only: cannot happen */
    }
    xg__order_rec *rs[XG_BATCH_MAX];
    uint16_t op_bit = xg__op_bit((xg_op_kind)f->op);
    for (size_t i = 0; i < f->n; i++) {
        rs[i] = xg__sender_order_of(st, &f->items[i]);
        if (rs[i] != NULL) {
            rs[i]->in_flight &= (uint16_t)~op_bit;
        }
    }
    switch (status) {
    case XG_XFER_RESPONSE:
        on_batch_response(a, v, f, rs, resp);
        break;
    case XG_XFER_NOT_SENT:
        for (size_t i = f->n; i-- > 0;) {
            if (rs[i] != NULL) {
                requeue(st, v, &f->items[i]);
            }
        }
        venue_event(st, v, XG_HEALTH_UNREACHABLE, 0, 0, detail);
        break;
    case XG_XFER_NO_RESPONSE:
        for (size_t i = 0; i < f->n; i++) {
            if (rs[i] != NULL) {
                on_lost_answer(st, v, &f->items[i], rs[i], detail);
            }
        }
        break;
    }
    xg__batch_release(f);
}

void
xg__answers_on_done(void *ctx, void *user, uint64_t tag, xg__xfer_status status,
                    const xg_http_response *resp, const char *detail)
{
    xg__answers *a = ctx;
    xg__state *st = a->st;
    xg__venue *v = user;
    const xg__pending p = xg__pending_from_tag(tag);
    v->in_flight--;
    xg__state_mark(st, v); /* a connection is free again */
    if (xg__batch_single((xg_op_kind)p.op) != 0) {
        on_batch_done(a, v, &p, status, resp, detail);
        return;
    }
    uint16_t op_bit = xg__op_bit((xg_op_kind)p.op);
    v->probing_ops &= (uint16_t)~op_bit;
    if (status == XG_XFER_RESPONSE) {
        v->answered_ops |= op_bit;
    }
    xg__order_rec *r = xg__sender_order_of(st, &p);
    if (xg__sender_is_order_op((xg_op_kind)p.op) && r == NULL) {
        /* Finished meanwhile, and its slot given to another. */
        if (p.op == XG_OP_ORDER_FILLS) {
            xg__fills_dropped(v, p.order);
        }
        return;
    }
    if (r != NULL) {
        r->in_flight &= (uint16_t)~op_bit;
    }
    switch (status) {
    case XG_XFER_RESPONSE:
        on_response(a, v, &p, r, resp);
        return;
    case XG_XFER_NOT_SENT:
        /* Nothing reached the venue: the operation is simply still due,
         * and new orders may go to another venue meanwhile. */
        requeue(st, v, &p);
        venue_event(st, v, XG_HEALTH_UNREACHABLE, 0, 0, detail);
        return;
    case XG_XFER_NO_RESPONSE:
        on_lost_answer(st, v, &p, r, detail);
        return;
    }
}
